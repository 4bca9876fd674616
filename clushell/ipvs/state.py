"""The ipvs level's state: per-director snapshots, staged desired tables, commit.

Edits are validated on copies of every selected director's desired table and only
swapped in when all succeeded, so a bad line never leaves a half-applied change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from clushell.errors import ClushError
from clushell.ipvs.apply import CommitReport, Snapshot
from clushell.ipvs.backends import Backend, KernelBackend, not_live
from clushell.ipvs.directors import LOCAL, expand
from clushell.ipvs.model import Table
from clushell.ipvs.plan import Step, diff

if TYPE_CHECKING:
    from clushell.transport.base import Runner


@dataclass
class IpvsState:
    """What the ipvs level remembers between commands."""

    session: Any
    #: director name -> where its table lives (a kernel through a Runner, or a rules file)
    connect: Callable[[str], Backend]
    directors: list[str] = field(default_factory=lambda: [LOCAL])
    snapshots: dict[str, Snapshot] = field(default_factory=dict)
    desired: dict[str, Table] = field(default_factory=dict)
    no_drain: dict[str, set] = field(default_factory=dict)
    drain_wait: int = 0
    backends: dict[str, Backend] = field(default_factory=dict)
    #: the last commit failed (and was rolled back): leaving must not silently retry it
    last_failed: bool = False

    # -- directors and snapshots -----------------------------------------------------------
    def backend(self, name: str) -> Backend:
        if name not in self.backends:
            self.backends[name] = self.connect(name)
        return self.backends[name]

    def is_live(self, name: str) -> bool:
        return self.backend(name).live

    def runner(self, name: str, what: str = "this command") -> Runner:
        """The Runner of a director with a kernel; an offline table has none."""
        backend = self.backend(name)
        if not isinstance(backend, KernelBackend):
            raise not_live(name, backend, what)
        return backend.runner

    def pick(self, dirs: list[str] | None) -> list[str]:
        return expand(self.session, dirs) if dirs else self.directors

    def snapshot(self, name: str, *, refresh: bool = False) -> Snapshot:
        if refresh or name not in self.snapshots:
            self.snapshots[name] = self.backend(name).read()
        return self.snapshots[name]

    def view(self, name: str) -> Table:
        """The staged table when there is one, else the director's table."""
        if name in self.desired:
            return self.desired[name]
        return self.snapshot(name).table

    # -- staged edits ---------------------------------------------------------------------------
    def edit(self, dirs: list[str] | None, change: Callable[[str, Table], None]) -> None:
        """Run ``change`` on a copy of each director's desired table; keep all or none."""
        staged = {}
        self.last_failed = False
        for name in self.pick(dirs):
            table = self.view(name).copy()
            change(name, table)
            staged[name] = table
        self.desired.update(staged)

    def mark_now(self, name: str, key: tuple) -> None:
        self.no_drain.setdefault(name, set()).add(key)

    def plan(self, name: str) -> list[Step]:
        if name not in self.desired:
            return []
        return diff(self.desired[name], self.snapshot(name).table, no_drain=self.no_drain.get(name, set()),
                    drain_wait=self.drain_wait)

    # -- PendingState contract -----------------------------------------------------------------
    def has_pending(self) -> bool:
        return any(self.plan(name) for name in list(self.desired))

    def pending_summary(self) -> str:
        parts = []
        for name in list(self.desired):
            n = len(self.plan(name))
            if n:
                parts.append(f"{name}: {n} ipvsadm step{'s' if n != 1 else ''}")
        return "ipvs " + ", ".join(parts) if parts else "no ipvs changes"

    def discard(self) -> None:
        self.desired.clear()
        self.no_drain.clear()

    def commit(self, ctx: Any) -> None:
        """Commit every director with pending changes, in order; stop at the first failure."""
        out = ctx.out
        names = self.to_commit(list(self.desired))
        if not names:
            self.discard()
            out.info("ipvs: no changes to commit")
            return
        for name in names:
            report = self.commit_one(name)
            show_report(out, report, name, offline=not self.is_live(name))
            if not report.ok:
                raise ClushError(f"ipvs commit on {name} failed: {report.error}")

    def to_commit(self, names: list[str]) -> list[str]:
        """Those of ``names`` with staged changes (planning a big table takes a while: Ctrl-C
        meanwhile says that no director was touched)."""
        try:
            return [n for n in names if self.plan(n)]
        except KeyboardInterrupt:
            self.session.out.error("ipvs: interrupted before the commit began: nothing was changed "
                                   "(the staged changes are kept)")
            raise

    def commit_one(self, name: str, desired: Table | None = None) -> CommitReport:
        try:
            snap = self.snapshot(name)
        except KeyboardInterrupt:  # reading the table before the commit: nothing written to it
            self.session.out.error(f"ipvs {name}: interrupted before its commit began: nothing was changed "
                                   "(the staged changes are kept)")
            raise
        target = desired if desired is not None else self.desired.get(name, snap.table)
        try:
            report = self.backend(name).commit(target, snap, no_drain=frozenset(self.no_drain.get(name, set())),
                                               drain_wait=self.drain_wait)
        except ClushError:
            self.last_failed = True  # e.g. SSH dropped mid-commit: never retried behind the user's back
            raise
        except KeyboardInterrupt:
            self.session.out.error(self._interrupted(name, snap, target))
            raise
        changed = report.result is not None and report.result.changed
        if report.final is not None and not changed:
            # after a refused commit the old snapshot stays: committing again is refused
            # again instead of silently undoing what the other writer did
            self.snapshots[name] = report.final
        self.last_failed = not report.ok
        if report.ok:
            self.desired.pop(name, None)
            self.no_drain.pop(name, None)
        # on failure the staged table stays, so the user can fix it and commit again
        return report

    def _interrupted(self, name: str, before: Snapshot, target: Table) -> str:
        """Ctrl-C during a commit: read the table again and say what it holds now. Steps made
        before the interrupt are undone (as a failed commit's are): Ctrl-C cancels the commit.
        The staged changes stay unless they are all in (then they are done): nothing typed is lost."""
        try:
            now = self.backend(name).read()
        except (ClushError, KeyboardInterrupt):
            self.last_failed = True
            return (f"ipvs {name}: interrupted during the commit; whether it was applied is unknown "
                    "(the staged changes are kept): 'refresh' and 'show' to look")
        self.snapshots[name] = now
        if not diff(target, now.table):
            self.desired.pop(name, None)
            self.no_drain.pop(name, None)
            return f"ipvs {name}: interrupted, but the change was applied"
        if not diff(before.table, now.table):
            return f"ipvs {name}: interrupted: nothing was changed (the staged changes are kept)"
        try:  # back to the table as it was (compare-and-swap on what was just read)
            undo = self.backend(name).commit(before.table, now, no_drain=frozenset(), drain_wait=0)
        except (ClushError, KeyboardInterrupt):
            undo = None
        if undo is not None and undo.ok and undo.final is not None and not diff(before.table, undo.final.table):
            self.snapshots[name] = undo.final
            return (f"ipvs {name}: interrupted midway; the steps made were undone: nothing was changed "
                    "(the staged changes are kept)")
        try:
            now = self.backend(name).read()
        except (ClushError, KeyboardInterrupt):
            pass
        self.snapshots[name] = now
        self.last_failed = True
        n = len([s for s in diff(target, now.table) if s.phase != "wait"])
        return (f"ipvs {name}: interrupted midway: {n} ipvsadm step{'s' if n != 1 else ''} of the staged "
                "changes not applied, and undoing the others failed (the staged changes are kept: "
                "'commit' finishes them, 'show' to look)")


def show_report(out: Any, report: CommitReport, name: str, *, offline: bool = False) -> None:
    if offline:
        if report.ok and report.steps:
            n = len(report.steps)
            out.info(f"ipvs {name}: wrote {report.where} ({n} change{'s' if n != 1 else ''})")
        elif report.ok:
            out.info(f"ipvs {name}: no changes")
        return
    if name == LOCAL and report.where != LOCAL:
        name = f"{name} ({report.where})"  # --host: "local" is the remote target
    for owner in report.result.owners if report.result else []:
        out.warn(f"ipvs {name}: {owner} is running there and manages this table; it may undo these changes")
    if report.ok and not report.steps:
        out.info(f"ipvs {name}: no changes")
        return
    if report.ok:
        n = sum(1 for s in report.steps if s.phase != "wait")
        out.info(f"ipvs {name}: committed {n} ipvsadm step{'s' if n != 1 else ''} in one round trip; verified")
        return
    for line in report.lines():
        out.print(line)
