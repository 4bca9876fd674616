"""Build the objects of the statements in parse_acl, parse_alert and parse_bundle.

Each checks what the new object depends on, gives it crm's ids, and inserts it through
the builder's journal (so a later failure in the same load rolls it back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.cib.ids import IdGen
from clushell.cib.model import is_element
from clushell.cib.parse import Parsed, fail
from clushell.errors import ClushError

if TYPE_CHECKING:
    from clushell.cib.build import Builder

_KIND_NAMES = {"acl_role": "role", "acl_target": "acl_target", "acl_group": "acl_group", "master": "ms"}


def _new_id(b: Builder, p: Parsed) -> IdGen:
    old = b.model.by_id(p.ident)
    if old is not None:
        kind = _KIND_NAMES.get(old.tag, old.tag)
        tok = p.extra.get("id_tok")
        raise ClushError(
            f"Cannot create {p.kind} with ID '{p.ident}': Found existing {kind} with same ID",
            column=tok.col if tok is not None else None,
            token=p.ident,
        )
    gen = b.ids()
    gen.claim(p.ident)
    return gen


def add_role(b: Builder, p: Parsed) -> None:
    el = p.element
    assert el is not None
    gen = _new_id(b, p)
    for perm in el:
        perm.set("id", gen.new(p.ident))
    b.j.add_object(el, "acls")


def add_acl_target(b: Builder, p: Parsed) -> None:
    el = p.element
    assert el is not None
    _new_id(b, p)
    b.j.add_object(el, "acls")


def add_alert(b: Builder, p: Parsed) -> None:
    el = p.element
    assert el is not None
    gen = _new_id(b, p)
    n = 0
    for child in el:
        if not is_element(child):
            continue
        if child.tag == "select":
            for attr in child.iter("attribute"):
                attr.set("id", gen.new(p.ident))
        elif child.tag == "recipient":
            n += 1
            rid = gen.new(f"{p.ident}-recipient-{n}")
            child.set("id", rid)
            for sub in child:
                gen.assign(sub, rid)
        else:
            gen.assign(child, p.ident)
    b.j.add_object(el, "alerts")


def add_bundle(b: Builder, p: Parsed) -> None:
    el = p.element
    assert el is not None
    gen = _new_id(b, p)
    child = None
    for tok in p.members:
        child = b.model.resource(tok.text)
        if child is None or child.tag != "primitive":
            raise fail(tok, "primitive does not exist")
        holder = b.model.container_of(child)
        if holder is not None:
            raise fail(tok, f"resource {tok.text} is already in {holder.tag} {holder.get('id')}")
    for sub in el.iter("port-mapping", "storage-mapping"):
        if sub.get("id") is None:
            sub.set("id", gen.new(p.ident))
        else:
            gen.claim(sub.get("id", ""))
    for sub in el:
        if sub.tag in ("meta_attributes", "instance_attributes"):
            gen.assign(sub, p.ident)
    ref = el.find("crmsh-ref")
    idx = el.index(ref) if ref is not None else 0
    if ref is not None:
        el.remove(ref)
    b.j.add_object(el, "resources")
    if child is not None:
        b.j.move(child, el)
        el.insert(idx, child)
