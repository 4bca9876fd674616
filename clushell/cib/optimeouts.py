"""``configure default-timeouts``: op timeouts from the agent's advised values (crm 4.4's rules).

Every start and stop (promote/demote in a promotable clone, migrate_to/migrate_from with
allow-migrate) gets the advised timeout: an existing op has its timeout set (an attribute
added last), a missing one is appended as ``op NAME timeout=T interval=0``. Monitors that
exist get theirs too; other ops are left alone.

Two deliberate differences from crm 4.4.1: the list of missing ops is worked out per
primitive (crm shares it between all the ids on the line, so the second primitive misses
the ops the first one had), and a monitor with ``role=Slave``/``Master`` matches the agent's
``Unpromoted``/``Promoted`` action (crm finds no advice for the old role names).
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from clushell.cib.ids import IdGen
from clushell.cib.model import CibModel

#: (action name, role or None, depth or None) -> the advised timeout, or None
Advice = Callable[[str, "str | None"], "str | None"]


def agent_spec(model: CibModel, prim: etree._Element) -> str | None:
    """class:provider:type (or class:type) of a primitive, through its template; None without one."""
    src = prim
    if prim.get("template"):
        src = model.by_id(prim.get("template", ""))
        if src is None:
            return None
    cls, provider, typ = src.get("class"), src.get("provider"), src.get("type")
    if not cls or not typ:
        return None
    return f"{cls}:{provider}:{typ}" if provider else f"{cls}:{typ}"


def can_migrate(prim: etree._Element) -> bool:
    return "true" in prim.xpath('.//nvpair[@name="allow-migrate"]/@value')


def apply(model: CibModel, prim: etree._Element, advice: Advice, *, promotable: bool) -> bool:
    """Set the advised timeouts on ``prim``; True when something changed."""
    implied = ["start", "stop"]
    migrate = ["migrate_to", "migrate_from"] if can_migrate(prim) else []
    ms = ["promote", "demote"] if promotable else []
    changed = False
    for op in prim.iterfind("operations/op"):
        name = op.get("name", "")
        for names in (implied, migrate, ms):
            if name in names:
                names.remove(name)
                break
        else:
            if name != "monitor":
                continue
        timeout = advice(name, op.get("role"))
        if timeout and op.get("timeout") != timeout:
            op.set("timeout", timeout)
            changed = True
    gen = IdGen(model.id_in_use)
    for name in implied + migrate + ms:
        timeout = advice(name, None)
        if not timeout:
            continue
        ops = prim.find("operations")
        if ops is None:
            ops = etree.SubElement(prim, "operations")
        op = etree.SubElement(ops, "op", name=name, timeout=timeout, interval="0")
        op.set("id", gen.new(gen.candidate(op, prim.get("id", ""))))
        model.register(op)
        changed = True
    return changed
