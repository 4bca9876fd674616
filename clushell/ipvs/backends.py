"""Where a director's table lives: a kernel reached through a Runner, or a rules file.

Both kinds read a Snapshot and commit a desired table over it with the same report, so
every staging command, diff, commit, save/load/import/export and sync work the same on
a real director and on an offline table (``ipvsadm -Sn`` format) planned on a laptop.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clushell.ipvs import textio
from clushell.ipvs.apply import CommitReport, Snapshot, commit, read_snapshot
from clushell.ipvs.ipvsadm import parse_rules, save_lines
from clushell.ipvs.model import IpvsError, Table
from clushell.ipvs.plan import diff

if TYPE_CHECKING:
    from clushell.transport.base import Runner

#: the director name of the offline table (--ipvs-file, ipvs.file, the demo or the sandbox table)
FILE = "file"


@dataclass
class KernelBackend:
    """A director with an IPVS kernel, reached through a Runner (local or SSH)."""

    runner: Runner
    live = True

    @property
    def where(self) -> str:
        return self.runner.where

    def read(self) -> Snapshot:
        return read_snapshot(self.runner)

    def commit(self, desired: Table, snapshot: Snapshot, *, no_drain: frozenset, drain_wait: int) -> CommitReport:
        return commit(self.runner, desired, snapshot, no_drain=no_drain, drain_wait=drain_wait)


@dataclass
class FileBackend:
    """An offline table in a rules file; a missing file is an empty table."""

    path: str
    live = False

    @property
    def where(self) -> str:
        return self.path

    def read(self) -> Snapshot:
        if not os.path.exists(self.path):
            return Snapshot(Table(), "")
        raw = textio.read_text(self.path)
        return Snapshot(parse_rules(raw, source=self.path), raw)

    def commit(self, desired: Table, snapshot: Snapshot, *, no_drain: frozenset, drain_wait: int) -> CommitReport:
        """Write the desired table atomically, unless the file changed since it was read."""
        steps = [s for s in diff(desired, snapshot.table, no_drain=no_drain) if s.phase != "wait"]
        report = CommitReport(self.path, steps)
        with textio.locked(self.path):
            now = self.read()
            if now.raw != snapshot.raw:
                report.error = (f"{self.path} was changed by someone else since clush read it; nothing was "
                                "written (run 'refresh' to read it again, then redo the changes)")
                return report
            if not steps:
                report.ok, report.final = True, now
                return report
            text = "".join(line + "\n" for line in save_lines(desired))
            textio.write_atomic(self.path, text)
        report.ok, report.final = True, Snapshot(parse_rules(text, source=self.path), text)
        return report


Backend = KernelBackend | FileBackend


def not_live(name: str, backend: Backend, what: str) -> IpvsError:
    """The error for a kernel-only command (stats, conns, daemon, ...) on an offline table."""
    return IpvsError(f"{what} needs a kernel: {name} is the offline table {backend.where}; "
                     "name a director with @NAME")


@functools.cache  # completion asks again and again; the answer does not change while clush runs
def local_kernel_has_ipvs() -> bool:
    """IPVS is loaded, built in, or available as a module for the running kernel."""
    if os.path.exists("/proc/net/ip_vs") or os.path.isdir("/sys/module/ip_vs"):
        return True
    base = f"/lib/modules/{os.uname().release}"
    for name in ("modules.dep", "modules.builtin"):
        try:
            with open(os.path.join(base, name), encoding="utf-8", errors="replace") as fh:
                if any("/ip_vs.ko" in line for line in fh):
                    return True
        except OSError:
            continue
    return False
