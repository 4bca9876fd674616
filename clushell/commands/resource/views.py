"""resource level, read-only views: status, locate, constraints, operations, scores."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.opsflow import model
from clushell.commands.tree import Arg, Kind, command

if TYPE_CHECKING:
    from clushell.context import Context


@command("status", "Show resources with their role and node (all, or the ones named).",
         Arg("rsc", Kind.RESOURCE, "resource id", optional=True, repeat=True),
         aliases=("show", "list"), examples=("status", "status webservice"))
def do_status(ctx: Context, args: list[str]) -> None:
    """The resources part of 'status', limited to the named resources."""
    from clushell.pacemaker import mon, ops
    from clushell.pacemaker.status_text import placement_lines

    st = mon.fetch(ctx.session.runner)
    if args:
        m = model(ctx)
        for rid in args:
            ops.resource_el(m, rid)
        wanted = []
        for rid in args:
            item = st.find(rid)
            if item is not None and item not in wanted:
                wanted.append(item)
        st.resources = wanted
    ctx.out.print("\n".join(placement_lines(st)))


@command("locate", "Show where resources run.",
         Arg("rsc", Kind.RESOURCE, "resource id", repeat=True), examples=("locate webservice",))
def do_locate(ctx: Context, args: list[str]) -> None:
    """One line per resource: the nodes (and roles) it is active on, or NOT running."""
    from clushell.pacemaker import mon, ops

    m = model(ctx)
    for rid in args:
        ops.resource_el(m, rid)
    st = mon.fetch(ctx.session.runner)
    for rid in args:
        where = st.placement(rid)
        if not where:
            ctx.out.print(f"resource {rid} is NOT running")
            continue
        text = ", ".join(node if role == "Started" else f"{node} ({role})" for node, role in where)
        ctx.out.print(f"resource {rid} is running on: {text}")


@command("constraints", "Show the constraints that involve a resource.",
         Arg("rsc", Kind.RESOURCE, "resource id"))
def do_constraints(ctx: Context, args: list[str]) -> None:
    """crm_resource -a -r RSC: location scores and colocations, including from move/ban."""
    from clushell.pacemaker import ops

    rid = args[0]
    ops.resource_el(model(ctx), rid)
    res = ops.tool(ctx.session.runner, ["crm_resource", "-a", "-r", rid], f"constraints of {rid}")
    ctx.out.print(res.out.rstrip("\n") or f"no constraints involve {rid}")


@command("operations", "Show the operation history (all, one resource, or on one node).",
         Arg("rsc", Kind.RESOURCE, "resource id", optional=True),
         Arg("node", Kind.NODE, "node name", optional=True))
def do_operations(ctx: Context, args: list[str]) -> None:
    """From crm_mon's history: call, task, interval and result per resource and node."""
    from clushell.pacemaker import mon, ops
    from clushell.pacemaker.status_lines import ms_text

    rid = args[0] if args else None
    node = args[1] if len(args) > 1 else None
    m = model(ctx)
    if rid:
        ops.resource_el(m, rid)
    if node:
        ops.require_node(m, node)
    st = mon.fetch(ctx.session.runner)
    rows = [op for op in st.operations
            if (rid is None or op.resource.split(":")[0] == rid) and (node is None or op.node == node)]
    if not rows:
        ctx.out.print("no operations recorded")
        return
    for op in rows:
        interval = f" interval={ms_text(op.interval)}" if op.interval else ""
        ctx.out.print(f"{op.resource} on {op.node}: call={op.call} {op.task}{interval} rc={op.rc} ({op.rc_text})"
                      + (f" last-rc-change='{op.last_rc_change}'" if op.last_rc_change else ""))


@command("scores", "Show allocation scores and utilization (crm_simulate -sU).")
def do_scores(ctx: Context, args: list[str]) -> None:
    """Runs the scheduler read-only on the live CIB or the sandbox file."""
    from clushell.pacemaker import ops

    target = ctx.session.target
    source = ["-x", target.cib_file] if target.cib_file else ["-L"]
    res = ops.tool(ctx.session.runner, ["crm_simulate", *source, "-s", "-U", "-R"], "scores", timeout=300)
    ctx.out.page(res.out)


COMMANDS = [do_status, do_locate, do_constraints, do_operations, do_scores]
