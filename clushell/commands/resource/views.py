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
    """As crm: Pacemaker's resource list (crm_resource --list), or where each named resource
    runs (crm_resource --locate, as 'locate'). The root 'status' has clush's full view."""
    from clushell.pacemaker import ops

    m = model(ctx)  # an unusable CIB is one error naming it, before any tool runs
    if args:
        _locate(ctx, m, args)
        return
    # no resources: crm_resource prints "No resources" and fails with ENXIO (crm exits 1); not an error
    section = m.section("resources", create=False)
    empty = section is None or not any(isinstance(c.tag, str) for c in section)
    res = ops.tool(ctx.session.runner, ["crm_resource", "--list"], "crm_resource --list",
                   ok=(0, 105) if empty else (0,))
    if res.out.strip():
        ctx.out.print(res.out.rstrip("\n"))


def _locate(ctx: Context, m, rids: list[str]) -> None:
    from clushell.pacemaker import ops

    for rid in rids:
        ops.resource_el(m, rid)
    for rid in rids:
        res = ops.tool(ctx.session.runner, ["crm_resource", "--locate", "--resource", rid], f"locate {rid}")
        if res.out.strip():
            ctx.out.print(res.out.rstrip("\n"))
        # crm_resource says "resource RSC is NOT running" on stderr (crm passes it through)
        for line in res.err.splitlines():
            if line.strip():
                ctx.out.info(line.strip())


@command("locate", "Show where resources run.",
         Arg("rsc", Kind.RESOURCE, "resource id", repeat=True), examples=("locate webservice",))
def do_locate(ctx: Context, args: list[str]) -> None:
    """crm_resource --locate: "resource RSC is running on: NODE" per node (stdout), or "resource
    RSC is NOT running" (a note on stderr, as crm)."""
    _locate(ctx, model(ctx), args)


@command("constraints", "Show the constraints that involve a resource.",
         Arg("rsc", Kind.RESOURCE, "resource id"))
def do_constraints(ctx: Context, args: list[str]) -> None:
    """crm_resource -a -r RSC: location scores and colocations, including from move/ban."""
    from clushell.pacemaker import ops

    rid = args[0]
    ops.resource_el(model(ctx), rid)
    res = ops.tool(ctx.session.runner, ["crm_resource", "-a", "-r", rid], f"constraints of {rid}")
    if res.out.strip():
        ctx.out.print(res.out.rstrip("\n"))
    else:
        ctx.out.info(f"no constraints involve {rid}")


@command("operations", "Show the operation history (all, one resource, or on one node).",
         Arg("rsc", Kind.RESOURCE, "resource id", optional=True),
         Arg("node", Kind.NODE, "node name", optional=True))
def do_operations(ctx: Context, args: list[str]) -> None:
    """crm_resource -O [-r RSC [-N NODE]], as crm: each recorded operation with its node, call,
    result and time."""
    from clushell.pacemaker import ops

    rid = args[0] if args else None
    node = args[1] if len(args) > 1 else None
    m = model(ctx)
    argv = ["crm_resource", "-O"]
    if rid:
        ops.resource_el(m, rid)
        argv += ["-r", rid]
    if node:
        ops.require_node(m, node)
        argv += ["-N", node]
    res = ops.tool(ctx.session.runner, argv, "crm_resource -O")
    if res.out.strip():
        ctx.out.print(res.out.rstrip("\n"))
    else:
        ctx.out.info("no operations recorded")


@command("scores", "Show allocation scores and utilization (crm_simulate -sU).")
def do_scores(ctx: Context, args: list[str]) -> None:
    """Runs the scheduler read-only on the live CIB or the sandbox file."""
    from clushell.pacemaker import ops

    target = ctx.session.target
    source = ["-x", target.cib_file] if target.cib_file else ["-L"]
    res = ops.tool(ctx.session.runner, ["crm_simulate", *source, "-s", "-U", "-R"], "scores", timeout=300)
    ctx.out.page(res.out)


COMMANDS = [do_status, do_locate, do_constraints, do_operations, do_scores]
