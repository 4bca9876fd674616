"""Styled text lines for the status views, and its detail sections (failures, fail counts,
operations, bans, tickets, fencing); the main layout is clushell.pacemaker.status_text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.pacemaker.cluster_status import ClusterStatus

if TYPE_CHECKING:
    from rich.text import Text


class Lines:
    """Collects styled lines; each line is a list of (text, style) segments."""

    def __init__(self) -> None:
        self.lines: list[list[tuple[str, str]]] = []

    def add(self, *segments: tuple[str, str] | str) -> None:
        self.lines.append([s if isinstance(s, tuple) else (s, "") for s in segments])

    def blank(self) -> None:
        if self.lines and self.lines[-1]:
            self.lines.append([])

    def heading(self, text: str) -> None:
        self.blank()
        self.add((text, "bold"))

    def plain(self) -> str:
        return "\n".join("".join(t for t, _ in line).rstrip() for line in self.lines) + "\n"

    def rich(self) -> Text:
        from rich.text import Text

        out = Text()
        for i, line in enumerate(self.lines):
            if i:
                out.append("\n")
            for text, style in line:
                out.append(text, style=style or None)
        return out


def ms_text(text: str) -> str:
    """'10000ms' or '10000' -> '10s'; keeps other forms."""
    digits = text[:-2] if text.endswith("ms") else text
    if digits.isdigit():
        value = int(digits)
        return f"{value // 1000}s" if value % 1000 == 0 else f"{value}ms"
    return text


def failures(st: ClusterStatus, out: Lines) -> None:
    if not st.failures:
        return
    out.heading("Failed Resource Actions:")
    for f in st.failures:
        interval = f" (interval {ms_text(str(f.interval_ms))})" if f.interval_ms else ""
        reason = f" '{f.exitreason}'" if f.exitreason else ""
        when = f" at {f.last_rc_change}" if f.last_rc_change else ""
        out.add(f"  {f.resource} {f.task}{interval} on {f.node}: ",
                (f"{f.exitstatus} ({f.exitcode})", "red"), f" {f.status}{reason}{when}")


def failcounts(st: ClusterStatus, out: Lines) -> None:
    out.heading("Fail counts:")
    if not st.failcounts:
        out.add("  (none)")
    for c in st.failcounts:
        last = f", last failure {c.last_failure}" if c.last_failure else ""
        out.add(f"  {c.resource} on {c.node}: ", (f"fail-count={c.fail_count}", "red"),
                f" migration-threshold={c.migration_threshold}{last}")


def ops(st: ClusterStatus, out: Lines) -> None:
    out.heading("Operations:")
    if not st.operations:
        out.add("  (none recorded)")
    node = None
    for op in st.operations:
        if op.node != node:
            node = op.node
            out.add(f"  Node {node}:")
        interval = f" interval={ms_text(op.interval)}" if op.interval else ""
        out.add(f"    {op.resource}: call={op.call} {op.task}{interval} ",
                (f"rc={op.rc} ({op.rc_text})", "green" if op.rc in (0, 7, 8) else "red"))


def bans(st: ClusterStatus, out: Lines) -> None:
    if not st.bans:
        return
    out.heading("Location constraints from move/ban:")
    for b in st.bans:
        what = "prefers" if b.weight > 0 else "avoids"
        out.add(f"  {b.id}: {b.resource} {what} {b.node} (score {b.weight})"
                + (" promoted role only" if b.promoted_only else ""))


def tickets(st: ClusterStatus, out: Lines) -> None:
    out.heading("Tickets:")
    if not st.tickets:
        out.add("  (none)")
    for t in st.tickets:
        style = "green" if t.status == "granted" else "yellow"
        extra = " standby" if t.standby else ""
        when = f" last-granted={t.last_granted}" if t.last_granted else ""
        out.add(f"  {t.id}: ", (t.status, style), f"{extra}{when}")


def fencing(st: ClusterStatus, out: Lines) -> None:
    failed = [f for f in st.fencing if f.status != "success"]
    if not failed:
        return
    out.heading("Failed Fencing Actions:")
    for f in failed:
        reason = f" '{f.exit_reason}'" if f.exit_reason else ""
        out.add(f"  {f.action} of {f.target}: ", (f.status, "red"), f" (delegate {f.delegate or '-'}, "
                f"client origin {f.origin or '-'}){reason}")
