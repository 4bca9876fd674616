"""Resource agent tracing (``resource trace``/``untrace``): ops with ``trace_ra=1``, as crm 4.4 writes them.

crm rebuilds an op it changes: the op's attributes (name first), its parameters flattened
into one ``instance_attributes`` set with generated ids, and the op moved to the end of
``operations``. clush does the same, so that the XML equals crm's; unlike crm it keeps the
op's ``meta_attributes`` (crm drops an op's op_meta when it traces the op).
"""

from __future__ import annotations

from lxml import etree

from clushell.cib.durations import seconds
from clushell.cib.ids import IdGen
from clushell.cib.model import CibModel, is_element
from clushell.errors import ClushError

TRACE_RA = "trace_ra"
TRACE_DIR = "trace_dir"
#: attributes an <op> element carries itself (pacemaker's schema); any other goes to op_params
OP_ATTRS = ("id", "name", "interval", "description", "start-delay", "interval-origin", "timeout", "enabled",
            "record-pending", "role", "requires", "on-fail")


def _ops(prim: etree._Element, name: str | None = None) -> list[etree._Element]:
    return [o for o in prim.iterfind("operations/op") if name is None or o.get("name") == name]


def _same_interval(a: str | None, b: str) -> bool:
    return seconds(a or "0") == seconds(b)


def find_op(prim: etree._Element, name: str, interval: str | None) -> etree._Element | None:
    """crmsh's find_operation: the only op of that name, else the one with that interval (default 0)."""
    named = _ops(prim, name)
    if interval is None and len(named) == 1:
        return named[0]
    return next((o for o in named if _same_interval(o.get("interval"), interval or "0")), None)


def _append(model: CibModel, prim: etree._Element, op: etree._Element) -> None:
    ops = prim.find("operations")
    if ops is None:
        ops = etree.SubElement(prim, "operations")
    ops.append(op)
    model.register(op)


def _rebuild(model: CibModel, prim: etree._Element, op: etree._Element | None, attrs: dict[str, str]) -> etree._Element:
    """A new op from ``attrs`` (crm's Op.mkxml), replacing ``op``; appended at the end of operations."""
    keep = []
    if op is not None:
        keep = [c for c in op if is_element(c) and c.tag == "meta_attributes"]
        model.remove(op)
    new = etree.Element("op")
    params = {}
    for key, value in attrs.items():
        if key in OP_ATTRS:
            new.set(key, value)
        else:
            params[key] = value
    gen = IdGen(model.id_in_use)
    new.set("id", gen.new(gen.candidate(new, prim.get("id", ""))))
    if params:
        iset = etree.SubElement(new, "instance_attributes")
        iset.set("id", gen.new(f"{new.get('id')}-instance_attributes"))
        for key, value in params.items():
            nv = etree.SubElement(iset, "nvpair", name=key, value=value)
            nv.set("id", gen.new(f"{iset.get('id')}-{key}"))
    for meta in keep:
        new.append(meta)
    _append(model, prim, new)
    return new


def _attrs_of(op: etree._Element) -> dict[str, str]:
    attrs = {"name": op.get("name", "")}
    attrs.update((k, v) for k, v in op.attrib.items() if k != "id")
    for nv in op.iterfind("instance_attributes/nvpair"):
        if nv.get("name") is not None and nv.get("value") is not None:
            attrs[nv.get("name")] = nv.get("value")
    return attrs


def _set_trace(model: CibModel, prim: etree._Element, op: etree._Element, directory: str | None) -> None:
    attrs = _attrs_of(op)
    attrs[TRACE_RA] = "1"
    if directory is not None:
        attrs[TRACE_DIR] = directory
    _rebuild(model, prim, op, attrs)


def _add(model: CibModel, prim: etree._Element, name: str, interval: str, directory: str | None) -> None:
    attrs = {"name": name, "interval": interval, TRACE_RA: "1"}
    if directory is not None:
        attrs[TRACE_DIR] = directory
    _rebuild(model, prim, None, attrs)


def trace(model: CibModel, prim: etree._Element, op: str | None = None, interval: str | None = None,
          directory: str | None = None, *, promotable: bool = False) -> None:
    """Trace every operation (start and stop added when missing), one operation, or one op+interval."""
    rid = prim.get("id")
    if op is None:
        existing = _ops(prim)
        names = ["start", "stop"] + (["promote", "demote"] if promotable else [])
        for name in names:
            if not any(o.get("name") == name for o in existing):
                _add(model, prim, name, "0", directory)
        for o in existing:
            _set_trace(model, prim, o, directory)
    elif interval is None:
        found = _ops(prim, op)
        if not found:
            if op == "monitor":
                raise ClushError(f"no monitor operation configured for {rid}", token=op)
            _add(model, prim, op, "0", directory)
        for o in found:
            _set_trace(model, prim, o, directory)
    else:
        o = find_op(prim, op, interval)
        if o is None and seconds(interval) != 0:
            raise ClushError(f"operation {op} with interval {interval} not found in {rid}", token=interval)
        if o is None:
            _add(model, prim, op, interval, directory)
        else:
            _set_trace(model, prim, o, directory)


def _untrace_op(model: CibModel, prim: etree._Element, op: etree._Element) -> None:
    attrs = _attrs_of(op)
    attrs.pop(TRACE_RA, None)
    attrs.pop(TRACE_DIR, None)
    new = _rebuild(model, prim, op, attrs)
    # an op left with only name and interval 0 says nothing: crm deletes it
    if len(new) == 0 and seconds(new.get("interval") or "0") == 0 and set(new.keys()) <= {"id", "name", "interval"}:
        ops = new.getparent()
        model.remove(new)
        if ops is not None and len(ops) == 0:
            prim.remove(ops)


def untrace(model: CibModel, prim: etree._Element, op: str | None = None, interval: str | None = None) -> None:
    """Stop tracing every traced operation, the operations named ``op``, or the one op+interval."""
    rid = prim.get("id")
    if op is None:
        found = [o for o in _ops(prim) if o.find(f"instance_attributes/nvpair[@name='{TRACE_RA}']") is not None]
    elif interval is None:
        found = _ops(prim, op)
        if not found:
            raise ClushError(f"operation {op} not found in {rid}", token=op)
    else:
        o = find_op(prim, op, interval)
        if o is None:
            raise ClushError(f"operation {op} with interval {interval} not found in {rid}", token=interval)
        found = [o]
    for o in found:
        _untrace_op(model, prim, o)
