"""The configure level: crm configuration language statements, commit, verify.

Statements change the session's pending copy of the CIB (clushell.pacemaker.workspace);
``commit`` writes them through cibadmin; leaving the level settles pending changes
(clushell.session.settle). Standard library only at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.configure import edit, filter, objects, show, statements, tools
from clushell.commands.tree import Arg, Command, Kind, Level, command
from clushell.errors import ClushError
from clushell.session import LeaveReason, StateKey, settle

if TYPE_CHECKING:
    from clushell.context import Context


@command(
    "commit",
    "Verify and write the pending changes to the CIB.",
    Arg("option", Kind.KEYWORD, "force: commit despite verify errors; replace: replace the whole configuration",
        optional=True, repeat=True, choices=("force", "replace")),
    examples=("commit", "commit force"),
)
def do_commit(ctx: Context, args: list[str]) -> None:
    """Runs crm_verify on the new configuration (refused on errors unless force), then patches the CIB."""
    from clushell.pacemaker.workspace import get_workspace

    bad = [a for a in args if a not in ("force", "replace")]
    if bad:
        raise ClushError(f"'{bad[0]}' is not one of force, replace", token=bad[0])
    ctx.session.check_may_commit()
    ws = get_workspace(ctx)
    ws.commit(ctx, force="force" in args, replace="replace" in args)


@command("verify", "Check the pending configuration with crm_verify.")
def do_verify(ctx: Context, args: list[str]) -> None:
    """Prints crm_verify's findings for the pending configuration; fails on errors."""
    from clushell.pacemaker.findings import report_findings
    from clushell.pacemaker.workspace import get_workspace

    ws = get_workspace(ctx)
    if not report_findings(ctx, ws.pending.to_xml(pretty=False)):
        if ctx.session.options.force and not ctx.session.options.interactive:
            # crm -F: a failing verify in a script warns and the script goes on (commit still checks)
            ctx.out.warn("verify: the configuration has errors (going on: -F)")
            return
        raise ClushError("the configuration has errors")


def _enter(ctx: Context) -> None:
    from clushell.pacemaker.workspace import get_workspace

    ws = ctx.session.get_state(StateKey.CONFIGURE)
    if ws is not None and not ws.has_pending():
        ws.reload(ctx.session.runner)  # pick up changes made by others since last time
    else:
        get_workspace(ctx)


def _leave(ctx: Context, reason: LeaveReason) -> None:
    settle(ctx, StateKey.CONFIGURE, reason)


COMMANDS: list[Command] = [
    *statements.COMMANDS, do_commit, do_verify, *show.COMMANDS, *edit.COMMANDS, *objects.COMMANDS, *tools.COMMANDS,
    *filter.COMMANDS,
]

LEVEL = Level(
    "configure",
    "Edit the cluster configuration (CIB) in the crm language; commit to apply.",
    commands=COMMANDS,
    aliases=("cfg",),
    long_help=(
        "Loads the CIB when entered. Object statements (primitive, group, location, ...) change a pending "
        "copy; commit verifies it with crm_verify and writes the difference with cibadmin. Leaving the level "
        "in a script commits, unless a command failed; interactively you are asked."
    ),
    enter=_enter,
    leave=_leave,
    stateful=True,
)
