"""crm configure statements -> id-less XML elements plus what they reference.

The parser knows nothing about the current CIB: it checks syntax and values that can be
judged alone (ids, scores, roles, keywords) and records every reference (resources,
templates, sets) with its token, so that build.py can check them against the model
before anything changes. Ids are assigned later by ids.py, exactly like crmsh does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from clushell.cib.ids import valid_id
from clushell.cib.lexer import Token
from clushell.cib.problems import Problem
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
    "on-fail",
)  # the op attributes of Pacemaker's schema 3.x, as crm reads them from it ('requires' went in 3.0: an op
# parameter now, in the op's instance_attributes as crm writes it)
#: op attributes that hold a Pacemaker duration (checked as typed: crm_verify would only warn)
DURATION_ATTRS = ("interval", "timeout", "start-delay")
ROLES = ("Started", "Stopped", "Master", "Slave", "Promoted", "Unpromoted")
ACTIONS = ("start", "stop", "promote", "demote")
NO_QUORUM = ("stop", "freeze", "ignore", "demote", "suicide", "fence")
_INF = re.compile(r"^([+-]?)(inf|infinity)\Z", re.I)
_INT = re.compile(r"^[+-]?[0-9]+\Z")  # \Z, not $: a trailing newline is not part of a number
_ATTR_NAME = re.compile(r"^[^\s=]+\Z")


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
def parse_attr_list(
    ts: Stream, tag: str, stop: frozenset[str], *, allow_bare: bool = True, allow_score: bool = True
) -> etree._Element:
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
            if not allow_score:  # crm: `rsc_defaults NAME: 10: rule ...` is a syntax error
                raise fail(tok, "a score is not allowed here (a rule takes one: rule SCORE: ...)")
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
    if text.startswith("$") and not tok.quoted and (":" in text.split("=", 1)[0] or "=" in text):
        # crm: $ID:NAME=VALUE, and $NAME=VALUE (the id is the name)
        ident, colon, _ = text.split("=", 1)[0][1:].partition(":")
        nv.set("id", check_id(Token(ident, tok.col + 1), "nvpair id"))
        text = text[len(ident) + 2 :] if colon else text[1:]
        tok = Token(text, tok.col + (len(ident) + 2 if colon else 1))
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
_VALUE_SOURCE = re.compile(r"^(\w+)\{(.*)\}\Z")


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
    if op == "in_range" and len(expr.attrib) - 1 + len(sub.attrib) < 2:  # as crm: two name=value pairs
        raise fail(op_tok, "date in needs a start and an end, or one of them and a duration (years=, "
                   "months=, weeks=, days=, hours=, minutes=, seconds=)")
    return expr
