"""The alert statement, as crm 4.4 parses it.

    alert ID PATH [description=D] [attributes N=V...] [meta N=V...]
          [select nodes|fencing|resources|attributes [{ NAME... }]...]
          [to [{] RECIPIENT [attributes N=V...] [meta N=V...] [}]]...

Children keep the order they were typed in (Pacemaker's schema interleaves them).
Ids follow crm: ``ID-instance_attributes``, ``ID-recipient-1`` ..., select attributes
``ID-0``, ``ID-1`` ... (assigned in build).
"""

from __future__ import annotations

from lxml import etree

from clushell.cib.lexer import Token
from clushell.cib.parse import Parsed, Stream, check_id, fail, parse_nvpair

E = etree.Element
_SETS = {"attributes": "instance_attributes", "meta": "meta_attributes"}
_SELECT = {"nodes": "select_nodes", "fencing": "select_fencing", "resources": "select_resources"}
_KEYWORDS = frozenset({"attributes", "meta", "select", "to"})


def _is(tok: Token | None, *words: str) -> bool:
    return tok is not None and not tok.quoted and tok.text.lower() in words


def _nvpairs(ts: Stream, tag: str, *, stop: tuple[str, ...]) -> etree._Element:
    el = E(tag)
    while not ts.done() and not _is(ts.peek(), *stop):
        tok = ts.next()
        if tok.text.startswith("$id=") and not tok.quoted:
            el.set("id", check_id(Token(tok.text[4:], tok.col + 4), "set id"))
            continue
        if "=" not in tok.text:
            raise fail(tok, "expected name=value")
        el.append(parse_nvpair(tok))
    return el


def _select(ts: Stream) -> etree._Element | None:
    """crm: ``attributes`` without ``{`` ends the select (it is the alert's own attributes);
    a select that names nothing adds no element."""
    sel = E("select")
    while _is(ts.peek(), "nodes", "fencing", "resources", "attributes"):
        word = ts.peek().text.lower()  # type: ignore[union-attr]
        if word in _SELECT:
            ts.next()
            etree.SubElement(sel, _SELECT[word])
            continue
        brace = ts.peek(1)
        if brace is None or brace.text != "{" or brace.quoted:
            break
        ts.next()
        ts.next()
        attrs = etree.SubElement(sel, "select_attributes")
        while True:
            name = ts.next("'}'")
            if name.text == "}" and not name.quoted:
                break
            etree.SubElement(attrs, "attribute", name=name.text)
    return sel if len(sel) else None


def _recipient(ts: Stream) -> etree._Element:
    braced = ts.peek() is not None and ts.peek().text == "{" and not ts.peek().quoted  # type: ignore[union-attr]
    if braced:
        ts.next()
    value = ts.next("a recipient")
    rec = E("recipient", value=value.text)
    tok = ts.peek()
    if tok is not None and tok.text.startswith("description=") and not tok.quoted:
        ts.next()
        rec.set("description", tok.text.split("=", 1)[1])
    stop = ("attributes", "meta", "to", "select", "}") if braced else ("attributes", "meta", "to", "select")
    while _is(ts.peek(), "attributes", "meta"):
        word = ts.next().text.lower()
        rec.append(_nvpairs(ts, _SETS[word], stop=stop))
    if braced:
        close = ts.next("'}'")
        if close.text != "}" or close.quoted:
            raise fail(close, "expected '}' after the recipient")
    return rec


def parse_alert(ts: Stream, head: Token, _name: str) -> Parsed:
    ident = check_id(ts.next("an alert id"), "alert id")
    path = ts.next("the alert agent's path")
    el = E("alert", id=ident, path=path.text)
    p = Parsed("alert", ident, el, head)
    tok = ts.peek()
    if tok is not None and tok.text.startswith("description=") and not tok.quoted:
        ts.next()
        el.set("description", tok.text.split("=", 1)[1])
    while not ts.done():
        tok = ts.next()
        word = tok.text.lower() if not tok.quoted else ""
        if word in _SETS:
            el.append(_nvpairs(ts, _SETS[word], stop=tuple(_KEYWORDS)))
        elif word == "select":
            sel = _select(ts)
            if sel is not None:
                el.append(sel)
        elif word == "to":
            el.append(_recipient(ts))
        else:
            raise fail(tok, "expected attributes, meta, select or to")
    return p
