"""XML -> crm configure text, byte-identical to ``crm configure show`` of crmsh 4.4.

Pure functions over lxml elements: no I/O, no printing, no colour. The rules (what is
hidden, how values are quoted, the order of objects) follow crmsh 4.4.1's cliformat and
cibconfig modules as measured with ``CIB_file=x.xml crm configure show``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from typing import Any

from lxml import etree

Element = Any  # lxml.etree._Element (comments included, hence loose)

#: statement parts are joined with this (space, backslash, newline, TAB)
BREAK = " \\\n\t"
DEFAULT_OBSCURE = ("passw*",)

_NOQUOTES = re.compile(r"^[\w.-]+$")
_NODE_NAME = re.compile(r"^[^\s\"'\\]+$")

#: crm object type -> sort rank (crmsh's _sort_cli_order)
_RANK: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("node",),
        ("rsc_template",),
        ("primitive",),
        ("bundle",),
        ("group",),
        ("ms", "master"),
        ("clone",),
        ("op",),
        ("tag",),
        ("location", "colocation", "order"),
        ("rsc_ticket", "fencing_topology"),
        ("property",),
        ("rsc_defaults",),
        ("op_defaults",),
        ("role",),
        ("acl_target", "acl_group", "user"),
        ("alert",),
    )
):
    for _n in _names:
        _RANK[_n] = _i

#: XML tag -> crm object type for top-level objects
TAG_TYPES = {
    "node": "node",
    "primitive": "primitive",
    "template": "rsc_template",
    "group": "group",
    "clone": "clone",
    "master": "ms",
    "bundle": "bundle",
    "rsc_location": "location",
    "rsc_colocation": "colocation",
    "rsc_order": "order",
    "rsc_ticket": "rsc_ticket",
    "cluster_property_set": "property",
    "fencing-topology": "fencing_topology",
    "acl_role": "role",
    "acl_user": "user",
    "acl_target": "acl_target",
    "acl_group": "acl_group",
    "tag": "tag",
    "alert": "alert",
}
RESOURCE_TAGS = ("primitive", "group", "clone", "master", "template", "bundle")
CONTAINER_TAGS = ("group", "clone", "master", "bundle")
CONSTRAINT_TAGS = ("rsc_location", "rsc_colocation", "rsc_order", "rsc_ticket")

_SET_NAMES = {
    "node": {"instance_attributes": "attributes", "utilization": "utilization"},
    "primitive": {"instance_attributes": "params", "meta_attributes": "meta", "utilization": "utilization"},
    "container": {"instance_attributes": "params", "meta_attributes": "meta"},
    "op": {"instance_attributes": "op_params", "meta_attributes": "op_meta"},
    "alert": {"instance_attributes": "attributes", "meta_attributes": "meta"},
    "bundle": {
        "instance_attributes": "params",
        "meta_attributes": "meta",
        "docker": "docker",
        "network": "network",
        "storage": "storage",
        "primitive": "primitive",
        "meta": "meta",
    },
}


class Style:
    """Per-call rendering options: obscured nvpair names and ids referenced by ``$id-ref``."""

    def __init__(self, obscure: Sequence[str] = DEFAULT_OBSCURE, idrefs: dict[str, str] | None = None):
        self.obscure = tuple(obscure)
        self.idrefs = idrefs or {}
        # one compiled pattern: this runs for every nvpair of a 4000-resource show
        self._masked = re.compile("|".join(fnmatch.translate(p) for p in self.obscure)) if self.obscure else None

    def obscured(self, name: str | None, value: str | None) -> str | None:
        if name is not None and value is not None and self._masked is not None and self._masked.match(name):
            return "******"
        return value

    def refd(self, tag: str, ident: str | None) -> bool:
        return ident is not None and self.idrefs.get(ident) == tag


# -- small formatters ---------------------------------------------------------------------
def is_element(node: Any) -> bool:
    return isinstance(node.tag, str)


def is_comment(node: Any) -> bool:
    return isinstance(node, etree._Comment)


def noquotes(value: str) -> bool:
    return _NOQUOTES.match(value) is not None


def quote_wrap(value: str) -> str:
    if noquotes(value):
        return value
    if '"' in value:
        return '"{}"'.format(value.replace('"', '\\"'))
    return f'"{value}"'


def nvpair_format(name: str, value: str | None) -> str:
    if value is None:
        return name
    return f"{name}={quote_wrap(value)}"


def head_id_format(ident: str) -> str:
    if noquotes(ident):
        return f"{ident}:"
    return f'$id="{ident}"'


def _cli_nvpair(nvp: Element, style: Style) -> str:
    name = nvp.get("name")
    value = style.obscured(name, nvp.get("value"))
    idref = nvp.get("id-ref")
    if idref is not None:
        return f"@{idref}:{name}" if name is not None else f"@{idref}"
    nid = nvp.get("id")
    if nid is not None and style.refd(nvp.tag, nid):
        return f"${nid}:{nvpair_format(name, value)}"
    return nvpair_format(name, value)


def _score(node: Element) -> str:
    score = node.get("score")
    if not score:
        score = node.get("score-attribute")
    elif "INFINITY" in score:
        score = score.replace("INFINITY", "inf")
    return score or ""


def _comment_text(c: Element) -> str:
    text = (c.text or "").strip()
    return text if text.startswith("#") else f"# {text}"


# -- rules and expressions -----------------------------------------------------------------
def _date_expr(node: Element) -> str:
    op = node.get("operation")
    words = ["date", {"in_range": "in", "date_spec": "spec"}.get(op, op)]
    if op in ("lt", "gt"):
        value = node.get("end" if op == "lt" else "start")
        words.append(quote_wrap(value) if value is not None else "None")
    else:
        if op == "in_range":
            for name in ("start", "end"):
                if name in node.attrib:
                    words.append(nvpair_format(name, node.get(name)))
        for c in node:
            if is_element(c) and c.tag in ("duration", "date_spec"):
                words.extend(nvpair_format(k, v) for k, v in c.attrib.items() if k != "id")
    return " ".join(words)


def _expr(node: Element) -> str:
    op = node.get("operation")
    typ = node.get("type")
    if typ and typ != "string":  # crmsh drops the default type on load
        op = f"{typ}:{op}"
    attribute = node.get("attribute")
    value = node.get("value")
    if not value:
        return f"{op} {attribute}"
    source = node.get("value-source")
    if not source or source == "literal":
        return f"{attribute} {op} {value}"
    return f"{attribute} {op} {source}{{{value}}}"


def _exprs(node: Element) -> str:
    bool_op = node.get("boolean-op") or "and"
    parts = []
    for c in node:
        if not is_element(c):
            continue
        if c.tag == "date_expression":
            parts.append(_date_expr(c))
        elif c.tag == "expression":
            parts.append(_expr(c))
    return f" {bool_op} ".join(parts)


def cli_rule(node: Element, style: Style) -> str:
    words = []
    nid = node.get("id")
    if nid and style.refd(node.tag, nid):
        words.append(nvpair_format("$id", nid))
    else:
        idref = node.get("id-ref")
        if idref:
            return nvpair_format("$id-ref", idref)
    role = node.get("role")
    if role:
        words.append(nvpair_format("$role", role))
    score = None if node.get("score") == "INFINITY" else _score(node)
    if score:
        words.append(f"{score}:")
    words.append(_exprs(node))
    return " ".join(words)


# -- attribute sets ------------------------------------------------------------------------
def _attr_set(node: Element, keyword: str, style: Style) -> str:
    ret = f"{keyword} "
    nid = node.get("id")
    idref = node.get("id-ref")
    if nid is not None and style.refd(node.tag, nid):
        ret += nvpair_format("$id", nid) + " "
    elif idref is not None:
        ret += nvpair_format("$id-ref", idref) + " "
    if node.tag in ("docker", "network"):
        for k, v in node.attrib.items():
            ret += nvpair_format(k, v) + " "
    if node.tag == "primitive":
        ret += node.get("id")
    for kind in ("port-mapping", "storage-mapping"):
        for c in node.iterchildren(kind):
            ret += f"{kind} "
            for k, v in c.attrib.items():
                ret += nvpair_format(k, v) + " "
    score = node.get("score")
    if score:
        ret += f"{score}: "
    rules, pairs = [], []
    for c in node:
        if c.tag == "nvpair":
            pairs.append(_cli_nvpair(c, style))
        elif c.tag == "rule":
            rules.append(f"rule {cli_rule(c, style)}")
    words = rules + pairs
    if words:
        ret += " ".join(words) + " "
    return ret[:-1] if ret.endswith(" ") else ret


def _set_part(c: Element, names: dict[str, str], style: Style) -> str | None:
    if c.tag in names:
        return _attr_set(c, names[c.tag], style)
    return None


# -- resource sets -------------------------------------------------------------------------
def _boolean_maybe(v: str | None) -> bool | None:
    if v is None:
        return None
    if not v:
        return False
    return v.lower() in ("yes", "true", "on", "1")


def _rsc_sets(node: Element, obj_type: str) -> list[str]:
    col: list[str] = []
    cnt = 0
    sequential = require_all = None
    for rset in node.iterchildren("resource_set"):
        sequential = _boolean_maybe(rset.get("sequential"))
        require_all = _boolean_maybe(rset.get("require-all"))
        if require_all is False:
            col.append("[")
        elif sequential is False:
            col.append("(")
        qual = rset.get("action") if obj_type == "order" else rset.get("role")
        for ref in rset.iterchildren("resource_ref"):
            rsc = ref.get("id")
            col.append(f"{rsc}:{qual}" if qual else rsc)
            cnt += 1
        if require_all is False:
            if sequential in (None, True):
                col.append("sequential=true")
            col.append("]")
        elif sequential is False:
            col.append(")")
    is_ticket = obj_type == "rsc_ticket"
    seq_all = sequential in (None, True) and require_all in (None, True)
    if obj_type != "location" and ((seq_all and not is_ticket and cnt <= 2) or (is_ticket and cnt <= 1)):
        col.insert(0, "_rsc_set_")  # would otherwise re-parse as the simple form
    return col


def _rsc_role(node: Element, attr: str, suffix: str) -> str:
    rsc = node.get(attr)
    qual = node.get(f"{attr}-{suffix}") or node.get(f"{attr}-instance")
    return f"{rsc}:{qual}" if qual else f"{rsc}"


# -- heads ----------------------------------------------------------------------------------
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
    elif node.find("resource_set") is not None:
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
    if node.find("resource_set") is not None:
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
    if node.find("resource_set") is not None:
        col = _rsc_sets(node, "rsc_ticket")
    else:
        col = [_rsc_role(node, "rsc", "role")]
    if not col:
        return None
    if node.get("loss-policy"):
        col.append("loss-policy={}".format(node.get("loss-policy")))
    return f"rsc_ticket {oid} {node.get('ticket')}: {' '.join(col)}"


def _fencing(node: Element, node_count: int) -> str:
    levels: dict[Any, dict[str, str]] = {}
    for c in node.iterchildren("fencing-level"):
        if "target-pattern" in c.attrib:
            target: Any = (None, c.get("target-pattern"))
        elif "target-attribute" in c.attrib:
            target = (c.get("target-attribute"), c.get("target-value"))
        else:
            target = c.get("target")
        levels.setdefault(target, {})[c.get("index")] = c.get("devices")
    ordered = {t: [d[str(i)] for i in sorted(int(k) for k in d)] for t, d in levels.items()}
    distinct = {" ".join(devs) for devs in ordered.values()}
    if len(distinct) == 1 and len(levels) == node_count:
        return f"fencing_topology {next(iter(distinct))}"

    def fmt(t: Any) -> str:
        if isinstance(t, tuple):
            return f"pattern:{t[1]}" if t[0] is None else f"attr:{t[0]}={t[1]}"
        return f"{t}:"

    return BREAK.join(["fencing_topology"] + [f"{fmt(t)} {' '.join(d)}" for t, d in ordered.items()])


# -- ACLs and alerts -----------------------------------------------------------------------
_ACL_SHORTCUTS = {
    "meta": (r"//primitive\[@id='@@'\]/meta_attributes", r"/nvpair\[@name='@@'\]"),
    "params": (r"//primitive\[@id='@@'\]/instance_attributes", r"/nvpair\[@name='@@'\]"),
    "utilization": (r"//primitive\[@id='@@'\]/utilization",),
    "location": (r"//rsc_location\[@id='cli-prefer-@@' and @rsc='@@'\]",),
    "property": (r"//crm_config/cluster_property_set", r"/nvpair\[@name='@@'\]"),
    "nodeattr": (r"//nodes/node/instance_attributes", r"/nvpair\[@name='@@'\]"),
    "nodeutil": (r"//nodes/node/utilization", r"/nvpair\[@name='@@'\]"),
    "node": (r"//nodes/node",),
    "status": (r"/cib/status",),
    "cib": (r"/cib",),
}


def _acl_xpath(value: str) -> tuple[str, str] | None:
    for short, parts in _ACL_SHORTCUTS.items():
        res = [p.replace("@@", r"([a-zA-Z_][a-zA-Z0-9_.-]*)") for p in parts]
        for i in range(len(res)):
            m = re.match("".join(res[: i + 1]) + "$", value)
            if m:
                return short, ":".join(m.groups()[: i + 1])
    return None


def _acl_spec(key: str, value: str) -> str:
    if key == "xpath":
        short = _acl_xpath(value)
        if short:
            key, shown = short
        else:
            shown = quote_wrap(value)
    else:
        shown = value
    return f"{key}:{shown}" if shown else key


def _acl_child(c: Element) -> str | None:
    if c.tag in ("read", "write", "deny"):
        words = [c.tag]
        for key in ("xpath", "ref", "tag", "attribute"):
            if c.get(key):
                words.append(_acl_spec(key, c.get(key)))
        return " ".join(words)
    if c.tag == "role_ref":
        return f"role:{c.get('id')}"
    if c.tag == "role":
        return c.get("id")
    if c.tag == "acl_permission":
        words = [c.get("kind")]
        if c.get("description"):
            words.append(nvpair_format("description", c.get("description")))
        for attr, cli in (("xpath", "xpath"), ("reference", "ref"), ("attribute", "attr"), ("object-type", "type")):
            if attr in c.attrib:
                v = c.get(attr)
                shown = _acl_xpath(v) if attr == "xpath" else None
                if shown:
                    words.append(f"{shown[0]}:{shown[1]}")
                else:
                    val = quote_wrap(v) if attr == "xpath" else v
                    words.append(f"{cli}:{val}" if val else cli)
        return " ".join(words)
    return None


def _alert_child(node: Element, c: Element, style: Style) -> str | None:
    names = _SET_NAMES["alert"]
    if c.tag in names:
        return _attr_set(c, names[c.tag], style)
    if c.tag == "select":
        words = ["select"]
        for sel in c:
            if not is_element(sel) or not sel.tag.startswith("select_"):
                continue
            words.append(sel.tag.lstrip("select_"))  # noqa: B005 -- crmsh strips characters, not a prefix
            if sel.tag == "select_attributes":
                words.append("{")
                words.extend(a.get("name") for a in sel.iterchildren("attribute"))
                words.append("}")
        return " ".join(words)
    if c.tag == "recipient":
        wanted = ("recipient", "instance_attributes", "meta_attributes")
        tags = [x.tag for x in node if is_element(x) and x.tag in wanted]
        rest = tags[tags.index("recipient") + 1 :]
        complex_ = "instance_attributes" in rest or "meta_attributes" in rest
        words = ["to"] + (["{"] if complex_ else []) + [quote_wrap(c.get("value") or "")]
        for sub in c:
            if is_element(sub) and sub.tag in names:
                words.append(_attr_set(sub, names[sub.tag], style))
        if complex_:
            words.append("}")
        return " ".join(words)
    return None


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
        if is_comment(c):
            comments.append(_comment_text(c))
            continue
        if not is_element(c):
            continue
        s = _child(el, c, otype, names, style)
        if s:
            parts.append(s)
    return parts, comments


def _child(el: Element, c: Element, otype: str, names: dict[str, str], style: Style) -> str | None:
    if otype == "bundle":
        return _attr_set(c, names.get(c.tag, c.tag), style)
    if names and c.tag in names:
        return _attr_set(c, names[c.tag], style)
    if otype in ("primitive", "rsc_template") and c.tag == "operations":
        return _operations(c, style)
    if otype == "location" and c.tag == "rule":
        return f"rule {cli_rule(c, style)}"
    if otype in ("property", "rsc_defaults", "op_defaults"):
        if c.tag == "rule":
            return f"rule {cli_rule(c, style)}"
        if c.tag == "nvpair":
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
        if is_element(op):
            lines.append(_op(op, style))
    return BREAK.join(lines)


def _op(op: Element, style: Style) -> str:
    action = op.get("name", "")
    head = " ".join([f"op {action}"] + [nvpair_format(k, v) for k, v in op.attrib.items() if k not in ("name", "id")])
    parts = [head]
    comments = []
    if op.get("description"):
        parts.append(nvpair_format("description", op.get("description")))
    for c in op:
        if is_comment(c):
            comments.append(_comment_text(c))
        elif is_element(c) and c.tag in _SET_NAMES["op"]:
            parts.append(_attr_set(c, _SET_NAMES["op"][c.tag], style))
    text = BREAK.join(parts)
    return "\n".join(comments + [text]) if comments else text


def render_xml_object(el: Element) -> str:
    """The fallback for objects without a CLI form: ``xml <element> \\`` lines."""
    text = etree.tostring(el, pretty_print=True).decode()
    lines = [x for x in text.split("\n") if x]
    return "xml " + " \\\n".join(lines)


_SETS = ("instance_attributes", "meta_attributes", "utilization")
_CHILDREN: dict[str, tuple[str, ...]] = {
    "primitive": (*_SETS, "operations"),
    "template": (*_SETS, "operations"),
    "group": ("instance_attributes", "meta_attributes", "primitive"),
    "clone": ("instance_attributes", "meta_attributes", "primitive", "group"),
    "master": ("instance_attributes", "meta_attributes", "primitive", "group"),
    "node": ("instance_attributes", "utilization"),
    "rsc_location": ("rule", "resource_set"),
    "rsc_colocation": ("resource_set",),
    "rsc_order": ("resource_set",),
    "rsc_ticket": ("resource_set",),
    "cluster_property_set": ("nvpair", "rule"),
    "tag": ("obj_ref",),
    "fencing-topology": ("fencing-level",),
    # below objects
    "instance_attributes": ("nvpair", "rule"),
    "meta_attributes": ("nvpair", "rule"),
    "utilization": ("nvpair", "rule"),
    "operations": ("op",),
    "op": ("instance_attributes", "meta_attributes"),
    "rule": ("expression", "date_expression"),
    "date_expression": ("date_spec", "duration"),
    "resource_set": ("resource_ref",),
}
_ATTRS = {
    "primitive": frozenset(("id", "class", "provider", "type", "template", "description")),
    "template": frozenset(("id", "class", "provider", "type", "description")),
    "resource_set": frozenset(("id", "sequential", "require-all", "role", "action")),
}
_COMMENT_OK = frozenset(("primitive", "template", "group", "clone", "master", "node", "op", "rsc_location",
                         "rsc_colocation", "rsc_order", "rsc_ticket", "tag", "cluster_property_set"))


def has_cli_form(el: Element) -> bool:
    """False for what the crm language cannot express (crmsh then shows raw XML):
    unknown child elements (nested rules, ...), unknown attributes on primitives and
    resource sets, an order constraint with a score instead of a kind."""
    if el.tag == "rsc_order" and el.get("score") is not None:
        return False
    if el.tag == "node" and not _NODE_NAME.match(el.get("uname") or ""):
        return False  # printed unquoted, it would not parse back
    if el.tag == "rule" and el.get("id-ref") is None:
        if not any(c.tag in ("expression", "date_expression") for c in el):
            return False
    allowed = _ATTRS.get(el.tag)
    if allowed is not None and not allowed.issuperset(el.attrib.keys()):
        return False
    known = _CHILDREN.get(el.tag)
    if known is None:
        return True
    for c in el:
        tag = c.tag
        if not isinstance(tag, str):
            if el.tag not in _COMMENT_OK:
                return False
            continue
        if tag not in known:
            return False
        if tag in _CHILDREN and not (tag in CONTAINER_TAGS or tag == "primitive") and not has_cli_form(c):
            return False
    return True


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


def _as_property(el: Element) -> Element:
    """Defaults sets are checked like property sets (same grammar)."""
    return el if el.tag != "meta_attributes" else _PropertyView(el)


class _PropertyView:
    """A defaults ``meta_attributes`` seen as a ``cluster_property_set`` for has_cli_form."""

    tag = "cluster_property_set"

    def __init__(self, el: Element):
        self._el = el
        self.attrib = el.attrib

    def __iter__(self):
        return iter(self._el)

    def get(self, key: str, default: Any = None) -> Any:
        return self._el.get(key, default)


def count_nodes(configuration: Element) -> int:
    nodes = configuration.find("nodes")
    return 0 if nodes is None else sum(1 for n in nodes.iterchildren("node"))


def render(objects: Iterable[Element], configuration: Element, style: Style | None = None) -> str:
    """Several objects, sorted as crmsh sorts them, one statement each (no final newline)."""
    style = style or Style()
    objs = sorted(objects, key=sort_key)
    nodes = count_nodes(configuration) if any(o.tag == "fencing-topology" for o in objs) else 0
    return "\n".join(render_object(o, style, node_count=nodes) for o in objs)


def render_all(configuration: Element, style: Style | None = None) -> str:
    return render(iter_objects(configuration), configuration, style)


# -- show xml ----------------------------------------------------------------------------------
_XML_RANK = {
    t: i
    for i, ts in enumerate(
        (
            ("node",),
            ("template",),
            ("primitive",),
            ("bundle",),
            ("group",),
            ("master",),
            ("clone",),
            ("op",),
            ("tag",),
            CONSTRAINT_TAGS,
            ("rsc_ticket", "fencing-topology"),
            ("cluster_property_set",),
            ("rsc_defaults",),
            ("op_defaults",),
            ("acl_role",),
            ("acl_target", "acl_group", "acl_user"),
            ("alert",),
        )
    )
    for t in ts
}


_XML_DEFAULTS = {
    "rule": (("boolean-op", "and"),),
    "expression": (("type", "string"),),
    "resource_set": (("sequential", "true"), ("require-all", "true")),
    "node": (("type", "normal"),),
}


def _xml_rank(el: Element) -> int:
    if el.tag == "meta_attributes":
        return _XML_RANK.get(el.getparent().tag, 1000)
    return _XML_RANK.get(el.tag, 1000)


def _top_parent(el: Element) -> Element:
    while el.getparent() is not None and el.getparent().tag in CONTAINER_TAGS:
        el = el.getparent()
    return el


def render_xml(objects: Iterable[Element], root: Element, style: Style | None = None, *, ordered: bool = True) -> str:
    """``show xml``: a ``<cib>`` document holding the top-level containers of ``objects``."""
    import copy

    style = style or Style()
    objs = sorted(objects, key=_xml_rank) if ordered else list(objects)
    cib = etree.Element("cib", dict(root.attrib))
    conf = etree.SubElement(cib, "configuration")
    sections = {name: etree.SubElement(conf, name) for name in ("crm_config", "nodes", "resources", "constraints")}
    seen: set[int] = set()
    for el in objs:
        top = _top_parent(el)
        if id(top) in seen:
            continue
        seen.add(id(top))
        parent_tag = top.getparent().tag if top.getparent() is not None else "configuration"
        if top.tag == "fencing-topology":
            holder = conf
        else:
            if parent_tag not in sections:
                sections[parent_tag] = etree.SubElement(conf, parent_tag)
            holder = sections[parent_tag]
        holder.append(copy.deepcopy(top))
    for el in cib.iter(*CONTAINER_TAGS):  # crmsh keeps attribute sets before the members
        for c in [c for c in el if c.tag in ("primitive", "group")]:
            el.append(c)
    for el in cib.iter("rule", "expression", "resource_set", "node"):
        for attr, default in _XML_DEFAULTS.get(el.tag, ()):
            if el.get(attr) == default:  # crmsh drops these defaults when it loads a CIB
                del el.attrib[attr]
    for nvp in cib.iter("nvpair"):
        if "value" in nvp.attrib:
            nvp.set("value", style.obscured(nvp.get("name"), nvp.get("value")) or "")
    # ASCII with character references, as crmsh prints it
    return '<?xml version="1.0" ?>\n' + etree.tostring(cib, pretty_print=True).decode()
