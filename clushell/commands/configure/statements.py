"""configure: the crm-language statements (primitive, group, location, ...), one command each.

The statements themselves (names, aliases, help, parser) are declared once in
clushell.cib.statements; each becomes a raw command that applies its line to the pending CIB.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from clushell.cib.statements import STATEMENTS, Statement
from clushell.commands.tree import Arg, Command, Kind
from clushell.errors import ClushError

if TYPE_CHECKING:
    from clushell.context import Context


def providers(ctx: Context) -> Callable[[str], list[str]]:
    """OCF providers of an agent type, for the short ``primitive d Dummy`` form."""

    def lookup(agent: str) -> list[str]:
        from clushell.pacemaker import ra

        try:
            return ra.providers(ctx.session.runner, agent)
        except ClushError:
            return []

    return lookup


def run_statement(ctx: Context, name: str) -> None:
    """Apply the statement typed on this line to the pending CIB (all or nothing)."""
    from clushell.cib.build import apply_line
    from clushell.cib.lexer import Token
    from clushell.commands.configure.agents import check_agent
    from clushell.pacemaker.workspace import get_workspace

    ws = get_workspace(ctx)
    first = max(ctx.args_from - 1, 0)
    line = ctx.line
    toks = [Token(t.text, t.column, line[t.start : t.start + 1] in ("'", '"')) for t in ctx.tokens[first:]]
    if toks:
        toks[0] = Token(name, toks[0].col)
    check_agent(ctx.session.runner, name, toks)
    for msg in apply_line(ws.pending, ctx.line, providers=providers(ctx), tokens=toks):
        (ctx.out.warn if msg.is_warning else ctx.out.info)(msg.message)
    if name in ("primitive", "rsc_template") and len(toks) > 1:
        _normalize_params(ctx, ws.pending.by_id(toks[1].text))


def _normalize_params(ctx: Context, el) -> None:
    """crm: a parameter the agent lacks, whose name with - as _ it has, takes that name."""
    from clushell.pacemaker import ra

    if el is None or el.tag not in ("primitive", "template") or el.get("type") is None:
        return  # crm 4.4 leaves a primitive made from a template as typed
    spec = ":".join(x for x in (el.get("class"), el.get("provider"), el.get("type")) if x)
    try:
        info = ra.metadata(ctx.session.runner, spec)
    except ClushError:
        return
    if not info.parameters:
        return
    for nv in el.iterfind("instance_attributes/nvpair"):
        nm = nv.get("name")
        if nm is not None and info.param(nm) is None and info.param(nm.replace("-", "_")) is not None:
            nv.set("name", nm.replace("-", "_"))


def _statement_command(stmt: Statement) -> Command:
    name = stmt.name

    def handler(ctx: Context, args: list[str]) -> None:
        if name == "property" and not args:
            _list_properties(ctx)
            return
        run_statement(ctx, name)
        if name == "property":
            from clushell.commands.configure.maintenance import after_property

            after_property(ctx, args)

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
    from clushell.pacemaker import ra

    try:
        names = sorted(ra.cluster_options(ctx.session.runner))
    except ClushError as exc:
        raise ClushError(f"cannot list cluster properties: {exc}") from None
    ctx.out.print("\n".join(names))


def _legacy_commands(stmt: Statement) -> list[Command]:
    """crm's older names (master for ms): accepted, not offered by help or completion."""
    import dataclasses

    main = _statement_command(stmt)
    return [dataclasses.replace(main, name=word, aliases=(), hidden=True) for word in stmt.legacy]


COMMANDS: list[Command] = [_statement_command(s) for s in STATEMENTS]
COMMANDS += [legacy for s in STATEMENTS for legacy in _legacy_commands(s)]
