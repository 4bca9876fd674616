"""Parsing of resource statements: primitive (and template), op, group/clone/ms/master (pure).

The shared machinery (Stream, Parsed, attribute lists, rules) is clushell.cib.parse.
"""

from __future__ import annotations

import difflib
import re

from lxml import etree

from clushell import values
from clushell.cib.lexer import Token
from clushell.cib.parse import (
    DURATION_ATTRS,
    OP_ATTRS,
    E,
    Parsed,
    Stream,
    check_id,
    check_role,
    fail,
    parse_attr_list,
    parse_nvpair,
    split_kv,
)
from clushell.cib.problems import warning

PRIM_KW = frozenset({"params", "meta", "utilization", "op", "operations", "op_params", "op_meta"})
_SET_TAGS = {"params": "instance_attributes", "meta": "meta_attributes", "utilization": "utilization"}


def parse_agent(tok: Token, el: etree._Element, *, allow_template: bool) -> str | None:
    """Set class/provider/type (or template=) on ``el``; returns the template id if any."""
    text = tok.text
    if text.startswith("@"):
        if not allow_template:
            raise fail(tok, "a template cannot be based on another template")
        el.set("template", check_id(Token(text[1:], tok.col + 1), "template id"))
        return text[1:]
    parts = text.split(":")
    if len(parts) > 3 or any(not p for p in parts):
        raise fail(tok, "invalid resource agent (expected [class:[provider:]]type)")
    if len(parts) == 1:
        el.set("class", "ocf")
        el.set("type", parts[0])
    elif len(parts) == 2:
        el.set("class", parts[0])
        el.set("type", parts[1])
    else:
        if parts[0] != "ocf":
            raise fail(tok, f"class {parts[0]} has no providers")
        el.set("class", parts[0])
        el.set("provider", parts[1])
        el.set("type", parts[2])
    return None


def parse_primitive(ts: Stream, head: Token, kind: str) -> Parsed:
    tag = "primitive" if kind == "primitive" else "template"
    ident = check_id(ts.next("an id"), "object id")
    el = E(tag, id=ident)
    agent = ts.next("a resource agent")
    tpl = parse_agent(agent, el, allow_template=(tag == "primitive"))
    p = Parsed(kind, ident, el, head)
    if tpl:
        p.refs.append(Token(tpl, agent.col + 1))
        p.extra["template"] = Token(tpl, agent.col + 1)
    ops: etree._Element | None = None
    first = True
    while not ts.done():
        tok = ts.peek()
        assert tok is not None
        word = tok.text.lower() if not tok.quoted else ""
        if tok.text.startswith("description=") and not tok.quoted:
            ts.next()
            el.set("description", tok.text.split("=", 1)[1])
        elif word in _SET_TAGS:
            ts.next()
            el.append(parse_attr_list(ts, _SET_TAGS[word], PRIM_KW))
        elif word == "operations":
            ts.next()
            spec = ts.next("$id= or $id-ref=")
            if ops is None:
                ops = E("operations")
                el.append(ops)
            if spec.text.startswith("$id="):
                ops.set("id", check_id(Token(spec.text[4:], spec.col + 4), "operations id"))
            elif spec.text.startswith("$id-ref="):
                ops.set("id-ref", check_id(Token(spec.text[8:], spec.col + 8), "id reference"))
            else:
                raise fail(spec, "expected $id= or $id-ref= after operations")
        elif word == "op":
            ts.next()
            if ops is None:
                ops = E("operations")
                el.append(ops)
            ops.append(parse_op(ts))
        elif word in ("op_params", "op_meta"):
            raise fail(tok, f"{word} must follow an op")
        elif first and word not in PRIM_KW:
            el.append(parse_attr_list(ts, "instance_attributes", PRIM_KW))
        else:
            raise fail(tok, "unexpected keyword")
        first = False
    return p


def parse_op(ts: Stream) -> etree._Element:
    name_tok = ts.next("an operation name")
    if not re.match(r"^[\w-]+$", name_tok.text):
        raise fail(name_tok, "invalid operation name")
    op = E("op", name=name_tok.text)
    inst: etree._Element | None = None
    while not ts.done() and not ts.at(*PRIM_KW):
        tok = ts.peek()
        assert tok is not None
        if "=" not in tok.text:
            raise fail(tok, "expected attr=value in op")
        ts.next()
        if tok.text.startswith("$") and not tok.quoted:  # crm: $NAME=V / $ID:NAME=V as NAME=V
            nv = parse_nvpair(tok)
            if nv.get("name") not in OP_ATTRS:
                inst = E("instance_attributes") if inst is None else inst
                inst.append(nv)
                continue
            tok = Token(f"{nv.get('name')}={nv.get('value', '')}", tok.col)
        name, value = split_kv(tok)
        if name in OP_ATTRS:
            if inst is not None:
                raise fail(tok, f"op attribute {name} must come before any instance attribute")
            if name == "role":
                value = check_role(tok, value or "")
            elif name in DURATION_ATTRS and values.duration(value or ""):
                raise fail(tok, f"{name}: {values.duration(value or '')}")
            op.set(name, value or "")
            continue
        close = difflib.get_close_matches(name, OP_ATTRS, n=1, cutoff=0.8)
        if close:
            raise fail(tok, f"unknown op attribute '{name}' (did you mean {close[0]}?)")
        if inst is None:
            inst = E("instance_attributes")
        inst.append(parse_nvpair(tok))
    if op.get("interval") is None:
        op.set("interval", "0")
    if inst is not None:
        op.append(inst)
    while ts.at("op_params", "op_meta"):
        word = ts.next().text.lower()
        tag = "instance_attributes" if word == "op_params" else "meta_attributes"
        op.append(parse_attr_list(ts, tag, PRIM_KW))
    return op


CONT_KW = frozenset({"params", "meta"})


def parse_container(ts: Stream, head: Token, kind: str) -> Parsed:
    """group / clone / ms."""
    tag = {"group": "group", "clone": "clone", "ms": "master"}[kind]
    ident = check_id(ts.next("an id"), "object id")
    el = E(tag, id=ident)
    p = Parsed(kind, ident, el, head)
    while not ts.done():
        tok = ts.peek()
        assert tok is not None
        if "=" in tok.text or ts.at(*CONT_KW):
            break
        ts.next()
        check_id(tok, "resource id")
        if any(m.text == tok.text for m in p.members):
            raise fail(tok, f"resource {tok.text} listed twice")
        p.members.append(tok)
        if kind != "group" and len(p.members) > 1:
            raise fail(tok, f"a {kind} has exactly one child resource")
    if not p.members:
        raise fail(ts.peek() or head, f"{kind} {ident} needs a child resource")
    first = True
    while not ts.done():
        tok = ts.peek()
        assert tok is not None
        if tok.text.startswith("description=") and not tok.quoted:
            ts.next()
            el.set("description", tok.text.split("=", 1)[1])
        elif ts.at("params", "meta"):
            word = ts.next().text.lower()
            el.append(parse_attr_list(ts, _SET_TAGS[word], CONT_KW))
        elif first:
            el.append(parse_attr_list(ts, "instance_attributes", CONT_KW))
        else:
            raise fail(tok, "unexpected keyword")
        first = False
    if kind == "ms":
        p.messages.append(warning("ms is deprecated; use clone with meta promotable=true", p.head.text, p.head.col))
    return p
