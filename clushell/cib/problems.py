"""What the crm language layer has to say besides errors: typed notes, rendered by the command layer.

Errors stay exceptions (``ClushError`` with token and column: the statement is refused);
a :class:`Problem` is a message that does not stop the statement -- crmsh's INFO and
WARNING lines ("modified colocation:c2 from d6 to gnew", "ms is deprecated").
"""

from __future__ import annotations

from dataclasses import dataclass

INFO = "info"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    severity: str  # INFO | WARNING
    message: str
    token: str | None = None  # the word it is about, as typed
    column: int | None = None  # 1-based column of that word in its line

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    def __str__(self) -> str:
        return f"{self.severity.upper()}: {self.message}"


def info(message: str, token: str | None = None, column: int | None = None) -> Problem:
    return Problem(INFO, message, token, column)


def warning(message: str, token: str | None = None, column: int | None = None) -> Problem:
    return Problem(WARNING, message, token, column)
