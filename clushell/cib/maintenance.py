"""Maintenance clean-up: what crm 4.4 offers to remove when maintenance is switched on higher up.

``property maintenance-mode=true`` (the whole cluster) and ``node maintenance NODE`` make
resource-level ``maintenance`` meta attributes redundant and ``is-managed`` ones conflicting;
crm asks to remove each (``-F`` answers yes) and drops the sets left empty. For the cluster
property the nodes' ``maintenance``/``is-managed`` attributes go too; for a node, that node's
``is-managed``. Primitives, groups and clones (not ms) are looked at, minus those whose
``cli-prefer-RSC`` points at a node not in question, as crm selects them.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from clushell.cib.model import CibModel, is_element

ATTR, CONFLICTING = "maintenance", "is-managed"


@dataclass(frozen=True)
class Redundant:
    """One nvpair crm would offer to remove, with the question it asks."""

    nvpair: etree._Element
    owner: str

    @property
    def question(self) -> str:
        name = self.nvpair.get("name")
        if name == ATTR:
            return f"'{ATTR}' attribute already exists in {self.owner}"
        return f"'{name}' conflicts with '{ATTR}' in {self.owner}"


def _resources(model: CibModel, nodes: list[str]) -> list[etree._Element]:
    cons = model.configuration.find("constraints")
    elsewhere = {c.get("id", "").replace("cli-prefer-", "") for c in (cons if cons is not None else [])
                 if is_element(c) and c.tag == "rsc_location" and c.get("node") not in nodes}
    res = model.configuration.find("resources")
    if res is None:
        return []
    return [el for el in res.iter("primitive", "group", "clone") if el.get("id") not in elsewhere]


def _found(el: etree._Element, set_tag: str, owner: str) -> list[Redundant]:
    out = []
    for attr in (ATTR, CONFLICTING):
        for nvset in el.iterchildren(set_tag):
            nv = next((n for n in nvset.iterchildren("nvpair") if n.get("name") == attr), None)
            if nv is not None:
                out.append(Redundant(nv, owner))
    return out


def for_cluster(model: CibModel) -> list[Redundant]:
    """What ``property maintenance-mode=true`` makes redundant: resources, then nodes."""
    nodes = [n.get("id", "") for n in model.configuration.iterfind("nodes/node")]
    out = [r for el in _resources(model, nodes) for r in _found(el, "meta_attributes", el.get("id", ""))]
    for node in model.configuration.iterfind("nodes/node"):
        out += _found(node, "instance_attributes", node.get("uname") or node.get("id", ""))
    return out


def for_node(model: CibModel, uname: str) -> list[Redundant]:
    """What ``node maintenance NODE`` makes redundant: resources, and the node's is-managed."""
    out = [r for el in _resources(model, [uname]) for r in _found(el, "meta_attributes", el.get("id", ""))]
    node = model.node(uname)
    if node is not None:
        out += [r for r in _found(node, "instance_attributes", uname) if r.nvpair.get("name") == CONFLICTING]
    return out


def remove(model: CibModel, found: list[Redundant]) -> None:
    """Remove the nvpairs; a set left empty goes too (crm's is_emptynvpairs clean-up)."""
    for r in found:
        nvset = r.nvpair.getparent()
        if nvset is None:
            continue
        model.remove(r.nvpair)
        if not any(is_element(c) for c in nvset):
            model.remove(nvset)
