"""Help text rendered from the command tree (the same words the man page uses)."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from clushell.commands.tree import Command, Level
from clushell.errors import UsageError

if TYPE_CHECKING:
    from clushell.session import Session


def _table(rows: list[tuple[str, str]]) -> list[str]:
    width = max((len(n) for n, _ in rows), default=0)
    return [f"  {name.ljust(width)}  {text}" for name, text in rows]


def level_overview(level: Level, globals_: list[Command]) -> str:
    lines = [level.help, ""]
    if level.levels:
        lines.append("Levels:")
        lines += _table([(lv.name, lv.help) for lv in level.levels])
        lines.append("")
    cmds = [c for c in level.commands if not c.hidden]
    if cmds:
        lines.append("Commands:")
        lines += _table([(c.name, c.help) for c in cmds])
        lines.append("")
    lines.append("Everywhere:")
    lines += _table([(c.name, c.help) for c in globals_])
    lines.append("")
    lines.append("Type 'help COMMAND' for details.")
    return "\n".join(lines)


def command_help(cmd: Command, path: str = "") -> str:
    lines = [f"{path + ' ' if path else ''}{cmd.usage_line()}", "", cmd.help]
    if cmd.aliases:
        lines.append(f"Aliases: {', '.join(cmd.aliases)}")
    if cmd.long_help and cmd.long_help != cmd.help:
        lines += ["", *textwrap.dedent(cmd.long_help).strip().splitlines()]
    if cmd.args:
        lines += ["", "Arguments:"]
        lines += _table([(a.usage(), a.help) for a in cmd.args])
    if cmd.examples:
        lines += ["", "Examples:"]
        lines += [f"  {ex}" for ex in cmd.examples]
    return "\n".join(lines)


def render_help(session: Session, words: list[str]) -> str:
    globals_ = session.dispatcher.globals if session.dispatcher else []
    level = session.level
    if not words:
        return level_overview(level, globals_)
    path: list[str] = []
    node: Command | Level = level
    for i, word in enumerate(words):
        if isinstance(node, Command):
            raise UsageError(f"'{node.name}' has no sub-topic '{word}'", token=word)
        child = node.find(word)
        if child is None and i == 0:
            child = next((g for g in globals_ if word == g.name or word in g.aliases), None)
            child = child or session.root.find(word)
        if child is None:
            hint = node.suggest(word)
            tail = f"; did you mean {hint[0]!r}?" if hint else ""
            raise UsageError(f"no help topic '{word}'{tail}", token=word)
        path.append(child.name)
        node = child
    if isinstance(node, Level):
        return level_overview(node, globals_)
    return command_help(node, " ".join(path[:-1]))
