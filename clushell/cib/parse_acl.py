"""ACL statements (Pacemaker's ACL 2.0 schema, as crm 4.4 writes it).

    role ID [description=D] (read|write|deny) SPEC... [(read|write|deny) SPEC...]...
    acl_target ID ROLE...

A SPEC is ``xpath:X``, ``ref:ID`` (``reference:``), ``tag:T`` (``type:``), ``attr:A``
(``attribute:``), or one of crm's shortcuts that stand for an xpath (``meta:RSC[:ATTR]``,
``params:RSC[:ATTR]``, ``utilization:RSC``, ``location:RSC``, ``property[:NAME]``,
``node[:UNAME]``, ``nodeattr[:NAME]``, ``nodeutil[:UNAME]``, ``status``, ``cib``). Each
right keyword starts one ``<acl_permission>``; ids are ``ROLE-0``, ``ROLE-1``, ... as crm's.
"""

from __future__ import annotations

import copy

from lxml import etree

from clushell.cib.lexer import Token
from clushell.cib.parse import Parsed, Stream, check_id, fail

E = etree.Element
RIGHTS = ("read", "write", "deny")
#: spec keyword -> acl_permission attribute
SPECS = {
    "xpath": "xpath",
    "ref": "reference",
    "reference": "reference",
    "tag": "object-type",
    "type": "object-type",
    "attr": "attribute",
    "attribute": "attribute",
}
#: shortcut -> xpath pieces; each ``@@`` takes the next argument, a piece is left out with its argument
SHORTCUTS: dict[str, tuple[str, ...]] = {
    "meta": ("//primitive[@id='@@']/meta_attributes", "/nvpair[@name='@@']"),
    "params": ("//primitive[@id='@@']/instance_attributes", "/nvpair[@name='@@']"),
    "utilization": ("//primitive[@id='@@']/utilization",),
    "location": ("//rsc_location[@id='cli-prefer-@@' and @rsc='@@']",),
    "property": ("//crm_config/cluster_property_set", "/nvpair[@name='@@']"),
    "nodeattr": ("//nodes/node/instance_attributes", "/nvpair[@name='@@']"),
    "nodeutil": ("//nodes/node/utilization", "[@uname='@@']"),
    "node": ("//nodes/node", "[@uname='@@']"),
    "status": ("/cib/status",),
    "cib": ("/cib",),
}


def shortcut_xpath(tok: Token, name: str, args: list[str]) -> str:
    """The xpath crm writes for a shortcut with its arguments."""
    pieces = SHORTCUTS[name]
    out = []
    rest = list(args)
    for i, piece in enumerate(pieces):
        if "@@" not in piece:
            out.append(piece)
            continue
        if not rest:
            if i == 0:
                raise fail(tok, f"{name}: needs an argument ({name}:NAME)")
            break
        arg = rest.pop(0)
        out.append(piece.replace("@@", arg))
    if rest:
        raise fail(tok, f"{name}: too many arguments")
    return "".join(out)


def _permission(ts: Stream, right: Token) -> list[etree._Element]:
    """``RIGHT [$id=X] [description=D] SPEC...`` as crm writes it: one acl_permission for the
    xpath, one for the reference, one for the object-type (with its attribute); a spec given
    twice keeps the last."""
    perm = E("acl_permission", kind=right.text.lower())
    tok = ts.peek()
    if tok is not None and tok.text.startswith("$id=") and not tok.quoted:
        ts.next()
        perm.set("id", check_id(Token(tok.text[4:], tok.col + 4), "permission id"))
    tok = ts.peek()
    if tok is not None and tok.text.startswith("description=") and not tok.quoted:
        ts.next()
        perm.set("description", tok.text.split("=", 1)[1])
    specs: dict[str, str] = {}
    while not ts.done() and not ts.at(*RIGHTS):
        tok = ts.next()
        word, sep, value = tok.text.partition(":")
        key = word.lower()
        if key in SPECS and sep and not tok.quoted:
            if not value:
                raise fail(tok, f"{word}: needs a value")
            specs[SPECS[key]] = value
        elif key in SHORTCUTS and not tok.quoted:
            specs["xpath"] = shortcut_xpath(tok, key, value.split(":") if sep else [])
        else:
            raise fail(tok, "expected an ACL spec (xpath:, ref:, tag:, attr: or a shortcut such as meta:RSC:ATTR)")
    if not specs:
        raise fail(right, f"{right.text} needs what it applies to (xpath:, ref:, tag:, attr: ...)")
    if "attribute" in specs and "object-type" not in specs:
        raise fail(right, "attr: is only valid together with tag:/type: (crm)")
    out = []
    for attr in ("xpath", "reference", "object-type"):
        if attr in specs:
            one = copy.deepcopy(perm)
            one.set(attr, specs[attr])
            if attr == "object-type" and "attribute" in specs:
                one.set("attribute", specs["attribute"])
            out.append(one)
    return out


def parse_role(ts: Stream, head: Token, _name: str) -> Parsed:
    ident = check_id(ts.next("a role id"), "role id")
    el = E("acl_role", id=ident)
    p = Parsed("role", ident, el, head)
    tok = ts.peek()
    if tok is not None and tok.text.startswith("description=") and not tok.quoted:
        ts.next()
        el.set("description", tok.text.split("=", 1)[1])
    if ts.done():
        raise fail(head, f"role {ident} needs at least one rule (read|write|deny SPEC...)")
    while not ts.done():
        right = ts.next()
        if right.text.lower() not in RIGHTS or right.quoted:
            raise fail(right, "expected read, write or deny")
        el.extend(_permission(ts, right))
    return p


def parse_acl_target(ts: Stream, head: Token, name: str) -> Parsed:
    """``acl_target ID ROLE...`` (``acl_group`` likewise)."""
    tag = "acl_group" if name == "acl_group" else "acl_target"
    ident = check_id(ts.next("an id"), f"{name} id")
    el = E(tag, id=ident)
    p = Parsed("acl_target", ident, el, head)
    while not ts.done():
        tok = ts.next()
        text = tok.text.removeprefix("role:") if not tok.quoted else tok.text
        check_id(Token(text, tok.col), "role id")
        p.refs.append(Token(text, tok.col))
        etree.SubElement(el, "role", id=text)
    return p


def parse_user(ts: Stream, head: Token, _name: str) -> Parsed:
    """The pre-1.1.12 ACL syntax: the CIB schema has no <acl_user> any more (crm refuses it too)."""
    raise fail(head, "user is the old ACL syntax, which the CIB schema no longer supports; use acl_target")
