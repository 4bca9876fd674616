"""prompt_toolkit adapters over the pure completion engine and the command tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.lexers import Lexer
from prompt_toolkit.styles import Style

from clushell.commands.tree import Level
from clushell.lineparse import tokenize
from clushell.ui.complete import complete_line

if TYPE_CHECKING:
    from clushell.session import Session


def providers_for(session: Session):
    """Live-data providers for argument completion (ids, agents, nodes), when available."""
    try:
        from clushell.ui.providers import Providers
    except ImportError:
        return None
    return Providers(session)


class TreeCompleter(Completer):
    def __init__(self, session: Session):
        self.session = session
        self.providers = providers_for(session)

    def get_completions(self, document: Document, complete_event):
        text = document.text_before_cursor
        word = document.get_word_before_cursor(WORD=True)
        for cand in complete_line(self.session, text, self.providers):
            yield Completion(cand.text, start_position=-len(word), display_meta=cand.meta)


def make_completer(session: Session) -> Completer:
    return TreeCompleter(session)


class TreeLexer(Lexer):
    """Colours the words that name levels and commands; unknown first words in red."""

    def __init__(self, session: Session):
        self.session = session

    def lex_document(self, document: Document):
        from clushell.dispatch import Dispatcher

        def line_styles(lineno: int):
            line = document.lines[lineno]
            try:
                tokens = tokenize(line, tolerant=True)
            except Exception:
                return [("", line)]
            out, pos = [], 0
            level = self.session.path[-1]
            dispatcher: Dispatcher | None = self.session.dispatcher
            for i, tok in enumerate(tokens):
                out.append(("", line[pos : tok.start]))
                style = "class:arg"
                if level is not None:
                    child = level.find(tok.text)
                    if child is None and i == 0 and dispatcher is not None:
                        child = dispatcher.find_global(tok.text) or self.session.root.find(tok.text)
                    if isinstance(child, Level):
                        style, level = "class:level", child
                    elif child is not None:
                        style, level = "class:command", None
                    elif i == 0 or level is not None:
                        typing_last = tok.end == len(line)
                        style = "class:pending" if typing_last else "class:unknown"
                        level = None
                out.append((style, line[tok.start : tok.end]))
                pos = tok.end
            out.append(("", line[pos:]))
            return out

        return line_styles


def make_lexer(session: Session) -> Lexer:
    return TreeLexer(session)


def make_style() -> Style:
    return Style.from_dict(
        {
            "level": "ansiblue bold",
            "command": "ansigreen bold",
            "unknown": "ansired underline",
            "pending": "",
            "arg": "",
        }
    )
