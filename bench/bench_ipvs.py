"""Benchmark: commit a 200-service x 4-real IPVS table, then a one-real change.

Run on the host:      .venv/bin/python bench/bench_ipvs.py
  boots user-mode-linux (a real IPVS kernel) and runs the measurement inside it.
Run inside a guest:   python bench/bench_ipvs.py --inside [--json FILE]

Reports, for each commit: wall time, round trips to the director (Runner.run calls;
over SSH each is one remote process), ipvsadm commands in the plan, and ipvsadm
processes actually started. The one-real change must be 1 round trip and O(1)
ipvsadm commands, not a table rewrite.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SERVICES = 200
REALS = 4


class CountingRunner:
    """Wraps a Runner and counts round trips."""

    def __init__(self, inner: Any):
        self.inner = inner
        self.where = inner.where
        self.calls = 0

    def run(self, argv: Any, **kw: Any) -> Any:
        self.calls += 1
        return self.inner.run(argv, **kw)

    def close(self) -> None:
        self.inner.close()


def build_table() -> Any:
    from clushell.ipvs.model import Real, Table, parse_service_spec

    table = Table()
    for i in range(SERVICES):
        svc = parse_service_spec(f"tcp:10.2.{i // 250}.{i % 250 + 1}:80")
        svc.sched = "wrr"
        for j in range(REALS):
            real = Real(f"10.3.{i // 60}.{(i % 60) * 4 + j + 1}", 80, method="nat", weight=j + 1)
            svc.reals[real.key] = real
        table.services[svc.key] = svc
    return table


def processes(steps: list, restore: bool) -> int:
    """ipvsadm processes the apply script starts: checksum read + steps (or one -R) + 2 read-backs."""
    return 1 + (1 if restore else sum(1 for s in steps if s.phase != "wait")) + 2


def measure(director: str | None) -> dict:
    from clushell.ipvs import apply
    from clushell.ipvs.plan import diff
    from clushell.transport.local import LocalRunner

    if director:
        from clushell.transport.ssh import SshRunner

        runner = CountingRunner(SshRunner(director))
    else:
        runner = CountingRunner(LocalRunner())
    runner.inner.run(["ipvsadm", "-C"])
    results = {}
    snap = apply.read_snapshot(runner)
    desired = build_table()
    for name in ("full_commit", "one_real_change"):
        if name == "one_real_change":
            desired = snap.table.copy()
            svc = desired.sorted_services()[SERVICES // 2]
            real = sorted(svc.reals.values(), key=lambda r: r.addr)[1]
            real.weight = 7
        steps = diff(desired, snap.table)
        restore = len(steps) > apply.RESTORE_THRESHOLD
        runner.calls = 0
        start = time.perf_counter()
        report = apply.commit(runner, desired, snap)
        seconds = time.perf_counter() - start
        if not report.ok:
            raise SystemExit(f"{name}: commit failed: {report.error}")
        assert report.final is not None
        snap = report.final
        results[name] = {
            "seconds": round(seconds, 3),
            "round_trips": runner.calls,
            "plan_ipvsadm_commands": sum(1 for s in steps if s.phase != "wait"),
            "ipvsadm_processes": processes(steps, restore),
            "mode": "ipvsadm -R" if restore else "per-step script",
            "services": len(snap.table.services),
            "reals": sum(len(s.reals) for s in snap.table.services.values()),
        }
    return results


def on_host() -> int:
    from tests.realenv.uml import Uml

    base = Path(tempfile.mkdtemp(prefix="bench-ipvs-"))
    uml = Uml(base)
    from tests.test_ipvs_uml_ssh import SETUP

    me = f'"{sys.executable}" "{Path(__file__).resolve()}" --inside'
    script = f'{me} --json "$OUT/local.json"\n{SETUP}\n{me} --director lo --json "$OUT/ssh.json"\n'
    res = uml.run(script, name="bench")
    if res.rc != 0:
        print(res.out, file=sys.stderr)
        return 1
    report(json.loads(res.file("local.json")), "inside user-mode-linux, local ipvsadm")
    report(json.loads(res.file("ssh.json")), "inside user-mode-linux, over SSH (paramiko) to the guest's loopback")
    return 0


def report(data: dict, where: str) -> None:
    print(f"ipvs commit benchmark, {SERVICES} services x {REALS} reals, {where}")
    for name, r in data.items():
        print(f"  {name:16} {r['seconds']:7.3f} s  round trips {r['round_trips']}  "
              f"ipvsadm commands in plan {r['plan_ipvsadm_commands']}  ipvsadm processes {r['ipvsadm_processes']}  "
              f"({r['mode']}; table {r['services']} services / {r['reals']} reals)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inside", action="store_true", help="measure here (needs an IPVS kernel and root)")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    ap.add_argument("--director", help="measure over SSH to this director (an ~/.ssh/config alias)")
    args = ap.parse_args()
    if not args.inside:
        return on_host()
    data = measure(args.director)
    if args.json:
        Path(args.json).write_text(json.dumps(data, indent=2))
    report(data, "on this machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
