"""crm configure statements -> id-less XML elements plus what they reference.

The parser knows nothing about the current CIB: it checks syntax and values that can be
judged alone (ids, scores, roles, keywords) and records every reference (resources,
templates, sets) with its token, so that build.py can check them against the model
before anything changes. Ids are assigned later by ids.py, exactly like crmsh does.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from lxml import etree

from clushell import values
from clushell.cib.ids import valid_id
from clushell.cib.lexer import Token
from clushell.cib.problems import Problem, warning
from clushell.errors import ClushError

E = etree.Element

#: attributes of <op> in the Pacemaker schema; any other k=v becomes an op instance attribute
OP_ATTRS = (
    "id",
    "name",
    "interval",
    "description",
    "start-delay",
    "interval-origin",
    "timeout",
    "enabled",
    "record-pending",
    "role",
    "requires",
    "on-fail",
)
#: op attributes that hold a Pacemaker duration (checked as typed: crm_verify would only warn)
DURATION_ATTRS = ("interval", "timeout", "start-delay")
ROLES = ("Started", "Stopped", "Master", "Slave", "Promoted", "Unpromoted")
ACTIONS = ("start", "stop", "promote", "demote")
NO_QUORUM = ("stop", "freeze", "ignore", "demote", "suicide", "fence")
_INF = re.compile(r"^([+-]?)(inf|infinity)$", re.I)
_INT = re.compile(r"^[+-]?[0-9]+$")
_ATTR_NAME = re.compile(r"^[^\s=]+$")


class ParseError(ClushError):
    """A syntax or value error at one token."""


@dataclass
class Parsed:
    """One parsed statement.

    ``element`` is the new XML (no generated ids yet); ``refs`` are resource ids that
    must exist; ``members`` are resources moved into a new group/clone; ``extra`` holds
    statement-specific data (property set id, monitor spec, fencing levels, ...).
    """

    kind: str
    ident: str
    element: etree._Element | None
    head: Token
    refs: list[Token] = field(default_factory=list)
    members: list[Token] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    messages: list[Problem] = field(default_factory=list)  # infos and warnings (the statement applies)


def fail(tok: Token | None, msg: str) -> ParseError:
    """A ParseError that names the token and its column."""
    if tok is None:
        return ParseError(f"{msg} (at end of line)")
    return ParseError(f"{msg}: '{tok.text}'", column=tok.col, token=tok.text)


class Stream:
    """Cursor over the tokens of one statement."""

    def __init__(self, tokens: list[Token], end: Token | None = None):
        self.toks = tokens
        self.pos = 0
        self.end = end

    def peek(self, off: int = 0) -> Token | None:
        i = self.pos + off
        return self.toks[i] if i < len(self.toks) else None

    def next(self, what: str = "a value") -> Token:
        tok = self.peek()
        if tok is None:
            last = self.toks[-1] if self.toks else self.end
            if last is None:
                raise ParseError(f"missing {what}")
            raise ParseError(f"missing {what} after '{last.text}'", column=last.col + len(last.text), token=last.text)
        self.pos += 1
        return tok

    def at(self, *words: str) -> bool:
        tok = self.peek()
        return tok is not None and not tok.quoted and tok.text.lower() in words

    def done(self) -> bool:
        return self.pos >= len(self.toks)


def check_id(tok: Token, what: str = "object id") -> str:
    if not valid_id(tok.text):
        raise fail(tok, f"invalid {what}")
    return tok.text


def score_attr(tok: Token, text: str, *, allow_attr: bool = False) -> tuple[str, str]:
    """(attribute, value) for a score: ``score``/``INFINITY``... or ``score-attribute``/name."""
    m = _INF.match(text)
    if m:
        return "score", f"{m.group(1)}INFINITY"
    if _INT.match(text):
        return "score", text
    if text.lower() == "mandatory":
        return "score", "INFINITY"
    if text.lower() == "advisory":
        return "score", "0"
    if allow_attr and valid_id(text.lstrip("#")):
        return "score-attribute", text
    raise fail(tok, "invalid score (expected an integer, inf, -inf, mandatory or advisory)")


def is_score_token(tok: Token | None) -> bool:
    return tok is not None and tok.text.endswith(":") and "=" not in tok.text and len(tok.text) > 1


def check_role(tok: Token, role: str) -> str:
    for r in ROLES:
        if role.lower() == r.lower():
            return r
    raise fail(tok, f"invalid role '{role}' (expected one of {', '.join(ROLES)})")


def split_kv(tok: Token) -> tuple[str, str | None]:
    if "=" not in tok.text:
        return tok.text, None
    name, value = tok.text.split("=", 1)
    if not name:
        raise fail(tok, "missing name before '='")
    return name, value


def bool_value(tok: Token, value: str) -> str:
    v = value.lower()
    if v in ("true", "yes", "on", "1", "y"):
        return "true"
    if v in ("false", "no", "off", "0", "n"):
        return "false"
    raise fail(tok, "expected true or false")


# -- attribute lists and rules --------------------------------------------------------------
def parse_attr_list(ts: Stream, tag: str, stop: frozenset[str], *, allow_bare: bool = True) -> etree._Element:
    """``[$id=X|$id-ref=X] [<score>:] [rule ...]... n=v ...`` into a ``<tag>`` set element."""
    el = E(tag)
    while not ts.done() and not ts.at(*stop):
        tok = ts.next()
        text = tok.text
        if text.startswith("$id=") and not tok.quoted:
            el.set("id", check_id(Token(text[4:], tok.col + 4), "set id"))
        elif text.startswith("$id-ref=") and not tok.quoted:
            el.set("id-ref", check_id(Token(text[8:], tok.col + 8), "id reference"))
        elif is_score_token(tok) and not tok.quoted and len(el) == 0:
            k, v = score_attr(tok, text[:-1])
            el.set(k, v)
        elif tok.text.lower() == "rule" and not tok.quoted:
            el.append(parse_rule(ts, default_score=True))
        else:
            el.append(parse_nvpair(tok, allow_bare=allow_bare))
    return el


def parse_nvpair(tok: Token, *, allow_bare: bool = True) -> etree._Element:
    text = tok.text
    nv = E("nvpair")
    if text.startswith("@") and not tok.quoted:
        ref, _, name = text[1:].partition(":")
        nv.set("id-ref", check_id(Token(ref, tok.col + 1), "id reference"))
        if name:
            nv.set("name", name)
        return nv
    if text.startswith("$") and ":" in text and not tok.quoted:
        ident, _, text = text[1:].partition(":")
        nv.set("id", check_id(Token(ident, tok.col + 1), "nvpair id"))
        tok = Token(text, tok.col + len(ident) + 2)
    name, value = split_kv(tok)
    if not _ATTR_NAME.match(name):
        raise fail(tok, "invalid attribute name")
    if value is None and not allow_bare:
        raise fail(tok, "expected name=value")
    nv.set("name", name)
    if value is not None:
        nv.set("value", value)
    return nv


UNARY = ("defined", "not_defined")
BINARY = ("lt", "gt", "lte", "gte", "eq", "ne")
TYPES = ("string", "number", "version", "integer")
DATE_OPS = {
    "lt": "lt",
    "gt": "gt",
    "in": "in_range",
    "in_range": "in_range",
    "spec": "date_spec",
    "date_spec": "date_spec",
}
DATE_KEYS = (
    "hours",
    "monthdays",
    "weekdays",
    "yeardays",
    "yearsdays",
    "months",
    "weeks",
    "years",
    "weekyears",
    "moon",
    "minutes",
    "seconds",
)
_VALUE_SOURCE = re.compile(r"^(\w+)\{(.*)\}$")


def parse_rule(ts: Stream, *, default_score: bool) -> etree._Element:
    """After the ``rule`` keyword: ``[$id=..|$id-ref=..] [$role=..] [<score>:] <expr> [and|or <expr>]...``."""
    rule = E("rule")
    while True:
        tok = ts.peek()
        if tok is None:
            break
        if tok.text.startswith("$id=") and not tok.quoted:
            ts.next()
            rule.set("id", check_id(Token(tok.text[4:], tok.col + 4), "rule id"))
        elif tok.text.startswith("$id-ref=") and not tok.quoted:
            ts.next()
            rule.set("id-ref", check_id(Token(tok.text[8:], tok.col + 8), "id reference"))
            return rule
        elif tok.text.lower().startswith(("$role=", "role=")) and not tok.quoted:
            ts.next()  # crm's own tests write role= without $; the role is kept as typed, as crm does
            value = tok.text.split("=", 1)[1]
            check_role(tok, value)
            rule.set("role", value)
        else:
            break
    if is_score_token(ts.peek()):
        tok = ts.next()
        k, v = score_attr(tok, tok.text[:-1], allow_attr=True)
        rule.set(k, v)
    elif default_score:
        rule.set("score", "INFINITY")
    rule.append(parse_expression(ts))
    bool_op = None
    while ts.at("and", "or"):
        tok = ts.next()
        op = tok.text.lower()
        if bool_op is not None and op != bool_op:
            raise fail(tok, "cannot mix 'and' and 'or' in one rule")
        bool_op = op
        rule.append(parse_expression(ts))
    if bool_op == "or":
        rule.set("boolean-op", "or")
    return rule


def parse_expression(ts: Stream) -> etree._Element:
    tok = ts.next("a rule expression")
    word = tok.text.lower()
    if word in UNARY and not tok.quoted:
        attr = ts.next("an attribute name")
        return E("expression", operation=word, attribute=attr.text)
    nxt = ts.peek()
    if word == "date" and nxt is not None and nxt.text.lower() in DATE_OPS:
        return parse_date(ts)
    op_tok = ts.next("an operator")
    typ, _, op = op_tok.text.rpartition(":")
    op = op.lower()
    if op not in BINARY or (typ and typ.lower() not in TYPES):
        raise fail(op_tok, f"unknown rule operator (expected [type:]{'|'.join(BINARY)}, defined or not_defined)")
    val_tok = ts.next("a value")
    expr = E("expression", operation=op, attribute=tok.text)
    if typ:
        expr.set("type", typ.lower())
    m = _VALUE_SOURCE.match(val_tok.text)
    if m and not val_tok.quoted:
        expr.set("value", m.group(2))
        expr.set("value-source", m.group(1))
    else:
        expr.set("value", val_tok.text)
    return expr


def parse_date(ts: Stream) -> etree._Element:
    op_tok = ts.next()
    op = DATE_OPS[op_tok.text.lower()]
    expr = E("date_expression", operation=op)
    if op == "lt":
        expr.set("end", ts.next("an end date").text)
        return expr
    if op == "gt":
        expr.set("start", ts.next("a start date").text)
        return expr
    sub = E("duration" if op == "in_range" else "date_spec")
    while True:
        tok = ts.peek()
        if tok is None or "=" not in tok.text:
            break
        name, value = split_kv(tok)
        if op == "in_range" and name in ("start", "end"):
            expr.set(name, value or "")
        elif name in DATE_KEYS:
            sub.set(name, value or "")
        else:
            break
        ts.next()
    if len(sub.attrib):
        expr.append(sub)
    elif op == "date_spec":
        raise fail(op_tok, "date spec needs at least one of " + ", ".join(DATE_KEYS))
    elif expr.get("start") is None and expr.get("end") is None:
        raise fail(op_tok, "date in needs start=, end= or a duration")
    return expr


# -- resources ------------------------------------------------------------------------------
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
