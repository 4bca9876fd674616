"""Parsers for constraints and the smaller statements (tag, fencing_topology, monitor, xml)."""

from __future__ import annotations

import re

from lxml import etree

from clushell.cib.lexer import Token
from clushell.cib.parse import (
    ACTIONS,
    Parsed,
    ParseError,
    Stream,
    bool_value,
    check_id,
    check_role,
    fail,
    is_score_token,
    parse_rule,
    score_attr,
    split_kv,
)

E = etree.Element
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")", "]", "}"}


def _explode(tokens: list[Token]) -> list[Token]:
    """Split brackets glued to names: ``(d1`` -> ``(``, ``d1``."""
    out: list[Token] = []
    for tok in tokens:
        text, col = tok.text, tok.col
        if tok.quoted:
            out.append(tok)
            continue
        while len(text) > 1 and text[0] in _OPEN:
            out.append(Token(text[0], col))
            text, col = text[1:], col + 1
        tail: list[Token] = []
        while len(text) > 1 and text[-1] in _CLOSE:
            tail.insert(0, Token(text[-1], col + len(text) - 1))
            text = text[:-1]
        out.append(Token(text, col))
        out.extend(tail)
    return out


def _suffix(tok: Token, what: str) -> tuple[str, str | None]:
    name, sep, suffix = tok.text.partition(":")
    check_id(Token(name, tok.col), "resource id")
    if not sep:
        return name, None
    if what == "role":
        return name, check_role(tok, suffix)
    if suffix.lower() not in ACTIONS:
        raise fail(tok, f"invalid action '{suffix}' (expected one of {', '.join(ACTIONS)})")
    return name, suffix.lower()


class RscList:
    """Resources of a constraint: flat list for the simple form, grouped sets otherwise."""

    def __init__(self) -> None:
        self.items: list[tuple[Token, str, str | None]] = []  # token, id, role/action
        self.sets: list[tuple[dict[str, str], list[tuple[Token, str, str | None]]]] = []
        self.force_sets = False


_SET_OPTIONS = ("sequential", "require-all", "ordering")


def parse_rsc_list(tokens: list[Token], what: str) -> RscList:
    """``rsc[:x] ( rsc ... ) [ rsc ... ]`` with crmsh's grouping into resource sets.

    A ``{ }`` location set may hold ``( )``/``[ ]`` sets (crm splits it there); set options
    after a plain list make it one set (``A B sequential=false``); ``sequential=true`` is the
    default and, as crm does, not written.
    """
    res = RscList()
    current: tuple[dict[str, str], list] | None = None
    stack: list[str] = []  # closing brackets expected, innermost last
    for tok in _explode(tokens):
        text = tok.text
        if text == "_rsc_set_" and not tok.quoted:
            res.force_sets = True
            continue
        if text in _OPEN and not tok.quoted:
            if stack and (stack != ["}"] or text == "{"):
                raise fail(tok, "resource sets cannot be nested")
            stack.append(_OPEN[text])
            attrs = {} if text == "{" else {"sequential": "false"}
            if text == "[":
                attrs["require-all"] = "false"
            current = (attrs, [])
            res.sets.append(current)
            res.force_sets = True
            continue
        if text in _CLOSE and not tok.quoted:
            if not stack or stack[-1] != text:
                raise fail(tok, "unbalanced bracket")
            stack.pop()
            current = None
            continue
        if "=" in text and (stack or current is not None):
            name, value = split_kv(tok)
            if name in ("role", "action"):  # crm: "Unknown attribute"; `show` could not say it back
                raise fail(tok, f"{name}= is not a resource set attribute (write rsc:{name.upper()} per resource)")
            allowed = _SET_OPTIONS if stack else _SET_OPTIONS[:2]
            if name not in allowed:
                raise fail(tok, "unknown resource set attribute")
            assert current is not None
            if name in ("sequential", "require-all"):
                value = bool_value(tok, value or "")
            if name == "sequential" and value == "true":
                current[0].pop("sequential", None)
            else:
                current[0][name] = value or ""
            res.force_sets = True
            continue
        name, suffix = _suffix(tok, what)
        item = (Token(name, tok.col), name, suffix)
        res.items.append(item)
        if stack:
            if current is None:  # back in a { } set after an inner ( ) or [ ]
                current = ({}, [])
                res.sets.append(current)
            if suffix and what not in current[0]:
                current[0][what] = suffix
            current[1].append(item)
            continue
        if current is None or not current[1] or current[1][-1][2] != suffix:
            current = ({what: suffix} if suffix else {}, [])
            res.sets.append(current)
        current[1].append(item)
    if stack:
        raise fail(tokens[-1], f"missing closing '{stack[-1]}'")
    return res


def _set_elements(parent: etree._Element, res: RscList) -> None:
    for attrs, items in res.sets:
        if not items:
            continue
        rs = etree.SubElement(parent, "resource_set")
        for k, v in attrs.items():
            rs.set(k, v)
        for _tok, name, _suffix in items:
            etree.SubElement(rs, "resource_ref", id=name)


