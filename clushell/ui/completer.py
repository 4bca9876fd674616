"""prompt_toolkit adapters over the pure completion engine (clushell.complete) and the command tree.

``make_completer`` gives a ThreadedCompleter: live data (one CIB read, one metadata fetch
per agent) is gathered off the UI thread so typing never waits. ``TreeLexer`` colours
level and command words, configure statements with the crm pygments lexer, and marks
unknown commands and unknown object ids before Enter (the inline check); it only looks at
data the completer already has, so it never blocks either.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from prompt_toolkit.completion import Completer, Completion, ThreadedCompleter
from prompt_toolkit.document import Document
from prompt_toolkit.lexers import Lexer
from prompt_toolkit.styles import Style

from clushell.commands.tree import Command, Kind, Level
from clushell.complete.base import Candidate
from clushell.complete.engine import complete_line
from clushell.complete.sources import Providers
from clushell.complete.statements import references
from clushell.lineparse import tokenize

if TYPE_CHECKING:
    from clushell.session import Session

#: argument kinds whose values must name an existing object (value: the id list that holds them)
ID_KINDS = {Kind.RESOURCE: "resource", Kind.STOPPED_RESOURCE: "resource", Kind.RUNNING_RESOURCE: "resource",
            Kind.PROMOTABLE: "promotable", Kind.PRIMITIVE: "primitive", Kind.GROUP: "group", Kind.NODE: "node",
            Kind.ID: "object"}


def providers_for(session: Session) -> Providers:
    """The session's live-data source for completion and the lexer (one, shared by both)."""
    providers = session.completion_providers
    if not isinstance(providers, Providers):
        providers = Providers(session)
        session.completion_providers = providers
    return providers


class TreeCompleter(Completer):
    def __init__(self, session: Session):
        self.session = session
        self.providers = providers_for(session)

    def get_completions(self, document: Document, complete_event):
        text = document.text_before_cursor
        try:
            start = 0
            if text and not text[-1].isspace():
                tokens = tokenize(text, tolerant=True)
                if tokens:
                    start = tokens[-1].start - len(text)  # replace the word as typed (quotes included)
            cands = complete_line(self.session, text, self.providers)
        except Exception:  # a bug here must cost the menu, never the shell
            return
        shown, more = menu_items(cands, text[len(text) + start :])
        for cand in shown:
            yield Completion(cand.text, start_position=start, display_meta=cand.meta)
        if more:
            yield Completion(shown[-1].text, start_position=start, display=f"... {more} more",
                             display_meta="type more of the word to see them")


#: completions handed to the menu at most (16,000 would cost the shell ~100 ms of CPU a key;
#: nobody scrolls past a few hundred: typing more of the word narrows them)
MENU_CAP = 500


def menu_items(cands: list[Candidate], typed: str) -> tuple[list[Candidate], int]:
    """The candidates the menu shows (at most ``MENU_CAP``) and how many are left out.

    Tab must insert the same common part as it would with all of them. When the first ones
    already part right after the typed text, that part is the typed text itself; else the
    shown ones include the least and the greatest text (every text lies between those two).
    Quoted words are never capped: there a candidate may differ from the typed text.
    """
    if len(cands) <= MENU_CAP or any(ch in typed for ch in "\"'\\"):
        return cands, 0
    first = cands[:MENU_CAP]
    if len(os.path.commonprefix([c.text for c in first])) <= len(typed):  # the usual case: no pass over all
        return first, len(cands) - MENU_CAP
    lo, hi = min(cands), max(cands)  # candidates are (text, meta) tuples: by text first
    ends = [lo] if hi is lo else [lo, hi]
    shown = [c for c in cands[:MENU_CAP] if c is not lo and c is not hi][: MENU_CAP - len(ends)] + ends
    return shown, len(cands) - len(shown)


def make_completer(session: Session) -> Completer:
    return ThreadedCompleter(TreeCompleter(session))


