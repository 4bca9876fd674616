"""The runner contract every Pacemaker and ipvsadm call goes through.

argv list + stdin bytes + environment + timeout  ->  exit code, stdout, stderr.
Local, SSH and fake runners all implement it, so the rest of clush never knows where a
tool actually runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Result:
    """What one tool call returned."""

    rc: int
    out: str
    err: str

    @property
    def ok(self) -> bool:
        return self.rc == 0

    def first_error_line(self) -> str:
        """The most useful single line of the tool's complaint, for one-line errors."""
        for text in (self.err, self.out):
            for line in text.splitlines():
                if line.strip():
                    return line.strip()
        return f"exit code {self.rc}"


class Runner(Protocol):
    """Runs one program with arguments; never through a shell."""

    #: short description of where commands run, e.g. "local" or "root@node1"
    where: str
    #: the address SSH connects to (after ~/.ssh/config); "" when commands run locally
    hostname: str
    #: the target's environment added to every call; ``CIB_file`` names the CIB file of a file target
    base_env: dict[str, str]

    def run(
        self,
        argv: Sequence[str],
        *,
        stdin: bytes | str | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Result:
        """Run argv; raise TransportError (or ToolMissing) if it could not be run at all."""
        ...

    def write_file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        """Replace ``path`` atomically: temp file in the same directory, fsync, chmod, rename.

        The temp file gets ``mode`` before any data is written and is removed on failure,
        so a secret is never readable by others nor left behind. Raises TransportError.
        """
        ...

    def close(self) -> None:
        """Release connections; the runner may be reused afterwards (it reconnects)."""
        ...
