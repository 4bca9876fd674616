"""Errors are values: each carries what went wrong and where, the UI turns it into one line."""

from __future__ import annotations


class ClushError(Exception):
    """A problem the user can act on; printed as one line, never as a traceback.

    ``column`` is 1-based and counts characters of the input line; ``token`` is the
    offending word as typed. ``details`` are lines shown under the error line (a conflict
    table), never part of it.
    """

    def __init__(self, message: str, *, column: int | None = None, token: str | None = None,
                 details: str = ""):
        super().__init__(message)
        self.message = message
        self.column = column
        self.token = token
        self.details = details

    def __str__(self) -> str:
        return self.message


class UsageError(ClushError):
    """The command line itself is wrong (unknown command, missing or extra argument)."""


class TransportError(ClushError):
    """The way to the target failed (SSH down, tool missing, timeout), not the tool itself."""


class ToolMissing(TransportError):
    """A Pacemaker or IPVS tool is not installed where the command runs."""


class Cancelled(ClushError):
    """The user said no to a question; nothing was changed."""
