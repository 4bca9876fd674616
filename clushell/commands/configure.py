"""The configure level: crm configuration language statements, commit, verify.

Statements change the session's pending copy of the CIB (clushell.pacemaker.workspace);
``commit`` (or leaving the level in a script) writes them through cibadmin.
Standard library only at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.cib.statements import STATEMENTS, Statement
from clushell.commands.tree import Arg, Command, Kind, Level, command
from clushell.errors import ClushError
from clushell.session import LeaveReason, StateKey, settle

if TYPE_CHECKING:
    from clushell.context import Context


def _providers(ctx: Context):
    """OCF providers of an agent type, for the short ``primitive d Dummy`` form."""

    def lookup(agent: str) -> list[str]:
        try:
            from clushell.pacemaker import ra

            return ra.providers(ctx.session.runner, agent)
        except (ImportError, ClushError):
            return []

    return lookup


def run_statement(ctx: Context, name: str) -> None:
    """Apply the statement typed on this line to the pending CIB (all or nothing)."""
    from clushell.cib.build import apply_line
    from clushell.cib.lexer import Token
    from clushell.pacemaker.workspace import get_workspace

    ws = get_workspace(ctx)
    first = max(ctx.args_from - 1, 0)
    line = ctx.line
    toks = [Token(t.text, t.column, line[t.start : t.start + 1] in ("'", '"')) for t in ctx.tokens[first:]]
    if toks:
        toks[0] = Token(name, toks[0].col)
    for msg in apply_line(ws.pending, ctx.line, providers=_providers(ctx), tokens=toks):
        level, _, text = msg.partition(": ")
        (ctx.out.warn if level == "WARNING" else ctx.out.info)(text or msg)


def _statement_command(stmt: Statement) -> Command:
    name = stmt.name

    def handler(ctx: Context, args: list[str]) -> None:
        if name == "property" and not args:
            _list_properties(ctx)
            return
        run_statement(ctx, name)

    return Command(
        name=name,
        help=stmt.summary,
        handler=handler,
        args=(Arg("statement", Kind.CONFIG, "the rest of the statement", optional=True, repeat=True),),
        aliases=stmt.aliases,
        long_help=f"{stmt.long_help} The change stays pending until commit.".strip(),
        examples=stmt.examples,
        usage=stmt.usage,
        raw=True,
    )


def _list_properties(ctx: Context) -> None:
    try:
        from clushell.pacemaker import ra

        names = sorted(ra.cluster_options(ctx.session.runner))
    except (ImportError, ClushError) as exc:
        raise ClushError(f"cannot list cluster properties: {exc}") from None
    ctx.out.print("\n".join(names))


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
    from clushell.pacemaker.workspace import get_workspace, report_findings

    ws = get_workspace(ctx)
    if not report_findings(ctx, ws.pending.to_xml(pretty=False)):
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


def _view_commands() -> list[Command]:
    try:
        from clushell.commands.configure_view import COMMANDS
    except ImportError:
        return []
    return list(COMMANDS)


COMMANDS: list[Command] = [_statement_command(s) for s in STATEMENTS] + [do_commit, do_verify]

LEVEL = Level(
    "configure",
    "Edit the cluster configuration (CIB) in the crm language; commit to apply.",
    commands=COMMANDS + _view_commands(),
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
