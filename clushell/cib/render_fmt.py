"""Formatting pieces of crm text (values, nvpairs, rules, attribute and resource sets).

Shared by render.py (objects) and render_misc.py; rules follow crmsh 4.4.1's cliformat.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

from lxml import etree

Element = Any  # lxml.etree._Element (comments included, hence loose)

#: statement parts are joined with this (space, backslash, newline, TAB)
BREAK = " \\\n\t"
DEFAULT_OBSCURE = ("passw*",)

_NOQUOTES = re.compile(r"^[\w.-]+\Z")
_NODE_NAME = re.compile(r"^[^\s\"'\\]+\Z")

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
        "podman": "podman",  # crm 4.4.1 knows only docker; the same form reads back with parse_bundle
        "rkt": "rkt",
        "network": "network",
        "storage": "storage",
        "primitive": "primitive",
        "meta": "meta",
    },
}


class Style:
    """Per-call rendering options: obscured nvpair names and ids referenced by ``$id-ref``."""

    def __init__(
        self,
        obscure: Sequence[str] = DEFAULT_OBSCURE,
        idrefs: dict[str, str] | None = None,
        rule_refs: Callable[[], set[str]] | None = None,
    ):
        self.obscure = tuple(obscure)
        self.idrefs = idrefs or {}
        # rules referenced by `$id-ref` this session: computed on the first rule shown only
        self._rule_refs_fn = rule_refs
        self._rule_refs: set[str] | None = None
        # one compiled pattern: this runs for every nvpair of a 4000-resource show
        self._masked = re.compile("|".join(fnmatch.translate(p) for p in self.obscure)) if self.obscure else None

    def obscured(self, name: str | None, value: str | None) -> str | None:
        if name is not None and value is not None and self._masked is not None and self._masked.match(name):
            return "******"
        return value

    def refd(self, tag: str, ident: str | None) -> bool:
        if ident is None:
            return False
        if tag == "rule" and self._rule_refs_fn is not None:
            if self._rule_refs is None:
                self._rule_refs = self._rule_refs_fn()
            if ident in self._rule_refs:
                return True
        return self.idrefs.get(ident) == tag


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


@functools.lru_cache(maxsize=4096)  # names and most values repeat across thousands of objects
def nvpair_format(name: str, value: str | None) -> str:
    if value is None:
        return name
    return f"{name}={quote_wrap(value)}"


def head_id_format(ident: str) -> str:
    if noquotes(ident):
        return f"{ident}:"
    return f'$id="{ident}"'


def _cli_nvpair(nvp: Element, style: Style) -> str:
    """An ``<nvpair>`` (callers check the tag) as ``name=value``, ``@ref:name`` or ``$id:name=value``."""
    get = nvp.get
    name = get("name")
    value = get("value")
    if value is not None and name is not None and style._masked is not None:
        value = style.obscured(name, value)
    idref = get("id-ref")
    if idref is not None:
        return f"@{idref}:{name}" if name is not None else f"@{idref}"
    nid = get("id")
    if nid is not None and style.idrefs and style.refd("nvpair", nid):
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
    # crm 4.4 drops string: (for lt/gt/lte/gte Pacemaker's default is a number comparison);
    # clush keeps every type, so the text loads back to the same XML (README: differences)
    if typ:
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
    # one pass over the children (this runs for every attribute set of a show)
    rules: list[str] = []
    pairs: list[str] = []
    mappings: dict[str, list[str]] = {}
    for c in node:
        tag = c.tag
        if tag == "nvpair":
            pairs.append(_cli_nvpair(c, style))
        elif tag == "rule":
            rules.append(f"rule {cli_rule(c, style)}")
        elif tag == "port-mapping" or tag == "storage-mapping":
            mappings.setdefault(tag, []).append(
                f"{tag} " + "".join(nvpair_format(k, v) + " " for k, v in c.attrib.items()))
    tag = node.tag
    ret = f"{keyword} "
    nid = node.get("id")
    if nid is not None and style.refd(tag, nid):
        ret += nvpair_format("$id", nid) + " "
    else:
        idref = node.get("id-ref")
        if idref is not None:
            ret += nvpair_format("$id-ref", idref) + " "
    if tag in ("docker", "podman", "rkt", "network"):
        for k, v in node.attrib.items():
            ret += nvpair_format(k, v) + " "
    if tag == "primitive":
        ret += node.get("id")
    if mappings:
        ret += "".join(mappings.get("port-mapping", ())) + "".join(mappings.get("storage-mapping", ()))
    score = node.get("score")
    if score:
        ret += f"{score}: "
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
