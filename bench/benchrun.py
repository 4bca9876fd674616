#!/usr/bin/env python3
"""Building blocks of bench_configure.py: timing a process with its own peak memory, pcs from
Debian when missing, and the in-process completion probe.

``benchrun.py probe ROUNDS LINE...`` (run by bench_configure.py in a child process, inside the
bench cluster's namespaces for the live target, with CIB_file for a file): opens a shell
session as the REPL does, enters configure, and times the completion engine on each LINE;
prints JSON {line: {"p50_ms", "p99_ms", "candidates"}}.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def byte_compile() -> None:
    """Write clushell's bytecode caches, as an installed package has them: with
    PYTHONDONTWRITEBYTECODE set (as on these machines) Python never writes them itself, and every
    clush process would compile its modules from source again (~30 ms a Tab)."""
    import compileall

    compileall.compile_dir(str(ROOT / "clushell"), quiet=1)


@dataclass
class Sample:
    secs: float
    mb: float  # peak resident memory of the process itself (its children not counted)
    rc: int
    err: str = ""
    cpu: float = 0.0  # user + system seconds of the process and the tools it ran

    @property
    def timed_out(self) -> bool:
        return self.rc == 124


def timed(argv: list[str], env: dict[str, str], *, stdin: Path | None = None, timeout: float | None = None) -> Sample:
    """Run ``argv`` (output thrown away): wall time, the process's peak RSS (VmHWM, polled) and the
    CPU time of it and its children (on a shared machine wall time includes waiting for a CPU)."""
    if timeout is not None:
        argv = ["timeout", "-s", "KILL", f"{timeout:g}", *argv]
    with tempfile.TemporaryFile() as err, (open(stdin, "rb") if stdin else open(os.devnull, "rb")) as inp:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdin=inp, stdout=subprocess.DEVNULL, stderr=err)
        peak = [0]
        done = threading.Event()
        # nsenter execs the command in place, so the PID stays the measured process's own
        # (under `timeout` it is timeout's: memory is only wanted from clush, which never runs under it)
        watcher = threading.Thread(target=_watch_hwm, args=(proc.pid, peak, done), daemon=True)
        watcher.start()
        _, status, usage = os.wait4(proc.pid, 0)
        secs = time.perf_counter() - start
        done.set()
        watcher.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace").strip()
    rc = proc.returncode if proc.returncode != -9 else 124
    return Sample(secs, peak[0] / 1024, rc, text.splitlines()[-1] if text and rc else "",
                  usage.ru_utime + usage.ru_stime)


def _watch_hwm(pid: int, peak: list[int], done: threading.Event) -> None:
    path = f"/proc/{pid}/status"
    while not done.is_set():
        try:
            with open(path, "rb") as f:
                for line in f:
                    if line.startswith(b"VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]))
                        break
        except OSError:
            return
        time.sleep(0.004)


def ensure_pcs() -> str | None:
    """pcs on PATH, installed from Debian if missing (no daemon started); None, or why not."""
    if shutil.which("pcs"):
        return None
    if os.geteuid() != 0:
        return "pcs is not installed (installing it needs root)"
    policy = Path("/usr/sbin/policy-rc.d")
    made = False
    if not policy.exists():  # keeps pcsd (and anything it pulls in) from starting
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        made = True
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        print("  installing Debian's pcs package (apt-get) ...", file=sys.stderr, flush=True)
        res = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "pcs"], env=env,
                             capture_output=True, text=True, check=False, timeout=900)
        if res.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False, timeout=600)
            res = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "pcs"], env=env,
                                 capture_output=True, text=True, check=False, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"pcs could not be installed: {exc}"
    finally:
        if made:
            policy.unlink(missing_ok=True)
    if res.returncode != 0 or not shutil.which("pcs"):
        last = (res.stderr.strip().splitlines() or ["no output"])[-1]
        return f"pcs could not be installed (apt-get: {last})"
    return None


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def probe(rounds: int, lines: list[str]) -> dict[str, dict[str, float]]:
    """The REPL's completion path, in this process: session, configure level, engine + source."""
    import io

    sys.path.insert(0, str(ROOT))
    from clushell.commands.root import GLOBALS, build_tree
    from clushell.complete.engine import complete_line
    from clushell.dispatch import Dispatcher
    from clushell.output import Output
    from clushell.session import Options, Session
    from clushell.ui.completer import providers_for

    session = Session(Options(cib_file=os.environ.get("CIB_file")), build_tree(),
                      Output(color=False, stdout=io.StringIO(), stderr=io.StringIO()))
    dispatcher = Dispatcher(session, GLOBALS)
    if not dispatcher.run_line("cd configure"):
        raise SystemExit("probe: cannot enter configure")
    providers = providers_for(session)
    out = {}
    for line in lines:
        complete_line(session, line, providers)  # warm: the index is built once per CIB version
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            cands = complete_line(session, line, providers)
            times.append((time.perf_counter() - t0) * 1000)
        out[line] = {"p50_ms": statistics.median(times), "p99_ms": percentile(times, 99), "candidates": len(cands)}
    return out


if __name__ == "__main__":
    if sys.argv[1:2] != ["probe"]:
        raise SystemExit(__doc__)
    print(json.dumps(probe(int(sys.argv[2]), sys.argv[3:])))
