"""`completion bash|zsh|fish`: print the shell completion script (root command)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.tree import Arg, Kind, command

if TYPE_CHECKING:
    from clushell.context import Context

SHELLS = ("bash", "zsh", "fish")


@command(
    "completion",
    "Print the completion script for bash, zsh or fish.",
    Arg("shell", Kind.KEYWORD, "the shell to complete clush in", choices=SHELLS),
    long_help="""
    The script asks clush itself for candidates (clush __complete), so the shell completes the
    same words as the interactive shell: levels, commands, object ids, nodes, agents and files.

    Install for one user: clush completion bash > ~/.local/share/bash-completion/completions/clush,
    clush completion zsh > ~/.zfunc/_clush (with fpath+=(~/.zfunc) before compinit in ~/.zshrc),
    clush completion fish > ~/.config/fish/completions/clush.fish.
    """,
    examples=("completion bash", "completion zsh", "completion fish"),
)
def do_completion(ctx: Context, args: list[str]) -> None:
    """Prints the script on standard output."""
    from clushell.docs import SCRIPTS

    ctx.out.print(SCRIPTS[args[0]]().rstrip("\n"))


ROOT_COMMANDS = [do_completion]
