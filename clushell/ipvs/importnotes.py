"""What an import says besides the table: warnings with file:line, and what it left out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from clushell.ipvs.model import IpvsError


@dataclass(frozen=True)
class Note:
    """One warning of an import: where in the file, why, and whether the item was left out."""

    where: str
    why: str
    skipped: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.why}"


class Notes(list[Note]):
    """The warnings of one import, plus counts for its summary."""

    def __init__(self) -> None:
        super().__init__()
        self.ignored: list[str] = []  # known blocks that are not about the LVS table (vrrp_instance, ...)

    @property
    def skipped(self) -> int:
        """Lines or items not imported, each with a warning."""
        return sum(1 for note in self if note.skipped)

    def warn(self, where: str, why: str) -> None:
        self.append(Note(where, why))

    def skip(self, where: str, why: str) -> None:
        self.append(Note(where, why, skipped=True))

    def ignore(self, what: str) -> None:
        if what not in self.ignored:
            self.ignored.append(what)


_LOOKS = (
    ("keepalived", re.compile(r"^\s*(virtual_server(_group)?|real_server|vrrp_instance|global_defs)\b.*\{?")),
    ("ldirectord", re.compile(r"^\s*(virtual6?|real6?)\s*=")),
    ("ipvsadm", re.compile(r"^\s*(ipvsadm\s+)?(-A|-a|--add-service|--add-server)\s")),
)
_HOW = {"keepalived": "import keepalived FILE", "ldirectord": "import ldirectord FILE",
        "ipvsadm": "import ipvsadm FILE (or load FILE)"}


def check_format(text: str, path: str, fmt: str) -> None:
    """A file of another format is an error naming the format it looks like (and the line that says so)."""
    for lineno, line in enumerate(text.splitlines(), 1):
        for name, pattern in _LOOKS:
            if pattern.match(line):
                if name == fmt:
                    return
                raise IpvsError(f"{path} looks like {'a' if name == 'keepalived' else 'an'} {name} file, not "
                                f"{fmt} (line {lineno}: {line.strip()[:40]}); use {_HOW[name]}", token=path)
