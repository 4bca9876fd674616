"""The context handed to every command handler."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clushell.commands.tree import Command
    from clushell.lineparse import Token
    from clushell.output import Output
    from clushell.session import Session


@dataclass
class Context:
    session: Session
    command: Command | None = None
    line: str = ""  # the whole input line as typed
    tokens: list[Token] = field(default_factory=list)  # tokens of the whole line
    args_from: int = 0  # index in tokens of the first argument
    running: bool = False  # the command's handler has started (it may have written something)

    @property
    def out(self) -> Output:
        return self.session.out

    @property
    def arg_tokens(self) -> list[Token]:
        return self.tokens[self.args_from :]

    @property
    def args_text(self) -> str:
        """The arguments exactly as typed (quotes included), for raw-language commands."""
        toks = self.arg_tokens
        return self.line[toks[0].start : toks[-1].end] if toks else ""
