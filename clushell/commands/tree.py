"""Declarations of levels, commands and arguments: the one source of truth.

Dispatch, ``help``, ``ls``, completion, the REPL lexer, the man page and the shell
completion scripts are all derived from these objects. This module (and every
``commands/<level>.py`` at import time) uses the standard library only, so that
``clush --version`` and ``clush __complete`` stay fast; handlers import heavy modules
inside their bodies.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from clushell.errors import UsageError

if TYPE_CHECKING:
    from clushell.context import Context


class Kind:
    """What an argument is; completion and checks choose providers by kind."""

    RESOURCE = "resource"  # any resource id (primitive, group, clone, ...)
    PRIMITIVE = "primitive"
    GROUP = "group"
    NODE = "node"
    ID = "id"  # any configuration object id
    NEW_ID = "new-id"  # an id that does not exist yet
    RA = "ra"  # class:provider:type agent spec
    RA_CLASS = "ra-class"
    PROPERTY = "property"
    SCORE = "score"
    KEYWORD = "keyword"  # one of Arg.choices
    FILE = "file"
    TEXT = "text"  # free text
    NUMBER = "number"
    LEVEL = "level"
    COMMAND = "command"  # a command name (help CMD)
    SELECTOR = "selector"  # show/edit selectors: ids, changed, type:T, tag:T, related:ID
    CONFIG = "config"  # the rest of a configure-language statement
    SERVICE = "service"  # ipvs service tcp:VIP:PORT, fwm:MARK, ...
    REAL = "real"  # ipvs real server RIP[:PORT]
    OPTION = "option"  # key=value option
    DIRECTOR = "director"


@dataclass(frozen=True)
class Arg:
    """One positional argument of a command."""

    name: str
    kind: str
    help: str
    optional: bool = False
    repeat: bool = False
    choices: tuple[str, ...] = ()

    def usage(self) -> str:
        text = "|".join(self.choices) if self.kind == Kind.KEYWORD and self.choices else self.name.upper()
        if self.repeat:
            text += "..."
        return f"[{text}]" if self.optional else text


Handler = Callable[["Context", list[str]], Any]


@dataclass(frozen=True)
class Command:
    """A command: its words, its arguments, its help, and the function that runs it.

    ``raw`` commands (the configure language) check their own arguments: the handler
    gets every token after the command name and the line's token spans via the context.
    """

    name: str
    help: str
    handler: Handler
    args: tuple[Arg, ...] = ()
    aliases: tuple[str, ...] = ()
    long_help: str = ""
    examples: tuple[str, ...] = ()
    usage: str = ""
    raw: bool = False
    hidden: bool = False

    def usage_line(self) -> str:
        if self.usage:
            return f"{self.name} {self.usage}".rstrip()
        return " ".join([self.name, *(a.usage() for a in self.args)]).rstrip()

    def check_arity(self, args: list[str]) -> None:
        """Reject too few or too many arguments before the handler runs."""
        if self.raw:
            return
        required = sum(1 for a in self.args if not a.optional and not a.repeat)
        required += sum(1 for a in self.args if a.repeat and not a.optional)
        unlimited = any(a.repeat for a in self.args)
        if len(args) < required:
            missing = [a.name for a in self.args if not a.optional][len(args) :]
            raise UsageError(f"missing {missing[0] if missing else 'argument'}; usage: {self.usage_line()}")
        if not unlimited and len(args) > len(self.args):
            extra = args[len(self.args)]
            raise UsageError(f"unexpected argument '{extra}'; usage: {self.usage_line()}", token=extra)
        for value, arg in zip(args, self.args, strict=False):
            if arg.kind == Kind.KEYWORD and arg.choices and not arg.repeat:
                if value not in arg.choices:
                    raise UsageError(f"'{value}' is not one of {', '.join(arg.choices)}", token=value)


@dataclass
class Level:
    """A level of the shell (root, configure, resource, ...).

    ``enter`` runs when the level is entered (configure loads the CIB); ``leave`` runs
    when it is left and decides what happens to pending changes. Both get the context
    and, for ``leave``, the reason: "up", "quit", "eof" or "oneshot".
    """

    name: str
    help: str
    commands: list[Command] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)
    aliases: tuple[str, ...] = ()
    long_help: str = ""
    enter: Callable[[Context], None] | None = None
    leave: Callable[[Context, str], None] | None = None
    #: True when the level edits state that must be committed (prompt shows pending marks)
    stateful: bool = False

    def children(self) -> Iterator[Command | Level]:
        yield from self.commands
        yield from self.levels

    def names(self, with_aliases: bool = False, with_hidden: bool = False) -> list[str]:
        out = []
        for child in self.children():
            if isinstance(child, Command) and child.hidden and not with_hidden:
                continue
            out.append(child.name)
            if with_aliases:
                out.extend(child.aliases)
        return out

    def find(self, word: str) -> Command | Level | None:
        """Exact name or alias, then a unique prefix; None when nothing matches."""
        for child in self.children():
            if word == child.name or word in child.aliases:
                return child
        matches = [c for c in self.children() if c.name.startswith(word) and not _is_hidden(c)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            alias_matches = [c for c in self.children() if any(a.startswith(word) for a in c.aliases)]
            if len(alias_matches) == 1:
                return alias_matches[0]
        return None

    def ambiguous(self, word: str) -> list[str]:
        return sorted(c.name for c in self.children() if c.name.startswith(word) and not _is_hidden(c))

    def suggest(self, word: str) -> list[str]:
        """Closest names for "did you mean" hints."""
        return difflib.get_close_matches(word, self.names(with_aliases=True), n=3, cutoff=0.6)

    def level(self, name: str) -> Level:
        for lvl in self.levels:
            if lvl.name == name:
                return lvl
        raise KeyError(name)

    def command(self, name: str) -> Command:
        for cmd in self.commands:
            if cmd.name == name:
                return cmd
        raise KeyError(name)


def _is_hidden(child: Command | Level) -> bool:
    return isinstance(child, Command) and child.hidden


def command(
    name: str,
    help: str,
    *args: Arg,
    aliases: tuple[str, ...] = (),
    long_help: str = "",
    examples: tuple[str, ...] = (),
    usage: str = "",
    raw: bool = False,
    hidden: bool = False,
) -> Callable[[Handler], Command]:
    """Decorator that turns a handler function into a Command declaration."""

    def wrap(fn: Handler) -> Command:
        return Command(
            name=name,
            help=help,
            handler=fn,
            args=tuple(args),
            aliases=aliases,
            long_help=inspect.cleandoc(long_help or fn.__doc__ or ""),
            examples=examples,
            usage=usage,
            raw=raw,
            hidden=hidden,
        )

    return wrap


def walk(level: Level, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Command | Level]]:
    """Every level and command below ``level`` with its path of names (root excluded)."""
    for child in level.children():
        child_path = (*path, child.name)
        yield child_path, child
        if isinstance(child, Level):
            yield from walk(child, child_path)
