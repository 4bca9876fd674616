"""Reading and writing the CIB with cibadmin (through the session's Runner).

This first version commits like crmsh (a version-less patch computed against the
snapshot the session loaded); the backend work replaces ``commit`` with the
conflict-safe protocol from ../shared/reference/pacemaker-cli.md §2.4.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass

from clushell.errors import ClushError
from clushell.transport.base import Runner

VERSION_ATTRS = ("admin_epoch", "epoch", "num_updates")


def query(runner: Runner) -> bytes:
    """The whole CIB (configuration and status) as XML bytes."""
    res = runner.run(["cibadmin", "--query"], timeout=60)
    if not res.ok:
        raise ClushError(f"cannot read the CIB: {res.first_error_line()}")
    return res.out.encode()


@dataclass(frozen=True)
class CommitOutcome:
    changed: bool
    message: str


def _diff(original: bytes, pending: bytes) -> str:
    """crm_diff between two CIB documents, computed on this machine (pure computation)."""
    with tempfile.TemporaryDirectory(prefix="clush-") as tmp:
        old, new = os.path.join(tmp, "old.xml"), os.path.join(tmp, "new.xml")
        with open(old, "wb") as f:
            f.write(original)
        with open(new, "wb") as f:
            f.write(pending)
        try:
            proc = subprocess.run(
                ["crm_diff", "--no-version", "-o", old, "-n", new],
                capture_output=True,
                check=False,
                env={**os.environ, "LC_ALL": "C"},
            )
        except FileNotFoundError:
            raise ClushError("crm_diff: command not found (install pacemaker-cli-utils)") from None
    if proc.returncode == 0:
        return ""
    if proc.returncode != 1:
        raise ClushError(f"crm_diff failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout.decode()


def commit(runner: Runner, original: bytes, pending: bytes, *, force: bool = False) -> CommitOutcome:
    """Apply the difference between ``original`` and ``pending`` to the target's CIB."""
    patch = _diff(original, pending)
    if not patch.strip():
        return CommitOutcome(False, "nothing to commit")
    argv = ["cibadmin", "--patch", "--xml-pipe"]
    if force:
        argv.append("--force")
    res = runner.run(argv, stdin=patch.encode(), timeout=120)
    if not res.ok:
        raise ClushError(f"commit failed: {res.first_error_line()}")
    return CommitOutcome(True, "committed")
