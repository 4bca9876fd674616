"""cluster init: check every node first (changing nothing when a check fails), then write, start, wait."""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from clushell.cluster import services
from clushell.cluster.nodes import AUTHKEY, COROSYNC_CONF, NodeSet, failures
from clushell.corosync.model import generate
from clushell.errors import ClushError
from clushell.transport.base import Runner

Say = Callable[[str], None]
TOOLS = ("corosync", "corosync-cfgtool", "corosync-quorumtool", "pacemakerd", "crm_node", "crm_mon")

PREFLIGHT = r"""
echo "@@uid $(id -u)"
echo "@@uname $(uname -n)"
for t in TOOLS; do command -v "$t" >/dev/null 2>&1 || echo "@@missing $t"; done
[ -d /etc/corosync ] || echo "@@nodir"
[ -e CONF ] && echo "@@conf"
corosync-cfgtool -s >/dev/null 2>&1 && echo "@@running"
[ -S /dev/log ] && echo "@@syslog"
ip -o addr show 2>/dev/null | while read -r _ _ _ a _; do echo "@@addr ${a%/*}"; done
getent ahosts "$1" 2>/dev/null | while read -r a _; do echo "@@resolves $a"; done
echo "@@end"
""".replace("TOOLS", " ".join(TOOLS)).replace("CONF", COROSYNC_CONF)

REACH = 'for a; do ping -c 1 -W 2 "$a" >/dev/null 2>&1 || echo "@@unreachable $a"; done; echo @@end'


@dataclass
class Facts:
    """What the preflight script found on one node."""

    uid: str = ""
    uname: str = ""
    missing: list[str] = field(default_factory=list)
    has_conf: bool = False
    running: bool = False
    nodir: bool = False
    syslog: bool = False
    addrs: list[str] = field(default_factory=list)
    resolves: list[str] = field(default_factory=list)


def facts(node: str, runner: Runner) -> Facts:
    res = runner.run(["sh", "-c", PREFLIGHT, "sh", node], timeout=60)
    if "@@end" not in res.out:
        raise ClushError(f"{node}: the checks did not run: {res.first_error_line()}")
    f = Facts()
    flags = {"@@conf": "has_conf", "@@running": "running", "@@nodir": "nodir", "@@syslog": "syslog"}
    for line in res.out.splitlines():
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        if word in flags:
            setattr(f, flags[word], True)
        elif word == "@@uid":
            f.uid = rest
        elif word == "@@uname":
            f.uname = rest
        elif word == "@@missing":
            f.missing.append(rest)
        elif word == "@@addr":
            f.addrs.append(rest.split("%")[0])
        elif word == "@@resolves" and rest not in f.resolves:
            f.resolves.append(rest)
    return f


def pick_address(node: str, facts: Facts, given: str | None, ssh_host: str | None) -> str:
    """The node's ring0 address: as given, else the SSH address when it is one of the node's, else DNS on the node."""
    local = set(facts.addrs)
    if given:
        if given not in local:
            raise ClushError(f"{node}: address {given} is not configured on the node "
                             f"(it has {', '.join(a for a in facts.addrs if not _loopback(a)) or 'none'})")
        return given
    for cand in ([ssh_host] if ssh_host else []) + facts.resolves:
        if cand in local and not _loopback(cand):
            return cand
    raise ClushError(f"{node}: cannot tell its cluster address ({node} resolves to "
                     f"{', '.join(facts.resolves) or 'nothing'} on the node); give addrs=")


def _loopback(addr: str) -> bool:
    try:
        return ipaddress.ip_address(addr).is_loopback
    except ValueError:
        return False


