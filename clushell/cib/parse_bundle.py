"""The bundle statement.

    bundle ID [description=D] docker|podman|rkt K=V...
           [network K=V... [port-mapping K=V...]...]
           [storage [storage-mapping K=V...]...]
           [primitive RSC] [meta N=V...]

``ID`` and ``RSC`` may be written ``id=ID`` as crm's own tests do. The primitive must
exist and is moved into the bundle. Children keep the order they were typed in. crm 4.4.1
knows only docker (it refuses podman and crashes on rkt); clush writes all three, which
Pacemaker's schema accepts.
"""

from __future__ import annotations

from lxml import etree

from clushell.cib.lexer import Token
from clushell.cib.parse import Parsed, Stream, check_id, fail, parse_attr_list, split_kv

E = etree.Element
ENGINES = ("docker", "podman", "rkt")
_SECTIONS = frozenset({*ENGINES, "network", "storage", "primitive", "meta"})


def strip_id(tok: Token) -> Token:
    """``id=X`` -> ``X`` (crm accepts both for an object id)."""
    if tok.text.startswith("id=") and not tok.quoted:
        return Token(tok.text[3:], tok.col + 3)
    return tok


def _attrs(ts: Stream, el: etree._Element, stop: frozenset[str]) -> None:
    while not ts.done() and not ts.at(*stop):
        tok = ts.next()
        name, value = split_kv(tok)
        if value is None:
            raise fail(tok, "expected name=value")
        el.set(name, value)


def parse_bundle(ts: Stream, head: Token, _name: str) -> Parsed:
    id_tok = strip_id(ts.next("a bundle id"))
    ident = check_id(id_tok, "object id")
    el = E("bundle", id=ident)
    p = Parsed("bundle", ident, el, head)
    p.extra["id_tok"] = id_tok
    engine = False
    while not ts.done():
        tok = ts.next()
        word = tok.text.lower() if not tok.quoted else ""
        if tok.text.startswith("description=") and not tok.quoted:
            el.set("description", tok.text.split("=", 1)[1])
        elif word in ENGINES:
            if engine:
                raise fail(tok, "a bundle has one container engine")
            engine = True
            _attrs(ts, etree.SubElement(el, word), _SECTIONS)
        elif word == "network":
            net = etree.SubElement(el, "network")
            _attrs(ts, net, _SECTIONS | {"port-mapping"})
            while ts.at("port-mapping"):
                ts.next()
                _attrs(ts, etree.SubElement(net, "port-mapping"), _SECTIONS | {"port-mapping"})
        elif word == "storage":
            st = etree.SubElement(el, "storage")
            while ts.at("storage-mapping"):
                ts.next()
                _attrs(ts, etree.SubElement(st, "storage-mapping"), _SECTIONS | {"storage-mapping"})
        elif word == "primitive":
            if p.members:
                raise fail(tok, "a bundle holds one primitive")
            rsc = strip_id(ts.next("a primitive id"))
            check_id(rsc, "resource id")
            p.members.append(rsc)
            etree.SubElement(el, "crmsh-ref", id=rsc.text)  # where the primitive goes
        elif word == "meta":
            el.append(parse_attr_list(ts, "meta_attributes", _SECTIONS))
        else:
            raise fail(tok, "expected docker, podman, rkt, network, storage, primitive or meta")
    if not engine:
        raise fail(head, f"bundle {ident} needs a container: docker, podman or rkt")
    return p
