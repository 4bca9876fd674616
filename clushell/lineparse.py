"""Split a command line into tokens that remember where they were typed.

Quoting follows the POSIX shell rules crmsh relies on (shlex): single quotes are literal,
double quotes allow backslash escapes of ``"`` and ``\\``, a backslash outside quotes
escapes the next character. ``#`` only starts a comment at the beginning of a line, so
values such as ``color=#fff`` survive. Columns are 1-based, for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass

from clushell.errors import UsageError


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # 0-based offset of the first character in the line
    end: int  # offset just past the last character
    quoted: bool = False

    @property
    def column(self) -> int:
        return self.start + 1


def is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def tokenize(line: str, *, tolerant: bool = False) -> list[Token]:
    """Tokens of ``line``; an unterminated quote is an error unless ``tolerant``.

    In tolerant mode (completion) the unterminated word becomes the last token.
    """
    tokens: list[Token] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        start, buf, quoted = i, [], False
        while i < n and not line[i].isspace():
            ch = line[i]
            if ch == "'":
                quoted = True
                close = line.find("'", i + 1)
                if close < 0:
                    if not tolerant:
                        raise UsageError("unterminated single quote", column=i + 1, token=line[start:])
                    buf.append(line[i + 1 :])
                    i = n
                    break
                buf.append(line[i + 1 : close])
                i = close + 1
            elif ch == '"':
                quoted = True
                quote_at = i
                i += 1
                closed = False
                while i < n:
                    c = line[i]
                    if c == "\\" and i + 1 < n and line[i + 1] in '"\\$`':
                        buf.append(line[i + 1])
                        i += 2
                    elif c == '"':
                        i += 1
                        closed = True
                        break
                    else:
                        buf.append(c)
                        i += 1
                if not closed and not tolerant:
                    raise UsageError("unterminated double quote", column=quote_at + 1, token=line[start:])
            elif ch == "\\" and i + 1 < n:
                buf.append(line[i + 1])
                i += 2
            else:
                buf.append(ch)
                i += 1
        tokens.append(Token("".join(buf), start, i, quoted))
    return tokens


def needs_continuation(line: str) -> bool:
    """A trailing backslash (after optional spaces) continues the line, as in crm."""
    stripped = line.rstrip()
    return stripped.endswith("\\") and not stripped.endswith("\\\\")


def strip_continuation(line: str) -> str:
    return line.rstrip()[:-1]