class TreeLexer(Lexer):
    """Colours levels and commands; unknown commands and unknown object ids are marked."""

    def __init__(self, session: Session):
        self.session = session

    def _known(self) -> dict[str, set[str]] | None:
        """Ids by kind from the completer's current index (None when not loaded yet)."""
        from prompt_toolkit.application import get_app_or_none

        providers = providers_for(self.session)
        app = get_app_or_none()
        # not loaded yet: read in the background (never over SSH behind the user's back: a
        # remote target's connection is not shared between threads), then the line is redrawn
        if self.session.target.kind == "remote":
            return providers.cached_ids()
        return providers.cached_ids(on_ready=app.invalidate if app is not None else None)

    def lex_document(self, document: Document):
        memo: list[dict[str, set[str]] | None] = []

        def known() -> dict[str, set[str]] | None:
            """Looked up only when a word needs checking (the lookup may start a background read)."""
            if not memo:
                memo.append(self._known())
            return memo[0]

        def line_styles(lineno: int):
            line = document.lines[lineno]
            try:
                return self._style_line(line, tokenize(line, tolerant=True), known)
            except Exception:  # colouring is cosmetic: it must never break the prompt
                return [("", line)]

        return line_styles

    def _style_line(self, line: str, tokens: list, known: Callable[[], Any]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        pos = 0
        level: Level | None = self.session.path[-1]
        dispatcher = self.session.dispatcher
        command: Command | None = None
        args_from = 0
        for i, tok in enumerate(tokens):
            out.append(("", line[pos : tok.start]))
            text = line[tok.start : tok.end]
            typing_last = tok.end == len(line)
            if command is not None:
                if command.raw:
                    out += _crm_styles(line[tok.start :], command.name, tokens[i:], tok.start, known,
                                       tokens[-1].end == len(line))
                    return out
                style = self._arg_style(command, tokens[i].text, i - args_from, known, typing_last)
            elif level is not None:
                child = level.find(tok.text)
                if child is None and i == 0 and dispatcher is not None:
                    child = dispatcher.find_global(tok.text) or self.session.root.find(tok.text)
                if isinstance(child, Level):
                    style, level = "class:level", child
                elif child is not None:
                    style, command, level = "class:command", child, None
                    args_from = i + 1
                else:
                    style = "class:pending" if typing_last else "class:unknown"
                    level = None
            else:
                style = "class:arg"
            out.append((style, text))
            pos = tok.end
        out.append(("", line[pos:]))
        return out

    @staticmethod
    def _arg_style(command: Command, word: str, index: int, known: Callable[[], Any], typing_last: bool) -> str:
        if "=" in word and command.opts:
            return "class:arg"  # a key=value option
        args = command.args
        arg = args[index] if index < len(args) else (args[-1] if args and args[-1].repeat else None)
        if arg is None or typing_last or arg.kind not in ID_KINDS:
            return "class:arg"
        sets = known()
        ids = sets.get(ID_KINDS[arg.kind]) if sets is not None else None
        if ids is None:
            return "class:arg"
        return "class:id" if word in ids else "class:unknown-id"


def _crm_styles(rest: str, statement: str, tokens: list, offset: int, known: Callable[[], Any],
                typing_last: bool):
    """A configure statement's arguments through the crm pygments lexer, members checked."""
    from clushell.ui.lexer import CrmLexer

    members: dict[int, bool] = {}
    end = offset + len(rest)
    refs = [t for t in references(statement, tokens) if not (typing_last and t.end == end)]  # typing: not yet
    sets = known() if refs else None
    if sets is not None and "resource" in sets:
        for tok in refs:
            members[tok.start] = tok.text.split(":", 1)[0] in sets["resource"]
    out: list[tuple[str, str]] = []
    # lex as if the statement word were in front, so ids and keywords get their roles
    prefix = statement + " "
    for index, ttype, value in CrmLexer().get_tokens_unprocessed(prefix + rest):
        if index < len(prefix) or not value:
            continue
        where = offset + index - len(prefix)
        style = "class:" + ".".join(["pygments", *(p.lower() for p in ttype)])
        if where in members:
            style = "class:id" if members[where] else "class:unknown-id"
        out.append((style, value))
    return out


def make_lexer(session: Session) -> Lexer:
    return TreeLexer(session)


def make_style() -> Style:
    from clushell.ui.lexer import PTK_STYLES

    return Style.from_dict(
        {
            "level": "ansiblue bold",
            "command": "ansigreen bold",
            "unknown": "ansired underline",
            "unknown-id": "ansired underline",
            "id": "bold",
            "pending": "",
            "arg": "",
            **PTK_STYLES,
        }
    )
