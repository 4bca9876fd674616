"""What the cluster and corosync levels share: which nodes, their runners, progress lines."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from clushell.commands.tree import Arg, Kind, Opt
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.cluster.nodes import NodeSet
    from clushell.context import Context
    from clushell.transport.base import Runner

NODES = Arg("nodes", Kind.NODE, "nodes (default: every node of the cluster)", optional=True, repeat=True)
FORCE = Opt("--force", "go ahead despite what the checks found", Kind.FLAG)
ALL = Opt("--all", "every node of the cluster", Kind.FLAG)
WAIT = Opt("-w", "wait until the nodes are online (offline) in the membership", Kind.FLAG)
JSON = Opt("--json", "machine-readable output", Kind.FLAG)


# -- nodes --------------------------------------------------------------------------------------
def user_of(ctx: Context) -> str | None:
    from clushell.transport.ssh import parse_host_spec

    host = ctx.session.options.host
    return parse_host_spec(host)[0] if host else None


def cluster_specs(ctx: Context) -> dict[str, str]:
    """{node name: SSH host spec} of the cluster: the running one, else the cluster.nodes preference."""
    import os

    from clushell import target
    from clushell.cluster.nodes import host_spec, names_from_cluster
    from clushell.transport.ssh import parse_host_spec

    o = ctx.session.options
    on_file = bool(o.cib_file or os.environ.get("CIB_file")) and not o.host
    if o.host or (not on_file and target.local_cluster_answers()):
        names = names_from_cluster(ctx.session.runner)
        if names:
            return {n: host_spec(n, user_of(ctx)) for n in names}
    config = ctx.session.config
    pref = config.get("cluster.nodes").split() if config is not None else []
    if pref:
        return {parse_host_spec(p)[1]: p for p in pref}
    raise UsageError("which nodes? name them, or reach a running cluster (--host NODE), "
                     "or set the cluster.nodes preference")


def specs_for(ctx: Context, words: list[str]) -> dict[str, str]:
    """Nodes named on the line (checked against the cluster when it is known), else the whole cluster."""
    from clushell.cluster.nodes import host_spec
    from clushell.transport.ssh import parse_host_spec

    if not words:
        return cluster_specs(ctx)
    out = {}
    for w in words:
        try:
            _u, name, _p = parse_host_spec(w)
        except ClushError as exc:
            raise UsageError(str(exc), token=w) from None
        out[name] = w if ("@" in w or ":" in w) else host_spec(w, user_of(ctx))
    return out


def nodeset(ctx: Context, specs: dict[str, str]) -> NodeSet:
    """One runner per node: SSH (strict host keys, ~/.ssh/config), or local for this very node."""
    import os

    from clushell import target
    from clushell.cluster.nodes import NodeSet
    from clushell.transport.local import LocalRunner
    from clushell.transport.ssh import SshRunner, parse_host_spec

    session = ctx.session
    here = os.uname().nodename if not session.options.host and target.local_cluster_answers() else None
    asking = threading.Lock()  # host-key questions from parallel connections, one at a time

    def ask(question: str) -> str:
        with asking:
            return session.ask_person(question)

    host = session.options.host
    borrowed = parse_host_spec(host)[1] if host else None

    def make(name: str) -> Any:
        if name == here:
            return LocalRunner()
        if name == borrowed and specs[name] in (name, host):
            return _Borrowed(session.runner)  # the --host connection is already open: reuse it
        return SshRunner(specs[name], accept_new_host_key=session.options.accept_new_host_key,
                         ask=ask if session.options.interactive else None)

    return NodeSet(list(specs), make)


class _Borrowed:
    """The session's own runner lent to a NodeSet: closing the set leaves it open."""

    def __init__(self, inner: Runner):
        self.inner = inner
        self.where = inner.where
        self.hostname = inner.hostname
        self.base_env = inner.base_env

    def run(self, argv: Any, **kw: Any) -> Any:
        return self.inner.run(argv, **kw)

    def write_file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        self.inner.write_file(path, data, mode)

    def close(self) -> None:
        """The session closes it."""


def say(ctx: Context) -> Any:
    lock = threading.Lock()

    def emit(text: str) -> None:
        with lock:
            ctx.out.info(text)
    return emit


def fail_partial(what: str, done: list[str], failed: list[str], total: int) -> None:
    if failed:
        raise ClushError(f"{what}: {len(done)} of {total} nodes done; failed: " + "; ".join(failed))


