"""Version-guarded ``cibadmin --modify``: a compare-and-swap Pacemaker applies with change tracking.

``cibadmin --modify --xpath P`` changes only what ``P`` selects and fails (rc 105, nothing written)
when ``P`` selects nothing. With ``P`` starting ``/cib[@admin_epoch='A' and @epoch='E']`` the
change applies only while the configuration is still the one read at A.E: the check and the write
are one request in the CIB daemon. The daemon bumps the epoch on every configuration change;
num_updates counts status changes only (probes, operation results, transient attributes), which a
configuration edit cannot overwrite, so they do not refuse it. (A versioned ``--patch`` is applied
only at its exact source version, num_updates included: on a busy cluster it is refused more
often, and the three-way path then re-reads and decides.) A versioned patch costs the daemon a
whole-CIB comparison (it infers what changed: ~2 s CPU at 4000 primitives); a modify is tracked as
it is made (~0.5 s). Only what a modify says exactly as the patch would is sent this way:

- attributes set on one existing element (no attribute removed, nothing created, moved or deleted);
- new objects at the end of one section (the daemon merges them by tag and id: every element of
  theirs must be told apart from its siblings by tag and id, or id-ref).

A config change makes the daemon bump the epoch and reset num_updates, so the new version is
known without asking: (A, E + 1, 0).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from clushell.errors import ClushError
from clushell.pacemaker.cibadmin import BIG_CIB_TIMEOUT, CommitInterrupted
from clushell.transport.base import Result, Runner

if TYPE_CHECKING:
    from lxml.etree import _Element

Version = tuple[int, int, int]
# a path step crm_diff writes: a tag, with its id when it has one
_STEP = re.compile(r"/([A-Za-z_][\w.-]*)(?:\[@id='([^'<>&\"]+)'\])?")


def guard(ver: Version) -> str:
    """The XPath of the ``<cib>`` element, only while its configuration is at version ``ver``
    (admin_epoch and epoch; num_updates moves with status updates alone)."""
    return f"/cib[@admin_epoch='{ver[0]}' and @epoch='{ver[1]}']"


def after(ver: Version) -> Version:
    """The version a configuration change made at ``ver`` leaves."""
    return ver[0], ver[1] + 1, 0


def modify(runner: Runner, ver: Version, path: str, element: _Element) -> Result:
    """``cibadmin --modify`` of ``element`` at ``path`` (under /cib, e.g. /configuration/resources),
    applied only while the CIB is at ``ver``; rc 105 (nothing written) once it has moved."""
    from lxml import etree

    return runner.run(["cibadmin", "--modify", "--xpath", guard(ver) + path, "--xml-pipe"],
                      stdin=etree.tostring(element), timeout=BIG_CIB_TIMEOUT)


def one_set(patch: str) -> tuple[str, _Element] | None:
    """A crm_diff v2 patch that only sets attributes of one existing configuration element, as
    (path under /cib, the element to send: its tag, id and the attributes set); else None."""
    from lxml import etree

    from clushell.cib import change as chg

    root = chg.parse(patch)
    changes = [c for c in root.iterfind("change") if c.get("path") != "/cib"]
    if len(changes) != 1 or changes[0].get("operation") != "modify":
        return None
    path = changes[0].get("path", "")
    steps = _STEP.findall(path)
    if not path.startswith("/cib/configuration/") or "".join(
            f"/{t}" + (f"[@id='{i}']" if i else "") for t, i in steps) != path or not steps[-1][1]:
        return None
    sets = list(changes[0].iterfind("change-list/change-attr"))
    if not sets or any(a.get("operation") != "set" or a.get("name") in (None, "id") for a in sets):
        return None
    # Pacemaker reads "name++" / "name+=N" as arithmetic on the old value: the patch route keeps that
    if any((a.get("value") or "").startswith(f"{a.get('name')}+") for a in sets):
        return None
    tag, rid = steps[-1]
    el = etree.Element(tag, id=rid)
    for a in sets:
        el.set(a.get("name"), a.get("value") or "")
    return path[len("/cib"):], el


def mergeable(section: _Element) -> bool:
    """New objects the daemon's merge recreates exactly: elements only, each with an id at the top
    and each told apart from its siblings (a child with neither id nor id-ref is matched by its tag
    alone, so it must be the only one of its tag), and no value read as arithmetic ("name++")."""
    everything = list(section.iter())
    if any(not isinstance(el.tag, str) for el in everything):
        return False  # a comment or processing instruction
    if section.attrib or not len(section) or any(kid.get("id") is None for kid in section):
        return False
    for el in everything:
        keys = [(kid.tag, kid.get("id"), kid.get("id-ref")) for kid in el]
        tags = [k[0] for k in keys]
        if len(set(keys)) != len(keys) or any(i is None and r is None and tags.count(t) > 1 for t, i, r in keys):
            return False
        if any(v.startswith(f"{k}+") for k, v in el.attrib.items()):
            return False
    return True


def set_one(runner: Runner, ver: Version, patch: str) -> Result | None:
    """The change of ``patch`` (crm_diff from version ``ver``) as a guarded modify, if it is one
    attribute set (:func:`one_set`) on the cluster or a CIB file here (a file: its locked copy,
    clushell.pacemaker.filetxn); None when the patch must go instead."""
    found = one_set(patch) if runner.where == "local" else None
    return None if found is None else modify(runner, ver, *found)


def created_interrupt(runner: Runner, section: _Element) -> CommitInterrupted:
    """Ctrl-C while new objects were sent (clushell.pacemaker.cibio.commit_created): are they in now?"""
    from clushell.cib import change as chg
    from clushell.pacemaker.cibio import query

    try:
        live = chg.parse(query(runner))
    except ClushError as exc:
        return CommitInterrupted(False, f"interrupted during the commit; whether it was applied is unknown ({exc}): "
                                 "check with 'show'")
    ver = chg.version_text(chg.version(live))
    there = live.find(f"configuration/{section.tag}")
    have = {(el.tag, el.get("id")) for el in (there if there is not None else ())}
    found = [(el.tag, el.get("id")) in have for el in section]
    if all(found):
        return CommitInterrupted(True, f"interrupted, but the change was applied (version {ver})")
    if not any(found):
        return CommitInterrupted(False, f"interrupted: nothing was changed (version {ver})")
    return CommitInterrupted(False, f"interrupted during the commit and the CIB has changed since (version {ver}); "
                             "your changes are kept: 'refresh' to look")
