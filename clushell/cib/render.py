"""XML -> crm configure text, byte-identical to ``crm configure show`` of crmsh 4.4.

Pure functions over lxml elements: no I/O, no printing, no colour. The rules (what is
hidden, how values are quoted, the order of objects) follow crmsh 4.4.1's cliformat and
cibconfig modules as measured with ``CIB_file=x.xml crm configure show``.
"""

from __future__ import annotations

from collections.abc import Iterable

from clushell.cib.render_fmt import (  # noqa: F401 -- re-exported: the public rendering API
    _RANK,
    _SET_NAMES,
    BREAK,
    CONSTRAINT_TAGS,
    CONTAINER_TAGS,
    DEFAULT_OBSCURE,
    RESOURCE_TAGS,
    TAG_TYPES,
    Element,
    Style,
    _attr_set,
    _cli_nvpair,
    _comment_text,
    _rsc_role,
    _rsc_sets,
    _score,
    cli_rule,
    head_id_format,
    is_comment,
    is_element,
    noquotes,
    nvpair_format,
    quote_wrap,
)
from clushell.cib.render_misc import _acl_child, _alert_child, _fencing
from clushell.cib.render_xml import (  # noqa: F401
    _as_property,
    has_cli_form,
    render_xml,
    render_xml_object,
)


# -- heads ----------------------------------------------------------------------------------
def _has_sets(node: Element) -> bool:
    """``node.find("resource_set") is not None``, cheap for the usual constraint without children."""
    return len(node) > 0 and node.find("resource_set") is not None


def _agent(node: Element) -> str:
    typ, klass, prov = node.get("type"), node.get("class"), node.get("provider")
    if (klass is None and prov is None) or (klass == "ocf" and prov is None) or prov == "heartbeat":
        klass = prov = None
    return "".join((f"{klass}:" if klass else "", f"{prov}:" if prov else "", f"{typ}"))


def _head_node(node: Element, oid: str) -> str:
    uname = node.get("uname")
    s = "node"
    if oid != uname:
        s += f" {oid}:" if noquotes(oid) else f' $id="{oid}"'
    s += f" {uname}"
    ntype = node.get("type")
    if ntype and ntype != "normal":
        s += f":{ntype}"
    return s


def _head_primitive(node: Element, oid: str, otype: str) -> str:
    tpl = node.get("template") if otype == "primitive" else None
    return f"{otype} {oid} {'@' + tpl if tpl else _agent(node)}"


def _head_container(node: Element, oid: str, otype: str) -> str:
    kids = [c.get("id") for c in node if is_element(c) and c.tag in ("group", "primitive")]
    return f"{otype} {oid} {' '.join(kids)}"


def _head_location(node: Element, oid: str) -> str | None:
    if "rsc" in node.attrib:
        rsc = node.get("rsc")
    elif "rsc-pattern" in node.attrib:
        rsc = "/{}/".format(node.get("rsc-pattern"))
    elif _has_sets(node):
        rsc = "{{ {} }}".format(" ".join(_rsc_sets(node, "location")))
    else:
        return None
    s = f"location {oid} {rsc}"
    for attr in ("role", "resource-discovery"):
        val = node.get(attr)
        if val is not None:
            s += f" {attr}={val}"
    pref = node.get("node")
    if pref is not None:
        s += f" {_score(node)}: {pref}"
    return s


def _head_constraint(node: Element, oid: str, otype: str) -> str | None:
    score = _score(node) or node.get("kind") or ""
    if _has_sets(node):
        col = _rsc_sets(node, otype)
    elif otype == "colocation":
        col = [_rsc_role(node, "rsc", "role"), _rsc_role(node, "with-rsc", "role")]
    else:
        col = [_rsc_role(node, "first", "action"), _rsc_role(node, "then", "action")]
    if not col:
        return None
    if otype == "order" and node.get("symmetrical"):
        col.append("symmetrical={}".format(node.get("symmetrical")))
    elif otype == "colocation" and node.get("node-attribute"):
        col.append("node-attribute={}".format(node.get("node-attribute")))
    s = f"{otype} {oid} "
    if score != "":
        s += f"{score}: "
    return s + " ".join(col)


