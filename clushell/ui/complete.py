"""Completion engine: what may come next on a line, as plain data (no prompt_toolkit).

The REPL wraps it in prompt_toolkit completions; `clush __complete SHELL ...` prints it
for bash, zsh and fish. Both therefore complete exactly the same words.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from clushell.commands.tree import Command, Level
from clushell.lineparse import tokenize


@dataclass(frozen=True)
class Candidate:
    text: str
    meta: str = ""


def _children(level: Level, globals_: list[Command], root: Level, first: bool) -> list[Candidate]:
    out = [Candidate(c.name, c.help) for c in level.children() if not (isinstance(c, Command) and c.hidden)]
    if first:
        out += [Candidate(g.name, g.help) for g in globals_]
        if level is not root:
            seen = {c.text for c in out}
            out += [Candidate(lv.name, lv.help) for lv in root.levels if lv.name not in seen]
    return out


def complete_words(root: Level, globals_: list[Command], path: list[Level], words: list[str], current: str,
                   providers=None) -> list[Candidate]:
    """Candidates for ``current`` after the complete ``words`` typed at level ``path[-1]``."""
    level = path[-1]
    for i, word in enumerate(words):
        child = level.find(word)
        if child is None and i == 0:
            child = next((g for g in globals_ if word == g.name or word in g.aliases), None) or root.find(word)
        if isinstance(child, Level):
            level = child
            continue
        if isinstance(child, Command):
            if providers is None:
                return []
            return [c for c in providers.arguments(child, words[i + 1 :], current) if c.text.startswith(current)]
        return []
    cands = _children(level, globals_, root, first=not words)
    return [c for c in cands if c.text.startswith(current)]


def complete_line(session, text: str, providers=None) -> list[Candidate]:
    """Candidates for the last word of ``text`` (the line up to the cursor)."""
    from clushell.commands.root import GLOBALS

    tokens = tokenize(text, tolerant=True)
    words = [t.text for t in tokens]
    if text and not text[-1].isspace() and words:
        current = words.pop()
    else:
        current = ""
    return complete_words(session.root, GLOBALS, session.path, words, current, providers)


def shell_main(args: list[str]) -> int:
    """`clush __complete SHELL CWORD WORD...`: print one candidate a line (value<TAB>help).

    WORD... are the words of the command line after `clush`, CWORD the index of the one
    being completed (it may be one past the end for a new word).
    """
    if len(args) < 2 or not args[1].isdigit():
        sys.stderr.write("usage: clush __complete bash|zsh|fish CWORD [WORD...]\n")
        return 2
    shell, cword, words = args[0], int(args[1]), args[2:]
    from clushell.commands.root import GLOBALS, build_tree

    before = words[:cword]
    current = words[cword] if cword < len(words) else ""
    # clush's own options: complete them, and skip them (and their values) before the command
    from clushell.cliopts import option_words

    options = option_words()
    if current.startswith("-") and all(w.startswith("-") for w in before):
        for opt in options:
            if opt.startswith(current):
                print(opt)
        return 0
    rest = _drop_options(before)
    root = build_tree()
    for cand in complete_words(root, GLOBALS, [root], rest, current):
        print(f"{cand.text}\t{cand.meta}" if shell in ("zsh", "fish") else cand.text)
    return 0


def _drop_options(words: list[str]) -> list[str]:
    from clushell.cliopts import value_options

    out, skip = [], False
    for w in words:
        if skip:
            skip = False
            continue
        if w.startswith("-") and not out:
            skip = w in value_options()
            continue
        out.append(w)
    return out
