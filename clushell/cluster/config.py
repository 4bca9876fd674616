"""corosync.conf on every node: read them all, push one atomically (keeping .bak), reload corosync."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from clushell.cluster.nodes import AUTHKEY, COROSYNC_CONF, NodeSet, Outcome, failures, read_conf
from clushell.corosync.model import CorosyncConf
from clushell.errors import ClushError
from clushell.transport.base import Runner

Say = Callable[[str], None]

# one round trip before the write: keep the old file as .bak, and say whether corosync runs (to reload it)
BACKUP = ('if [ -e "$1" ]; then cp -p -- "$1" "$1.bak" || exit 1; fi; '
          'corosync-cfgtool -s >/dev/null 2>&1 && echo @@running; exit 0')


@dataclass
class PushResult:
    updated: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "node: reason"
    reloaded_via: str = ""
    reload_error: str = ""

    @property
    def partial(self) -> bool:
        return bool(self.failed or self.reload_error)


def fetch(nodes: NodeSet, names: Sequence[str] | None = None) -> list[Outcome[CorosyncConf | None]]:
    return nodes.each(lambda node, runner: read_conf(runner, node), names)


def texts(nodes: NodeSet, names: Sequence[str] | None = None) -> list[Outcome[str]]:
    """Each node's corosync.conf text ('' when it has none)."""
    return nodes.each(lambda node, runner: (c.render() if (c := read_conf(runner, node)) else ""), names)


def push(nodes: NodeSet, text: str, say: Say, *, names: Sequence[str] | None = None, force: bool = False,
         reload: bool = True, authkey: bytes | None = None) -> PushResult:
    """Write ``text`` to every node; a node that fails is listed and keeps its own file untouched."""
    conf = CorosyncConf(text, "new corosync.conf")
    conf.check()
    chosen = list(names if names is not None else nodes.names)
    current = fetch(nodes, chosen)
    result = PushResult()
    targets = []
    for o in current:
        if not o.ok:
            result.failed.append(f"{o.node}: {o.error}")
            continue
        old = o.value
        if old is not None and old.cluster_name and conf.cluster_name and old.cluster_name != conf.cluster_name \
                and not force:
            raise ClushError(f"{o.node} belongs to cluster '{old.cluster_name}', not '{conf.cluster_name}'; "
                             "nothing was written (--force overwrites it)")
        targets.append(o.node)

    def write(node: str, runner: Runner) -> bool:
        res = runner.run(["sh", "-c", BACKUP, "sh", COROSYNC_CONF], timeout=30)
        if not res.ok:
            raise ClushError(f"{node}: cannot keep {COROSYNC_CONF}.bak: {res.first_error_line()}")
        if authkey is not None:
            runner.write_file(AUTHKEY, authkey, 0o400)
        runner.write_file(COROSYNC_CONF, text.encode(), 0o644)
        return "@@running" in res.out

    outcomes = nodes.each(write, targets)
    result.failed += failures(outcomes)
    result.updated = [o.node for o in outcomes if o.ok]
    for o in outcomes:
        if o.ok:
            say(f"{o.node}: {COROSYNC_CONF} written (previous kept as corosync.conf.bak)")
    running = [o.node for o in outcomes if o.ok and o.value]
    if reload and running:
        # one reload is enough: corosync-cfgtool -R tells every running node to re-read its file
        via = running[0]
        res = nodes.runner(via).run(["corosync-cfgtool", "-R"], timeout=60)
        if res.ok:
            result.reloaded_via = via
            say(f"corosync reloaded the configuration on every running node (corosync-cfgtool -R on {via})")
        else:
            result.reload_error = f"{via}: corosync-cfgtool -R failed: {res.first_error_line()}"
    return result


def corosync_runs(runner: Runner) -> bool:
    return runner.run(["corosync-cfgtool", "-s"], timeout=30).ok


def read_authkey(runner: Runner, node: str) -> bytes:
    """The node's authkey bytes (kept in memory only, never printed)."""
    import base64

    res = runner.run(["base64", "-w0", AUTHKEY], timeout=30)
    if not res.ok:
        raise ClushError(f"{node}: cannot read {AUTHKEY}: {res.first_error_line()}")
    return base64.b64decode(res.out.strip())
