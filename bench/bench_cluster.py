"""Benchmark: `cluster status` on 3 nodes against the slowest single node, and against crm and pcs.

Run as root on the host:  .venv/bin/python bench/bench_cluster.py [--runs N] [--json FILE]

Builds the fresh 3-node namespace lab (tests/realenv/multinode.py), forms the cluster with
`clush cluster init`, then measures, every figure the median of N rounds, the rounds interleaved
so that 1-node and 3-node figures share the machine's load:

- processes, from the client namespace: `clush cluster status fnodeK` for each node alone, and
  `clush cluster status fnode1 fnode2 fnode3` (start-up, connections and probes; no discovery),
  and `clush --host fnode1 cluster status` (the node list read from fnode1 first);
- in-process, connections open and reused: the probe of each node alone, then of the three at
  once; the same for `sleep 0.3` (pure waiting: shows whether the client overlaps the nodes) and
  for `true` (one SSH round trip); fresh connections alone and three at once; client CPU;
- the node side: CPU of one probe on a node (its script and tools), what 3 nodes sharing this
  machine's cores must fit in;
- `crm cluster status` and `pcs status nodes` run *on* fnode1 (they look at the local node or the
  CIB; crm has no remote mode): for scale, not like for like.

The lab's nodes are namespaces on this machine: the three nodes' own work competes for its cores,
which separate machines would not. Tears the lab down at the end. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def rounds(cases: dict[str, Any], runs: int) -> dict[str, float]:
    """Median wall time of each case, the cases interleaved round by round; CPU of the process too."""
    wall: dict[str, list[float]] = {k: [] for k in cases}
    cpu: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(runs):
        for label, fn in cases.items():
            c0, t0 = _cpu(), time.perf_counter()
            fn()
            wall[label].append(time.perf_counter() - t0)
            cpu[label].append(_cpu() - c0)
    out = {k: statistics.median(v) for k, v in wall.items()}
    out.update({f"{k} [client CPU]": statistics.median(v) for k, v in cpu.items()})
    return out


def in_process(names: list[str], runs: int) -> dict[str, float]:
    """Run in the client namespace (``--inside``): probes and round trips over reused connections."""
    from clushell.cluster.nodes import NodeSet
    from clushell.cluster.probe import probe
    from clushell.transport.ssh import SshRunner

    def connect(chosen: list[str]) -> None:
        fresh = NodeSet(chosen, SshRunner)
        fresh.each(lambda n, r: r.connect())
        fresh.close()

    out = rounds({**{f"connect {n} alone": lambda n=n: connect([n]) for n in names},
                  "connect 3 nodes at once": lambda: connect(names)}, runs)
    nodes = NodeSet(names, SshRunner)
    nodes.each(lambda n, r: r.connect())
    for what, fn in (("probe", probe), ("sleep 0.3", lambda n, r: r.run(["sleep", "0.3"])),
                     ("true", lambda n, r: r.run(["true"]))):
        cases = {f"{what} {n} alone": lambda n=n, fn=fn: nodes.each(fn, [n]) for n in names}
        cases[f"{what} 3 nodes at once"] = lambda fn=fn: nodes.each(fn)
        out.update(rounds(cases, runs))
    states = nodes.each(probe)
    assert all(o.ok and o.value is not None and o.value.corosync == "running" for o in states), states
    nodes.close()
    return out


def node_cpu(lab: Any, runs: int) -> float:
    """CPU seconds of one probe script on node 1 (its shell and tools, not sshd), median."""
    from clushell.cluster.probe import SCRIPT

    used = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        lab.on(1, ["sh", "-c", SCRIPT], timeout=30)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(used)


def ratio(results: dict[str, float], what: str) -> float | None:
    alone = [v for k, v in results.items() if k.startswith(what + " ") and k.endswith(" alone")]
    par = results.get(f"{what} 3 nodes at once")
    return par / max(alone) if alone and par else None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--json")
    ap.add_argument("--inside", help=argparse.SUPPRESS)  # NODE,NODE: the in-process part, in the client netns
    a = ap.parse_args()
    if a.inside:
        print(json.dumps(in_process(a.inside.split(","), a.runs)))
        return 0
    if os.geteuid() != 0:
        print("needs root (network namespaces)", file=sys.stderr)
        return 2
    import fcntl

    from tests.realenv import multinode as mn

    lock = open(f"{mn.FRESH_BASE}.lock", "w")  # noqa: SIM115 - the fresh_lab fixture's lock: one lab at a time
    fcntl.flock(lock, fcntl.LOCK_EX)
    mn.teardown(mn.FRESH_BASE, mn.FRESH["prefix"])
    lab = mn.build(mn.FRESH_BASE, fresh=True, **mn.FRESH)
    results: dict[str, float] = {}
    names = [lab.name(i) for i in range(1, lab.n + 1)]
    try:
        t0 = time.perf_counter()
        res = lab.clush_client("cluster", "init", "bench", *names)
        results["clush cluster init (3 nodes, to DC)"] = time.perf_counter() - t0
        if res.returncode != 0:
            print(res.stderr, file=sys.stderr)
            return 1

        def clush(*args: str) -> None:
            r = lab.clush_client(*args)
            assert r.returncode == 0, r.stderr

        cases = {f"process {n} alone": lambda n=n: clush("cluster", "status", n) for n in names}
        cases["process 3 nodes at once"] = lambda: clush("cluster", "status", *names)
        cases["process --host fnode1 (nodes read from it)"] = lambda: clush("--host", names[0], "cluster",
                                                                              "status")
        results.update({k: v for k, v in rounds(cases, a.runs).items() if not k.endswith("[client CPU]")})
        r = lab.on("cl", [sys.executable, __file__, "--inside", ",".join(names), "--runs", str(a.runs)],
                   env={"HOME": lab.client_home}, timeout=900)
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr)
            return 1
        results.update(json.loads(r.stdout))
        results["node CPU of one probe (script and tools)"] = node_cpu(lab, a.runs)
        for label, argv in (("crm cluster status (on fnode1, local node only)", ["crm", "cluster", "status"]),
                            ("pcs status nodes (on fnode1, from the CIB)", ["pcs", "status", "nodes"])):
            if lab.on(1, ["sh", "-c", f"command -v {argv[0]}"]).returncode != 0:
                continue
            results.update(rounds({label: lambda argv=argv: lab.on(1, argv, timeout=60)}, a.runs))
            results.pop(label + " [client CPU]", None)
    finally:
        mn.teardown(mn.FRESH_BASE, mn.FRESH["prefix"])
    width = max(len(k) for k in results)
    for k, v in results.items():
        print(f"{k:<{width}}  {v * 1000:8.1f} ms")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for what in ("process", "probe", "sleep 0.3", "true", "connect"):
        if (q := ratio(results, what)) is not None:
            print(f"{what}: 3 nodes at once / slowest single node = {q:.2f} (target <= 1.10)")
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