def _head_ticket(node: Element, oid: str) -> str | None:
    if _has_sets(node):
        col = _rsc_sets(node, "rsc_ticket")
    else:
        col = [_rsc_role(node, "rsc", "role")]
    if not col:
        return None
    if node.get("loss-policy"):
        col.append("loss-policy={}".format(node.get("loss-policy")))
    return f"rsc_ticket {oid} {node.get('ticket')}: {' '.join(col)}"


# -- objects ---------------------------------------------------------------------------------
def object_type(el: Element) -> str | None:
    """crm object type of an element that is a CIB object, else None."""
    if not is_element(el):
        return None
    if el.tag == "meta_attributes":
        parent = el.getparent()
        if parent is not None and parent.tag in ("rsc_defaults", "op_defaults"):
            return parent.tag
        return None
    return TAG_TYPES.get(el.tag)


def object_id(el: Element) -> str:
    if el.tag == "fencing-topology":
        return "fencing_topology"
    return el.get("id") or el.get("uname") or ""


def sort_key(el: Element) -> tuple[int, str]:
    """crmsh's show order: type rank, then id as a plain string."""
    return _RANK.get(object_type(el) or "", 1000), object_id(el)


def iter_objects(configuration: Element) -> Iterable[Element]:
    """Every CIB object below ``<configuration>`` in document order (nested resources too)."""
    for sec in configuration:
        if not is_element(sec):
            continue
        if sec.tag == "fencing-topology":
            yield sec
        elif sec.tag in ("rsc_defaults", "op_defaults"):
            yield from sec.iterchildren("meta_attributes")
        else:
            yield from _walk_objects(sec)


def _walk_objects(parent: Element) -> Iterable[Element]:
    for c in parent:
        if is_element(c) and c.tag in TAG_TYPES:
            yield c
            if c.tag in CONTAINER_TAGS:
                yield from _walk_objects(c)


def _parts(el: Element, otype: str, style: Style, node_count: int) -> tuple[list[str], list[str]] | None:
    """(statement parts, comment lines) of one object, None when it has no CLI form."""
    oid = object_id(el)
    head: str | None
    names: dict[str, str] = {}
    if otype == "node":
        head, names = _head_node(el, oid), _SET_NAMES["node"]
    elif otype in ("primitive", "rsc_template"):
        head, names = _head_primitive(el, oid, otype), _SET_NAMES["primitive"]
    elif otype in ("group", "clone", "ms"):
        head, names = _head_container(el, oid, otype), _SET_NAMES["container"]
    elif otype == "bundle":
        head, names = f"bundle {oid}", _SET_NAMES["bundle"]
    elif otype == "location":
        head = _head_location(el, oid)
    elif otype in ("colocation", "order"):
        head = _head_constraint(el, oid, otype)
    elif otype == "rsc_ticket":
        head = _head_ticket(el, oid)
    elif otype in ("property", "rsc_defaults", "op_defaults"):
        head = f"{otype} {head_id_format(oid)}"
    elif otype == "fencing_topology":
        head = _fencing(el, node_count)
    elif otype == "tag":
        head = " ".join(["tag", oid] + [c.get("id") for c in el if is_element(c)])
    elif otype in ("role", "user", "acl_target", "acl_group"):
        head = f"{otype} {oid}"
    elif otype == "alert":
        head = f"alert {oid} {quote_wrap(el.get('path') or '')}"
    else:
        return None
    if not head:
        return None
    parts = [head]
    comments: list[str] = []
    if el.get("description"):
        parts.append(nvpair_format("description", el.get("description")))
    children = list(el)
    if otype == "bundle":  # crmsh sorts a container's members after its other children
        children = [c for c in children if c.tag != "primitive"] + [c for c in children if c.tag == "primitive"]
    for c in children:
        tag = c.tag
        if tag.__class__ is not str:  # comments, processing instructions
            if is_comment(c):
                comments.append(_comment_text(c))
            continue
        s = _child(el, c, tag, otype, names, style)
        if s:
            parts.append(s)
    return parts, comments


