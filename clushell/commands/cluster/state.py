"""cluster status and health: one probe per node, in parallel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clushell.commands.cluster.common import (
    JSON,
    NODES,
    nodeset,
    specs_for,
)
from clushell.commands.tree import command
from clushell.errors import ClushError

if TYPE_CHECKING:
    from clushell.context import Context


# -- status and health --------------------------------------------------------------------------
def _probe(ctx: Context, words: list[str]) -> list[Any]:
    from clushell.cluster.probe import probe

    nodes = nodeset(ctx, specs_for(ctx, words))
    try:
        return [o.value for o in nodes.each(probe)]
    finally:
        nodes.close()


@command("status", "One row per node: reachable, corosync, pacemaker, quorum, DC, config checksums.",
         NODES, opts=(JSON,), examples=("status", "status --json", "status hanode1"))
def do_status(ctx: Context, args: list[str]) -> None:
    """Reads corosync-cfgtool -s, corosync-quorumtool -s, crmadmin -P (what
    pacemakerd says), crmadmin -D (the DC) and the sha256 of corosync.conf and
    authkey on every node, in parallel; --json for scripts.
    """
    import json

    words, opts = do_status.split_opts(args)
    states = _probe(ctx, words)
    if "--json" in opts:
        ctx.out.print(json.dumps([s.as_dict() for s in states], indent=2))
        return
    rows = [("node", "ssh", "corosync", "pacemaker", "quorum", "votes", "DC", "conf", "authkey")]
    for s in states:
        if not s.reachable or s.error:
            rows.append((s.node, "NO", "-", "-", "-", "-", "-", "-", "-"))
            continue
        q = "-" if s.quorate is None else ("yes" if s.quorate else "NO")
        rows.append((s.node, "yes", s.corosync, s.pacemaker, q, s.votes or "-", s.dc or "-",
                     s.conf_sha256[:8] or "-", s.authkey_sha256[:8] or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        ctx.out.print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    down = [s for s in states if not s.reachable or s.error]
    if down:
        raise ClushError("not reachable: " + "; ".join(f"{s.node}: {s.error}" for s in down))


@command("health", "Everything that must be equal or true on every node, one line each.",
         NODES, opts=(JSON,), examples=("health", "health --json"))
def do_health(ctx: Context, args: list[str]) -> None:
    """Same corosync.conf and authkey everywhere, corosync and pacemaker running,
    quorum, one DC seen by all, no faulty link, one membership. Fails when any
    check fails.
    """
    import json

    from clushell.cluster.health import checks

    words, opts = do_health.split_opts(args)
    verdicts = checks(_probe(ctx, words))
    if "--json" in opts:
        ctx.out.print(json.dumps([c.as_dict() for c in verdicts], indent=2))
    else:
        for c in verdicts:
            ctx.out.print(f"{'ok  ' if c.ok else 'FAIL'}  {c.what}: {c.detail}")
    bad = [c.what for c in verdicts if not c.ok]
    if bad:
        raise ClushError(f"{len(bad)} check(s) failed: {', '.join(bad)}")


