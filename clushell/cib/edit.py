"""delete / rename / modgroup / set / erase on a CibModel, with crmsh 4.4's side effects.

Every function checks all of its arguments before touching the model, so an error leaves
the model exactly as it was. Each returns the info lines crmsh would print
("hanging location:l1 deleted", "constraint order:o1 updated", ...).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from clushell import values
from clushell.cib.parse import DURATION_ATTRS
from clushell.cib.problems import Problem, info
from clushell.cib.render import CONSTRAINT_TAGS, CONTAINER_TAGS, RESOURCE_TAGS, object_id, object_type, sort_key
from clushell.cib.select import RSC_REF_ATTRS, find_object, iter_objects, references
from clushell.errors import ClushError

if TYPE_CHECKING:
    from clushell.cib.model import CibModel

_ID_OK = re.compile(r"^[A-Za-z_][\w.-]*\Z")  # \Z: "$" would accept a trailing newline


def _label(el) -> str:
    return f"{object_type(el)}:{object_id(el)}"


def _children(el) -> list:
    """Resources directly inside a container (crmsh's obj.children)."""
    if el.tag not in CONTAINER_TAGS:
        return []
    return [c for c in el if isinstance(c.tag, str) and c.tag in ("primitive", "group", "clone", "master")]


def _constraints(model: CibModel) -> list:
    cons = model.configuration.find("constraints")
    return [] if cons is None else [c for c in cons if isinstance(c.tag, str) and c.tag in CONSTRAINT_TAGS]


# -- constraint surgery (xmlutil.rename_rscref / delete_rscref / silly_constraint) -------------
def _rename_refs(model: CibModel | None, con, old: str, new: str) -> bool:
    changed = False
    for attr in RSC_REF_ATTRS:
        if con.get(attr) == old:
            con.set(attr, new)
            changed = True
    if changed:
        return True
    seen: dict[str, int] = {}
    refs = list(con.iterfind("resource_set/resource_ref"))
    for ref in refs:
        if ref.get("id") == old:
            ref.set("id", new)
            changed = True
        seen[ref.get("id")] = seen.get(ref.get("id"), 0) + 1
    for ref in refs:  # drop duplicate references created by the rename
        rid = ref.get("id")
        if seen[rid] > 1:
            ref.getparent().remove(ref)
            seen[rid] -= 1
    if sum(seen.values()) == 2 and refs:
        _sets_to_simple(model, con)
    return changed


def _delete_refs(model: CibModel, con, rid: str) -> bool:
    changed = False
    for attr in RSC_REF_ATTRS:
        if con.get(attr) == rid:
            del con.attrib[attr]
            changed = True
    if changed:
        return True
    for ref in list(con.iterfind("resource_set/resource_ref")):
        if ref.get("id") == rid:
            ref.getparent().remove(ref)
            changed = True
    count, nonseq = 0, False
    for rset in list(con.iterfind("resource_set")):
        n = len(rset.findall("resource_ref"))
        if n == 0:
            _drop(model, rset)
            changed = True
        elif (rset.get("sequential") or "true").lower() in ("false", "no", "off", "0") and n > 1:
            nonseq = True
        count += n
    if not nonseq and count == 2:
        _sets_to_simple(model, con)
    return changed


def _sets_to_simple(model: CibModel | None, con) -> None:
    """Two references left in sets: crmsh re-parses the constraint without its set marker."""
    sets = con.findall("resource_set")
    for rset in sets:
        rset.attrib.pop("sequential", None)
    if con.tag not in ("rsc_colocation", "rsc_order") or any(s.get("require-all") for s in sets):
        return
    pairs = []
    for rset in sets:
        qual = rset.get("action" if con.tag == "rsc_order" else "role")
        pairs.extend((r.get("id"), qual) for r in rset.iterfind("resource_ref"))
    for rset in sets:
        _drop(model, rset)
    (a, qa), (b, qb) = pairs
    if con.tag == "rsc_order":
        names = (("first", "first-action"), ("then", "then-action"))
    else:
        names = (("rsc", "rsc-role"), ("with-rsc", "with-rsc-role"))
    for (attr, qattr), (rsc, qual) in zip(names, ((a, qa), (b, qb)), strict=True):
        con.set(attr, rsc)
        if qual:
            con.set(qattr, qual)
    if con.tag == "rsc_colocation" and len(sets) == 1:
        # crmsh swaps the resources (not their roles) of a one-set colocation
        con.set("rsc", b)
        con.set("with-rsc", a)


def _drop(model: CibModel | None, el) -> None:
    if model is not None:
        model.remove(el)
    else:
        el.getparent().remove(el)


def renamed_constraint(con, old: str, new: str):
    """crmsh's rename_rscref on a copy of ``con``: (new element or None if it became
    meaningless, whether anything changed). For callers that journal their own edits
    (creating a group re-points its members' constraints to the group)."""
    import copy

    c = copy.deepcopy(con)
    changed = _rename_refs(None, c, old, new)
    return (None if _silly(c, new) else c), changed


def _silly(con, rid: str) -> bool:
    refs = con.findall("resource_set/resource_ref")
    never_silly = con.tag in ("rsc_location", "rsc_ticket")
    if refs:
        return len(refs) < 1 if never_silly else len(refs) <= 1
    named = [con.get(a) for a in RSC_REF_ATTRS if con.get(a) is not None]
    if never_silly:
        return len(named) < 1
    return named.count(rid) == 2 or len(named) < 2


# -- delete ---------------------------------------------------------------------------------------
def _remove_obj(model: CibModel, el, msgs: list[Problem], quiet: bool) -> None:
    oid = object_id(el)
    kids = _children(el)
    resources = model.section("resources")
    for child in kids:  # children are relinked to the top, not removed
        child.getparent().remove(child)
        resources.append(child)
    model.remove(el)
    tags = model.configuration.find("tags")
    for tag in list(tags.iterchildren("tag")) if tags is not None else []:
        refs = [r for r in tag if isinstance(r.tag, str) and r.get("id") == oid]
        for r in refs:
            tag.remove(r)
        if refs and tag.find("obj_ref") is None:
            _remove_obj(model, tag, msgs, quiet)
            if not quiet:
                msgs.append(info(f"hanging {_label(tag)} deleted"))
    if el.tag not in RESOURCE_TAGS:
        return
    for con in _constraints(model):
        if not references(con, oid):
            continue
        simple = con.find("resource_set/resource_ref") is None
        if simple and kids:  # the first child inherits the constraints
            _rename_refs(model, con, oid, kids[0].get("id"))
        deleted = _delete_refs(model, con, oid)
        if _silly(con, oid):
            _remove_obj(model, con, msgs, quiet)
            if not quiet:
                msgs.append(info(f"hanging {_label(con)} deleted"))
        elif deleted:
            msgs.append(info(f"constraint {_label(con)} updated"))


def _delete_one(model: CibModel, el, msgs: list[Problem], quiet: bool) -> None:
    parent = el.getparent()
    if parent is not None and parent.tag in CONTAINER_TAGS and len(_children(parent)) == 1:
        _delete_one(model, parent, msgs, quiet)
    if el.getparent() is not None:
        _remove_obj(model, el, msgs, quiet)


def delete(model: CibModel, ids: list[str], *, quiet: bool = False) -> list[Problem]:
    """Delete objects like crmsh: hanging constraints/tags go, sets shrink, empty containers go."""
    if not ids:
        raise ClushError("expected at least one object id")
    doomed = []
    msgs: list[Problem] = []
    for oid in ids:
        el = find_object(model, oid)
        if el is None:
            raise ClushError(f"object {oid} does not exist", token=oid)
        if el.tag == "template":
            res = model.configuration.find("resources")
            for prim in res.iter("primitive") if res is not None else []:
                if prim.get("template") == oid and prim not in doomed and prim.get("id") not in ids:
                    msgs.append(info(f"hanging {_label(prim)} deleted"))
                    doomed.append(prim)
        if el not in doomed:
            doomed.append(el)
    for el in reversed(sorted(doomed, key=sort_key)):
        if el.getparent() is not None:
            _delete_one(model, el, msgs, quiet)
    return msgs


def erase(model: CibModel, nodes: bool = False) -> list[Problem]:
    """``erase``: every object but nodes (bottom objects first, the rest follows); or only nodes."""
    if nodes:
        sec = model.configuration.find("nodes")
        for n in list(sec.iterchildren("node")) if sec is not None else []:
            model.remove(n)
        return []
    bottom = [
        o
        for o in iter_objects(model.configuration)
        if not _children(o) and o.tag not in CONSTRAINT_TAGS and o.tag != "node"
    ]
    msgs: list[Problem] = []
    for el in bottom:
        if el.getparent() is not None:  # not already gone with something deleted before
            _delete_one(model, el, msgs, True)
    for o in list(iter_objects(model.configuration)):  # crmsh drops anything left over
        if o.tag != "node" and o.getparent() is not None:
            model.remove(o)
    return []


# -- rename ---------------------------------------------------------------------------------------
def rename(model: CibModel, old: str, new: str, *, live: bool = False) -> list[Problem]:
    """Rename an object; constraints (and tags) that name it follow."""
    el = find_object(model, old)
    if el is None:
        raise ClushError(f"object {old} does not exist", token=old)
    if not _ID_OK.match(new):
        raise ClushError(f"invalid object id '{new}'", token=new)
    if model.id_in_use(new):
        raise ClushError(f"id '{new}' is already in use", token=new)
    if el.tag == "node" and not live:
        raise ClushError("cannot rename nodes when working on a CIB file or shadow", token=old)
    if el.tag == "fencing-topology":
        raise ClushError("fencing_topology cannot be renamed", token=old)
    msgs: list[Problem] = []
    if el.tag in RESOURCE_TAGS:
        for con in _constraints(model):
            if references(con, old) and _rename_refs(model, con, old, new):
                msgs.append(info(f"modified {_label(con)} from {old} to {new}"))
        # crmsh 4.4 leaves tags pointing at the old id (crm_verify then rejects the CIB)
        tags = model.configuration.find("tags")
        for ref in tags.iter("obj_ref") if tags is not None else []:
            if ref.get("id") == old:
                ref.set("id", new)
    model.unregister(el)
    el.set("id", new)
    model.register(el)
    return msgs


# -- modgroup -------------------------------------------------------------------------------------
def modgroup(
    model: CibModel, group: str, sub: str, rsc: str, where: str | None = None, ref: str | None = None
) -> list[Problem]:
    """``modgroup G add R [after|before M]`` / ``modgroup G remove R``."""
    if sub not in ("add", "remove"):
        raise ClushError(f"expected add or remove, got '{sub}'", token=sub)
    if where is not None:
        if sub != "add":
            raise ClushError(f"after/before only with add (found {sub})", token=where)
        if where not in ("after", "before"):
            raise ClushError(f"expected after|before (found {where})", token=where)
        if ref is None:
            raise ClushError(f"expected '{where} <id>'")
    g = find_object(model, group)
    if g is None:
        raise ClushError(f"group {group} does not exist", token=group)
    if g.tag != "group":
        raise ClushError(f"element {group} is not a group", token=group)
    members = [c.get("id") for c in _children(g)]
    if ref is not None and ref not in members:
        raise ClushError(f"{ref} is not member of {group}", token=ref)
    if sub == "remove":
        if rsc not in members:
            raise ClushError(f"{rsc} is not member of {group}", token=rsc)
        if len(members) == 1:
            raise ClushError(f"cannot remove the last member of {group}; delete the group", token=rsc)
        child = model.index[rsc] if rsc in model.index else None
        g.remove(child)
        model.section("resources").append(child)
        return []
    prim = model.resource(rsc)
    if prim is None:
        raise ClushError(f"resource {rsc} does not exist", token=rsc)
    if prim.tag != "primitive":
        raise ClushError(f"{rsc} is not a primitive", token=rsc)
    holder = prim.getparent()
    if holder is not None and holder.tag in CONTAINER_TAGS:
        raise ClushError(f"{rsc} is already in {holder.get('id')}", token=rsc)
    anchor = model.index[ref if ref is not None else members[-1]]
    holder.remove(prim)
    if where == "before":
        anchor.addprevious(prim)
    else:
        anchor.addnext(prim)
    return []


# -- set --------------------------------------------------------------------------------------------
def set_value(model: CibModel, path: str, value: str) -> list[Problem]:
    """``set ID.ATTR V``, ``set ID.OP.ATTR V``, ``set ID.OP.INTERVAL.ATTR V``."""
    parts = path.split(".")
    if not 2 <= len(parts) <= 4:
        raise ClushError(f'Invalid path: "{path}"; Valid path: "id.[op_type.][interval.]name"', token=path)
    oid, rest = parts[0], parts[1:]
    el = find_object(model, oid)
    if el is None:
        raise ClushError(f"Object {oid} not found", token=path)
    if len(rest) == 1:
        nvps = [n for n in el.iter("nvpair") if n.get("name") == rest[0]]
        if not nvps:
            raise ClushError(f"Attribute not found: {path}", token=path)
        if len(nvps) != 1:
            raise ClushError(f"Expected 1 attribute named {rest[0]}, found {len(nvps)}", token=path)
        nvps[0].set("value", value)
        return []
    ops = [op for op in el.iterfind(".//operations/op")]
    if len(rest) == 2:
        found = [op for op in ops if op.get("name") == rest[0]]
        if not found:
            raise ClushError(f'Operation "{rest[0]}" not found for resource {oid}', token=path)
        if len(found) > 1:
            raise ClushError(f"Should specify interval of {rest[0]}", token=path)
    else:
        found = [op for op in ops if op.get("id") == f"{oid}-{rest[0]}-{rest[1]}"]
        if not found:
            raise ClushError(f'Operation "{rest[0]}" interval "{rest[1]}" not found for resource {oid}', token=path)
    attr = rest[-1]
    problem = values.xml_name(attr, "op attribute name")
    if problem:
        raise ClushError(problem, token=path)
    if attr in DURATION_ATTRS and values.duration(value):
        raise ClushError(f"{attr}: {values.duration(value)}", token=value)
    found[0].set(attr, value)
    return []
