"""Read a director's table, apply a plan in one round trip, verify it, roll back on failure.

Everything runs as ONE process per round trip: ``sh -c SCRIPT`` with a fixed script.
The steps arrive on stdin, one ipvsadm argument list per line; the script splits them
with ``set -f`` (no globbing) and runs ``ipvsadm $line``, so nothing is ever evaluated
by a shell. Every token was validated by the model first and is checked again here.
The script prints ``@@step N RC`` after each step, stops at the first failure, and
always ends with the table read back (``-Sn`` and ``-Ln --thresholds``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from clushell.errors import ClushError, ToolMissing, TransportError
from clushell.ipvs.ipvsadm import read_table
from clushell.ipvs.model import Table
from clushell.ipvs.plan import Step, diff

if TYPE_CHECKING:
    from clushell.transport.base import Runner

SCRIPT = r"""set -f
# serialise concurrent clush sessions on this director (check, apply and read back as one)
if [ -w /run ] && command -v flock >/dev/null 2>&1; then exec 9>>/run/clush-ipvs.lock; flock -w 60 9; fi
if [ -n "$1" ]; then
  cur=$(ipvsadm -Sn 2>&1 | cksum)
  if [ "$cur" != "$1" ]; then echo "@@changed"; fi
fi
n=0
if [ -z "$cur" ] || [ "$cur" = "$1" ]; then
  if [ "$2" = restore ]; then
    ipvsadm -R 2>&1
    echo "@@restore $?"
  else
    while IFS= read -r line; do
      n=$((n+1))
      case $line in
        "@@sleep "*) sleep "${line#@@sleep }"; echo "@@step $n 0" ;;
        *) ipvsadm $line </dev/null 2>&1; r=$?; echo "@@step $n $r"; [ $r -eq 0 ] || break ;;
      esac
    done
  fi
fi
echo "@@table"
ipvsadm -Sn 2>&1; echo "@@rc $?"
echo "@@thresholds"
ipvsadm -Ln --thresholds 2>&1; echo "@@rc $?"
for p in keepalived ldirectord; do pidof -x $p >/dev/null 2>&1 && echo "@@owner $p"; done
"""
# plans longer than this go through one `ipvsadm -R` (one process, not one per line)
RESTORE_THRESHOLD = 40
_SAFE = re.compile(r"[A-Za-z0-9_.:,\[\]/@-]+")


class IpvsadmError(ClushError):
    """ipvsadm itself refused something (as opposed to SSH or a missing tool)."""


@dataclass
class Snapshot:
    """A table as read from a director, with the raw -Sn text (its checksum guards commits)."""

    table: Table
    raw: str

    @property
    def checksum(self) -> str:
        return cksum(self.raw.encode())


@dataclass
class RunResult:
    """What one round trip did."""

    statuses: list[tuple[Step, int | None, str]] = field(default_factory=list)  # (step, rc or None=not run, output)
    changed: bool = False
    restore_rc: int | None = None
    snapshot: Snapshot | None = None
    owners: list[str] = field(default_factory=list)  # keepalived / ldirectord running there
    restore_messages: list[str] = field(default_factory=list)  # what ipvsadm -R printed

    @property
    def failed(self) -> tuple[Step, int, str] | None:
        for step, rc, msg in self.statuses:
            if rc not in (None, 0):
                return step, rc, msg
        return None


def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        c = i << 24
        for _ in range(8):
            c = ((c << 1) ^ 0x04C11DB7) if c & 0x80000000 else (c << 1)
        table.append(c & 0xFFFFFFFF)
    return table


_CRC = _crc_table()


def cksum(data: bytes) -> str:
    """POSIX ``cksum`` output for data ("CRC LENGTH"), to compare with the director's."""
    crc = 0
    for b in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC[(crc >> 24) ^ b]
    n = len(data)
    while n:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC[(crc >> 24) ^ (n & 0xFF)]
        n >>= 8
    return f"{(~crc) & 0xFFFFFFFF} {len(data)}"


def run_round_trip(
    runner: Runner, steps: list[Step], *, expect: str = "", restore: bool | None = None, timeout: float = 600
) -> RunResult:
    """Send the steps in one process; return per-step results and the table read back."""
    for step in steps:
        for tok in step.args:
            if not _SAFE.fullmatch(tok):
                raise ClushError(f"refusing to send unsafe ipvsadm argument {tok!r}", token=tok)
    if restore is None:
        restore = len(steps) > RESTORE_THRESHOLD and all(s.phase != "wait" for s in steps)
    stdin = "".join(s.line + "\n" for s in steps)
    argv = ["sh", "-c", SCRIPT, "clush-ipvs", expect, "restore" if restore else "steps"]
    res = runner.run(argv, stdin=stdin, timeout=timeout)
    return parse_output(res.rc, res.out, res.err, steps, restore=restore, where=runner.where)


