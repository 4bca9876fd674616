"""Parsers for node statements and the property / rsc_defaults / op_defaults sets."""

from __future__ import annotations

from lxml import etree

from clushell.cib.lexer import Token
from clushell.cib.parse import (
    NO_QUORUM,
    Parsed,
    Stream,
    check_id,
    fail,
    is_score_token,
    parse_attr_list,
)

E = etree.Element


def parse_node(ts: Stream, head: Token) -> Parsed:
    tok = ts.next("a node name")
    node_id = None
    if tok.text.startswith("$id=") and not tok.quoted:
        node_id = tok.text[4:]
        tok = ts.next("a node name")
    elif tok.text.endswith(":") and len(tok.text) > 1:
        node_id = tok.text[:-1]
        tok = ts.next("a node name")
    uname, _, ntype = tok.text.partition(":")
    if not uname or any(c.isspace() for c in uname):
        raise fail(tok, "invalid node name")
    if ntype and ntype not in ("member", "remote", "ping"):
        raise fail(tok, "invalid node type (expected member or remote)")
    el = E("node", id=node_id or uname, uname=uname)
    if ntype:
        el.set("type", ntype)
    kws = frozenset({"attributes", "utilization"})
    first = True
    while not ts.done():
        t = ts.peek()
        assert t is not None
        if t.text.startswith("description=") and not t.quoted:
            ts.next()
            el.set("description", t.text.split("=", 1)[1])
        elif ts.at("attributes", "utilization"):
            word = ts.next().text.lower()
            el.append(parse_attr_list(ts, "instance_attributes" if word == "attributes" else "utilization", kws))
        elif first:
            el.append(parse_attr_list(ts, "instance_attributes", kws))
        else:
            raise fail(t, "unexpected keyword")
        first = False
    return Parsed("node", uname, el, head, extra={"node_id": node_id})


DEFAULT_SETS = {
    "property": ("cluster_property_set", "cib-bootstrap-options"),
    "rsc_defaults": ("meta_attributes", "rsc-options"),
    "op_defaults": ("meta_attributes", "op-options"),
}


def parse_defaults(ts: Stream, head: Token, kind: str) -> Parsed:
    """property / rsc_defaults / op_defaults."""
    tag, default_id = DEFAULT_SETS[kind]
    tok = ts.peek()
    set_id = None
    if tok is not None and is_score_token(tok) and not tok.quoted:
        ts.next()
        set_id = check_id(Token(tok.text[:-1], tok.col), "set id")
    el = parse_attr_list(ts, tag, frozenset(), allow_bare=False, allow_score=False)
    if kind == "property" and set_id is None and el.get("id") is None and el.find("rule") is not None:
        # a rule in cib-bootstrap-options would condition every option already in it (crm refuses it then)
        rule_tok = next(t for t in ts.toks if t.text.lower() == "rule" and not t.quoted)
        raise fail(rule_tok, "a rule needs a set of its own: property NAME: rule ...")
    if set_id:
        el.set("id", set_id)
    nvs = [nv for nv in el if nv.tag == "nvpair"]
    if not nvs and el.get("id-ref") is None and el.get("id") is None:  # `rsc_defaults NAME:` is an empty set
        raise fail(tok or head, "expected name=value")
    kv_toks = (t for t in ts.toks if "=" in t.text and t.text[0] != "$")
    for nv, t in zip(el.iterchildren("nvpair"), kv_toks, strict=False):
        value = nv.get("value")
        if value == "":
            raise fail(t, f"empty value for {nv.get('name')} is not allowed")
        if kind == "property" and nv.get("name") == "no-quorum-policy" and value not in NO_QUORUM:
            raise fail(t, f"invalid no-quorum-policy '{value}' (expected one of {', '.join(NO_QUORUM[:5])})")
    ident = el.get("id") or default_id
    return Parsed(kind, ident, el, head, extra={"explicit_id": el.get("id") is not None})
