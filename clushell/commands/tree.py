"""Declarations of levels, commands and arguments: the one source of truth.

Dispatch, ``help``, ``ls``, completion, the REPL lexer, the man page and the shell
completion scripts are all derived from these objects. This module (and every
``commands/<level>.py`` at import time) uses the standard library only, so that
``clush --version`` and ``clush __complete`` stay fast; handlers import heavy modules
inside their bodies.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from clushell import values
from clushell.commands.kinds import Kind, check_value
from clushell.errors import UsageError

if TYPE_CHECKING:
    from clushell.context import Context


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


#: placeholders for an option's value in usage lines, by kind
_METAVARS = {Kind.NUMBER: "N", Kind.DURATION: "TIME", Kind.SCORE: "SCORE", Kind.NODE: "NODE", Kind.FILE: "FILE",
             Kind.HOST: "HOST"}


@dataclass(frozen=True)
class Opt:
    """A declared ``key=value`` option of a command (or, with ``Kind.FLAG``, a switch word).

    The value is completed and checked by ``kind`` (``choices`` when given); the handler gets
    it from ``Command.split_opts``. A flag's key is the word itself (``--now``, ``-w``).
    """

    key: str
    help: str
    kind: str = Kind.TEXT
    choices: tuple[str, ...] = ()
    metavar: str = ""

    @property
    def flag(self) -> bool:
        return self.kind == Kind.FLAG

    def value_name(self) -> str:
        if self.choices:
            return "|".join(self.choices)
        return self.metavar or _METAVARS.get(self.kind) or self.key.upper().replace("-", "_")

    def usage(self) -> str:
        if self.key == DIRECTORS:
            return f"[@{self.value_name()}]"
        return f"[{self.key}]" if self.flag else f"[{self.key}={self.value_name()}]"

    def check(self, value: str) -> str | None:
        """Why ``value`` is not acceptable for this option, or None."""
        if self.choices and value not in self.choices:
            return f"'{value}' is not one of {', '.join(self.choices)}" if value.isprintable() and len(value) < 40 \
                else f"expected one of {', '.join(self.choices)}"
        return check_value(self.kind, value)


#: the key of an option that takes ``@NAME[,NAME...]`` words (ipvs directors) anywhere on the line
DIRECTORS = "@"

#: what an option key looks like on a line (``key=value``)
_OPT_KEY = re.compile(r"[A-Za-z][\w-]*")


def arg_at(args: tuple[Arg, ...], index: int) -> list[Arg]:
    """The declared arguments that may stand at position ``index``.

    Optional and repeating arguments before an argument let it move: ``save [SEL...] FILE``
    offers selectors and files at every position.
    """
    out: list[Arg] = []
    min_before, max_before = 0, 0
    for arg in args:
        if min_before <= index and (index <= max_before or arg.repeat):
            out.append(arg)
        min_before += 0 if arg.optional else 1
        max_before = 10**9 if arg.repeat else max_before + 1
    return out


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
    opts: tuple[Opt, ...] = ()

    def usage_line(self) -> str:
        if self.usage:
            return f"{self.name} {self.usage}".rstrip()
        return " ".join([self.name, *(a.usage() for a in self.args), *(o.usage() for o in self.opts)]).rstrip()

    def opt(self, key: str) -> Opt | None:
        return next((o for o in self.opts if o.key == key), None)

    def split_opts(self, args: list[str]) -> tuple[list[str], dict[str, str]]:
        """Positional arguments and declared options (key -> value; a flag maps to "true").

        A ``key=value`` word whose key is not declared, a ``--word`` that is not a declared
        flag (when the command declares options), a repeated option and a value its kind
        refuses are usage errors naming the token.
        """
        positionals: list[str] = []
        opts: dict[str, str] = {}
        if not self.opts:
            return list(args), opts
        for word in args:
            if word.startswith("@") and self.opt(DIRECTORS) is not None:
                # a director list (@d1,d2) stands anywhere, and several lists add up
                opts[DIRECTORS] = f"{opts[DIRECTORS]},{word[1:]}" if DIRECTORS in opts else word
                continue
            opt = self.opt(word)
            if opt is not None and opt.flag:
                key, value = word, "true"
            elif "=" in word and _OPT_KEY.fullmatch(word.split("=", 1)[0]):
                key, value = word.split("=", 1)
                opt = self.opt(key)
                if opt is None or opt.flag:
                    raise UsageError(f"unknown option '{key}' (known: {self._known_opts()})", token=word)
                problem = opt.check(value)
                if problem:
                    raise UsageError(f"{key}: {problem}", token=word)
            elif word.startswith("--") and len(word) > 2:
                raise UsageError(f"unknown option {_shown(word)} (known: {self._known_opts()})", token=word)
            else:
                positionals.append(word)
                continue
            if key in opts:
                raise UsageError(f"option '{key}' given twice", token=word)
            opts[key] = value
        return positionals, opts

    def _known_opts(self) -> str:
        return ", ".join(o.key if o.flag or o.key == DIRECTORS else f"{o.key}=" for o in self.opts)

    def check_arity(self, args: list[str]) -> None:
        """Reject unknown options, too few or too many arguments and bad values before the handler runs."""
        if self.raw:
            # raw statements go into the CIB word for word: what XML cannot carry is refused here
            for word in args:
                problem = values.xml_text(word)
                if problem:
                    raise UsageError(problem, token=word)
            return
        args, _ = self.split_opts(args)
        required = sum(1 for a in self.args if not a.optional and not a.repeat)
        required += sum(1 for a in self.args if a.repeat and not a.optional)
        unlimited = any(a.repeat for a in self.args)
        if len(args) < required:
            missing = [a.name for a in self.args if not a.optional][len(args) :]
            raise UsageError(f"missing {missing[0] if missing else 'argument'}; usage: {self.usage_line()}")
        if not unlimited and len(args) > len(self.args):
            extra = args[len(self.args)]
            raise UsageError(f"unexpected argument {_shown(extra)}; usage: {self.usage_line()}", token=extra)
        for value, arg in zip(args, self.args, strict=False):
            if arg.kind == Kind.KEYWORD and arg.choices and not arg.repeat:
                if value not in arg.choices:
                    raise UsageError(f"{_shown(value)} is not one of {', '.join(arg.choices)}", token=value)
        for index, value in enumerate(args):
            self._check_position(index, value)

    def _check_position(self, index: int, value: str) -> None:
        """A value is fine when one of the arguments that may stand at ``index`` accepts it."""
        problems = []
        for arg in arg_at(self.args, index):
            if arg.kind == Kind.KEYWORD and arg.choices:
                if value in arg.choices:
                    return
                continue  # the keyword itself was checked above where its position is certain
            problem = check_value(arg.kind, value)
            if problem is None:
                return
            problems.append((arg, problem))
        if problems:
            arg, problem = problems[0]
            raise UsageError(f"{arg.name}: {problem}", token=value)


def _shown(value: str) -> str:
    """``'value'`` for a message, escaped and cut when it is not plain."""
    if value.isprintable() and len(value) <= 40:
        return f"'{value}'"
    return values.show(value)


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
        import difflib  # only on a mistyped word: a Tab never needs it

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
    opts: tuple[Opt, ...] = (),
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
            opts=tuple(opts),
        )

    return wrap


def walk(level: Level, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Command | Level]]:
    """Every level and command below ``level`` with its path of names (root excluded)."""
    for child in level.children():
        child_path = (*path, child.name)
        yield child_path, child
        if isinstance(child, Level):
            yield from walk(child, child_path)