def preflight(nodes: NodeSet, addrs: dict[str, str], *, force: bool,
              ssh_hosts: dict[str, str]) -> tuple[list[tuple[str, str]], bool]:
    """Check every node; [(name, address)] and whether all have syslog, or ClushError listing every problem."""
    outcomes = nodes.each(facts)
    problems = failures(outcomes)
    pairs: list[tuple[str, str]] = []
    syslog = True
    for o in outcomes:
        if not o.ok or o.value is None:
            continue
        f = o.value
        if f.uid != "0":
            problems.append(f"{o.node}: not logged in as root (uid {f.uid})")
        if f.missing:
            problems.append(f"{o.node}: not installed: {', '.join(f.missing)}")
        if f.nodir:
            problems.append(f"{o.node}: /etc/corosync does not exist (is corosync installed?)")
        if f.running and not force:
            problems.append(f"{o.node}: corosync is running (already in a cluster?); --force replaces its config")
        elif f.has_conf and not force:
            problems.append(f"{o.node}: {COROSYNC_CONF} exists; --force replaces it")
        syslog = syslog and f.syslog
        try:
            pairs.append((o.node, pick_address(o.node, f, addrs.get(o.node), ssh_hosts.get(o.node))))
        except ClushError as exc:
            problems.append(str(exc))
    seen: dict[str, str] = {}
    for name, addr in pairs:
        if addr in seen:
            problems.append(f"{name}: address {addr} is also {seen[addr]}'s")
        seen[addr] = name
    if not problems and len(pairs) > 1:
        problems += _reachability(nodes, pairs)
    if problems:
        raise ClushError("nothing was changed: " + "; ".join(problems))
    return pairs, syslog


def _reachability(nodes: NodeSet, pairs: list[tuple[str, str]]) -> list[str]:
    """Every node pings every other node's address (skipped where ping is missing)."""
    addr = dict(pairs)

    def reach(node: str, runner: Runner) -> list[str]:
        others = [a for n, a in pairs if n != node]
        res = runner.run(["sh", "-c", f"command -v ping >/dev/null || {{ echo @@end; exit 0; }}; {REACH}", "sh",
                          *others], timeout=30)
        return [ln.split()[1] for ln in res.out.splitlines() if ln.startswith("@@unreachable ")]

    problems = failures(outcomes := nodes.each(reach))
    by_addr = {a: n for n, a in addr.items()}
    for o in outcomes:
        for a in o.value or []:
            problems.append(f"{o.node} cannot reach {by_addr.get(a, a)} at {a}")
    return problems


def init(nodes: NodeSet, cluster_name: str, say: Say, *, addrs: dict[str, str], ssh_hosts: dict[str, str],
         force: bool = False, token: int | None = None, crypto: bool = True, start: bool = True,
         timeout: float = services.WAIT_TIMEOUT) -> str:
    """Check, write corosync.conf (+ authkey) everywhere, start the stack, wait for a DC. Returns the config."""
    t0 = time.monotonic()
    pairs, syslog = preflight(nodes, addrs, force=force, ssh_hosts=ssh_hosts)
    say(f"checks passed on {len(pairs)} nodes: " + ", ".join(f"{n} {a}" for n, a in pairs))
    text = generate(cluster_name, pairs, token=token, crypto=crypto, syslog=syslog)
    key = os.urandom(128) if crypto else None  # what corosync-keygen makes; only ever in memory here

    def write(node: str, runner: Runner) -> str:
        if key is not None:
            runner.write_file(AUTHKEY, key, 0o400)
        runner.write_file(COROSYNC_CONF, text.encode(), 0o644)
        return "ok"

    outcomes = nodes.each(write)
    bad = failures(outcomes)
    if bad:
        if not force:  # the nodes had neither file before: take back what was written
            undo = ["rm", "-f", "--", COROSYNC_CONF, AUTHKEY]
            nodes.each(lambda n, r: r.run(undo, timeout=30))
        raise ClushError("writing the configuration failed on " + "; ".join(bad) +
                         ("" if force else "; the other nodes' files were removed again"))
    say(f"corosync.conf{' and authkey' if key else ''} written on {len(pairs)} nodes")
    if not start:
        return text
    bad = failures(services.start(nodes, nodes.names))
    if bad:
        raise ClushError("starting the cluster failed on " + "; ".join(bad))
    say("corosync and pacemaker started; waiting for the membership")
    late = services.wait_online(nodes, nodes.names, say, timeout)
    if late:
        raise ClushError("; ".join(late))
    say(f"cluster {cluster_name}: {len(pairs)} nodes online in {time.monotonic() - t0:.1f} s")
    return text

