"""crmsh's "deep" meta attribute (resource start/stop/manage/unmanage/maintenance), on the model.

A faithful copy of crmsh 4.4's set_deep_meta_attr_node, so the CIB that clush writes is the one
crm writes, sibling order and ids included:

- the target is the resource itself when it is a group member, else its top-most container;
- a clone's direct child (and a cloned group itself) loses its copy of the attribute;
- with force (crm's manage-children question answered yes) a group's members, or a cloned
  group's members, lose theirs, and is-managed/maintenance conflicts are removed;
- first, as crm sorts every CIB it loads, the child resources of every container in the CIB move
  after its attribute sets (crm's commit patch moves them);
- every empty attribute set (meta, instance, utilization) below the target is dropped;
- the value goes into the existing nvpairs, else into every meta set, else into a new set
  appended after the target's other children; ids removed in the same change stay taken
  (crm's id store remembers them: the new set is then RSC-meta_attributes-0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from clushell.cib.ids import IdGen

if TYPE_CHECKING:
    from clushell.cib.model import CibModel, Element

CONTAINERS = ("group", "clone", "master", "bundle")
#: crm's children_tags: what rm_meta_attribute descends into below a clone
CHILD_TAGS = ("group", "primitive")
RESOURCE_TAGS = ("primitive", "group", "clone", "master", "bundle")
SET_TAGS = ("meta_attributes", "instance_attributes", "utilization")
CONFLICTS = {"maintenance": "is-managed", "is-managed": "maintenance"}


@dataclass
class Outcome:
    """What set_deep_meta changed: the element that got the attribute, and whether the change is one
    nvpair that crm_resource --meta -p would write identically (nothing removed, crm's set ids)."""

    target: Element
    removed: list[str] = field(default_factory=list)
    simple: bool = True


def meta_target(el: Element) -> Element:
    """A group member keeps the attribute; anything else passes it to its top-most container."""
    parent = el.getparent()
    if el.tag == "primitive" and parent is not None and parent.tag == "group":
        return el
    while parent is not None and parent.tag in CONTAINERS:
        el, parent = parent, parent.getparent()
    return el


def _first(mset: Element, attr: str) -> Element | None:
    for nv in mset.iterchildren("nvpair"):
        if nv.get("name") == attr:
            return nv
    return None


def _collect(node: Element, attr: str, out: list, force_children: bool) -> None:
    """crm's rm_meta_attribute: the nvpairs of ``attr`` in node's meta sets and, below a non-group,
    in its child resources (everywhere below with ``force_children``)."""
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "meta_attributes":
            nv = _first(child, attr)
            if nv is not None:
                out.append(nv)
        elif force_children or (child.tag in CHILD_TAGS and node.tag != "group"):
            _collect(child, attr, out, force_children)


def _primitives_with(target: Element, attr: str) -> list[Element]:
    return [p for p in target.iter("primitive") if p is not target
            and any(_first(ms, attr) is not None for ms in p.iterchildren("meta_attributes"))]


def _empty_sets(node: Element) -> list[Element]:
    found = []
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag in SET_TAGS and child.get("id-ref") is None and len(child) == 0:
            found.append(child)
        elif len(child):
            found.extend(_empty_sets(child))
    return found


def sort_containers(root: Element) -> bool:
    """crm's sanitize_cib (sort_container_children), run on every CIB crm loads for a commit: in each
    group, clone, master and bundle the child resources move after the other children (attribute
    sets first), keeping their order. True when something moved."""
    moved = False
    for node in root.iter(*CONTAINERS):
        kids = [c for c in node if isinstance(c.tag, str)]
        children = [c for c in kids if c.tag in CHILD_TAGS]
        if children and kids[-len(children):] != children:
            moved = True
            for c in children:
                node.remove(c)
                node.append(c)
    return moved


def set_deep_meta(model: CibModel, el: Element, attr: str, value: str, *, force: bool = False) -> Outcome:
    """Set meta ``attr`` = ``value`` for resource ``el`` the way crm does (see the module text)."""
    target = meta_target(el)
    out = Outcome(target)
    if sort_containers(model.configuration):
        out.simple = False  # crm's commit moves them too (crm_resource would not)
    doomed: list = []
    conflicting = CONFLICTS.get(attr, "")
    if target.tag == "clone":
        for child in target:
            if child.tag in CHILD_TAGS:
                _collect(child, attr, doomed, False)
    cloned_group = target.tag == "clone" and any(c.tag == "group" for c in target)
    if force and (target.tag == "group" or cloned_group):
        if conflicting:
            for prim in _primitives_with(target, conflicting):
                _collect(prim, conflicting, doomed, True)
        for prim in _primitives_with(target, attr):
            _collect(prim, attr, doomed, True)
    if force and conflicting:
        doomed.extend(target.xpath("./meta_attributes/nvpair[@name=$n]", n=conflicting))
    for nv in {id(n): n for n in doomed}.values():
        _drop(model, nv, out)
    for mset in _empty_sets(target):
        _drop(model, mset, out)
    # a copy further down stays (a group member's own value wins there): crm_resource would warn
    if any(_first(ms, attr) is not None for ms in target.iter("meta_attributes")
           if ms.getparent() is not target and ms.getparent().tag in RESOURCE_TAGS):
        out.simple = False
    existing = target.xpath("./meta_attributes/nvpair[@name=$n]", n=attr)
    if existing:
        for nv in existing:
            nv.set("value", value)
        out.simple = out.simple and len(existing) == 1
        return out
    removed = set(out.removed)
    gen = IdGen(lambda ident: model.id_in_use(ident) or ident in removed)
    sets = list(target.iterchildren("meta_attributes"))
    if not sets:
        mset = etree.SubElement(target, "meta_attributes", id=gen.new(f"{target.get('id')}-meta_attributes"))
        model.register(mset)
        sets = [mset]
    for mset in sets:
        nv = etree.SubElement(mset, "nvpair", id=gen.new(f"{mset.get('id')}-{attr}"), name=attr, value=value)
        model.register(nv)
    # crm_resource writes into the set named RSC-meta_attributes (creating it) with SET-ATTR ids
    out.simple = out.simple and len(sets) == 1 and sets[0].get("id") == f"{target.get('id')}-meta_attributes" \
        and sets[0][-1].get("id") == f"{sets[0].get('id')}-{attr}"
    return out


def _drop(model: CibModel, el: Element, out: Outcome) -> None:
    parent = el.getparent()
    if parent is None:
        return
    out.removed.extend(sub.get("id") for sub in el.iter() if isinstance(sub.tag, str) and sub.get("id"))
    out.simple = False
    model.unregister(el)
    parent.remove(el)
