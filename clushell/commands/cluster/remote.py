"""cluster run (an argv on many nodes, in parallel) and the log tails of the corosync level."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

from clushell.commands.cluster.common import cluster_specs, nodeset, specs_for
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context

# Runs the user's argv ("$@", never re-parsed) and ends it when the SSH session that started it
# is gone (Ctrl-C drops the connections; sshd does not signal a session without a terminal).
CANCELLABLE = r"""
"$@" &
c=$!
p=$PPID
( while kill -0 "$p" 2>/dev/null; do sleep 0.5; done; kill -TERM "$c" 2>/dev/null ) >/dev/null 2>&1 </dev/null &
w=$!
wait "$c"
rc=$?
kill "$w" 2>/dev/null
exit "$rc"
"""

LOGS = r"""
n=$1; shift
pf=$(sed -n 's/^PCMK_logfile=//p' /etc/default/pacemaker /etc/sysconfig/pacemaker 2>/dev/null | tail -n 1)
found=0
for f in "$@" "${pf:-/var/log/pacemaker/pacemaker.log}"; do
  if [ -r "$f" ]; then echo "==> $f <=="; tail -n "$n" -- "$f"; found=1; fi
done
if [ $found = 0 ]; then
  echo "==> journal (corosync, pacemaker) <=="; journalctl -u corosync -u pacemaker -n "$n" --no-pager
fi
"""


def print_outputs(ctx: Context, outcomes: list[Any]) -> list[str]:
    """Each node's output under its name, in node order; returns the nodes that failed."""
    failed = []
    for o in outcomes:
        if not o.ok:
            ctx.out.print(f"[{o.node}] FAILED: {o.error}")
            failed.append(o.node)
            continue
        res = o.value
        ctx.out.print(f"[{o.node}] {'ok' if res.ok else f'FAILED (exit {res.rc})'}")
        for text in (res.out, res.err):
            if text:
                ctx.out.print(text.rstrip("\n"))
        if not res.ok:
            failed.append(o.node)
    return failed


@command("run", "Run a command on nodes in parallel (an argv: no remote shell unless you write sh -c).",
         Arg("command", Kind.TEXT, "[@NODE,NODE] [--] PROGRAM ARG...; one quoted word is split like a shell "
             "would, without running one", repeat=True),
         usage="[@NODE,NODE...] [--] PROGRAM [ARG...]",
         examples=("run 'uname -r'", "run @hanode1,hanode2 -- df -h /var", "run sh -c 'ls /etc/corosync | wc -l'"))
def do_run(ctx: Context, args: list[str]) -> None:
    """Output of each node under its name, in node order. Exit status 0 only when
    every node succeeded. Ctrl-C drops the connections, which ends the remote
    commands.
    """
    words = list(args)
    names: list[str] = []
    if words and words[0].startswith("@"):
        names = [n for n in words.pop(0)[1:].split(",") if n]
        if not names:
            raise UsageError("@ needs node names: @node1,node2", token=args[0])
    if words and words[0] == "--":
        words.pop(0)
    if len(words) == 1 and any(c.isspace() for c in words[0]):
        words = shlex.split(words[0])  # 'uname -r' typed as one word: split, still no shell
    if not words:
        raise UsageError("run what? cluster run [@NODES] [--] PROGRAM [ARG...]")
    specs = specs_for(ctx, names) if names else cluster_specs(ctx)
    nodes = nodeset(ctx, specs)
    try:
        outcomes = nodes.each(lambda node, runner: runner.run(["sh", "-c", CANCELLABLE, "sh", *words],
                                                              timeout=3600))
    finally:
        nodes.close()
    failed = print_outputs(ctx, outcomes)
    if failed:
        raise ClushError(f"failed on {len(failed)} of {len(outcomes)} nodes: {', '.join(failed)}")


def show_log(ctx: Context, node: str | None, lines: int) -> None:
    """Tail of the node's corosync log (from its corosync.conf) and pacemaker log, else the journal."""
    from clushell.cluster.nodes import read_conf

    specs = specs_for(ctx, [node]) if node else cluster_specs(ctx)
    nodes = nodeset(ctx, specs)
    try:
        name = nodes.names[0]
        runner = nodes.runner(name)
        conf = read_conf(runner, name)
        files = conf.logfiles() if conf is not None else []
        res = runner.run(["sh", "-c", LOGS, "sh", str(lines), *files], timeout=60)
    finally:
        nodes.close()
    ctx.out.print(f"[{name}]")
    ctx.out.page(res.out.rstrip("\n"))
    if not res.ok:
        raise ClushError(f"{name}: {res.first_error_line()}")
