"""The root level, the commands available at every level, and the assembled tree."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from clushell.commands.tree import Arg, Command, Kind, Level, command
from clushell.errors import UsageError

if TYPE_CHECKING:
    from clushell.context import Context

@command(
    "help",
    "Show help for the current level, a command or a level.",
    Arg("topic", Kind.COMMAND, "command or level name (words, like 'configure primitive')", optional=True, repeat=True),
    aliases=("?",),
    examples=("help", "help configure", "help configure primitive"),
)
def do_help(ctx: Context, args: list[str]) -> None:
    """Without a topic, lists the commands of the current level with one line each."""
    from clushell.helptext import render_help

    ctx.out.page(render_help(ctx.session, args))


@command("ls", "List the commands and levels of the current level.")
def do_ls(ctx: Context, args: list[str]) -> None:
    """Prints the names available here, levels marked with a slash."""
    level = ctx.session.level
    names = [c.name + ("/" if isinstance(c, Level) else "") for c in level.children()
             if not (isinstance(c, Command) and c.hidden)]
    ctx.out.print("  ".join(names))


@command(
    "cd",
    "Change level: cd LEVEL, cd .., cd / (root).",
    Arg("level", Kind.LEVEL, "level name, '..' or '/'", optional=True),
    examples=("cd configure", "cd ..", "cd /"),
)
def do_cd(ctx: Context, args: list[str]) -> None:
    """Moves through the level tree; leaving a level with pending changes commits or asks."""
    ctx.session.dispatcher.cd(ctx, args[0] if args else "/")


@command("up", "Go up one level.", aliases=("back", ".."))
def do_up(ctx: Context, args: list[str]) -> None:
    """Leaves the current level (committing or asking about pending changes)."""
    ctx.session.dispatcher.up(ctx)


@command("end", "Go up one level (same as up).")
def do_end(ctx: Context, args: list[str]) -> None:
    """crmsh's name for leaving a level."""
    ctx.session.dispatcher.up(ctx)


@command("top", "Go to the root level.")
def do_top(ctx: Context, args: list[str]) -> None:
    """Leaves every level down to the root."""
    ctx.session.dispatcher.go_to_root()


@command("quit", "Leave the shell (asks about pending changes when interactive).", aliases=("exit", "bye"))
def do_quit(ctx: Context, args: list[str]) -> None:
    """Leaves every level and stops reading commands."""
    from clushell.errors import Cancelled

    if not ctx.session.dispatcher.leave_all("quit"):
        raise Cancelled("quit cancelled; pending changes kept")
    ctx.session.quit_requested = True


GLOBALS: list[Command] = [do_help, do_ls, do_cd, do_up, do_end, do_top, do_quit]


@command("version", "Show the clush version.")
def do_version(ctx: Context, args: list[str]) -> None:
    """Prints clush's version."""
    from clushell import __version__

    ctx.out.print(f"clush {__version__}")


@lru_cache(maxsize=1)
def build_tree() -> Level:
    """The whole command tree, built once per process: the levels in the order `help` lists
    them, and the commands typed at the root (version, status, simulate, completion)."""
    from clushell.commands import (
        cib,
        cluster,
        completion,
        configure,
        corosync,
        ipvs,
        node,
        options,
        ra,
        resource,
        status,
    )

    levels = [configure.LEVEL, resource.LEVEL, node.LEVEL, ra.LEVEL, ipvs.LEVEL, cib.LEVEL, options.LEVEL,
              cluster.LEVEL, corosync.LEVEL]
    commands: list[Command] = [do_version, *status.ROOT_COMMANDS, *completion.ROOT_COMMANDS]
    names = [c.name for c in commands] + [lv.name for lv in levels]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise UsageError(f"declared twice at the root: {', '.join(sorted(dupes))}")
    return Level(
        "root",
        "clush: a shell for Pacemaker clusters and IPVS load balancers.",
        commands=commands,
        levels=levels,
    )