def parse_output(rc: int, out: str, err: str, steps: list[Step], *, restore: bool, where: str) -> RunResult:
    if "@@table" not in out:
        # the script always reaches @@table; without it the way there failed (ssh, sh)
        detail = (err or out).strip().splitlines()
        last = detail[-1] if detail else "no output"
        raise TransportError(f"{where}: could not run the ipvs script (rc {rc}): {last}")
    result = RunResult()
    body, _, tail = out.partition("@@table\n")
    pending: list[str] = []
    done: dict[int, tuple[int, str]] = {}
    for line in body.splitlines():
        if line == "@@changed":
            result.changed = True
        elif line.startswith("@@step "):
            _, n, code = line.split()
            done[int(n)] = (int(code), "\n".join(pending).strip())
            pending = []
        elif line.startswith("@@restore "):
            result.restore_rc = int(line.split()[1])
            result.statuses = [(s, None, "") for s in steps]
            result.restore_messages = [p.strip() for p in pending if p.strip()]
            pending = []
        else:
            pending.append(line)
    if not restore:
        result.statuses = [(s, *done.get(i, (None, ""))) for i, s in enumerate(steps, 1)]
    save_text, _, rest = tail.partition("@@rc ")
    save_rc, _, rest = rest.partition("\n")
    thr_text, _, owners = rest.partition("@@thresholds\n")[2].partition("@@rc ")
    result.owners = [line.split()[1] for line in owners.splitlines() if line.startswith("@@owner ")]
    if save_rc.strip() != "0":
        msg = save_text.strip().splitlines()
        if save_rc.strip() == "127":
            raise ToolMissing(f"{where}: ipvsadm is not installed there")
        init = [m for m in msg if "Can't initialize ipvs" in m]
        if init:
            raise IpvsadmError(f"{where}: IPVS is not available in this kernel (ipvsadm: {init[0].strip()})")
        raise IpvsadmError(f"{where}: ipvsadm -Sn failed: {msg[-1] if msg else 'rc ' + save_rc.strip()}")
    result.snapshot = Snapshot(read_table(save_text, thr_text), save_text)
    return result


def read_snapshot(runner: Runner) -> Snapshot:
    """Read the director's table (one round trip)."""
    result = run_round_trip(runner, [])
    assert result.snapshot is not None
    return result.snapshot


@dataclass
class CommitReport:
    """Per-step results of a commit and what happened afterwards."""

    where: str
    steps: list[Step]
    result: RunResult | None = None
    ok: bool = False
    verify_diff: str = ""
    rolled_back: bool | None = None
    rollback_steps: list[Step] = field(default_factory=list)
    error: str = ""
    final: Snapshot | None = None
    leftover: str = ""  # diff snapshot -> table after a rollback that did not restore it

    def lines(self) -> list[str]:
        out = []
        if self.result is not None:
            for step, rc, msg in self.result.statuses:
                if rc is None:
                    state = "not run" if self.result.restore_rc is None else "sent (ipvsadm -R)"
                elif rc == 0:
                    state = "ok"
                else:
                    state = f"FAILED (rc {rc}: {msg.splitlines()[-1] if msg else 'no message'})"
                out.append(f"  {step.command}: {state}")
        if self.result is not None and self.result.restore_messages:
            out.append(f"  ipvsadm -R (rc {self.result.restore_rc}) said: " + "; ".join(self.result.restore_messages))
        if self.verify_diff:
            out.append("  verify: the table read back differs from the desired one:")
            out.extend("    " + line for line in self.verify_diff.splitlines())
        if self.rolled_back is not None:
            out.append(
                f"  rollback ({len(self.rollback_steps)} steps): "
                + ("table restored to the snapshot" if self.rolled_back else "FAILED, table differs from the snapshot")
            )
            out.extend("    " + line for line in self.leftover.splitlines())
        return out


def commit(
    runner: Runner,
    desired: Table,
    snapshot: Snapshot,
    *,
    no_drain: frozenset = frozenset(),
    drain_wait: int = 0,
    rollback: bool = True,
) -> CommitReport:
    """Apply desired over snapshot in one round trip, verify, roll back to the snapshot on failure."""
    from clushell.ipvs.plan import table_diff

    steps = diff(desired, snapshot.table, no_drain=no_drain, drain_wait=drain_wait)
    report = CommitReport(runner.where, steps)
    if not steps:
        report.ok, report.final = True, snapshot
        return report
    result = run_round_trip(runner, steps, expect=snapshot.checksum)
    report.result = result
    assert result.snapshot is not None
    report.final = result.snapshot
    if result.changed:
        report.error = ("the table was changed by someone else since clush read it; nothing was applied "
                        "(run 'refresh' to read it again, then redo the changes)")
        return report
    failed = result.failed
    if failed is None and result.snapshot.table == desired:
        report.ok = True
        return report
    if failed is not None:
        step, rc, msg = failed
        report.error = f"'{step.command}' failed (rc {rc}): {msg.splitlines()[-1] if msg else 'no message'}"
    else:
        report.verify_diff = table_diff(desired, result.snapshot.table, from_name="desired", to_name="read back")
        said = f" (ipvsadm -R said: {result.restore_messages[0]})" if result.restore_messages else ""
        report.error = f"the table read back does not match the desired table{said}"
    if rollback:
        back = diff(snapshot.table, result.snapshot.table)
        report.rollback_steps = back
        if not back:  # the failure changed nothing
            report.rolled_back = True
            return report
        rb = run_round_trip(runner, back, expect=result.snapshot.checksum)
        assert rb.snapshot is not None
        report.final = rb.snapshot
        report.rolled_back = rb.snapshot.table == snapshot.table
        if not report.rolled_back:
            report.leftover = table_diff(snapshot.table, rb.snapshot.table, from_name="snapshot", to_name="now")
    return report