def _child(el: Element, c: Element, tag: str, otype: str, names: dict[str, str], style: Style) -> str | None:
    if otype == "bundle":
        return _attr_set(c, names.get(tag, tag), style)
    if names and tag in names:
        return _attr_set(c, names[tag], style)
    if tag == "operations" and otype in ("primitive", "rsc_template"):
        return _operations(c, style)
    if otype == "location" and tag == "rule":
        return f"rule {cli_rule(c, style)}"
    if otype in ("property", "rsc_defaults", "op_defaults"):
        if tag == "rule":
            return f"rule {cli_rule(c, style)}"
        if tag == "nvpair":
            return _cli_nvpair(c, style)
        return None
    if otype in ("role", "user", "acl_target", "acl_group"):
        return _acl_child(c)
    if otype == "alert":
        return _alert_child(el, c, style)
    return None


def _operations(ops: Element, style: Style) -> str:
    lines = []
    s = ""
    if ops.get("id"):
        s = nvpair_format("$id", ops.get("id"))
    if ops.get("id-ref"):
        s = "{} {}".format(s, nvpair_format("$id-ref", ops.get("id-ref")))  # two spaces, as crmsh
    if s:
        lines.append(f"operations {s}")
    for op in ops:
        if op.tag.__class__ is str:
            lines.append(_op(op, style))
    return BREAK.join(lines)


_OP_SETS = _SET_NAMES["op"]


def _op(op: Element, style: Style) -> str:
    action = ""
    desc = None
    words = []
    for k, v in op.items():  # all attributes at once (this runs for every operation of a show)
        if k == "name":
            action = v
        elif k != "id":
            words.append(nvpair_format(k, v))
            if k == "description":
                desc = v
    head = " ".join([f"op {action}", *words])
    if not desc and not len(op):
        return head
    parts = [head]
    comments = []
    if desc:
        parts.append(nvpair_format("description", desc))
    for c in op:
        if is_comment(c):
            comments.append(_comment_text(c))
        elif is_element(c) and c.tag in _OP_SETS:
            parts.append(_attr_set(c, _OP_SETS[c.tag], style))
    text = BREAK.join(parts)
    return "\n".join(comments + [text]) if comments else text


def render_object(el: Element, style: Style | None = None, *, node_count: int = 0) -> str:
    """One object as crmsh's ``show`` prints it (comments first, parts joined by `` \\``)."""
    style = style or Style()
    otype = object_type(el)
    if otype is None or not has_cli_form(el if el.tag != "meta_attributes" else _as_property(el)):
        return render_xml_object(el)
    res = _parts(el, otype, style, node_count)
    if res is None:
        return render_xml_object(el)
    parts, comments = res
    text = BREAK.join(parts)
    return "\n".join(comments + [text]) if comments else text


def count_nodes(configuration: Element) -> int:
    nodes = configuration.find("nodes")
    return 0 if nodes is None else sum(1 for n in nodes.iterchildren("node"))


def render(objects: Iterable[Element], configuration: Element, style: Style | None = None, *,
           by_id: bool = True) -> str:
    """Several objects, sorted as crmsh sorts them, one statement each (no final newline).

    ``by_id=False`` is crm's ``sort-elements no``: by type only, CIB order within a type.
    """
    style = style or Style()
    if by_id:
        objs = sorted(objects, key=sort_key)
    else:
        place = {el: i for i, el in enumerate(iter_objects(configuration))}
        objs = sorted(objects, key=lambda el: (sort_key(el)[0], place.get(el, len(place))))
    nodes = count_nodes(configuration) if any(o.tag == "fencing-topology" for o in objs) else 0
    return "\n".join(render_object(o, style, node_count=nodes) for o in objs)


def render_all(configuration: Element, style: Style | None = None) -> str:
    return render(iter_objects(configuration), configuration, style)
