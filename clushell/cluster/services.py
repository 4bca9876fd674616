"""Start and stop corosync and pacemaker through each node's systemctl; wait for the membership."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

from clushell.cluster.nodes import NodeSet, Outcome
from clushell.errors import ClushError, ToolMissing
from clushell.transport.base import Runner

Say = Callable[[str], None]
WAIT_TIMEOUT = 120.0

START = "systemctl start corosync && systemctl start pacemaker"
STOP = "systemctl stop pacemaker && systemctl stop corosync"


def _systemctl(script: str) -> Callable[[str, Runner], str]:
    def act(node: str, runner: Runner) -> str:
        try:
            res = runner.run(["sh", "-c", script], timeout=180)
        except ToolMissing:
            raise ClushError(f"{node}: no sh to run systemctl") from None
        if res.rc == 127 or "systemctl: not found" in res.err or "command not found" in res.err:
            raise ClushError(f"{node}: there is no systemctl to start or stop the cluster services")
        if not res.ok:
            raise ClushError(f"{node}: {res.first_error_line()}")
        return "ok"
    return act


def start(nodes: NodeSet, names: Sequence[str]) -> list[Outcome[str]]:
    return nodes.each(_systemctl(START), names)


def stop(nodes: NodeSet, names: Sequence[str]) -> list[Outcome[str]]:
    return nodes.each(_systemctl(STOP), names)


def membership(runner: Runner) -> tuple[str, dict[str, bool]]:
    """(DC name or '', {node: online}) as the node behind ``runner`` sees the cluster."""
    res = runner.run(["crm_mon", "-1", "--output-as=xml"], timeout=30)
    if not res.out.strip():
        return "", {}
    try:
        root = ET.fromstring(res.out)
    except ET.ParseError:
        return "", {}
    dc = root.find("summary/current_dc")
    name = dc.get("name", "") if dc is not None and dc.get("present") == "true" else ""
    nodes = {n.get("name", ""): n.get("online") == "true" for n in root.iter("node") if n.get("type") == "member"}
    return name, nodes


def wait_online(nodes: NodeSet, names: Sequence[str], say: Say, timeout: float = WAIT_TIMEOUT) -> list[str]:
    """Wait until each node sees itself online with a DC; returns the nodes that did not make it."""
    t0 = time.monotonic()

    def one(node: str, runner: Runner) -> float:
        while True:
            dc, members = membership(runner)
            if dc and members.get(node):
                say(f"{node}: online (DC {dc}) after {time.monotonic() - t0:.1f} s")
                return time.monotonic() - t0
            if time.monotonic() - t0 > timeout:
                raise ClushError(f"{node}: not online after {timeout:g} s")
            time.sleep(0.5)

    return [f"{o.node}: {o.error}" for o in nodes.each(one, names) if not o.ok]


def wait_offline(nodes: NodeSet, gone: Sequence[str], say: Say, timeout: float = WAIT_TIMEOUT) -> list[str]:
    """Wait until a node still running sees each of ``gone`` offline (nothing to wait for when none runs)."""
    witnesses = [n for n in nodes.names if n not in gone]
    t0 = time.monotonic()
    for w in witnesses:
        try:
            runner = nodes.runner(w)
            dc, members = membership(runner)
        except ClushError:
            continue
        if not members:
            continue
        while any(members.get(g) for g in gone):
            if time.monotonic() - t0 > timeout:
                return [f"{g}: still online as {w} sees it after {timeout:g} s" for g in gone if members.get(g)]
            time.sleep(0.5)
            dc, members = membership(runner)
        for g in gone:
            say(f"{g}: offline (as {w} sees it) after {time.monotonic() - t0:.1f} s")
        return []
    for g in gone:
        say(f"{g}: stopped (no other node runs to confirm the membership)")
    return []
