"""The interactive shell (prompt_toolkit): prompt, history, completion, keys.

Ctrl-C cancels the line being typed; Ctrl-D (or quit) leaves, asking about pending
changes. This is the only module that imports prompt_toolkit at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell import paths

if TYPE_CHECKING:
    from clushell.dispatch import Dispatcher
    from clushell.session import Session

CONTINUATION_PROMPT = "   > "


def prompt_text(session: Session) -> str:
    level = "/".join(lvl.name for lvl in session.path[1:])
    return f"clush({session.label()}){level}# "


def _history(session: Session):
    from prompt_toolkit.history import FileHistory, InMemoryHistory, ThreadedHistory

    try:
        return ThreadedHistory(FileHistory(str(paths.private_file(paths.history_file()))))
    except OSError as exc:
        session.out.warn(f"history is not saved: {exc}")
        return InMemoryHistory()


def build_prompt_session(dispatcher: Dispatcher, *, input=None, output=None):
    """The PromptSession used by the REPL (tests pass a pipe input and a dummy output)."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory

    from clushell.ui.completer import make_completer, make_lexer, make_style

    session = dispatcher.session
    return PromptSession(
        history=_history(session),
        completer=make_completer(session),
        lexer=make_lexer(session),
        style=make_style(),
        auto_suggest=AutoSuggestFromHistory(),
        complete_while_typing=False,
        include_default_pygments_style=False,
        color_depth=None if session.out.color else _mono(),
        input=input,
        output=output,
    )


def _mono():
    from prompt_toolkit.output.color_depth import ColorDepth

    return ColorDepth.MONOCHROME


def read_logical_line(ps, session: Session) -> str:
    """One command, joining lines that end with ` \\` (continuation prompt '   > ')."""
    from clushell.lineparse import needs_continuation, strip_continuation

    parts = []
    text = ps.prompt(prompt_text(session))
    while needs_continuation(text):
        parts.append(strip_continuation(text))
        text = ps.prompt(CONTINUATION_PROMPT)
    parts.append(text)
    return " ".join(p.strip() for p in parts)


def _question_reader(input, output):
    """Questions (commit pending changes?) are read by prompt_toolkit too, on the same terminal."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import InMemoryHistory

    asker = PromptSession(history=InMemoryHistory(), input=input, output=output)
    return lambda question: asker.prompt(question)


def run_repl(dispatcher: Dispatcher, *, input=None, output=None) -> int:
    session = dispatcher.session
    _ = session.label()  # choose (and reach) the target now, so its notice comes before the first prompt
    ps = build_prompt_session(dispatcher, input=input, output=output)
    session.read_answer = _question_reader(input, output)
    while not session.quit_requested:
        try:
            line = read_logical_line(ps, session)
        except KeyboardInterrupt:
            continue  # Ctrl-C: drop the line, keep the shell
        except EOFError:
            if dispatcher.leave_all("quit"):
                break
            continue
        if line.strip() and not line.lstrip().startswith("#"):
            session.failed = False
            dispatcher.run_line(line)
    return 0
