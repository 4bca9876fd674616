"""Fast commit of new objects to a CIB file on this machine.

``cibadmin --patch`` makes Pacemaker infer the whole change after applying it, comparing
every child of every section pairwise: about a second on 4000 primitives, whatever the
patch.  ``cibadmin --modify`` records its changes as it makes them (a third of a second).
When a commit only *adds* objects at the end of their sections -- the usual "define one
more resource or constraint" -- and the file is still at the version that was loaded,
one ``--modify`` of the configuration with just the new objects gives exactly the
pending configuration.  Anything else (edits, deletions, moves, a file changed since
load, a live cluster, a remote target) goes through the conflict-safe patch protocol of
clushell.pacemaker.cibio.

Concurrency: a CIB file has no daemon serialising its writers; ``cibadmin`` reads the file,
applies its operation and writes it back.  The version is checked just before running
cibadmin; like the versioned patch, this leaves only cibadmin's own read-to-write window,
and ``--modify`` of new objects merges into whatever cibadmin read, never replacing it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from clushell.cib.change import VERSION_ATTRS
from clushell.errors import ClushError
from clushell.transport.base import Runner

if TYPE_CHECKING:
    from lxml import etree

    from clushell.cib.model import CibModel


def _is_el(node: Any) -> bool:
    return isinstance(node.tag, str)


def local_cib_file(runner: Runner) -> str | None:
    """The CIB file of a target on this machine (None: ask cibadmin)."""
    if runner.where != "local":
        return None
    path = runner.base_env.get("CIB_file")
    return path if path and not path.endswith(".bz2") else None


def read_direct(runner: Runner) -> bytes | None:
    """The target's CIB file as ``cibadmin --query`` would give it, or None: ask cibadmin.

    Only a local file in the usual form: complete (cibadmin rewrites files in place, so a
    reader can catch one cut short) and with its version attributes; cibadmin normalises
    anything else or says what is wrong with it.
    """
    path = local_cib_file(runner)
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    head = data[: data.find(b">") + 1]
    # the tail only: rstrip() of the whole file would copy all of it
    if not (head.lstrip().startswith(b"<cib ") and data[-4096:].rstrip().endswith(b"</cib>")):
        return None
    if not all(f' {a}="'.encode() in head for a in (*VERSION_ATTRS, "validate-with")):
        return None
    m = re.search(rb'\svalidate-with="([^"]*)"', head)
    if m is None or not known_schema(m.group(1).decode("utf-8", "replace")):
        return None  # cibadmin will refuse it; check_file says why
    if b"<status" not in data:  # cibadmin adds an empty one
        before, end, after = data.rpartition(b"</cib>")
        data = before + b"<status/>" + end + after
    return data


SCHEMA_DIR = "/usr/share/pacemaker"


def known_schema(name: str) -> bool:
    """Does the Pacemaker here know validate-with=``name``? (True when it cannot tell.)"""
    if name in ("none", "pacemaker-next"):
        return True
    if not os.path.isdir(SCHEMA_DIR):
        return True
    return os.path.exists(os.path.join(SCHEMA_DIR, f"{name}.rng"))


def check_file(path: str) -> None:
    """Raise a one-line ClushError naming ``path`` and what is wrong with it as a CIB, if anything."""
    from lxml import etree

    def bad(why: str) -> ClushError:
        return ClushError(f"CIB file {path} cannot be used: {why}")

    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise bad(f"cannot read it ({exc.strerror})") from None
    if not data.strip():
        raise bad("it is empty")
    try:
        root = etree.fromstring(data, etree.XMLParser(huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise bad(f"not well-formed XML ({exc.msg}); truncated or not a CIB") from None
    if root.tag != "cib":
        raise bad(f"the root element is <{root.tag}>, not <cib>")
    if root.find("configuration") is None:
        raise bad("it has no <configuration> section")
    schema = root.get("validate-with")
    if schema and not known_schema(schema):
        raise bad(f'unknown schema validate-with="{schema}" (the Pacemaker here does not have it)')


def appended(original: CibModel, pending: CibModel, serialised: tuple[Any, Any] | None = None
             ) -> etree._Element | None:
    """A ``<configuration>`` holding what ``pending`` appends to ``original``, if that is all.

    None when anything else differs (or nothing does). Sections new in ``pending`` must
    come after all existing ones; their whole content is appended. ``serialised``: both
    configurations as the commit has already serialised them, section by section
    ((attributes, text, [(tag, children, bytes) of each child]) each, as
    clushell.pacemaker.workspace._sections makes them): each section is then not serialised again.
    """
    from lxml import etree

    conf_o, conf_p = original.configuration, pending.configuration
    if dict(conf_o.attrib) != dict(conf_p.attrib) or conf_o.text or conf_p.text:
        return None
    secs_o, secs_p = list(conf_o), list(conf_p)
    if not all(_is_el(s) for s in secs_o + secs_p) or len(secs_p) < len(secs_o):
        return None
    known_o, known_p = serialised if serialised is not None else (None, None)
    data_o, data_p = _serialised(secs_o, known_o), _serialised(secs_p, known_p)
    frag = etree.Element("configuration")
    for i, sec_p in enumerate(secs_p):
        if i >= len(secs_o):  # a new section after the existing ones
            if any(s.tag == sec_p.tag for s in secs_o):
                return None
            frag.append(etree.fromstring(etree.tostring(sec_p)))
            continue
        sec_o = secs_o[i]
        if sec_o.tag != sec_p.tag:
            return None
        n = len(sec_o)
        if len(sec_p) == n:
            if data_o(i) != data_p(i):
                return None
            continue
        if n == 0 or len(sec_p) < n or dict(sec_o.attrib) != dict(sec_p.attrib):
            return None
        new = list(sec_p)[n:]
        if not all(_is_el(c) and c.get("id") for c in new):
            return None  # comments or id-less children: cannot be matched reliably
        if not _prefix_equal(sec_o.tag, data_o(i), data_p(i), new):
            return None
        part = etree.SubElement(frag, sec_p.tag)
        for child in new:
            part.append(etree.fromstring(etree.tostring(child)))
    return frag if len(frag) else None


def _serialised(secs: list, known: Any) -> Callable[[int], bytes]:
    """Section ``i`` of ``secs`` serialised: from ``known`` (see :func:`appended`) when it
    describes these very sections, else serialised now."""
    from lxml import etree

    data = known[2] if known is not None else None
    if data is None or len(data) != len(secs) or any(
            tag != s.tag or count != len(s) for (tag, count, _), s in zip(data, secs, strict=True)):
        return lambda i: etree.tostring(secs[i])
    return lambda i: data[i][2]


def _prefix_equal(tag: str, whole_o: bytes, whole_p: bytes, new: list) -> bool:
    """Is section ``whole_p`` exactly ``whole_o`` plus the elements ``new`` at its end (both
    serialised)?  One serialisation of each side instead of one per child (sections hold
    thousands of objects)."""
    from lxml import etree

    end = f"</{tag}>".encode()
    if not whole_o.endswith(end) or not whole_p.endswith(end):
        return False
    added = b"".join(etree.tostring(c) for c in new)
    return whole_p == whole_o[: -len(end)] + added + end


def added_ids(frag: etree._Element) -> list[str]:
    """Ids of the objects in a fragment from :func:`appended` (nested resources included)."""
    from clushell.cib.model import RESOURCE_TAGS

    out = []
    for sec in frag:
        for obj in sec:
            if sec.tag == "fencing-topology":
                out.append("fencing_topology")
                break
            out.append(obj.get("id", ""))
            out.extend(el.get("id", "") for el in obj.iterdescendants() if el.tag in RESOURCE_TAGS)
    return sorted(set(out))


def file_version(path: str) -> tuple[str | None, ...] | None:
    """(admin_epoch, epoch, num_updates) from the ``<cib>`` tag of a CIB file, None if unreadable."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    m = re.search(rb"<cib\b[^>]*>", head)
    if m is None:
        return None
    tag = m.group(0).decode("utf-8", "replace")
    found = {k: v for k, v in re.findall(r'\s([\w-]+)="([^"]*)"', tag)}
    return tuple(found.get(a) for a in VERSION_ATTRS)


def commit_appended(runner: Runner, path: str, loaded: tuple[str | None, ...], frag: etree._Element) -> bool:
    """Add the objects of ``frag`` to the CIB file with one ``cibadmin --modify``.

    False (nothing done) when the file is no longer at the version ``loaded`` (admin_epoch,
    epoch, num_updates as read): the caller then takes the three-way path. Raises
    CommitFailed when cibadmin refuses.
    """
    from lxml import etree

    from clushell.pacemaker.cibadmin import run_checked

    if file_version(path) != tuple(loaded):
        return False
    run_checked(runner, ["cibadmin", "--modify", "--scope", "configuration", "--xml-pipe"], "commit failed",
                stdin=etree.tostring(frag))
    return True
