"""resource: instance, meta and utilization attributes, and fail counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.opsflow import attr_args, change, model
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import UsageError

if TYPE_CHECKING:
    from clushell.context import Context


def _attr_command(kind: str):
    def handler(ctx: Context, args: list[str]) -> None:
        from clushell.pacemaker import ops

        rid, action, name, value = attr_args(kind, args)
        ops.resource_el(model(ctx), rid)
        runner = ctx.session.runner
        printed: list[str] = []
        if action == "show":
            printed.append(ops.resource_attr(runner, kind, rid, "show", name))
            if not printed[0].strip():
                # crm exits 0 here too (crm_resource's answer); the show just has nothing to print
                ctx.out.warn(f"{rid} has no {ops.RSC_ATTR_WORDS[kind]} {name}")
        else:
            change(ctx, lambda: printed.append(ops.resource_attr(runner, kind, rid, action, name, value)))
        # what crm prints: the value, or crm_resource's "Set 'RSC' option: id=... name=... value=..."
        for text in printed:
            if text.strip():
                ctx.out.print(text.rstrip("\n"))

    what = {"param": "an instance attribute (parameter)", "meta": "a meta attribute",
            "utilization": "a utilization attribute"}[kind]
    return command(
        kind, f"Set, delete or show {what} of a resource.",
        Arg("rsc", Kind.RESOURCE, "resource id"),
        Arg("action", Kind.KEYWORD, "what to do", choices=("set", "delete", "show")),
        Arg("name", {"meta": Kind.META_ATTR, "param": Kind.PARAM_ATTR}.get(kind, Kind.ATTR), "attribute name"),
        Arg("value", Kind.TEXT, "new value (set only)", optional=True),
        examples=(f"{kind} webserver set resource-stickiness 50" if kind == "meta"
                  else f"{kind} vip show ip" if kind == "param" else f"{kind} app set cpu 2",),
    )(handler)


do_param = _attr_command("param")
do_meta = _attr_command("meta")
do_utilization = _attr_command("utilization")


@command("failcount", "Show, set or delete the fail count of a resource on a node.",
         Arg("rsc", Kind.RESOURCE, "resource id"),
         Arg("action", Kind.KEYWORD, "what to do", choices=("show", "set", "delete")),
         Arg("node", Kind.NODE, "node name"),
         Arg("value", Kind.NUMBER, "new count (set only)", optional=True),
         Arg("operation", Kind.TEXT, "operation (set only; default monitor)", optional=True),
         Arg("interval", Kind.NUMBER, "interval in seconds (set only)", optional=True),
         usage="RSC show|delete NODE | RSC set NODE VALUE [OPERATION [INTERVAL]]")
def do_failcount(ctx: Context, args: list[str]) -> None:
    """Pacemaker counts failures per operation (fail-count-RSC#OP_INTERVAL): show sums them,
    set writes one (the existing one, or OPERATION/INTERVAL, default the monitor), delete
    clears them (crm_resource --cleanup on a live cluster, the status attributes on a file)."""
    from clushell.pacemaker import ops

    rid, action, node = args[:3]
    value = args[3] if len(args) > 3 else None
    if action != "set" and len(args) > 3:
        raise UsageError(f"unexpected argument '{args[3]}'", token=args[3])
    m = model(ctx)
    el = ops.resource_el(m, rid)
    ops.require_node(m, node)
    runner = ctx.session.runner
    if action == "show":
        # as crm: crm_failcount's sum over the operations, "scope=status  name=fail-count-RSC value=N"
        res = ops.tool(runner, ["crm_failcount", "-G", "-r", rid, "-N", node], f"fail count of {rid} on {node}")
        ctx.out.print(res.out.rstrip("\n"))
        return
    if action == "set":
        if value is None or not (value.isdigit() or value.upper() == "INFINITY"):
            raise UsageError("failcount set needs a count (a number or INFINITY)")
        if value == "0":
            action = "delete"
        else:
            name = _failcount_attr(el, _failure_attrs(m, rid, node), args[4:6])
            change(ctx, lambda: ops.node_attr(runner, "status", node, "set", name, value))
            return
    if ctx.session.target.is_file:
        names = _failure_attrs(m, rid, node)
        change(ctx, lambda: [ops.node_attr(runner, "status", node, "delete", n) for n in names])
        return
    change(ctx, lambda: ops.tool(runner, ["crm_resource", "--cleanup", "-r", rid, "-N", node], rid))


def _failcount_attr(el, existing: list[str], opspec: list[str]) -> str:
    """The fail-count-RSC#OP_INTERVALMS attribute to write."""
    rid = el.get("id")
    counts = [n for n in existing if n.startswith(f"fail-count-{rid}#")]
    if opspec:
        op = opspec[0]
        if len(opspec) > 1:
            if not opspec[1].isdigit():
                raise UsageError(f"interval '{opspec[1]}' is not a number of seconds", token=opspec[1])
            return f"fail-count-{rid}#{op}_{int(opspec[1]) * 1000}"
        match = [n for n in counts if n.split("#", 1)[1].rsplit("_", 1)[0] == op]
        if match:
            return match[0]
    elif len(counts) == 1:
        return counts[0]
    elif len(counts) > 1:
        raise UsageError(f"{rid} has several fail counts ({', '.join(c.split('#')[1] for c in counts)}); "
                         "name the operation and interval")
    op = opspec[0] if opspec else "monitor"
    interval = "0"
    for o in el.iterfind("operations/op"):
        if o.get("name") == op and o.get("interval"):
            interval = o.get("interval", "0")
            break
    return f"fail-count-{rid}#{op}_{_interval_ms(interval)}"


def _interval_ms(text: str) -> int:
    units = {"ms": 1, "s": 1000, "sec": 1000, "m": 60000, "min": 60000, "h": 3600000, "hr": 3600000}
    num = "".join(ch for ch in text if ch.isdigit())
    unit = text[len(num):].strip().lower() or "s"
    return int(num or 0) * units.get(unit, 1000)


def _failure_attrs(m, rid: str, node: str) -> list[str]:
    status = m.root.find("status")
    names: list[str] = []
    if status is None:
        return names
    for ns in status.findall("node_state"):
        if ns.get("uname") != node:
            continue
        for nv in ns.iterfind("transient_attributes/instance_attributes/nvpair"):
            name = nv.get("name", "")
            for prefix in (f"fail-count-{rid}", f"last-failure-{rid}"):
                if name == prefix or name.startswith(prefix + "#"):
                    names.append(name)
    return names


COMMANDS = [do_param, do_meta, do_utilization, do_failcount]
