"""Building fencing_topology, monitor and xml statements, and moving constraints onto new
containers (pure; through the builder's journal)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from clushell.cib import parse as P
from clushell.cib.ids import valid_id
from clushell.cib.lexer import Token
from clushell.cib.model import CibModel, is_element
from clushell.cib.problems import info, warning
from clushell.errors import ClushError

if TYPE_CHECKING:
    from clushell.cib.build import Builder

# where an object given as raw XML goes
XML_SECTION = {
    "primitive": "resources",
    "template": "resources",
    "group": "resources",
    "clone": "resources",
    "master": "resources",
    "bundle": "resources",
    "rsc_location": "constraints",
    "rsc_colocation": "constraints",
    "rsc_order": "constraints",
    "rsc_ticket": "constraints",
    "cluster_property_set": "crm_config",
    "node": "nodes",
    "tag": "tags",
    "alert": "alerts",
}
CONSTRAINT_TAGS = ("rsc_location", "rsc_colocation", "rsc_order", "rsc_ticket")


def existing_resource(model: CibModel, tok: Token, *, templates: bool = True) -> etree._Element:
    el = model.resource(tok.text)
    if el is None or (el.tag == "template" and not templates):
        raise P.fail(tok, "resource does not exist")
    return el


def add_fencing_topology(b: Builder, p: P.Parsed) -> None:
    if b.model.configuration.find("fencing-topology") is not None:
        raise ClushError(
            "Cannot create fencing_topology: Found existing fencing_topology (delete it first)",
            token="fencing_topology",
        )
    for tok in p.refs:
        existing_resource(b.model, tok, templates=False)
    topo = etree.Element("fencing-topology")
    levels = p.extra["levels"]
    if all(t is None for t, _tok, _d in levels):
        nodes = b.model.configuration.find("nodes")
        # crm gives the targets in uname order, whatever the order of <nodes>
        found = nodes if nodes is not None else ()
        unames = sorted(n.get("uname") or n.get("id", "") for n in found if is_element(n))
        if not unames:
            raise P.fail(p.head, "no nodes defined: give targets as '<node>: <devices>'")
        levels = [(("node", u), tok, devs) for u in unames for _t, tok, devs in levels]
    elif levels[0][0] is None:
        raise P.fail(levels[0][1], "devices before the first target")
    # crm numbers levels per node name, attribute *name* (attr:rack=1 and attr:rack=2 count on)
    # and pattern, in one table
    index: dict[str, int] = {}
    for target, _tok, devs in levels:
        assert target is not None
        kind, value = target
        key = value.partition("=")[0] if kind == "attr" else value
        index[key] = index.get(key, 0) + 1
        lvl = etree.SubElement(topo, "fencing-level")
        if kind == "node":
            lvl.set("target", value)
        elif kind == "attr":
            name, _, val = value.partition("=")
            lvl.set("target-attribute", name)
            lvl.set("target-value", val)
        else:
            lvl.set("target-pattern", value)
        lvl.set("index", str(index[key]))
        lvl.set("devices", ",".join(d.text for d in devs))
    b.ids().assign(topo, "fencing")
    b.j.add(topo, b.model.configuration)


def add_monitor(b: Builder, p: P.Parsed) -> None:
    op = p.element
    assert op is not None
    tok = p.refs[0]
    prim = b.model.resource(tok.text)
    if prim is None or prim.tag not in ("primitive", "template"):
        raise P.fail(tok, "primitive does not exist")
    ops = prim.find("operations")
    gen = b.ids()
    if ops is None:
        ops = etree.Element("operations")
        b.j.add(ops, prim)
    elif ops.get("id-ref") is not None:
        raise P.fail(tok, f"{tok.text} uses shared operations {ops.get('id-ref')}; add the op there")
    for other in ops.iterchildren("op"):
        if other.get("name") == "monitor" and other.get("interval") == op.get("interval"):
            b.messages.append(warning(f"{tok.text}: interval in monitor must be unique", tok.text, tok.col))
    gen.assign(op, prim.get("id", ""))  # crmsh ignores an operations $id here
    b.j.add(op, ops)


def add_xml(b: Builder, p: P.Parsed) -> None:
    el = p.element
    assert el is not None
    section = XML_SECTION.get(el.tag)
    if section is None and el.tag != "fencing-topology":
        raise P.ParseError(f"<{el.tag}> is not a configuration object", column=p.head.col)
    if el.tag != "fencing-topology":
        ident = el.get("id")
        if not ident:
            raise P.ParseError(f"<{el.tag}> has no id attribute", column=p.head.col)
        if not valid_id(ident) and el.tag != "node":  # crm: "invalid object id"
            raise P.ParseError(f"<{el.tag}> id {ident!r} is not valid (an id starts with a letter or '_', then "
                               "letters, digits, '_', '-' or '.')", column=p.head.col)
        if el.tag == "node" and ident in b.model.nodes:
            raise ClushError(f"xml: node id {ident} is already used", token=ident)
    inside = {s.get("id") for s in el.iter() if isinstance(s.tag, str) and s.tag in ("primitive", "group", "clone",
                                                                                        "master", "template")}
    for sub in el.iter():
        if not isinstance(sub.tag, str):
            continue
        refs = [sub.get(a) for a in ("rsc", "with-rsc", "first", "then")] if sub.tag in CONSTRAINT_TAGS else []
        if sub.tag == "resource_ref":
            refs.append(sub.get("id"))
        for ref in refs:
            if ref and ref not in inside and b.model.resource(ref) is None:
                raise ClushError(f"xml: resource {ref} does not exist", token=ref)
    gen = b.ids()
    for sub in el.iter():
        ident = sub.get("id") if isinstance(sub.tag, str) and sub.tag not in ("resource_ref", "obj_ref") else None
        if ident and (b.model.by_id(ident) is not None or ident in gen.assigned):
            raise ClushError(f"xml: id {ident} is already used", token=ident)
        if ident:
            gen.claim(ident)
    if el.tag == "fencing-topology":
        if b.model.configuration.find("fencing-topology") is not None:
            raise P.fail(p.head, "fencing_topology already exists")
        gen.assign(el, "fencing")
        b.j.add(el, b.model.configuration)
        return
    gen.assign_object(el)
    b.j.add_object(el, section)  # type: ignore[arg-type]


def kind_name(el: etree._Element) -> str:
    from clushell.cib.render_fmt import TAG_TYPES

    return TAG_TYPES.get(el.tag, el.tag)


def repoint_constraints(b: Builder, members: list[str], container: str) -> None:
    """crmsh moves constraints on new group/clone members to the container (issue #140).

    Member by member, as crmsh's rename_rscref: duplicate set references are dropped,
    two references left return to the simple form, a constraint left meaningless goes.
    """
    from clushell.cib.edit import renamed_constraint
    from clushell.cib.select import references

    sec = b.model.configuration.find("constraints")
    if sec is None:
        return
    cons = [c for c in sec if is_element(c)]
    result: dict = {c: c for c in cons}  # constraint -> its renamed copy (None: dropped)
    for old in members:  # member by member, the order of crmsh's messages
        for con in cons:
            if result[con] is None or not references(result[con], old):
                continue  # (renamed_constraint copies: skip the constraints not concerned)
            new, changed = renamed_constraint(result[con], old, container)
            if changed:
                b.messages.append(info(f"modified {kind_name(con)}:{con.get('id')} from {old} to {container}"))
                result[con] = new
    for con, current in result.items():
        if current is con:
            continue
        parent = con.getparent()
        idx = parent.index(con)
        b.j.remove(con)
        if current is not None:
            b.j.add(current, parent)  # journaled, so a later error takes it out again
            parent.insert(idx, current)  # where the old one was
