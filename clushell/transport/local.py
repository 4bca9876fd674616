"""Runner for tools on this machine (subprocess, no shell)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence

from clushell.errors import ToolMissing, TransportError
from clushell.transport.base import Result
from clushell.transport.toolenv import tool_env, which

DEFAULT_TIMEOUT = 120.0


class LocalRunner:
    """Runs argv locally with the given extra environment and LC_ALL=C."""

    where = "local"
    hostname = ""

    def __init__(self, base_env: Mapping[str, str] | None = None):
        # base_env is the target's environment (e.g. CIB_file) added to every call
        self.base_env = dict(base_env or {})

    def run(
        self,
        argv: Sequence[str],
        *,
        stdin: bytes | str | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Result:
        full_env = tool_env({**os.environ, **self.base_env, **(env or {})})
        data = stdin.encode() if isinstance(stdin, str) else stdin
        program = which(argv[0], full_env["PATH"]) or argv[0]
        try:
            proc = subprocess.run(
                [program, *argv[1:]],
                input=data,
                stdin=None if data is not None else subprocess.DEVNULL,
                capture_output=True,
                env=full_env,
                timeout=timeout or DEFAULT_TIMEOUT,
                check=False,
            )
        except FileNotFoundError:
            raise ToolMissing(f"{argv[0]}: command not found on this machine") from None
        except subprocess.TimeoutExpired:
            raise TransportError(f"{argv[0]}: no answer within {timeout or DEFAULT_TIMEOUT:g} s") from None
        return Result(
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )

    def write_file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        """Atomic replace (see Runner.write_file)."""
        import tempfile

        directory = os.path.dirname(os.path.abspath(path))
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.clush-", dir=directory)
        except OSError as exc:
            raise TransportError(f"cannot write {path}: {exc.strerror or exc}") from None
        try:
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
            dfd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError as exc:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise TransportError(f"cannot write {path}: {exc.strerror or exc}") from None

    def close(self) -> None:
        """Nothing to release for local processes."""
