"""The nodes an operation works on: their runners (one per node, reused) and a parallel map over them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from clushell.corosync.conf import ConfError
from clushell.corosync.model import CorosyncConf
from clushell.errors import ClushError
from clushell.transport.base import Runner

T = TypeVar("T")

COROSYNC_CONF = "/etc/corosync/corosync.conf"
AUTHKEY = "/etc/corosync/authkey"


@dataclass
class Outcome(Generic[T]):
    """What one node answered: a value, or the one-line reason it failed."""

    node: str
    value: T | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class NodeSet:
    """Named nodes, each reached through its own runner, opened on first use and kept."""

    def __init__(self, names: Sequence[str], make_runner: Callable[[str], Runner]):
        if not names:
            raise ClushError("no nodes to work on")
        dupes = sorted({n for n in names if list(names).count(n) > 1})
        if dupes:
            raise ClushError(f"node {dupes[0]} is named twice", token=dupes[0])
        self.names = list(names)
        self._make = make_runner
        self._runners: dict[str, Runner] = {}
        self._lock = threading.Lock()

    def runner(self, name: str) -> Runner:
        with self._lock:
            made = self._runners.get(name)
        if made is not None:
            return made
        fresh = self._make(name)  # outside the lock: nodes set up their runners at the same time
        with self._lock:
            made = self._runners.setdefault(name, fresh)
        if made is not fresh:
            fresh.close()
        return made

    def each(self, fn: Callable[[str, Runner], T], names: Sequence[str] | None = None) -> list[Outcome[T]]:
        """``fn(node, runner)`` on every node at once; outcomes in node order. Ctrl-C drops every connection."""
        chosen = list(names if names is not None else self.names)
        if not chosen:
            return []

        def call(name: str) -> Outcome[T]:
            try:
                return Outcome(name, fn(name, self.runner(name)))
            except ClushError as exc:
                return Outcome(name, error=str(exc))

        pool = ThreadPoolExecutor(max_workers=len(chosen), thread_name_prefix="clush-node")
        try:
            futures = [pool.submit(call, n) for n in chosen]
            return [f.result() for f in futures]
        except KeyboardInterrupt:
            # closing the connections ends the remote commands' sessions; nothing is retried
            self.close()
            raise
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            runners, self._runners = list(self._runners.values()), {}
        for r in runners:
            try:
                r.close()
            except Exception:  # noqa: BLE001 - closing must never hide the real outcome
                pass


def read_conf(runner: Runner, node: str, path: str = COROSYNC_CONF) -> CorosyncConf | None:
    """The node's corosync.conf as a model; None when there is none; ClushError when unreadable or broken."""
    res = runner.run(["sh", "-c", 'if [ -e "$1" ]; then cat -- "$1"; else echo "@@none"; fi', "sh", path],
                     timeout=30)
    if not res.ok:
        raise ClushError(f"{node}: cannot read {path}: {res.first_error_line()}")
    if res.out == "@@none\n":
        return None
    try:
        return CorosyncConf(res.out, f"{node}:{path}")
    except ConfError as exc:
        raise ClushError(str(exc)) from None


def names_from_cluster(runner: Runner) -> list[str]:
    """Node names of the cluster the runner's host belongs to: its corosync nodelist, else crm_node -l."""
    try:
        conf = read_conf(runner, runner.where)
    except ClushError:
        conf = None
    if conf is not None and conf.nodes():
        return [n.name for n in conf.nodes()]
    res = runner.run(["crm_node", "-l"], timeout=30)
    if res.ok:
        # "ID NAME STATE" per line
        return [parts[1] for line in res.out.splitlines() if len(parts := line.split()) >= 2]
    return []


def host_spec(name: str, user: str | None) -> str:
    """The SSH host spec for a node: its name, with the user of --host when one was given."""
    return f"{user}@{name}" if user and "@" not in name else name


def failures(outcomes: list[Outcome[Any]]) -> list[str]:
    return [f"{o.node}: {o.error}" if not (o.error or "").startswith(o.node) else o.error or ""
            for o in outcomes if not o.ok]
