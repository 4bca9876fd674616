"""resource: placement (move, ban, clear) and the cluster's memory of it (cleanup, refresh)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.opsflow import change, model, need, take_wait
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context


def _placement_args(ctx: Context, args: list[str], verb: str):
    """RSC [NODE] [LIFETIME] [force] -> (rsc, node, lifetime, force, wait), all checked."""
    from clushell.pacemaker import ops

    rest, wait = take_wait(args)
    need(rest, "resource")
    m = model(ctx)
    rid = rest[0]
    ops.resource_el(m, rid)
    nodes = ops.node_names(m)
    node = lifetime = None
    force = False
    for word in rest[1:]:
        if word == "force":
            force = True
        elif word in nodes and node is None:
            node = word
        elif ops.is_lifetime(word) and lifetime is None:
            lifetime = word
        elif word.startswith("P") or word[:1].isdigit():
            raise UsageError(f"'{word}' is not an ISO 8601 lifetime (like PT1H or P1D)", token=word)
        else:
            raise UsageError(f"node {word} does not exist", token=word)
    return rid, node, lifetime, force, wait


@command("move", "Move a resource to a node (constraint cli-prefer-RSC).",
         Arg("rsc", Kind.RESOURCE, "resource id"),
         Arg("args", Kind.NODE, "NODE, LIFETIME (ISO 8601, e.g. PT1H) and/or force", optional=True, repeat=True),
         aliases=("migrate",), usage="RSC [NODE] [LIFETIME] [force] [-w]",
         examples=("move webservice node2", "move webservice node2 PT1H", "move webservice force"))
def do_move(ctx: Context, args: list[str]) -> None:
    """Creates cli-prefer-RSC (crm_resource --move). Without a node the resource is banned
    from where it runs now, which needs 'force'. Remove with 'clear'."""
    from clushell.pacemaker import ops

    rid, node, lifetime, force, wait = _placement_args(ctx, args, "move")
    if node is None and not force:
        raise ClushError(f"name a target node for {rid}, or add 'force' to move it away from where it runs")
    argv = ["crm_resource", "--move", "-r", rid]
    argv += ["-N", node] if node else []
    argv += ["--lifetime", lifetime] if lifetime else []
    argv += ["--force"] if force else []
    runner = ctx.session.runner

    def act() -> None:
        res = ops.tool(runner, argv, rid, ok=(0, 108))
        if res.rc == 108:
            raise ClushError(f"{rid} already runs on {node}; add 'force' to pin it there anyway")

    change(ctx, act, wait=wait)


@command("ban", "Keep a resource off a node (constraint cli-ban-RSC-on-NODE).",
         Arg("rsc", Kind.RESOURCE, "resource id"),
         Arg("args", Kind.NODE, "NODE, LIFETIME and/or force", optional=True, repeat=True),
         usage="RSC [NODE] [LIFETIME] [force] [-w]", examples=("ban webservice node1",))
def do_ban(ctx: Context, args: list[str]) -> None:
    """crm_resource --ban; without a node, bans the node it runs on now."""
    from clushell.pacemaker import ops

    rid, node, lifetime, force, wait = _placement_args(ctx, args, "ban")
    argv = ["crm_resource", "--ban", "-r", rid]
    argv += ["-N", node] if node else []
    argv += ["--lifetime", lifetime] if lifetime else []
    argv += ["--force"] if force else []
    runner = ctx.session.runner
    change(ctx, lambda: ops.tool(runner, argv, rid), wait=wait)


@command("clear", "Remove the move/ban constraints of a resource.",
         Arg("rsc", Kind.RESOURCE, "resource id", repeat=True),
         aliases=("unmove", "unban", "unmigrate"), examples=("clear webservice",))
def do_clear(ctx: Context, args: list[str]) -> None:
    """crm_resource --clear: removes cli-prefer-RSC and cli-ban-RSC-on-* ."""
    from clushell.pacemaker import ops

    rest, wait = take_wait(args)
    need(rest, "resource")
    m = model(ctx)
    for rid in rest:
        ops.resource_el(m, rid)
    runner = ctx.session.runner

    def act() -> None:
        for rid in rest:
            ops.tool(runner, ["crm_resource", "--clear", "-r", rid], rid)

    change(ctx, act, wait=wait)


def _cleanup(ctx: Context, args: list[str], flag: str, verb: str) -> None:
    from clushell.pacemaker import ops

    rest, wait = take_wait(args)
    words = [a for a in rest if a != "force"]
    ctx.session.require_live(f"resource {verb}")  # crm_resource --cleanup ignores CIB_file
    m = model(ctx)
    rid = node = None
    nodes = ops.node_names(m)
    for word in words:
        if rid is None and node is None and m.resource(word) is not None:
            rid = word
        elif node is None and word in nodes:
            node = word
        elif rid is None and node is None:
            raise ClushError(f"{word} is neither a resource nor a node", token=word)
        else:
            raise ClushError(f"node {word} does not exist", token=word)
    argv = ["crm_resource", flag]
    argv += ["-r", rid] if rid else []
    argv += ["-N", node] if node else []
    argv += ["--force"] if "force" in rest else []
    runner = ctx.session.runner
    res_holder = []
    change(ctx, lambda: res_holder.append(ops.tool(runner, argv, f"{verb}{' ' + rid if rid else ''}")), wait=wait)
    for line in res_holder[0].out.splitlines() if res_holder else []:
        if line.strip():
            ctx.out.print(line.strip())


@command("cleanup", "Clear failures and fail counts so the cluster retries (live cluster).",
         Arg("args", Kind.RESOURCE, "[RSC] [NODE] [force]", optional=True, repeat=True),
         usage="[RSC] [NODE] [force] [-w]", examples=("cleanup", "cleanup app", "cleanup app node1"))
def do_cleanup(ctx: Context, args: list[str]) -> None:
    """crm_resource --cleanup [-r RSC] [-N NODE]. Needs a live cluster: the tool ignores CIB files."""
    _cleanup(ctx, args, "--cleanup", "cleanup")


@command("refresh", "Forget the resource history so the cluster re-probes (live cluster).",
         Arg("args", Kind.RESOURCE, "[RSC] [NODE] [force]", optional=True, repeat=True),
         aliases=("reprobe",), usage="[RSC] [NODE] [force] [-w]")
def do_refresh(ctx: Context, args: list[str]) -> None:
    """crm_resource --refresh [-r RSC] [-N NODE]. Needs a live cluster."""
    _cleanup(ctx, args, "--refresh", "refresh")


COMMANDS = [do_move, do_ban, do_clear, do_cleanup, do_refresh]
