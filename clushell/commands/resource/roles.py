"""resource: start, stop, restart, promote, demote, manage, unmanage, maintenance.

Inside a configure session with uncommitted edits these change the pending configuration,
as crmsh does; otherwise they act on the target at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.opsflow import change, take_wait
from clushell.commands.opsflow import model as _model
from clushell.commands.opsflow import need as _need
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import ClushError, UsageError
from clushell.session import StateKey

if TYPE_CHECKING:
    from clushell.context import Context


def _pending_workspace(ctx: Context):
    ws = ctx.session.get_state(StateKey.CONFIGURE)
    if ws is not None and ws.has_pending():
        return ws
    return None


def set_meta_everywhere(ctx: Context, rids: list[str], attr: str, value: str, wait: bool) -> None:
    """crmsh's deep meta attribute on each resource; every id is checked before anything changes."""
    from clushell.pacemaker import ops

    ws = _pending_workspace(ctx)
    if ws is not None:
        for rid in rids:
            ops.resource_el(ws.pending, rid)
        for rid in rids:
            ops.set_deep_meta(ws.pending, rid, attr, value, force=ctx.session.options.force)
        ctx.out.info("currently editing the configuration: the change is pending until commit")
        return
    set_meta_now(ctx, rids, attr, value, wait)


def set_meta_now(ctx: Context, rids: list[str], attr: str, value: str, wait: bool) -> None:
    """The same, written to the target at once (also used by configure's ``delete --force``)."""
    from clushell.pacemaker import ops

    runner = ctx.session.runner
    original, model = ops.load(runner)
    for rid in rids:
        ops.resource_el(model, rid)
    targets: dict[str, bool] = {}
    for rid in rids:
        target, simple = ops.set_deep_meta(model, rid, attr, value, force=ctx.session.options.force)
        targets[target] = targets.get(target, True) and simple
    if all(targets.values()):
        # one attribute per element: crm_resource writes exactly what crmsh would, without
        # racing the status updates of a busy cluster
        def act() -> None:
            for target in targets:
                ops.tool(runner, ["crm_resource", "-r", target, "--meta", "-p", attr, "-v", value], target)

        change(ctx, act, wait=wait)
        return
    change(ctx, lambda: ops.commit_model(runner, original, model), wait=wait)


# -- state changes --------------------------------------------------------------------------------
@command("start", "Start resources (target-role=Started on the top-most container).",
         Arg("rsc", Kind.STOPPED_RESOURCE, "resource id", repeat=True), examples=("start webservice",))
def do_start(ctx: Context, args: list[str]) -> None:
    """Sets meta target-role=Started like crmsh: a group member keeps it, a cloned resource's
    clone gets it. -w waits until the cluster is idle and reports what moved."""
    rids, wait = take_wait(args)
    _need(rids, "resource")
    set_meta_everywhere(ctx, rids, "target-role", "Started", wait)


@command("stop", "Stop resources (target-role=Stopped on the top-most container).",
         Arg("rsc", Kind.RUNNING_RESOURCE, "resource id", repeat=True), examples=("stop webservice",))
def do_stop(ctx: Context, args: list[str]) -> None:
    """Sets meta target-role=Stopped like crmsh; -w waits and reports what moved."""
    rids, wait = take_wait(args)
    _need(rids, "resource")
    set_meta_everywhere(ctx, rids, "target-role", "Stopped", wait)


@command("restart", "Stop, wait until stopped, then start resources.",
         Arg("rsc", Kind.RESOURCE, "resource id", repeat=True))
def do_restart(ctx: Context, args: list[str]) -> None:
    """Like crmsh: stop, wait for the cluster to settle, start (and wait with -w)."""
    rids, wait = take_wait(args)
    _need(rids, "resource")
    ctx.out.info(f"stopping {', '.join(rids)}")
    set_meta_everywhere(ctx, rids, "target-role", "Stopped", True)
    ctx.out.info(f"starting {', '.join(rids)}")
    set_meta_everywhere(ctx, rids, "target-role", "Started", wait)


def _set_role(ctx: Context, args: list[str], role: str) -> None:
    from clushell.pacemaker import ops

    rest, wait = take_wait(args)
    _need(rest, "resource")
    if len(rest) > 1:
        raise UsageError(f"unexpected argument '{rest[1]}'", token=rest[1])
    rid = rest[0]
    model = _model(ctx)
    el = ops.resource_el(model, rid)
    if not ops.is_promotable(model, el):
        raise ClushError(f"{rid} is not a promotable resource", token=rid)
    runner = ctx.session.runner
    change(ctx, lambda: ops.tool(runner, ["crm_resource", "-r", rid, "--meta", "-p", "target-role", "-v", role],
                                 f"{role.lower()} {rid}"), wait=wait)


@command("promote", "Promote a promotable clone (target-role=Promoted).",
         Arg("rsc", Kind.PROMOTABLE, "promotable resource id", repeat=True))
def do_promote(ctx: Context, args: list[str]) -> None:
    """Only promotable clones (or masters) can be promoted."""
    _set_role(ctx, args, "Promoted")


@command("demote", "Demote a promotable clone (target-role=Unpromoted).",
         Arg("rsc", Kind.PROMOTABLE, "promotable resource id", repeat=True))
def do_demote(ctx: Context, args: list[str]) -> None:
    """Only promotable clones (or masters) can be demoted."""
    _set_role(ctx, args, "Unpromoted")


@command("manage", "Put resources back under cluster management (is-managed=true).",
         Arg("rsc", Kind.RESOURCE, "resource id", repeat=True))
def do_manage(ctx: Context, args: list[str]) -> None:
    """Sets meta is-managed=true on the top-most container."""
    rids, wait = take_wait(args)
    _need(rids, "resource")
    set_meta_everywhere(ctx, rids, "is-managed", "true", wait)


@command("unmanage", "Take resources out of cluster management (is-managed=false).",
         Arg("rsc", Kind.RESOURCE, "resource id", repeat=True))
def do_unmanage(ctx: Context, args: list[str]) -> None:
    """Sets meta is-managed=false: the cluster leaves them running or stopped as they are."""
    rids, wait = take_wait(args)
    _need(rids, "resource")
    set_meta_everywhere(ctx, rids, "is-managed", "false", wait)


@command("maintenance", "Resource maintenance mode on or off (meta maintenance).",
         Arg("rsc", Kind.RESOURCE, "resource id"),
         Arg("state", Kind.KEYWORD, "on (default) or off", optional=True, choices=("on", "off", "true", "false")))
def do_maintenance(ctx: Context, args: list[str]) -> None:
    """While in maintenance the cluster neither monitors nor moves the resource."""
    value = "false" if len(args) > 1 and args[1] in ("off", "false") else "true"
    set_meta_everywhere(ctx, [args[0]], "maintenance", value, False)


COMMANDS = [do_start, do_stop, do_restart, do_promote, do_demote, do_manage, do_unmanage, do_maintenance]
