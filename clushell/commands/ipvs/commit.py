"""ipvs level: the plan and its application (diff, commit, verify, refresh, sync)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.ipvs.common import DIRS, commit_directors, parts, state
from clushell.commands.tree import Arg, Kind, Opt, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context


@command("diff", "Show the pending plan: a unified diff of the table and the exact ipvsadm commands.",
         opts=(DIRS,))
def cmd_diff(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.plan import table_diff

    dirs, _, _ = parts(cmd_diff, args)
    st = state(ctx)
    any_change = False
    for name in st.pick(dirs):
        steps = st.plan(name)
        if not steps:
            continue
        any_change = True
        text = table_diff(st.snapshot(name).table, st.desired[name], from_name=f"{name} (current)",
                          to_name=f"{name} (staged)")
        ctx.out.print(text.rstrip("\n"))
        ctx.out.print(f"# {name}: {len(steps)} step{'s' if len(steps) != 1 else ''}, in this order:")
        for step in steps:
            ctx.out.print(step.command)
    if not any_change:
        ctx.out.info("ipvs: no pending changes")


@command("commit", "Apply the pending changes: one round trip per director, verified, rolled back on failure.",
         opts=(DIRS, Opt("drain-wait", "pause between drains and deletes, 0..3600 seconds", Kind.NUMBER,
                         metavar="SECONDS")),
         examples=("commit", "commit @d1 drain-wait=30"))
def cmd_commit(ctx: Context, args: list[str]) -> None:
    dirs, _, opts = parts(cmd_commit, args)
    st = state(ctx)
    if "drain-wait" in opts:
        value = opts["drain-wait"]
        if not value.isdigit() or int(value) > 3600:
            raise ClushError(f"bad drain-wait={value} (0..3600 seconds)", token=f"drain-wait={value}")
        st.drain_wait = int(value)
    commit_directors(ctx, st.pick(dirs))


@command("verify", "Read the tables again and compare them with a rules FILE, the staged table, or the last read.",
         Arg("file", Kind.FILE, "rules file to compare with (as written by save)", optional=True), opts=(DIRS,))
def cmd_verify(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.ipvsadm import parse_rules
    from clushell.ipvs.plan import table_diff
    from clushell.ipvs.textio import read_text

    dirs, rest, _ = parts(cmd_verify, args)
    st = state(ctx)
    wanted = parse_rules(read_text(rest[0]), source=rest[0]) if rest else None
    drifted = []
    for name in st.pick(dirs):
        expected = wanted
        what = rest[0] if rest else ""
        if expected is None and name in st.desired:
            expected, what = st.desired[name], "the staged table"
        elif expected is None and name in st.snapshots:
            expected, what = st.snapshots[name].table, "the table as clush last read it"
        if expected is None:
            raise UsageError("nothing to compare with yet; give a rules FILE (see save)")
        now = st.backend(name).read().table
        if now == expected:
            ctx.out.print(f"{name}: matches {what}")
            continue
        drifted.append(name)
        ctx.out.print(f"{name}: differs from {what}:")
        ctx.out.print(table_diff(expected, now, from_name=what, to_name=f"{name} now").rstrip("\n"))
    if drifted:
        raise ClushError(f"the table of {', '.join(drifted)} differs")


@command("refresh", "Read the tables again and drop staged changes (asks first; scripts need -y).",
         opts=(DIRS,))
def cmd_refresh(ctx: Context, args: list[str]) -> None:
    from clushell.session import StateKey

    dirs, _, _ = parts(cmd_refresh, args)
    st = state(ctx)
    names = st.pick(dirs)
    if any(st.plan(name) for name in names):
        ctx.session.confirm_discard(ctx, StateKey.IPVS, "refresh")
    for name in names:
        if st.plan(name):
            ctx.out.info(f"ipvs {name}: staged changes dropped")
        st.desired.pop(name, None)
        st.no_drain.pop(name, None)
        st.snapshot(name, refresh=True)


@command("sync", "Make every peer's table equal to the reference's, node by node, stopping at the first failure.",
         Arg("reference", Kind.DIRECTOR, "@REF: the director to copy from"),
         Arg("peers", Kind.DIRECTOR, "@P1,P2 (default: the other current directors)", optional=True),
         opts=(Opt("--dry-run", "only show the plans", Kind.FLAG),),
         examples=("sync @d1 @d2", "sync @d1 @d2,d3 --dry-run", "sync @file @d1,d2", "sync @d1 @file"),
         long_help="@file is the offline table: `sync @file @d1` puts a planned table on a director, "
         "`sync @d1 @file` copies a director's table into the file.")
def cmd_sync(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.directors import expand, parse_director_list
    from clushell.ipvs.plan import diff

    lists, opts = cmd_sync.split_opts(args)
    dry = "--dry-run" in opts
    for word in lists:
        if not word.startswith("@"):
            raise UsageError(f"directors are written @NAME[,NAME...], got '{word}'", token=word)
    st = state(ctx)
    ref_list = expand(ctx.session, parse_director_list(lists[0]))
    if len(ref_list) != 1:
        raise UsageError(f"the reference is one director, got '{lists[0]}'", token=lists[0])
    ref = ref_list[0]
    peers = expand(ctx.session, parse_director_list(lists[1])) if len(lists) > 1 else st.directors
    peers = [p for p in peers if p != ref]
    if not peers:
        raise UsageError("sync needs at least one peer other than the reference")
    if st.plan(ref):
        raise ClushError(f"{ref} has uncommitted changes; commit or refresh them first")
    source = st.snapshot(ref, refresh=True).table
    results: list[str] = []

    def stop(peer: str, why: str) -> None:
        ctx.out.print(f"sync from {ref}:")
        for line in results:
            ctx.out.print(line)
        skipped = peers[len(results):]
        if skipped:
            ctx.out.print(f"  not tried: {', '.join(skipped)}")
        raise ClushError(f"sync stopped at {peer}: {why}")

    for peer in peers:
        try:
            snap = st.snapshot(peer, refresh=True)
            steps = diff(source, snap.table)
            if dry:
                ctx.out.print(f"# {peer}: {len(steps)} steps")
                for step in steps:
                    ctx.out.print(step.command)
                continue
            report = st.commit_one(peer, source)
        except ClushError as exc:
            results.append(f"  {peer}: FAILED ({exc.message})")
            stop(peer, exc.message)
            return
        state_word = "in sync" if report.ok and not steps else ("synced" if report.ok else "FAILED")
        results.append(f"  {peer}: {state_word} ({len(steps)} steps)")
        if not report.ok:
            for line in report.lines():
                ctx.out.print(line)
            stop(peer, report.error)
    if not dry:
        ctx.out.print(f"sync from {ref}:")
        for line in results:
            ctx.out.print(line)


COMMANDS = [cmd_diff, cmd_commit, cmd_verify, cmd_refresh, cmd_sync]
