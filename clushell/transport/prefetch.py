"""A tool call started ahead of need, while Python imports, and answered later as the runner
call it stands for would have been.

Spawned with ``os.posix_spawn`` rather than subprocess (whose import alone is a tenth of a
Tab in `clush __complete`). Its stdout and stderr go to anonymous memory files (never a name
on disk), so the tool never blocks on a full pipe while clush starts; the exit is waited for
on a pidfd, woken by the exit itself.
"""

from __future__ import annotations

import os
import select
from collections.abc import Mapping, Sequence

from clushell.transport.toolenv import tool_env, which

TYPE_CHECKING = False  # (not typing's: this module is imported before the read-ahead starts)

if TYPE_CHECKING:
    from clushell.transport.base import Result

# SIGPIPE and SIGXFSZ: Python ignores them, and an ignored signal stays ignored across exec;
# the tool gets the defaults, as subprocess gives them (restore_signals)
_DEFAULT_SIGNALS = (13, 25)


class Prefetch:
    """One tool call started now. ``as_runner``: the environment and program LocalRunner would
    use; else the ones subprocess.run(argv, env=environ) would."""

    def __init__(self, argv: Sequence[str], environ: Mapping[str, str], *, as_runner: bool = True):
        self.argv, self.environ = tuple(argv), dict(environ)
        self.pid: int | None = None
        self._fds: list[int] = []
        try:
            for _ in range(2):
                self._fds.append(os.memfd_create("clush-prefetch", os.MFD_CLOEXEC))
            env = tool_env(environ) if as_runner else dict(environ)
            program = which(self.argv[0], env.get("PATH", os.defpath))
            if program is None:
                raise FileNotFoundError(f"{self.argv[0]}: command not found")
            devnull = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
            try:
                self.pid = os.posix_spawn(program, [program, *self.argv[1:]], env, file_actions=[
                    (os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, self._fds[0], 1),
                    (os.POSIX_SPAWN_DUP2, self._fds[1], 2)], setsigdef=_DEFAULT_SIGNALS)
            finally:
                os.close(devnull)
        except BaseException:
            self.discard()
            raise

    def matches(self, argv: Sequence[str], base_env: Mapping[str, str], stdin: object, env: object) -> bool:
        """Whether a runner call (its argv, target environment, stdin, extra environment) is this one."""
        return (tuple(argv) == self.argv and not base_env and stdin is None and not env
                and dict(os.environ) == self.environ)

    def result(self, timeout: float) -> Result:
        """Wait for the tool (it is always reaped, killed if need be) and return its answer."""
        from clushell.errors import TransportError  # (here: the spawn runs before these imports)
        from clushell.transport.base import Result

        try:
            rc = self._wait(timeout)
            if rc is None:
                raise TransportError(f"{self.argv[0]}: no answer within {timeout:g} s")
            out, err = (os.pread(fd, os.fstat(fd).st_size, 0).decode("utf-8", "replace") for fd in self._fds)
            return Result(rc, out, err)
        finally:
            self.discard()

    def _wait(self, timeout: float) -> int | None:
        """The exit code, None if still running after ``timeout``."""
        assert self.pid is not None
        try:
            fd = os.pidfd_open(self.pid)
        except OSError:  # an old kernel: poll
            return self._poll(timeout)
        try:
            if not select.select([fd], [], [], timeout)[0]:
                return None
        finally:
            os.close(fd)
        pid, self.pid = self.pid, None
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])

    def _poll(self, timeout: float) -> int | None:
        import time

        assert self.pid is not None
        deadline = time.monotonic() + timeout
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.pid = None
                return os.waitstatus_to_exitcode(status)
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.005)

    def discard(self) -> None:
        """Kill the tool if it still runs (it only reads), reap it, free its output."""
        if self.pid is not None:
            pid, self.pid = self.pid, None
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
        for fd in self._fds:
            os.close(fd)
        self._fds = []
