"""Help text rendered from the command tree (the same words the man page uses)."""

from __future__ import annotations

import shutil
import textwrap
from typing import TYPE_CHECKING

from clushell.commands.tree import Command, Level
from clushell.errors import UsageError

if TYPE_CHECKING:
    from clushell.session import Session


def _columns() -> int:
    """The terminal's width (COLUMNS, else the terminal, else 80); help wraps to it."""
    return max(40, shutil.get_terminal_size((80, 24)).columns)


def _table(rows: list[tuple[str, str]]) -> list[str]:
    width = max((len(n) for n, _ in rows), default=0)
    text_width = _columns() - width - 5
    out = []
    for name, text in rows:
        if text_width < 20 or len(text) <= text_width:
            out.append(f"  {name.ljust(width)}  {text}".rstrip())
            continue
        parts = textwrap.wrap(text, text_width) or [""]
        out.append(f"  {name.ljust(width)}  {parts[0]}")
        out += [" " * (width + 4) + p for p in parts[1:]]
    return out


def _prose(text: str) -> list[str]:
    """Long help lines wrapped to the terminal; indented lines (lists, examples) stay as written."""
    out: list[str] = []
    for line in textwrap.dedent(text).strip().splitlines():
        if line[:1].isspace() or len(line) <= _columns():
            out.append(line)
        else:
            out += textwrap.wrap(line, _columns() - 1)
    return out


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
    usage = f"{path + ' ' if path else ''}{cmd.usage_line()}"
    # a long usage breaks between words, the rest indented under the command
    lines = [*textwrap.wrap(usage, _columns() - 1, subsequent_indent="    ", break_on_hyphens=False), "",
             *textwrap.wrap(cmd.help, _columns() - 1)]
    if cmd.aliases:
        lines.append(f"Aliases: {', '.join(cmd.aliases)}")
    if cmd.long_help and cmd.long_help != cmd.help:
        lines += ["", *_prose(cmd.long_help)]
    if cmd.args:
        lines += ["", "Arguments:"]
        lines += _table([(a.usage(), a.help) for a in cmd.args])
    if cmd.opts:
        lines += ["", "Options:"]
        lines += _table([(o.usage().strip("[]"), o.help) for o in cmd.opts])
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
        if child is None and i == 0:
            # a command of another level (help primitive): point to where it lives
            where = [lv.name for lv in session.root.levels if isinstance(lv.find(word), Command)
                     and lv.find(word).name == word]  # type: ignore[union-attr]
            if where:
                note = f"'{word}' is a command of the {where[0]} level ({where[0]} {word}):\n\n"
                return note + render_help(session, [where[0], *words])
        if child is None:
            hint = node.suggest(word)
            tail = f"; did you mean {hint[0]!r}?" if hint else ""
            raise UsageError(f"no help topic '{word}'{tail}", token=word)
        path.append(child.name)
        node = child
    if isinstance(node, Level):
        return level_overview(node, globals_)
    return command_help(node, " ".join(path[:-1]))
