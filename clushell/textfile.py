"""Reading text the user hands us (scripts, stdin, ipvs rule files, configuration): UTF-8 or a
one-line error naming the file, line and column. Standard library only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from clushell.errors import ClushError


def _bad_bytes(data: bytes, start: int, name: str, line_no: int | None = None) -> ClushError:
    """The error for the undecodable byte at ``data[start]`` (line and column counted in ``data``)."""
    line_start = data.rfind(b"\n", 0, start) + 1
    line = line_no if line_no is not None else data.count(b"\n", 0, start) + 1
    column = len(data[line_start:start].decode("utf-8", "replace")) + 1
    return ClushError(f"{name}:{line}:{column}: not UTF-8 (byte 0x{data[start]:02x}); "
                      "clush reads UTF-8 text only")


def decode(data: bytes, name: str, *, line_no: int | None = None) -> str:
    """``data`` as UTF-8 text; bad bytes raise ClushError naming ``name``:line:column."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad_bytes(data, exc.start, name, line_no) from None


def read_text(path: str | os.PathLike[str], name: str | None = None) -> str:
    """The whole file as UTF-8 text; unreadable files and bad bytes are one-line ClushErrors."""
    shown = name or os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise ClushError(f"{shown}: is a directory, not a file") from None
    except FileNotFoundError:
        raise ClushError(f"{shown}: no such file") from None
    except PermissionError:
        raise ClushError(f"{shown}: permission denied") from None
    except OSError as exc:
        raise ClushError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    return decode(data, shown)


class TextLines:
    """A binary stream read as UTF-8 lines, one at a time (a pipe behaves like a person typing).

    ``readline()`` raises ClushError naming ``name``:line:column at the first bad byte; the
    lines before it have been handed out already.
    """

    def __init__(self, stream: BinaryIO, name: str):
        self.stream = stream
        self.name = name
        self.line_no = 0

    def readline(self) -> str:
        raw = self.stream.readline()
        if not raw:
            return ""
        self.line_no += 1
        return decode(raw, self.name, line_no=self.line_no)

    def __iter__(self) -> Iterator[str]:
        return iter(self.readline, "")
