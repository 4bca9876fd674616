"""Bring crm text or CIB XML into a model: ``load replace|update|push`` and ``edit``.

Follows crmsh 4.4's CibDiff: statements naming new ids create objects, statements naming
existing ids replace them in place (property/defaults sets are merged on ``update``), and
with ``remove`` the objects of the edited scope that the text no longer names are deleted
(hanging constraints with them). Ids of unchanged parts are kept: every new element is
matched against the old one (nvpair by name, op by name+interval, sets by position...).
Work happens on a copy; the caller swaps it in, so an error changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from clushell.cib import edit
from clushell.cib.problems import Problem
from clushell.cib.render import CONSTRAINT_TAGS, CONTAINER_TAGS, iter_objects, object_id, object_type
from clushell.errors import ClushError

if TYPE_CHECKING:
    from clushell.cib.model import CibModel

NVSET_KINDS = ("property", "rsc_defaults", "op_defaults")
#: statements are applied in crmsh's processing order (things referenced come first)
_ORDER = {
    k: i
    for i, ks in enumerate(
        (
            ("node",),
            ("rsc_template",),
            ("primitive",),
            ("bundle",),
            ("group",),
            ("ms",),
            ("clone",),
            ("tag",),
            ("location", "colocation", "order"),
            ("rsc_ticket", "fencing_topology"),
            NVSET_KINDS,
        )
    )
    for k in ks
}


def _key(el) -> tuple[bool, str]:
    """(is node, id) -- nodes and other objects live in separate id spaces."""
    return el.tag == "node", object_id(el)


def _match_key(el, pos: int) -> tuple:
    tag = el.tag
    if tag == "nvpair":
        return (tag, el.get("name"))
    if tag == "op":
        return (tag, el.get("name"), el.get("interval"), el.get("role"))
    if tag in ("primitive", "group", "clone", "master"):
        return (tag, el.get("id"))
    return (tag, pos)


def _keyed(parent) -> list[tuple[tuple, object]]:
    """(match key, child) for the element children; repeated keys get an occurrence number."""
    pos: dict[str, int] = {}
    seen: dict[tuple, int] = {}
    out = []
    for c in parent:
        if not isinstance(c.tag, str):
            continue
        n = pos.get(c.tag, 0)
        pos[c.tag] = n + 1
        key = _match_key(c, n)
        k = seen.get(key, 0)
        seen[key] = k + 1
        out.append(((*key, k), c))
    return out


def keep_ids(model: CibModel, new, old) -> None:
    """Give children of ``new`` the ids of their counterparts in ``old`` (when free)."""
    olds = dict(_keyed(old))
    for key, c in _keyed(new):
        match = olds.get(key)
        if match is None:
            continue
        oid, nid = match.get("id"), c.get("id")
        if oid and nid and oid != nid and c.tag not in ("primitive", "group", "clone", "master", "resource_ref"):
            if not model.id_in_use(oid) or model.index.get(oid) is match:
                model.unregister(c)
                c.set("id", oid)
                model.register(c)
        keep_ids(model, c, match)


def _detach(model: CibModel, el) -> tuple:
    """Remove ``el`` without side effects on constraints; container members go to the top."""
    parent, pos = el.getparent(), el.getparent().index(el)
    if el.tag in CONTAINER_TAGS:
        resources = model.section("resources")
        for child in [c for c in el if isinstance(c.tag, str) and c.tag in ("primitive", "group", "clone", "master")]:
            el.remove(child)
            resources.append(child)
    model.remove(el)
    return parent, pos


def _statements(text: str, source: str) -> list:
    from clushell.cib.build import parse_statement
    from clushell.cib.lexer import split_statements

    out = []
    seen: set[tuple[bool, str]] = set()
    for stmt in split_statements(text, source=source):
        try:
            p = parse_statement(stmt.tokens, stmt.text)
        except ClushError as exc:
            where = f"{source}:{stmt.position(exc.column)}: "
            raise ClushError(f"{where}{exc.message}", details=exc.details) from None  # the position is in it
        if p.kind == "xml":
            # an object given as XML (a node whose name needs it, say) replaces its namesake like a statement
            el = p.element
            ident = None
            if el is not None and el.get("id") and el.tag != "fencing-topology":
                ident = (el.tag == "node", el.get("id"))
        elif p.kind == "monitor":
            ident = None
        elif p.kind == "node":
            ident = (True, p.extra.get("node_id") or p.ident)
        else:
            ident = (False, p.ident)
        if ident is not None:
            if ident in seen:
                raise ClushError(f"{source}:{stmt.line}: duplicate {'node' if ident[0] else 'object'} {ident[1]}")
            seen.add(ident)
        out.append((p, ident, stmt))
    # crm resolves the whole file first: within a kind, statements that refer to a set or rule
    # by $id-ref come after those that may define it
    # a tag naming a constraint of the file (crm's show puts tags first) comes after constraints
    cons = {ident[1] for p, ident, _ in out if ident is not None and p.kind in _CONSTRAINT_KINDS}
    late = _ORDER["rsc_ticket"] + 0.5

    def rank(p) -> float:
        if p.kind == "tag" and any(t.text in cons for t in p.refs):
            return late
        return _ORDER.get(p.kind, 99)

    out.sort(key=lambda t: (rank(t[0]), _refers(t[0])))
    return out


_CONSTRAINT_KINDS = ("location", "colocation", "order", "rsc_ticket")


def _refers(p) -> bool:
    el = p.element
    return el is not None and any(
        isinstance(sub.tag, str) and sub.tag != "nvpair" and sub.get("id-ref") is not None for sub in el.iter()
    )


def merge_text(
    model: CibModel,
    text: str,
    *,
    method: str = "replace",
    remove: bool = False,
    scope: Iterable | None = None,
    source: str = "<input>",
    providers=None,
    previous: dict | None = None,
) -> tuple[CibModel, list[Problem]]:
    """Apply crm text to a copy of ``model``; returns (new model, messages).

    ``scope`` are the objects being edited (default: all); with ``remove`` the ones the
    text does not mention are deleted; ids outside the scope may not be redefined.
    ``previous`` maps (is node, id) to elements of an earlier version (``load replace``
    erases first): recreated objects take their sub-ids from there, so a show -> load
    round trip keeps every id.
    """
    from clushell.cib import apply_text

    work = model.copy()
    scope_keys = [_key(o) for o in (scope if scope is not None else iter_objects(model.configuration))]
    statements = _statements(text, source)
    named = {ident for _, ident, _ in statements if ident is not None}
    if remove and scope is not None:
        locked = [i for i in named if i not in scope_keys and _exists(work, i)]
        if locked:
            raise ClushError(f"Elements {', '.join(sorted(i[1] for i in locked))} already exist")
    msgs: list[Problem] = []
    doomed = [k for k in scope_keys if k not in named] if remove else []
    # constraints and containers first, in case members move elsewhere (as crmsh)
    first = [k for k in doomed if _tag(work, k) in CONSTRAINT_TAGS + tuple(CONTAINER_TAGS)]
    _delete(work, first, msgs)
    for p, ident, stmt in statements:
        old = _find(work, ident) if ident is not None else None
        if old is not None and method == "update" and p.kind in NVSET_KINDS:
            old = None  # crmsh merges nvpairs into an existing set on update
        place = None
        keep = None
        if old is not None:
            import copy

            keep = copy.deepcopy(old)
            place = _detach(work, old)
        text_as_written = stmt.source_lines or stmt.text  # continuations kept: errors name the physical line
        stmt_text = text_as_written if not stmt.comments else "\n".join([*stmt.comments, text_as_written])
        # blank lines first, so that an error names the statement's line in the file
        pad = "\n" * max(stmt.line - 1 - len(stmt.comments), 0)
        msgs.extend(apply_text(work, pad + stmt_text + "\n", source=source, providers=providers))
        if keep is None and previous and ident in previous:
            new = _find(work, ident)
            if new is not None:
                keep_ids(work, new, previous[ident])
        if keep is not None and place is not None:
            new = _find(work, ident)
            if new is not None:
                keep_ids(work, new, keep)
                parent, pos = place
                if parent.getparent() is not None or parent is work.configuration:
                    new.getparent().remove(new)
                    parent.insert(min(pos, len(parent)), new)
    _delete(work, [k for k in doomed if k not in first], msgs)
    return work, msgs


def snapshot(model: CibModel) -> dict:
    """(is node, id) -> copy of every object, for ``merge_text(previous=...)``."""
    import copy

    return {_key(o): copy.deepcopy(o) for o in iter_objects(model.configuration)}


def _exists(model: CibModel, key: tuple[bool, str]) -> bool:
    return _find(model, key) is not None


def _find(model: CibModel, key: tuple[bool, str]):
    is_node, ident = key
    if is_node:
        found = model.nodes.get(ident)  # an element without children is falsy: test for None
        return found if found is not None else model.node(ident)
    if ident == "fencing_topology":
        return model.configuration.find("fencing-topology")
    el = model.index.get(ident)
    return el if el is not None and object_type(el) is not None else None


def _tag(model: CibModel, key: tuple[bool, str]) -> str:
    el = _find(model, key)
    return "" if el is None else el.tag


def _delete(model: CibModel, keys: list[tuple[bool, str]], msgs: list[Problem]) -> None:
    for key in keys:
        el = _find(model, key)
        if el is None:
            continue  # went away with something deleted before
        if key[0]:
            model.remove(el)
        else:
            msgs.extend(edit.delete(model, [key[1]]))


def merge_xml(model: CibModel, data: bytes, *, remove: bool = False, scope: Iterable | None = None,
              source: str = "") -> CibModel:
    """``load xml``: objects of a ``<cib>`` (or ``<configuration>``) document replace same-id ones.
    Errors name ``source`` (the file) with line and column."""
    import re

    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(remove_blank_text=True))
    except etree.XMLSyntaxError as exc:  # one position, ours: not libxml's ', line L, column C (<string>, ...)'
        what = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))
        line, column = exc.position
        raise ClushError(f"{source or 'the XML'}:{line}:{column}: not well-formed XML: {what}") from None
    conf = root if root.tag == "configuration" else root.find("configuration")
    if conf is None:
        raise ClushError(f"{source + ': ' if source else ''}the XML has no <configuration> element "
                         f"(its root is <{root.tag}>)")
    work = model.copy()
    scope_keys = [_key(o) for o in (scope if scope is not None else iter_objects(model.configuration))]
    tops = []
    for sec in conf:
        if not isinstance(sec.tag, str):
            continue
        if sec.tag == "fencing-topology":
            tops.append((sec, "configuration"))
        elif sec.tag in ("rsc_defaults", "op_defaults"):
            tops.extend((c, sec.tag) for c in sec.iterchildren("meta_attributes"))
        else:
            tops.extend((c, sec.tag) for c in sec if isinstance(c.tag, str) and object_type(c))
    named = set()
    for el, section in tops:
        key = _key(el)
        named.add(key)
        named.update(_key(c) for c in el.iter("primitive", "group", "clone", "master") if c is not el)
        old = _find(work, key)
        if old is not None:
            if old.tag in CONTAINER_TAGS:
                _detach_members_dupes(work, el)
            parent, pos = _detach(work, old)
            parent.insert(pos, el)
        else:
            _detach_members_dupes(work, el)
            if section == "configuration":
                work.configuration.append(el)
            else:
                work.section(section).append(el)
        work.register(el)
    if remove:
        msgs: list[Problem] = []
        _delete(work, [k for k in scope_keys if k not in named], msgs)
    return work


def _detach_members_dupes(model: CibModel, el) -> None:
    """Resources inside an incoming container replace same-id resources elsewhere."""
    for c in el.iter("primitive", "group", "clone", "master"):
        if c is el:
            continue
        other = model.index.get(c.get("id"))
        if other is not None and other.tag == c.tag:
            _detach(model, other)
