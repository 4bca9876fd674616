"""Split crm configure text into statements of tokens that remember their column.

Quoting follows shlex in POSIX mode (what crmsh uses): single quotes are literal,
double quotes allow ``\\"`` and ``\\\\``, a backslash outside quotes escapes the next
character. A line ending in ``\\`` continues on the next one (crmsh keeps the text
before the backslash and the stripped next line). ``#`` at the start of a line
(after blanks) makes a comment line; inside a line ``#`` is an ordinary character
because crm writes ``#uname``.
"""

from __future__ import annotations

from dataclasses import dataclass

from clushell import values
from clushell.errors import ClushError


@dataclass(frozen=True)
class Token:
    """One word: its text after quote removal, its 1-based column, and whether it began with a quote.

    A word that began with a quote is never a keyword (``"params"`` is a value).
    """

    text: str
    col: int
    quoted: bool = False

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Statement:
    """Tokens of one logical line, with where it came from (for error messages)."""

    tokens: list[Token]
    line: int
    text: str
    comments: tuple[str, ...] = ()
    #: continued lines: (column in ``text`` where a physical line's part starts, its line, its column there)
    parts: tuple[tuple[int, int, int], ...] = ()
    source_lines: str = ""  # the physical lines as written (continuations kept)

    def position(self, column: int | None) -> str:
        """'LINE:COLUMN' (or 'LINE') in the source of a column of ``text``, continuations undone."""
        if column is None:
            return str(self.line)
        line, col = self.line, column
        for start, part_line, part_col in self.parts:
            if column >= start:
                line, col = part_line, part_col + column - start
        return f"{line}:{col}"


def tokenize(line: str, *, line_no: int = 1, source: str = "<input>") -> list[Token]:
    """shlex-style split of one logical line into tokens with columns (the shell's tokenizer)."""
    from clushell.errors import UsageError
    from clushell.lineparse import tokenize as split_words

    try:
        words = split_words(line)
    except UsageError as exc:
        start = len(line) - len(exc.token or "")  # the word with the open quote runs to the end
        raise ClushError(f"{_where(source, line_no, start + 1)}: {exc.message}", column=start + 1,
                         token=exc.token) from None
    for w in words if values.bad_xml_at(line) >= 0 else ():  # the CIB is XML: refuse what it cannot carry
        bad = values.bad_xml_at(w.text)
        if bad >= 0:
            col = line.find(w.text[bad], w.start) + 1 or w.start + 1
            # no column=: it counts in the text read (a file), not in the line the user typed
            raise ClushError(f"{_where(source, line_no, col)}: {values.xml_text(w.text)}")
    return [Token(w.text, w.start + 1, line[w.start] in "'\"") for w in words]


def _where(source: str, line_no: int, col: int) -> str:
    return f"{source}:{line_no}:{col}"


def split_statements(text: str, *, source: str = "<input>") -> list[Statement]:
    """Logical lines of a configure text (continuations joined, blank lines dropped).

    Comment lines directly before a statement are attached to it (crmsh stores them as
    XML comments inside the object).
    """
    out: list[Statement] = []
    pending: list[str] = []
    comments: list[str] = []
    parts: list[tuple[int, int, int]] = []
    physical: list[str] = []
    start_line = 0
    for no, raw in enumerate(text.splitlines(), 1):
        if pending or (raw.strip() and not raw.strip().startswith("#")):
            physical.append(raw)
        if pending:
            part = raw.strip()
            parts.append((sum(len(p) for p in pending) + 1, no, len(raw) - len(raw.lstrip()) + 1))
        else:
            part = raw
            start_line = no
            stripped = raw.strip()
            if not stripped:
                comments = []
                continue
            if stripped.startswith("#"):
                comments.append(stripped)
                continue
        if part.endswith("\\") and not part.endswith("\\\\"):
            pending.append(part[:-1])
            continue
        pending.append(part)
        logical = "".join(pending)
        pending = []
        toks = tokenize(logical, line_no=start_line, source=source)
        out.append(Statement(toks, start_line, logical, tuple(comments), tuple(parts), "\n".join(physical)))
        comments, parts, physical = [], [], []
    if pending:
        logical = "".join(pending)
        toks = tokenize(logical, line_no=start_line, source=source)
        out.append(Statement(toks, start_line, logical, tuple(comments), tuple(parts), "\n".join(physical)))
    return out
