#!/usr/bin/env python3
"""Time crmsh and clush on the same generated CIBs; print a results table.

usage: bench_configure.py [--sizes 100,1000,4000] [--runs 3] [--crm-max 4000] [--crm-commit-max 1000]

Measured per size and tool (wall time, median of --runs; peak RSS of the shell's own
process and the tools it runs): ``configure show ID``, ``configure show`` and ``configure
primitive NEW Dummy`` as a one-shot (which commits when it leaves configure). Targets on 4000
primitives: show ID <= 0.35 s, show <= 0.6 s, add+commit <= 1.3 s, memory <= 150 MB.
``configure set ID.state V`` (set+commit, a change to an existing object: the patch path)
is measured too, without a target.
crm is slow on big CIBs (tens of seconds); --crm-max / --crm-commit-max cap the sizes it
runs at (default: every size for show, up to 1000 for add+commit). Not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_cib  # noqa: E402

TARGETS = {"show ID": 0.35, "show": 0.6, "add+commit": 1.3}
OPS = [*TARGETS, "set+commit"]
MEM_TARGET_MB = 150


def run(argv: list[str], cib: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit status) of one run."""
    env = {**os.environ, "CIB_file": str(cib), "LC_ALL": "C"}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def measure(tool: list[str], op: str, base: Path, tmp: Path, n: int, runs: int) -> tuple[float, float, bool]:
    mid = f"p{n // 2:05d}"
    times, mems, ok = [], [], True
    for i in range(runs):
        cib = tmp / f"run-{i}.xml"
        shutil.copy(base, cib)
        if op == "show ID":
            argv = [*tool, "configure", "show", mid]
        elif op == "show":
            argv = [*tool, "configure", "show"]
        elif op == "set+commit":
            argv = [*tool, "configure", "set", f"{mid}.state", "/run/bench-set"]
        else:
            argv = [*tool, "configure", "primitive", "benchnew", "ocf:heartbeat:Dummy"]
        secs, mb, rc = run(argv, cib)
        if op == "add+commit" and 'id="benchnew"' not in cib.read_text():
            ok = False
        if op == "set+commit" and "/run/bench-set" not in cib.read_text():
            ok = False
        ok = ok and rc == 0
        times.append(secs)
        mems.append(mb)
    return statistics.median(times), max(mems), ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,4000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--crm-max", type=int, default=4000, help="largest size crm runs show at")
    ap.add_argument("--crm-commit-max", type=int, default=1000, help="largest size crm runs add+commit at")
    ap.add_argument("--clush", default=str(Path(sys.executable).parent / "clush"))
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    tools = {"clush": [args.clush]}
    if shutil.which("crm"):
        tools["crm"] = ["crm"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="clush-bench-") as tmpdir:
        tmp = Path(tmpdir)
        for n in sizes:
            base = tmp / f"cib-{n}.xml"
            base.write_text(gen_cib.build(n))
            for op in OPS:
                for name, argv in tools.items():
                    cap = args.crm_commit_max if op.endswith("+commit") else args.crm_max
                    if name == "crm" and n > cap:
                        rows.append((n, op, name, None, None, True))
                        continue
                    runs = 1 if name == "crm" else args.runs
                    secs, mb, ok = measure(argv, op, base, tmp, n, runs)
                    rows.append((n, op, name, secs, mb, ok))
                    print(f"  {n:>5} {op:<11} {name:<6} {secs:7.3f} s {mb:7.1f} MB{'' if ok else '  FAILED'}",
                          file=sys.stderr, flush=True)
    print(f"{'size':>5}  {'operation':<11} {'tool':<6} {'seconds':>8} {'peak MB':>8}  target")
    for n, op, name, secs, mb, ok in rows:
        if secs is None:
            print(f"{n:>5}  {op:<11} {name:<6} {'skipped':>8} {'':>8}  (capped; see --crm-max)")
            continue
        verdict = ""
        if name == "clush" and n == max(sizes) and op in TARGETS:
            good = secs <= TARGETS[op] and mb <= MEM_TARGET_MB and ok
            verdict = f"<= {TARGETS[op]} s, <= {MEM_TARGET_MB} MB: {'met' if good else 'MISSED'}"
        if not ok:
            verdict += " (command failed)"
        print(f"{n:>5}  {op:<11} {name:<6} {secs:8.3f} {mb:8.1f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
