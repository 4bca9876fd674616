"""The corosync.conf being edited: read from a node, changed by get/set/edit, written by push."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from clushell.errors import ClushError

if TYPE_CHECKING:
    from clushell.context import Context
    from clushell.corosync.model import CorosyncConf


@dataclass
class Work:
    """Pending-state of the corosync level (session.StateKey.COROSYNC)."""

    conf: CorosyncConf
    source: str  # the node it was read from
    base: str  # its text as read

    def has_pending(self) -> bool:
        return self.conf.render() != self.base

    def pending_summary(self) -> str:
        import difflib

        changed = sum(1 for ln in difflib.ndiff(self.base.splitlines(), self.conf.render().splitlines())
                      if ln[:1] in "+-")
        return f"corosync.conf from {self.source}: {changed} changed line(s)"

    def discard(self) -> None:
        from clushell.corosync.model import CorosyncConf

        self.conf = CorosyncConf(self.base, self.conf.source)

    def commit(self, ctx: Context) -> None:
        push(ctx, self, [], force=False)


def work(ctx: Context) -> Work:
    """The level's working copy, read from the first cluster node that answers on first use."""
    from clushell.session import StateKey

    st = ctx.session.get_state(StateKey.COROSYNC)
    if st is None:
        st = pull(ctx, None)
    return st


def pull(ctx: Context, node: str | None) -> Work:
    """Read corosync.conf from ``node`` (default: the first cluster node that answers) as the working copy."""
    from clushell.cluster.nodes import read_conf
    from clushell.commands.cluster.common import cluster_specs, nodeset, specs_for
    from clushell.session import StateKey

    specs = specs_for(ctx, [node]) if node else cluster_specs(ctx)
    nodes = nodeset(ctx, specs)
    problems = []
    try:
        for name in nodes.names:
            try:
                conf = read_conf(nodes.runner(name), name)
            except ClushError as exc:
                problems.append(str(exc) if str(exc).startswith(name) else f"{name}: {exc}")
                continue
            if conf is None:
                problems.append(f"{name}: has no corosync.conf")
                continue
            st = Work(conf, name, conf.render())
            ctx.session.set_state(StateKey.COROSYNC, st)
            return st
    finally:
        nodes.close()
    raise ClushError("cannot read corosync.conf: " + "; ".join(problems))


def push(ctx: Context, st: Work, words: list[str], *, force: bool) -> None:
    """Write the working copy to every node (or the named ones); partial failures fail the command."""
    from clushell.cluster import config
    from clushell.commands.cluster.common import fail_partial, nodeset, say, specs_for

    ctx.session.check_may_commit()  # a script pushes nothing once a command failed
    text = st.conf.render()
    specs = specs_for(ctx, words) if words else _push_targets(ctx, st)
    nodes = nodeset(ctx, specs)
    try:
        result = config.push(nodes, text, say(ctx), force=force)
    finally:
        nodes.close()
    if result.updated:
        st.base = text  # what the updated nodes now have
    failed = result.failed + ([result.reload_error] if result.reload_error else [])
    fail_partial("corosync.conf", result.updated, failed, len(specs))


def _push_targets(ctx: Context, st: Work) -> dict[str, str]:
    """Every node of the nodelist being pushed (a node being removed is cluster remove's business)."""
    from clushell.cluster.nodes import host_spec
    from clushell.commands.cluster.common import user_of

    specs = {n.name: host_spec(n.name, user_of(ctx)) for n in st.conf.nodes()}
    if not specs:
        raise ClushError("the corosync.conf to push has no nodelist; name the nodes to push to")
    return specs
