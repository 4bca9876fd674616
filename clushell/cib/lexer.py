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


def tokenize(line: str, *, line_no: int = 1, source: str = "<input>") -> list[Token]:
    """shlex-style split of one logical line into tokens with columns."""
    tokens: list[Token] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        start = i
        buf: list[str] = []
        quoted = False
        while i < n and not line[i].isspace():
            ch = line[i]
            if ch == "'":
                quoted = quoted or i == start
                end = line.find("'", i + 1)
                if end < 0:
                    raise ClushError(
                        f"{_where(source, line_no, start + 1)}: unterminated single quote",
                        column=start + 1,
                        token=line[start:],
                    )
                buf.append(line[i + 1 : end])
                i = end + 1
            elif ch == '"':
                quoted = quoted or i == start
                i += 1
                while True:
                    if i >= n:
                        raise ClushError(
                            f"{_where(source, line_no, start + 1)}: unterminated double quote",
                            column=start + 1,
                            token=line[start:],
                        )
                    c = line[i]
                    if c == "\\" and i + 1 < n and line[i + 1] in '"\\$`\n':
                        buf.append(line[i + 1])
                        i += 2
                    elif c == '"':
                        i += 1
                        break
                    else:
                        buf.append(c)
                        i += 1
            elif ch == "\\" and i + 1 < n:
                buf.append(line[i + 1])
                i += 2
            else:
                buf.append(ch)
                i += 1
        tokens.append(Token("".join(buf), start + 1, quoted))
    return tokens


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
    start_line = 0
    for no, raw in enumerate(text.splitlines(), 1):
        if pending:
            part = raw.strip()
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
        out.append(Statement(toks, start_line, logical, tuple(comments)))
        comments = []
    if pending:
        logical = "".join(pending)
        toks = tokenize(logical, line_no=start_line, source=source)
        out.append(Statement(toks, start_line, logical, tuple(comments)))
    return out
