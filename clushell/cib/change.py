"""Snapshot vs pending vs live: what changed, whether two changes collide, and the rebase.

Pure (no I/O): the v2 patches come from crm_diff (clushell.pacemaker.cibio runs it); this
module reads them, decides conflicts at the level of one element's attribute (or the whole
element for create/delete, its position for move), and replays "my" patch on a newer CIB.

Why not let Pacemaker apply a version-less patch (what crmsh and pcs do): its ``modify``
replaces *all* attributes of the element with the patch's ``change-result``, so a concurrent
change to the same attribute is silently overwritten.  Here a collision is refused and shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from clushell.errors import ClushError

WHOLE = "*"  # the element itself (created or deleted)
POSITION = "#position"  # its place among its siblings (moved)
VERSION_ATTRS = ("admin_epoch", "epoch", "num_updates")
_PARSER = etree.XMLParser(remove_blank_text=True, huge_tree=True)


class CommitConflict(ClushError):
    """Someone else changed what the pending changes also change; nothing was written."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        objs = sorted({c.object_id for c in conflicts})
        head = (f"commit refused: the CIB was changed by someone else since it was loaded, and the change "
                f"collides with yours on {', '.join(objs)}; nothing was written (your changes are kept: "
                "'refresh' and redo them, or 'commit force' to overwrite)")
        super().__init__(head, details=explain(conflicts))


@dataclass(frozen=True)
class Change:
    """One change of a v2 patch (``crm_diff`` output)."""

    op: str  # create | delete | modify | move
    path: str  # XPath of the element changed (for create: of the new element)
    parent: str  # XPath of the parent
    attrs: dict[str, str | None] = field(default_factory=dict)  # modify: name -> new value / None = unset
    position: int | None = None
    element: etree._Element | None = None  # create: the new subtree

    def aspects(self) -> set[str]:
        if self.op == "modify":
            return set(self.attrs)
        return {POSITION} if self.op == "move" else {WHOLE}


@dataclass(frozen=True)
class Conflict:
    path: str
    object_id: str
    aspect: str  # what collides: an attribute (or nvpair) name, "(whole element)" or "(order)"
    loaded: str
    now: str
    yours: str


def parse(xml: bytes | str) -> etree._Element:
    """A CIB document, whitespace-insensitive (pretty and compact forms compare equal)."""
    data = xml.encode() if isinstance(xml, str) else xml
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ClushError(f"the CIB is not well-formed XML: {exc}") from None


def version(root: etree._Element) -> tuple[int, int, int]:
    return tuple(int(root.get(a) or 0) for a in VERSION_ATTRS)  # type: ignore[return-value]


def version_text(v: tuple[int, int, int]) -> str:
    return ".".join(str(x) for x in v)


def without_status(root: etree._Element) -> etree._Element:
    """A copy of the CIB whose <status> is empty (patches never touch it)."""
    copy = etree.fromstring(etree.tostring(root), _PARSER)
    st = copy.find("status")
    if st is not None:
        for child in list(st):
            st.remove(child)
    return copy


def strip_status(root: etree._Element) -> etree._Element:
    """``root`` itself with its <status> emptied (for documents parsed just for this)."""
    st = root.find("status")
    if st is not None:
        for child in list(st):
            st.remove(child)
    return root


def _same(a: etree._Element, b: etree._Element) -> bool:
    """Equal elements: plain serialisation first (cheap), canonical form to be sure."""
    return etree.tostring(a) == etree.tostring(b) or etree.tostring(a, method="c14n") == etree.tostring(
        b, method="c14n")


def configuration_equal(a: etree._Element, b: etree._Element) -> bool:
    ca, cb = a.find("configuration"), b.find("configuration")
    if ca is None or cb is None:
        return ca is cb
    return _same(ca, cb)


def parse_patch(text: str) -> list[Change]:
    """The changes of a crm_diff v2 patch, ignoring the /cib version bookkeeping."""
    root = parse(text)
    out: list[Change] = []
    for ch in root.iterfind("change"):
        op, path = ch.get("operation", ""), ch.get("path", "")
        if path == "/cib":
            continue
        pos = int(ch.get("position")) if (ch.get("position") or "").isdigit() else None
        if op == "create":
            kid = next((c for c in ch if isinstance(c.tag, str)), None)
            if kid is None:
                continue
            pred = f"[@id='{kid.get('id')}']" if kid.get("id") else ""
            out.append(Change(op, f"{path}/{kid.tag}{pred}", path, position=pos, element=kid))
        elif op == "modify":
            attrs = {a.get("name", ""): (a.get("value") if a.get("operation") == "set" else None)
                     for a in ch.iterfind("change-list/change-attr")}
            out.append(Change(op, path, path.rsplit("/", 1)[0], attrs=attrs))
        else:
            out.append(Change(op, path, path.rsplit("/", 1)[0], position=pos))
    return out


