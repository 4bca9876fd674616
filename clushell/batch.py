"""Scripts: `clush -f FILE`, commands on stdin, and one-shot `clush LEVEL CMD ARGS`.

A script is one transaction. Lines run as they arrive (a pipe behaves like a person
typing); one-shot lines (``configure primitive ...``) stage their changes, and at the end
of the script everything pending is committed, only if no command failed. An explicit
``commit``, or leaving a level (``end``, ``up``, ``cd``), commits at that point, as crm
does. Once a command failed nothing more is committed: the failing line stops the script,
``--continue-on-error`` runs the rest to report every error and still commits nothing.
Ctrl-C stops the script (exit 130) and commits nothing pending.
Standard library only: batch mode never imports prompt_toolkit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from clushell.dispatch import Dispatcher
from clushell.errors import ClushError
from clushell.lineparse import is_comment, needs_continuation, strip_continuation

if TYPE_CHECKING:
    from clushell.textfile import TextLines


def read_statements(stream: TextIO | TextLines) -> Iterator[tuple[int, str]]:
    """(line number, logical line) pairs: comments skipped, ` \\` continuations joined."""
    for start, line, _places in read_placed(stream):
        yield start, line


def read_placed(stream: TextIO | TextLines) -> Iterator[tuple[int, str, tuple[tuple[int, int, int], ...]]]:
    """As :func:`read_statements`, with where each continuation line's text starts: (column in the
    logical line, line number, column in that line), so that an error names the physical place."""
    lineno, start, parts = 0, 0, []
    numbers: list[int] = []

    def joined() -> tuple[str, tuple[tuple[int, int, int], ...]]:
        text, places = "", []
        for i, (part, no) in enumerate(zip(parts, numbers, strict=True)):
            if i:
                text += " "
                places.append((len(text) + 1, no, len(part) - len(part.lstrip()) + 1))
            text += part.strip() if i else part.rstrip()
        return text, tuple(places)

    for raw in iter(stream.readline, ""):
        lineno += 1
        line = raw.rstrip("\r\n")
        if not parts:
            start = lineno
            if not line.strip() or is_comment(line):
                continue
        numbers.append(lineno)
        if needs_continuation(line):
            parts.append(strip_continuation(line))
            continue
        parts.append(line)
        yield start, *joined()
        parts, numbers = [], []
    if parts:
        yield start, *joined()


def finish(dispatcher: Dispatcher) -> int:
    """End of input: commit what is pending unless something failed."""
    session = dispatcher.session
    if session.failed:
        session.discard_pending("because a command failed")
        session.path = session.path[:1]
    else:
        dispatcher.leave_all("eof")
    return 1 if session.failed else 0


def run_stream(dispatcher: Dispatcher, stream: TextIO | TextLines, name: str) -> int:
    session = dispatcher.session
    lines = read_placed(stream)
    while True:
        try:
            lineno, line, places = next(lines)
        except StopIteration:
            break
        except KeyboardInterrupt:  # Ctrl-C while waiting for the next line
            session.say_interrupted_idle()
            raise
        except ClushError as exc:  # the input itself cannot be read (bytes that are not UTF-8)
            session.out.error(exc.message)
            session.failed = True
            break
        ok = dispatcher.run_line(line, where=f"{name}:{lineno}", places=places)
        if session.quit_requested:
            break
        if not ok and not session.options.continue_on_error:
            break
    return finish(dispatcher)


def run_words(dispatcher: Dispatcher, words: list[str]) -> int:
    """One-shot: the words of the command line are one line of input."""
    import shlex

    dispatcher.run_line(shlex.join(words))
    return finish(dispatcher)
