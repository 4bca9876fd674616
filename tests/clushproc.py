"""A clush process fed line by line (lines run as they arrive), for race and interrupt tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from tests.paths import CLUSH

ARGV = [CLUSH] if os.path.exists(CLUSH) else [sys.executable, "-m", "clushell"]
SYNC = "version"  # prints "clush X.Y": everything typed before it has been executed


class ClushProc:
    def __init__(self, *args: str, env: dict[str, str] | None = None, argv: list[str] | None = None):
        full = {k: v for k, v in os.environ.items() if k not in ("CIB_file", "CIB_shadow")}
        full.update(env or {})
        full["PYTHONUNBUFFERED"] = "1"
        # a session of its own: a signal to the group reaches clush and its tools, like Ctrl-C
        self.proc = subprocess.Popen([*(argv or ARGV), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1, env=full,
                                     start_new_session=True)
        self.out: list[str] = []
        self.err: list[str] = []
        self._threads = [threading.Thread(target=self._pump, args=(s, k), daemon=True)
                         for s, k in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for t in self._threads:
            t.start()
        self.syncs = 0

    @staticmethod
    def _pump(stream, sink: list[str]) -> None:
        for line in stream:
            sink.append(line)

    def send(self, *lines: str) -> None:
        try:
            self.proc.stdin.write("".join(line + "\n" for line in lines))
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass

    def sync(self, timeout: float = 60) -> None:
        """Wait until every line sent so far has run."""
        self.syncs += 1
        self.send(SYNC)
        deadline = time.monotonic() + timeout
        while sum(ln.startswith("clush ") for ln in self.out) < self.syncs and self.proc.poll() is None:
            assert time.monotonic() < deadline, f"clush did not answer: {self.stderr}"
            time.sleep(0.02)

    def interrupt(self) -> None:
        """Ctrl-C as a terminal sends it: SIGINT to the whole process group."""
        try:
            os.killpg(self.proc.pid, signal.SIGINT)
        except ProcessLookupError:
            pass

    def close(self, timeout: float = 120) -> int:
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        rc = self.proc.wait(timeout)
        for t in self._threads:
            t.join(5)
        return rc

    @property
    def stderr(self) -> str:
        return "".join(self.err)
