"""`clush __complete SHELL CWORD WORD...`: completion for bash, zsh and fish.

A new process per Tab, so everything heavy is imported only when the words need it: tree
words need the command tree only; live data (ids, agents) loads the source then.
"""

from __future__ import annotations

import sys

from clushell.complete.base import Candidate, Source


def shell_main(args: list[str]) -> int:
    """Print one candidate a line (value<TAB>help for zsh and fish).

    WORD... are the words of the command line after `clush`, CWORD the index of the one
    being completed (it may be one past the end for a new word).
    """
    if len(args) < 2 or not args[1].isdigit():
        sys.stderr.write("usage: clush __complete bash|zsh|fish CWORD [WORD...]\n")
        return 2
    try:
        return _shell_complete(args[0], int(args[1]), args[2:])
    except Exception as exc:  # a Tab must never print a traceback into the user's shell
        sys.stderr.write(f"clush __complete: internal error: {type(exc).__name__}: {exc}\n")
        return 1


def _shell_complete(shell: str, cword: int, words: list[str]) -> int:
    from clushell.cliopts import OPTIONS, option_words
    from clushell.complete.engine import complete_words, files

    before = words[:cword]
    current = words[cword] if cword < len(words) else ""
    # clush's own options: complete them, and skip them (and their values) before the command
    if before and before[-1] in {f for o in OPTIONS if o.takes_value for f in o.flags}:
        opt = next(o for o in OPTIONS if before[-1] in o.flags)
        _print(shell, files(current) if opt.metavar in ("FILE", "PATH") else [])
        return 0
    if current.startswith("-") and all(w.startswith("-") for w in before):
        _print(shell, [Candidate(o, "") for o in option_words() if o.startswith(current)])
        return 0
    rest, opts = _drop_options(before)
    from clushell.commands.root import GLOBALS, build_tree

    def source() -> Source | None:  # arguments of a command may need live data: load it only then
        from clushell.complete.snapshot import shell_source

        return shell_source(opts)

    root = build_tree()
    _print(shell, complete_words(root, GLOBALS, [root], rest, current, source))
    return 0


def _print(shell: str, cands: list[Candidate]) -> None:
    if shell in ("zsh", "fish"):
        lines = []
        for cand in cands:
            meta = " ".join(cand.meta.split())
            lines.append(f"{cand.text}\t{meta}" if meta else cand.text)
    else:  # bash shows no descriptions
        lines = [cand.text for cand in cands]
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")


def _drop_options(words: list[str]) -> tuple[list[str], dict[str, str]]:
    """The command words, and clush's options given before them (flag -> value or "")."""
    from clushell.cliopts import value_options

    out: list[str] = []
    opts: dict[str, str] = {}
    takes = set(value_options())
    i = 0
    while i < len(words):
        w = words[i]
        if w.startswith("-") and not out:
            if w in takes:
                opts[w] = words[i + 1] if i + 1 < len(words) else ""
                i += 2
                continue
            opts[w] = ""
            i += 1
            continue
        out.append(w)
        i += 1
    return out, opts
