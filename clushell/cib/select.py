"""Object selectors of show/edit/save/delete: ids (globs), changed, type:T, tag:T, related:ID.

Same meaning as crmsh 4.4's ``filter_objects``: selectors are OR-ed, ``and`` intersects
the selection so far with what follows; a plain id that matches nothing is an error.
Pure: works on a :class:`~clushell.cib.model.CibModel`; single ids use the id index.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from typing import TYPE_CHECKING

from clushell.cib.render import (
    CONSTRAINT_TAGS,
    CONTAINER_TAGS,
    RESOURCE_TAGS,
    iter_objects,
    object_id,
    object_type,
)
from clushell.errors import ClushError

if TYPE_CHECKING:
    from clushell.cib.model import CibModel

_GLOB = set("*?[")
RSC_REF_ATTRS = ("rsc", "with-rsc", "first", "then")


def all_objects(model: CibModel) -> list:
    return list(iter_objects(model.configuration))


def find_objects(model: CibModel, spec: str) -> list:
    """Objects whose id (or node uname) matches ``spec`` (a glob); resources before nodes."""
    if _GLOB & set(spec):
        return [
            o
            for o in iter_objects(model.configuration)
            if fnmatch.fnmatch(object_id(o), spec)
            or (o.tag == "node" and fnmatch.fnmatch(o.get("uname") or "", spec))
        ]
    found = []
    if spec == "fencing_topology":
        el = model.configuration.find("fencing-topology")
        return [el] if el is not None else []
    el = model.object_by_id(spec)  # `show ID` on a big CIB: no whole id index for one object
    if el is not None and object_type(el) is not None:
        found.append(el)
    node = model.node(spec)
    if node is not None:
        found.append(node)
    return found


def find_object(model: CibModel, spec: str):
    """One object for ``spec``: a non-node object wins over a node of the same name."""
    objs = find_objects(model, spec)
    for o in objs:
        if o.tag != "node":
            return o
    return objs[0] if objs else None


def changed_objects(original: CibModel | None, pending: CibModel) -> list:
    """Objects of ``pending`` that are new or differ from ``original`` (containers included)."""
    from lxml import etree

    if original is None:
        return []
    before = {}
    for o in iter_objects(original.configuration):
        before[(object_type(o), object_id(o))] = etree.tostring(o)
    return [
        o
        for o in iter_objects(pending.configuration)
        if before.get((object_type(o), object_id(o))) != etree.tostring(o)
    ]


def references(con, rsc_id: str) -> bool:
    """Does constraint ``con`` name resource ``rsc_id`` (attribute or resource set)?"""
    if any(con.get(a) == rsc_id for a in RSC_REF_ATTRS):
        return True
    return any(r.get("id") == rsc_id for r in con.iterfind("resource_set/resource_ref"))


def related(model: CibModel, obj) -> list:
    """Containers, constraints and tags that contain or reference resource ``obj``."""
    if obj.tag not in RESOURCE_TAGS:
        return []
    rid = obj.get("id")
    out = []
    parent = obj.getparent()
    while parent is not None and parent.tag in CONTAINER_TAGS:
        out.append(parent)
        parent = parent.getparent()
    cons = model.configuration.find("constraints")
    if cons is not None:
        out.extend(c for c in cons if c.tag in CONSTRAINT_TAGS and references(c, rid))
    tags = model.configuration.find("tags")
    if tags is not None:
        out.extend(t for t in tags.iterchildren("tag") if any(r.get("id") == rid for r in t))
    return out


def _by_agent(model: CibModel, spec: str) -> list:
    """related:[class:[provider:]]type also selects primitives of that agent (as crmsh)."""
    parts = spec.split(":")
    if not parts[-1] or len(parts) > 3:
        return []
    keys = {1: ("type",), 2: ("class", "type"), 3: ("class", "provider", "type")}[len(parts)]
    res = model.configuration.find("resources")
    if res is None:
        return []
    want = dict(zip(keys, parts, strict=True))
    return [p for p in res.iter("primitive", "template") if all(p.get(k) == v for k, v in want.items())]


def select(model: CibModel, specs: Iterable[str], *, original: CibModel | None = None) -> list:
    """The objects ``specs`` select, without duplicates, in the order found.

    No specs selects everything. Raises ClushError naming the first id that matches nothing.
    """
    specs = list(specs)
    if not specs:
        return all_objects(model)
    chosen: dict[int, object] = {}
    and_set: dict[int, object] | None = None

    def add(objs: Iterable) -> None:
        for o in objs:
            chosen.setdefault(id(o), o)

    for spec in specs:
        if spec == "or":
            continue
        if spec == "and":
            and_set, chosen = chosen, {}
            continue
        if spec == "changed":
            add(changed_objects(original, model))
        elif spec.startswith("type:"):
            want = spec[5:]
            add(o for o in iter_objects(model.configuration) if object_type(o) == want)
        elif spec.startswith("tag:"):
            tag = model.index.get(spec[4:])
            if tag is not None and tag.tag == "tag":
                add(o for o in (find_object(model, r.get("id")) for r in tag) if o is not None and o.tag != "node")
        elif spec.startswith("related:"):
            name = spec[8:]
            add(find_objects(model, name))
            obj = find_object(model, name)
            if obj is not None:
                add(related(model, obj))
            add(_by_agent(model, name))
        else:
            objs = find_objects(model, spec)
            if not objs:
                raise ClushError(f"object {spec} does not exist", token=spec)
            add(objs)
        if and_set is not None:
            chosen = {k: v for k, v in chosen.items() if k in and_set}
            and_set = None
    return list(chosen.values())
