"""Where text goes: results to stdout, messages to stderr, colour only on a terminal.

rich is imported only when colour is actually used, so batch runs into a pipe stay
light. NO_COLOR and --no-color switch colour off.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

LEVEL_STYLE = {"ERROR": "bold red", "WARNING": "yellow", "INFO": "cyan"}


def colour_wanted(stream: TextIO, disabled: bool = False) -> bool:
    if disabled or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogate escape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    if ch == "\n":
        return "\\n"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, details: bool = True) -> str:
    """Messages never carry raw control characters or broken bytes into the terminal: escape them.

    Tabs stay. With ``details``, so does a line break before a tab-indented detail line (warnings
    quoting crm text have those); any other line break came from the input and is shown as \\n.
    """
    out = []
    for i, ch in enumerate(text):
        if ch == "\n" and details and text[i + 1 : i + 2] == "\t":
            out.append(ch)
        elif ch.isprintable() or ch == "\t":
            out.append(ch)
        else:
            out.append(_escape(ch))
    return "".join(out)


class Output:
    """Prints results and one-line messages; knows whether colour and paging apply."""

    def __init__(self, *, color: bool = True, interactive: bool = False,
                 stdout: TextIO | None = None, stderr: TextIO | None = None,
                 pager: str = "", force_color: bool = False):
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.color = force_color or colour_wanted(self.stdout, disabled=not color)
        self.pager = pager
        self.interactive = interactive
        self.errors = 0
        self._console = None

    # -- results ---------------------------------------------------------------------
    def print(self, text: str = "", *, end: str = "\n") -> None:
        self.stdout.write(text + end)
        self.stdout.flush()

    def console(self):
        """A rich Console for tables and highlighting (imported on first use)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(
                file=self.stdout,
                force_terminal=self.color,
                no_color=not self.color,
                highlight=False,
                soft_wrap=True,
            )
        return self._console

    def page(self, text: str) -> None:
        """Show long text through $PAGER when interactive and taller than the screen."""
        import shutil  # here, not at the top: `clush __complete` imports this module on every Tab

        lines = text.count("\n") + 1
        height = shutil.get_terminal_size((80, 24)).lines
        if not (self.interactive and self.stdout.isatty() and lines >= height):
            self.print(text.rstrip("\n"))
            return
        pager = self.pager or os.environ.get("PAGER") or "less -R"
        try:
            import shlex
            import subprocess

            subprocess.run(shlex.split(pager), input=text.encode(), check=False)
        except (OSError, ValueError):
            self.print(text.rstrip("\n"))

    # -- messages --------------------------------------------------------------------
    def _message(self, level: str, text: str) -> None:
        if not text.isprintable():
            text = printable(text, details=level != "ERROR")  # an error is one line
        if self.color and colour_wanted(self.stderr):
            style = {"ERROR": "\033[1;31m", "WARNING": "\033[33m", "INFO": "\033[36m"}[level]
            self.stderr.write(f"{style}{level}\033[0m: {text}\n")
        else:
            self.stderr.write(f"{level}: {text}\n")
        self.stderr.flush()

    def error(self, text: str) -> None:
        self.errors += 1
        self._message("ERROR", text)

    def detail(self, text: str) -> None:
        """Lines that explain the error line above them (a table), each escaped on its own."""
        for line in text.splitlines():
            self.stderr.write((line if line.isprintable() else printable(line)) + "\n")
        self.stderr.flush()

    def warn(self, text: str) -> None:
        self._message("WARNING", text)

    def info(self, text: str) -> None:
        self._message("INFO", text)