def _object_id(path: str) -> str:
    ids = re.findall(r"\[@id='([^']*)'\]", path)
    return ids[-1] if ids else path.rsplit("/", 1)[-1]


def _find(root: etree._Element, path: str) -> etree._Element | None:
    try:
        found = root.xpath(path)
    except etree.XPathError:
        return None
    return found[0] if isinstance(found, list) and found else None


def _state(root: etree._Element, path: str, aspect: str) -> str:
    """How ``aspect`` of the element at ``path`` looks in ``root`` (for comparing and showing)."""
    el = _find(root, path)
    if el is None:
        return "(absent)"
    if aspect == WHOLE:
        return etree.tostring(el, method="c14n").decode()
    if aspect == POSITION:
        parent = el.getparent()
        sibs = [c for c in parent if isinstance(c.tag, str)] if parent is not None else [el]
        return f"position {sibs.index(el) + 1}: " + " ".join(c.get("id", c.tag) for c in sibs)
    value = el.get(aspect)
    return "(unset)" if value is None else value


def _whole(state: str, loaded: str) -> str:
    if state == "(absent)":
        return "(deleted)" if loaded != "(absent)" else "(absent)"
    if loaded == "(absent)":
        return "created"
    return "as loaded" if state == loaded else "changed"


def _short(text: str, width: int = 38) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _related(a: str, b: str) -> bool:
    return a == b or b.startswith(a + "/") or a.startswith(b + "/")


def find_conflicts(orig: etree._Element, live: etree._Element, mine: etree._Element,
                   my_changes: list[Change], their_changes: list[Change]) -> list[Conflict]:
    """Where my changes and theirs touch the same thing and do not end the same way."""
    found: dict[tuple[str, str], Conflict] = {}
    for m in my_changes:
        for t in their_changes:
            if not _related(m.path, t.path):
                continue
            if m.path == t.path:
                mine_a, theirs_a = m.aspects(), t.aspects()
                if WHOLE in mine_a or WHOLE in theirs_a:
                    aspects = {WHOLE}
                else:
                    aspects = mine_a & theirs_a
                path = m.path
            else:
                # nested: only a create/delete of the outer element collides with the inner change
                outer = m if t.path.startswith(m.path + "/") else t
                if outer.op not in ("create", "delete"):
                    continue
                aspects, path = {WHOLE}, outer.path
            for aspect in aspects:
                now, yours = _state(live, path, aspect), _state(mine, path, aspect)
                if now == yours:
                    continue  # both sides ended the same way
                loaded = _state(orig, path, aspect)
                if aspect == WHOLE:  # show how each side differs from what was loaded, not raw XML
                    now, yours = _whole(now, loaded), _whole(yours, loaded)
                    loaded = "(absent)" if loaded == "(absent)" else "present"
                owner, what = _label(path, aspect, (mine, live, orig))
                found[(path, aspect)] = Conflict(path, owner, what, loaded, now, yours)
    return list(found.values())


SET_TAGS = ("instance_attributes", "meta_attributes", "utilization")


def _label(path: str, aspect: str, docs: tuple[etree._Element, ...]) -> tuple[str, str]:
    """(object, what) as a user thinks of it: an nvpair's value is "<resource> <name>"."""
    el = next((e for e in (_find(d, path) for d in docs) if e is not None), None)
    if el is not None and el.tag == "nvpair" and aspect == "value":
        owner = el.getparent()
        while owner is not None and (owner.tag in SET_TAGS or owner.get("id") is None):
            owner = owner.getparent()
        if owner is not None:
            return owner.get("id", ""), el.get("name", aspect)
    what = {WHOLE: "(whole element)", POSITION: "(order)"}.get(aspect, aspect)
    return _object_id(path), what