def _trailing(ts: Stream, names: tuple[str, ...]) -> dict[str, tuple[Token, str]]:
    """Pop ``name=value`` options from the end of the statement."""
    found: dict[str, tuple[Token, str]] = {}
    while ts.toks and ts.pos < len(ts.toks):
        tok = ts.toks[-1]
        name, value = split_kv(tok) if "=" in tok.text else (None, None)
        if name not in names:
            break
        found.setdefault(name, (tok, value or ""))
        ts.toks = ts.toks[:-1]
    return found


def parse_location(ts: Stream, head: Token) -> Parsed:
    ident = check_id(ts.next("an id"), "object id")
    el = E("rsc_location", id=ident)
    p = Parsed("location", ident, el, head)
    tok = ts.next("a resource")
    rset: RscList | None = None
    if tok.text.startswith("/") and tok.text.endswith("/") and len(tok.text) > 2:
        pattern = tok.text[1:-1]
        try:
            re.compile(pattern)
        except re.error as exc:
            raise fail(tok, f"invalid regular expression ({exc})") from None
        el.set("rsc-pattern", pattern)
    elif tok.text.startswith("{"):
        group = [tok]
        while not any(t.text.endswith("}") for t in group):
            group.append(ts.next("'}'"))
        rset = parse_rsc_list(group, "role")
        p.refs.extend(t for t, _n, _s in rset.items)
    else:
        el.set("rsc", check_id(tok, "resource id"))
        p.refs.append(tok)
    while ts.peek() is not None and ts.peek().text.split("=", 1)[0] in ("role", "resource-discovery"):  # type: ignore[union-attr]
        opt = ts.next()
        name, value = split_kv(opt)
        if name == "role":
            el.set("role", check_role(opt, value or ""))
        elif value not in ("always", "never", "exclusive"):
            raise fail(opt, "resource-discovery must be always, never or exclusive")
        else:
            el.set(name, value)
    if ts.at("rule"):
        while ts.at("rule"):
            ts.next()
            el.append(parse_rule(ts, default_score=True))
        if not ts.done():
            raise fail(ts.peek(), "unexpected token after rule")
    else:
        score = ts.next("a score and a node")
        if not is_score_token(score):
            raise fail(score, "expected '<score>: <node>' or 'rule'")
        k, v = score_attr(score, score.text[:-1])
        el.set(k, v)
        node = ts.next("a node name")
        el.set("node", node.text)
        while not ts.done():
            opt = ts.next()
            name, value = split_kv(opt)
            if name != "role":
                raise fail(opt, "unexpected token after node")
            el.set("role", check_role(opt, value or ""))
    if rset is not None:
        rules = [c for c in el if c.tag == "rule"]  # the schema wants the sets first
        for r in rules:
            el.remove(r)
        _set_elements(el, rset)
        el.extend(rules)
    return p


def parse_colocation(ts: Stream, head: Token, kind: str) -> Parsed:
    ident = check_id(ts.next("an id"), "object id")
    el = E("rsc_colocation", id=ident)
    p = Parsed("colocation", ident, el, head)
    score = ts.next("a score")
    if not is_score_token(score):
        raise fail(score, "expected '<score>:'")
    k, v = score_attr(score, score.text[:-1])
    el.set(k, v)
    opts = _trailing(ts, ("node-attribute",))
    res = parse_rsc_list(ts.toks[ts.pos :], "role")
    _finish(p, el, res, ("rsc", "with-rsc"), "role")
    if "node-attribute" in opts:
        el.set("node-attribute", opts["node-attribute"][1])
    return p


def _finish(p: Parsed, el: etree._Element, res: RscList, names: tuple[str, ...], what: str) -> None:
    if len(res.items) < len(names):
        raise fail(p.head, f"{p.kind} {p.ident} needs at least {len(names)} resources")
    p.refs.extend(t for t, _n, _s in res.items)
    if len(res.items) == len(names) and not res.force_sets:
        for attr, (_tok, name, suffix) in zip(names, res.items, strict=True):
            el.set(attr, name)
            if suffix:
                el.set(f"{attr}-{what}" if what == "role" else f"{attr.removesuffix('-rsc') or attr}-action", suffix)
        return
    _set_elements(el, res)


