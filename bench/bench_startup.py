#!/usr/bin/env python3
"""Start-up time: `clush --version` (target ≤ 60 ms) and `clush help` against `crm --version`.

Runs each command N times (after one warm-up run) and prints median and min wall time.
usage: .venv/bin/python bench/bench_startup.py [N]
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLUSH = str(REPO / ".venv" / "bin" / "clush")
TARGET_VERSION_MS = 60.0


def timed(argv: list[str], runs: int) -> tuple[float, float]:
    subprocess.run(argv, capture_output=True, check=False)  # warm-up: .pyc files, page cache
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False, stdin=subprocess.DEVNULL)
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), min(samples)


def main() -> int:
    from benchrun import byte_compile

    byte_compile()  # what an installed clush has: not timed
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    cases = [("clush --version", [CLUSH, "--version"]), ("clush help", [CLUSH, "--cib-file", "/dev/null", "help"]),
             ("clush __complete bash", [CLUSH, "__complete", "bash", "1", "conf"])]
    if shutil.which("crm"):
        cases.append(("crm --version", ["crm", "--version"]))
    print(f"{'command':28} {'median ms':>10} {'min ms':>8}")
    results = {}
    for name, argv in cases:
        med, low = timed(argv, runs)
        results[name] = med
        print(f"{name:28} {med:10.1f} {low:8.1f}")
    verdict = "OK" if results["clush --version"] <= TARGET_VERSION_MS else "OVER TARGET"
    print(f"\nclush --version target ≤ {TARGET_VERSION_MS:.0f} ms: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
