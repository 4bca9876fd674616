"""cluster start, stop and restart through each node's systemctl."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.cluster.common import ALL, WAIT, cluster_specs, fail_partial, nodeset, say, specs_for
from clushell.commands.tree import Arg, Command, Kind, command
from clushell.errors import UsageError

if TYPE_CHECKING:
    from clushell.context import Context


# -- start / stop -------------------------------------------------------------------------------
HERE = Arg("nodes", Kind.NODE, "nodes (default: the node clush runs on or reaches with --host)", optional=True,
           repeat=True)



def _chosen(ctx: Context, cmd: Command, args: list[str]) -> tuple[dict[str, str], dict[str, str], bool]:
    """(specs of the nodes to act on, specs of the whole cluster, wait)."""
    words, opts = cmd.split_opts(args)
    if "--all" in opts and words:
        raise UsageError(f"--all cannot be combined with node names ('{words[0]}')", token=words[0])
    wait = "-w" in opts or ctx.session.options.wait
    if words:
        chosen = specs_for(ctx, words)
        try:
            known = cluster_specs(ctx)
        except UsageError:
            return chosen, chosen, wait
        for name in chosen:
            if name not in known:
                raise UsageError(f"{name} is not a node of this cluster (nodes: {', '.join(known)})", token=name)
        return chosen, {**known, **chosen}, wait
    cluster = cluster_specs(ctx)
    if "--all" not in opts:
        here = _this_node(ctx, cluster)
        if here is None:
            raise UsageError(f"{cmd.name} which nodes? name them or give --all (nodes: {', '.join(cluster)})")
        return {here: cluster[here]}, cluster, wait
    return cluster, cluster, wait


def _this_node(ctx: Context, cluster: dict[str, str]) -> str | None:
    """The node clush runs on (or reaches with --host) when it is a node of the cluster, as crm does."""
    import os

    if ctx.session.options.host:
        res = ctx.session.runner.run(["uname", "-n"], timeout=30)
        name = res.out.strip() if res.ok else ""
    else:
        name = os.uname().nodename
    return name if name in cluster else None


def _service(ctx: Context, cmd: Command, args: list[str], verbs: tuple[str, ...]) -> None:
    from clushell.cluster import services
    from clushell.cluster.nodes import failures

    chosen, cluster, wait = _chosen(ctx, cmd, args)
    nodes = nodeset(ctx, cluster)
    emit = say(ctx)
    try:
        for verb in verbs:
            act = services.stop if verb == "stop" else services.start
            outcomes = act(nodes, list(chosen))
            for o in outcomes:
                if o.ok:
                    emit(f"{o.node}: {'stopped' if verb == 'stop' else 'started'} corosync and pacemaker")
            failed = failures(outcomes)
            done = [o.node for o in outcomes if o.ok]
            if wait and done:
                late = services.wait_offline(nodes, done, emit) if verb == "stop" else \
                    services.wait_online(nodes, done, emit)
                failed += late
            fail_partial(cmd.name, done, failed, len(chosen))
    finally:
        nodes.close()


@command("start", "Start corosync and pacemaker on nodes (systemctl).", HERE, opts=(ALL, WAIT),
         examples=("start hanode2", "start --all -w"))
def do_start(ctx: Context, args: list[str]) -> None:
    """systemctl start corosync, then pacemaker, on every named node at once (no
    name: the node clush runs on or reaches with --host); -w waits until each is
    online with a DC (a progress line per node, 120 s at most).
    """
    _service(ctx, do_start, args, ("start",))


@command("stop", "Stop pacemaker and corosync on nodes (systemctl).", HERE, opts=(ALL, WAIT),
         examples=("stop hanode2", "stop --all"))
def do_stop(ctx: Context, args: list[str]) -> None:
    """systemctl stop pacemaker (its resources move away first), then corosync; -w
    waits until the other nodes see it offline.
    """
    _service(ctx, do_stop, args, ("stop",))


@command("restart", "Stop, then start corosync and pacemaker on nodes.", HERE, opts=(ALL, WAIT),
         examples=("restart hanode3 -w",))
def do_restart(ctx: Context, args: list[str]) -> None:
    """stop, then start, node by node in parallel."""
    _service(ctx, do_restart, args, ("stop", "start"))


