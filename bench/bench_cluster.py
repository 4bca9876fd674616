"""Benchmark: `cluster status` on 3 nodes over SSH, against crm and pcs where they apply.

Run as root on the host:  .venv/bin/python bench/bench_cluster.py [--runs N] [--json FILE]

Builds the fresh 3-node namespace lab (tests/realenv/multinode.py), forms the cluster with
`clush cluster init`, then measures (median of N runs, wall time):

- `clush --host fnode1 cluster status` from the client namespace (a process: start-up included);
- the probes in-process: each node alone, then all three at once over their own connections
  (parallel must not take longer than the slowest node plus 10 %);
- `crm cluster status` and `pcs status nodes` run *on* fnode1 (they only look at the local node
  or the CIB; crm has no remote mode) — for scale, not a like-for-like comparison.

Tears the lab down at the end. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(fn: Any, runs: int) -> tuple[float, Any]:
    times, last = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), last


def in_process(names: list[str], runs: int) -> dict[str, float]:
    """Probe timings, run in the client namespace (``--inside``): connections opened once, then reused."""
    from clushell.cluster.nodes import NodeSet
    from clushell.cluster.probe import probe
    from clushell.transport.ssh import SshRunner

    nodes = NodeSet(names, SshRunner)
    nodes.each(lambda n, r: r.run(["true"]))  # connect once: the connections are reused
    out: dict[str, float] = {}
    for n in names:
        out[f"probe {n} alone"], _ = timed(lambda n=n: nodes.each(probe, [n]), runs)
    out["probe 3 nodes in parallel"], states = timed(lambda: nodes.each(probe), runs)
    assert all(o.ok and o.value is not None and o.value.corosync == "running" for o in states), states
    nodes.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json")
    ap.add_argument("--inside", help=argparse.SUPPRESS)  # NODE,NODE: the in-process part, in the client netns
    a = ap.parse_args()
    if a.inside:
        print(json.dumps(in_process(a.inside.split(","), a.runs)))
        return 0
    if os.geteuid() != 0:
        print("needs root (network namespaces)", file=sys.stderr)
        return 2
    from tests.realenv import multinode as mn

    mn.teardown(mn.FRESH_BASE, mn.FRESH["prefix"])
    lab = mn.build(mn.FRESH_BASE, fresh=True, **mn.FRESH)
    results: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        res = lab.clush_client("cluster", "init", "bench", *(lab.name(i) for i in range(1, 4)))
        results["clush cluster init (3 nodes, to DC)"] = time.perf_counter() - t0
        if res.returncode != 0:
            print(res.stderr, file=sys.stderr)
            return 1

        def clush_status() -> None:
            r = lab.clush_ssh(1, "cluster", "status")
            assert r.returncode == 0, r.stderr

        results["clush cluster status (process, 3 nodes)"], _ = timed(clush_status, a.runs)
        names = ",".join(lab.name(i) for i in range(1, lab.n + 1))
        r = lab.on("cl", [sys.executable, __file__, "--inside", names, "--runs", str(a.runs)],
                   env={"HOME": lab.client_home}, timeout=300)
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr)
            return 1
        results.update(json.loads(r.stdout))
        for label, argv in (("crm cluster status (on fnode1, local node only)", ["crm", "cluster", "status"]),
                            ("pcs status nodes (on fnode1, from the CIB)", ["pcs", "status", "nodes"])):
            if lab.on(1, ["sh", "-c", f"command -v {argv[0]}"]).returncode != 0:
                continue
            results[label], r = timed(lambda argv=argv: lab.on(1, argv, timeout=60), a.runs)
            if r.returncode != 0:
                results[label + " [failed: " + (r.stderr.strip().splitlines() or ["?"])[-1][:60] + "]"] = \
                    results.pop(label)
    finally:
        mn.teardown(mn.FRESH_BASE, mn.FRESH["prefix"])
    width = max(len(k) for k in results)
    for k, v in results.items():
        print(f"{k:<{width}}  {v * 1000:8.1f} ms")
    alone = [v for k, v in results.items() if k.endswith(" alone")]
    par = results.get("probe 3 nodes in parallel")
    if alone and par:
        print(f"parallel / slowest single node: {par / max(alone):.2f} (target <= 1.10)")
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