def parse_order(ts: Stream, head: Token) -> Parsed:
    ident = check_id(ts.next("an id"), "object id")
    el = E("rsc_order", id=ident)
    p = Parsed("order", ident, el, head)
    if is_score_token(ts.peek()):
        tok = ts.next()
        word = tok.text[:-1]
        kinds = {"mandatory": "Mandatory", "optional": "Optional", "serialize": "Serialize"}
        if word.lower() in kinds:
            el.set("kind", kinds[word.lower()])
        elif word.lower() == "advisory":
            raise fail(tok, "invalid kind (expected Mandatory, Optional, Serialize or a score)")
        else:
            _k, value = score_attr(tok, word)
            el.set("kind", "Optional" if value == "0" else "Mandatory")
    opts = _trailing(ts, ("symmetrical",))
    if "symmetrical" in opts:
        tok, value = opts["symmetrical"]
        el.set("symmetrical", bool_value(tok, value))
    res = parse_rsc_list(ts.toks[ts.pos :], "action")
    if len(res.items) == 2 and not res.force_sets:
        (t1, n1, a1), (t2, n2, a2) = res.items
        p.refs.extend([t1, t2])
        el.set("first", n1)
        if a1:
            el.set("first-action", a1)
        el.set("then", n2)
        if a2:
            el.set("then-action", a2)
        return p
    _finish(p, el, res, ("first", "then"), "action")
    return p


def parse_ticket(ts: Stream, head: Token) -> Parsed:
    ident = check_id(ts.next("an id"), "object id")
    el = E("rsc_ticket", id=ident)
    p = Parsed("rsc_ticket", ident, el, head)
    ticket = ts.next("a ticket")
    if not is_score_token(ticket):
        raise fail(ticket, "expected '<ticket>:'")
    el.set("ticket", check_id(Token(ticket.text[:-1], ticket.col), "ticket name"))
    opts = _trailing(ts, ("loss-policy",))
    res = parse_rsc_list(ts.toks[ts.pos :], "role")
    _finish(p, el, res, ("rsc",), "role")
    if "loss-policy" in opts:
        tok, value = opts["loss-policy"]
        if value not in ("stop", "demote", "fence", "freeze"):
            raise fail(tok, "loss-policy must be stop, demote, fence or freeze")
        el.set("loss-policy", value)
    return p


def parse_tag(ts: Stream, head: Token) -> Parsed:
    tok = ts.next("a tag id")
    ident = check_id(Token(tok.text.removesuffix(":"), tok.col), "tag id")
    el = E("tag", id=ident)
    p = Parsed("tag", ident, el, head)
    if ts.done():
        raise fail(tok, "a tag needs at least one object")
    while not ts.done():
        ref = ts.next()
        check_id(ref, "object id")
        p.refs.append(ref)
        etree.SubElement(el, "obj_ref", id=ref.text)
    return p


def parse_fencing(ts: Stream, head: Token) -> Parsed:
    """Targets and levels; expanded against the node list in build.py."""
    levels: list[tuple[tuple[str, str] | None, Token, list[Token]]] = []
    target: tuple[str, str] | None = None
    p = Parsed("fencing_topology", "fencing_topology", None, head)
    if ts.done():
        raise fail(head, "fencing_topology needs at least one device")
    while not ts.done():
        tok = ts.next()
        spec = tok.text
        if spec.startswith("attr:"):
            name, sep, value = spec[5:].removesuffix(":").partition("=")
            if not sep or not name:
                raise fail(tok, "expected attr:<name>=<value>")
            target = ("attr", f"{name}={value}")
            continue
        if spec.startswith("pattern:"):
            target = ("pattern", spec[8:].removesuffix(":"))
            continue
        if spec.endswith(":") and len(spec) > 1:
            target = ("node", spec[:-1])
            continue
        devices = [Token(d, tok.col) for d in tok.text.split(",")]
        for d in devices:
            check_id(d, "device id")
            p.refs.append(d)
        levels.append((target, tok, devices))
    p.extra["levels"] = levels
    return p


def parse_monitor(ts: Stream, head: Token) -> Parsed:
    rsc_tok = ts.next("a resource")
    name, _, role = rsc_tok.text.partition(":")
    check_id(Token(name, rsc_tok.col), "resource id")
    spec = ts.next("an interval")
    if not ts.done():
        raise fail(ts.peek(), "unexpected token after interval[:timeout]")
    interval, _, timeout = spec.text.partition(":")
    if not re.match(r"^\d+[a-z]*$", interval) or (timeout and not re.match(r"^\d+[a-z]*$", timeout)):
        raise fail(spec, "invalid interval[:timeout]")
    op = E("op", name="monitor")
    if role:  # crm writes role before interval (show prints the attributes in this order)
        op.set("role", check_role(rsc_tok, role))
    op.set("interval", interval)
    if timeout:
        op.set("timeout", timeout)
    p = Parsed("monitor", name, op, head, refs=[Token(name, rsc_tok.col)])
    return p


def parse_xml(raw: str, head: Token, col: int | None = None) -> Parsed:
    """``raw`` is the XML as typed; ``col`` where it starts on the line (None: not known)."""
    try:
        el = etree.fromstring(raw.encode(), etree.XMLParser(remove_blank_text=True))
    except etree.XMLSyntaxError as exc:  # one position: where in the line, not libxml's line/column too
        what = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))
        line, column = exc.position
        at = col + column - 1 if col is not None and line == 1 else head.col
        raise ParseError(f"invalid XML: {what}", column=at) from None
    ident = el.get("id", "")
    return Parsed("xml", ident, el, head)