def explain(conflicts: list[Conflict]) -> str:
    """Three columns: what you loaded, what is there now, what you want."""
    rows = [("object / attribute", "loaded", "now", "yours")]
    for c in conflicts:
        rows.append((f"{c.object_id} {c.aspect}", _short(c.loaded), _short(c.now), _short(c.yours)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  " + "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows)


def rebase(live: etree._Element, changes: list[Change], *, force: bool = False) -> tuple[etree._Element, list[str]]:
    """``live`` (a copy) with ``changes`` replayed on it; also what could not be replayed (force only)."""
    out = etree.fromstring(etree.tostring(live), _PARSER)
    skipped: list[str] = []

    def cannot(change: Change, why: str) -> None:
        if not force:
            raise ClushError(f"cannot apply your change to {_object_id(change.path)} on the current CIB: {why}")
        skipped.append(f"{change.op} {_object_id(change.path)}: {why}")

    for ch in changes:
        el = _find(out, ch.path)
        if ch.op == "create":
            parent = _find(out, ch.parent)
            if parent is None:
                cannot(ch, "its parent no longer exists")
                continue
            if el is not None:
                parent.remove(el)  # created by both sides: ours wins (equal ones were not a conflict)
            kids = [c for c in parent if isinstance(c.tag, str)]
            new = etree.fromstring(etree.tostring(ch.element), _PARSER)
            pos = ch.position if ch.position is not None else len(kids)
            if pos < len(kids):
                kids[pos].addprevious(new)
            else:
                parent.append(new)
        elif el is None:
            if ch.op != "delete":  # deleting what is already gone is fine
                cannot(ch, "it no longer exists")
        elif ch.op == "delete":
            el.getparent().remove(el)
        elif ch.op == "modify":
            for name, value in ch.attrs.items():
                if value is None:
                    el.attrib.pop(name, None)
                else:
                    el.set(name, value)
        elif ch.op == "move":
            parent = el.getparent()
            parent.remove(el)
            kids = [c for c in parent if isinstance(c.tag, str)]
            pos = ch.position if ch.position is not None else len(kids)
            if pos < len(kids):
                kids[pos].addprevious(el)
            else:
                parent.append(el)
    return out, skipped


def with_configuration(base: etree._Element, source: etree._Element) -> etree._Element:
    """``base`` (a copy) whose <configuration> is the one of ``source``, num_updates + 1.

    Raising num_updates makes the versioned patch's target newer than its source, which
    Pacemaker requires; the configuration change then bumps epoch as usual.
    """
    new = etree.fromstring(etree.tostring(base), _PARSER)
    conf = source.find("configuration")
    old = new.find("configuration")
    if conf is None or old is None:
        raise ClushError("the CIB has no <configuration> section")
    new.replace(old, etree.fromstring(etree.tostring(conf), _PARSER))
    new.set("num_updates", str(int(base.get("num_updates") or 0) + 1))
    return new


def on_top_of(doc: etree._Element, base: etree._Element) -> etree._Element:
    """What ``with_configuration(base, doc)`` builds, made from ``doc`` itself (no copy of a
    big CIB): base's root attributes, num_updates + 1.  Both must have their status stripped."""
    def rest(root: etree._Element) -> list[bytes]:
        return [etree.tostring(c) for c in root if c.tag != "configuration"]

    if rest(doc) != rest(base) or any(len(c) for c in doc if c.tag != "configuration"):
        return with_configuration(base, doc)
    doc.attrib.clear()
    doc.attrib.update(base.attrib)
    doc.set("num_updates", str(int(base.get("num_updates") or 0) + 1))
    return doc


# -- making crm_diff fast on big CIBs ---------------------------------------------------------
def which_side(live: etree._Element, before: etree._Element, after: etree._Element,
               changes: list[Change]) -> str | None:
    """"after" if every aspect ``changes`` touch looks as in ``after``, "before" if all look as in
    ``before``, None if neither (someone else changed them meanwhile).  Other objects are ignored,
    so concurrent unrelated changes do not blur the answer."""
    sides = {"before": before, "after": after}
    verdict = set()
    for ch in changes:
        for aspect in ch.aspects():
            now = _state(live, ch.path, aspect)
            matches = {name for name, doc in sides.items() if _state(doc, ch.path, aspect) == now}
            if not matches:
                return None
            if len(matches) == 1:
                verdict |= matches
    return verdict.pop() if len(verdict) == 1 else None
