"""Completion engine: what may come next on a line, as plain data (no prompt_toolkit).

The REPL wraps it in prompt_toolkit completions; `clush __complete SHELL ...` prints it
for bash, zsh and fish. Both therefore complete exactly the same words.

The engine walks the line through the command tree; at a command it picks candidates by
the kind of the argument at the cursor (``Kind``), asking a *source* for live data (object
ids, agents, nodes...). Sources are duck-typed (see ``clushell.ui.providers``); without
one only the tree's own words (levels, commands, keyword choices, files) are offered.
This module imports the standard library only.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

from clushell.commands.tree import Arg, Command, Kind, Level
from clushell.lineparse import tokenize

#: generic scores (crmsh offers these where the grammar wants a score)
SCORES = (("inf:", "always (INFINITY)"), ("-inf:", "never (-INFINITY)"), ("0:", "advisory only"))
ORDER_KINDS = (("Mandatory:", "the second waits for the first, always"),
               ("Optional:", "order only when both act in the same transition"),
               ("Serialize:", "never act on both at the same time"))


@dataclass(frozen=True)
class Candidate:
    text: str
    meta: str = ""


def _children(level: Level, globals_: list[Command], root: Level, first: bool) -> list[Candidate]:
    out = [Candidate(c.name, c.help) for c in level.children() if not (isinstance(c, Command) and c.hidden)]
    if first:
        seen = {c.text for c in out}
        out += [Candidate(g.name, g.help) for g in globals_ if g.name not in seen]
        if level is not root:
            seen = {c.text for c in out}
            out += [Candidate(c.name, c.help) for c in root.children()
                    if c.name not in seen and not (isinstance(c, Command) and c.hidden)]
    return out


def complete_words(root: Level, globals_: list[Command], path: list[Level], words: list[str], current: str,
                   providers: Any = None) -> list[Candidate]:
    """Candidates for ``current`` after the complete ``words`` typed at level ``path[-1]``."""
    level = path[-1]
    names: list[str] = [lv.name for lv in path[1:]]
    for i, word in enumerate(words):
        child = level.find(word) if word else None
        if child is None and i == 0:
            child = next((g for g in globals_ if word == g.name or word in g.aliases), None) or root.find(word)
            if isinstance(child, Level) and child in root.levels:
                names = []
        if isinstance(child, Level):
            level = child
            names.append(child.name)
            continue
        if isinstance(child, Command):
            ctx = ArgContext(root, globals_, level, (*names, child.name), child, words[i + 1 :], current, providers)
            return _filter(argument_candidates(ctx), current)
        return []  # nothing after an unknown word
    return _filter(_children(level, globals_, root, first=not words), current)


def _filter(cands: list[Candidate], current: str) -> list[Candidate]:
    seen: set[str] = set()
    out = []
    for c in cands:
        if c.text.startswith(current) and c.text not in seen:
            seen.add(c.text)
            out.append(c)
    return out


@dataclass
class ArgContext:
    """Where the cursor is inside a command's arguments."""

    root: Level
    globals_: list[Command]
    level: Level
    path: tuple[str, ...]  # level names and the command name, e.g. ("resource", "start")
    command: Command
    args: list[str]  # complete arguments before the cursor
    current: str  # the partial word at the cursor
    source: Any  # live-data provider, or None

    def ask(self, method: str, *a: Any) -> Any:
        """Call the source; any failure means "no live data" (completion never raises)."""
        fn = getattr(self.source, method, None) if self.source is not None else None
        if fn is None:
            return []
        try:
            return fn(*a)
        except Exception:
            return []


def arg_at(args: tuple[Arg, ...], index: int) -> list[Arg]:
    """The declared arguments that may stand at position ``index``.

    Optional and repeating arguments before an argument let it move: ``save [SEL...] FILE``
    offers selectors and files at every position.
    """
    out: list[Arg] = []
    min_before, max_before = 0, 0
    for arg in args:
        if min_before <= index and (index <= max_before or arg.repeat):
            out.append(arg)
        min_before += 0 if arg.optional else 1
        max_before = 10**9 if arg.repeat else max_before + 1
    return out


def argument_candidates(ctx: ArgContext) -> list[Candidate]:
    cmd = ctx.command
    if any(a.kind == Kind.CONFIG for a in cmd.args) or (cmd.raw and not cmd.args):
        from clushell.ui.complete_config import config_candidates

        return config_candidates(ctx)
    # '@d1,d2' director lists may come anywhere in ipvs commands: they take no position
    position = sum(1 for a in ctx.args if not a.startswith("@"))
    out: list[Candidate] = []
    if ctx.args and ctx.args[-1] == "xml" and position:
        # `load xml replace FILE`: 'xml' is a prefix to the keyword, not the keyword itself
        for arg in arg_at(cmd.args, position - 1):
            if arg.kind == Kind.KEYWORD and "xml" in arg.choices:
                return [Candidate(c, arg.help) for c in arg.choices if c != "xml"]
    for arg in arg_at(cmd.args, position):
        out += kind_candidates(ctx, arg)
    return out


def kind_candidates(ctx: ArgContext, arg: Arg) -> list[Candidate]:
    """Candidates for one declared argument, by its kind."""
    kind = arg.kind
    if kind == Kind.KEYWORD or (arg.choices and kind in (Kind.OPTION, Kind.TEXT)):
        given = set(ctx.args) if arg.repeat else set()
        return [Candidate(c, arg.help) for c in arg.choices if c not in given]
    if kind == Kind.LEVEL:
        levels = [*ctx.level.levels, *ctx.root.levels]
        return [Candidate(lv.name, lv.help) for lv in levels] + [Candidate("..", "up one level"),
                                                                 Candidate("/", "the root level")]
    if kind == Kind.COMMAND:
        return help_topics(ctx)
    if kind == Kind.FILE:
        return files(ctx.current)
    if kind == Kind.SCORE:
        return [Candidate(s, d) for s, d in SCORES]
    if kind == Kind.TEXT and arg.name == "name" and ctx.path[-2:-1] == ("resource",) and len(ctx.args) >= 2:
        return attribute_names(ctx, ctx.path[-1], ctx.args[0])
    if kind == Kind.TEXT and arg.name == "name" and ctx.path[:1] == ("cib",):
        return shadow_names(ctx.path[-1] == "use")
    if kind == Kind.OPTION:
        return usage_options(ctx)
    if kind in (Kind.TEXT, Kind.NUMBER, Kind.NEW_ID, Kind.DIRECTOR):
        return []
    return live_candidates(ctx, kind)


def live_candidates(ctx: ArgContext, kind: str) -> list[Candidate]:
    """Kinds whose values come from the target."""
    given = set(ctx.args)
    if kind == Kind.RESOURCE:
        action = ctx.path[-1]
        if action == "start":
            return [c for c in ctx.ask("resources_by_state", False) if c.text not in given]
        if action == "stop":
            return [c for c in ctx.ask("resources_by_state", True) if c.text not in given]
        if action in ("promote", "demote"):
            return [c for c in ctx.ask("ids", "promotable") if c.text not in given]
        return [c for c in ctx.ask("ids", "resource") if c.text not in given]
    if kind in (Kind.PRIMITIVE, Kind.GROUP, Kind.NODE, Kind.ID):
        which = {Kind.PRIMITIVE: "primitive", Kind.GROUP: "group", Kind.NODE: "node", Kind.ID: "object"}[kind]
        return [c for c in ctx.ask("ids", which) if c.text not in given]
    if kind == Kind.SELECTOR:
        return selector_candidates(ctx)
    if kind == Kind.RA:
        return agent_candidates(ctx, ctx.current, templates=False)
    if kind == Kind.RA_CLASS:
        return [Candidate(c, "resource agent class") for c in ctx.ask("ra_classes")]
    if kind == Kind.PROPERTY:
        return ctx.ask("properties")
    if kind == Kind.SERVICE:
        return ctx.ask("ipvs_services")
    if kind == Kind.REAL:
        service = next((a for a in reversed(ctx.args) if ":" in a and a.split(":")[0] in ("tcp", "udp", "sctp",
                                                                                          "fwm", "fwm6")), "")
        return ctx.ask("ipvs_reals", service)
    return []


#: values of key=value options that the usage line names only by a placeholder
OPTION_VALUES = {"sched": ("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh",
                           "twos")}


def usage_options(ctx: ArgContext) -> list[Candidate]:
    """key=value options read from the command's usage line: ``[method=nat|dr|tun] [weight=N] [--now]``."""
    import re

    usage = ctx.command.usage
    if "=" in ctx.current:
        key = ctx.current.split("=", 1)[0]
        m = re.search(rf"\[{re.escape(key)}=([^\]\s]+)\]", usage)
        values = OPTION_VALUES.get(key) or (tuple(m.group(1).split("|")) if m and m.group(1).islower() else ())
        return [Candidate(f"{key}={v}", "") for v in values]
    given = {a.split("=", 1)[0] for a in ctx.args}
    out = [Candidate(f"{k}=", f"{k}={v}") for k, v in re.findall(r"\[([a-z][a-z-]*)=([^\]\s]+)\]", usage)
           if k not in given]
    out += [Candidate(w, "switch") for w in re.findall(r"\[(--?[a-z][a-z-]*|[a-z]+)\]", usage)
            if w not in given and not w.isupper()]
    return out


def shadow_names(with_live: bool) -> list[Candidate]:
    """Shadow CIBs for `cib use|delete|reset|diff|commit NAME`."""
    from clushell.commands.cib import shadow_dir

    try:
        names = sorted(p.name[len("shadow."):] for p in shadow_dir().glob("shadow.*"))
    except OSError:
        names = []
    out = [Candidate(n, "shadow CIB") for n in names if n]
    return out + [Candidate("live", "the real target again")] if with_live else out


def attribute_names(ctx: ArgContext, what: str, rsc: str) -> list[Candidate]:
    """`resource meta RSC set NAME`: meta attribute names; `param`: the resource agent's parameters."""
    if what == "meta":
        from clushell.ui.complete_config import CLONE_META, RESOURCE_META

        return [Candidate(n, d) for n, d in RESOURCE_META + CLONE_META]
    if what != "param":
        return []
    agent = next((c.meta for c in ctx.ask("ids", "primitive") if c.text == rsc), "")
    info = ctx.ask("ra_info", agent) if agent and not agent.startswith("@") else None
    if not info:
        return []
    from clushell.ui.complete_config import param_meta

    return [Candidate(p.name, param_meta(p)) for p in info.parameters if not p.deprecated]


def selector_candidates(ctx: ArgContext) -> list[Candidate]:
    """show/edit/delete selectors: ids, xml, changed, type:T, tag:T, related:ID."""
    cur = ctx.current
    if cur.startswith("type:"):
        return [Candidate(f"type:{t}", "objects of this type") for t in OBJECT_TYPES]
    if cur.startswith("tag:"):
        return [Candidate(f"tag:{c.text}", c.meta) for c in ctx.ask("ids", "tag")]
    if cur.startswith("related:"):
        return [Candidate(f"related:{c.text}", c.meta) for c in ctx.ask("ids", "object")]
    given = set(ctx.args)
    out = [c for c in ctx.ask("ids", "object") if c.text not in given]
    out += [Candidate("xml", "show as XML"), Candidate("changed", "objects with pending changes"),
            Candidate("type:", "objects of a type"), Candidate("tag:", "objects with a tag"),
            Candidate("related:", "an object and the constraints that refer to it")]
    return [c for c in out if c.text not in given]


OBJECT_TYPES = ("node", "primitive", "group", "clone", "ms", "bundle", "rsc_template", "location",
                "colocation", "order", "rsc_ticket", "property", "rsc_defaults", "op_defaults", "tag",
                "fencing_topology", "alert", "acl")


def agent_candidates(ctx: ArgContext, cur: str, *, templates: bool) -> list[Candidate]:
    """RA classes with ':', then providers, then agent types, like crmsh."""
    parts = cur.split(":")
    if len(parts) == 1:
        out = [Candidate(f"{c}:", "resource agent class") for c in ctx.ask("ra_classes")]
        if templates:
            out += [Candidate(f"@{c.text}", "template") for c in ctx.ask("ids", "template")]
        return out
    cls = parts[0]
    if cls == "ocf" and len(parts) == 2:
        return [Candidate(f"ocf:{p}:", "OCF provider") for p in ctx.ask("ra_providers")]
    if cls == "ocf":
        provider = parts[1]
        return [Candidate(f"ocf:{provider}:{a}", "resource agent") for a in ctx.ask("ra_agents", "ocf", provider)]
    return [Candidate(f"{cls}:{a}", f"{cls} agent") for a in ctx.ask("ra_agents", cls, None)]


def help_topics(ctx: ArgContext) -> list[Candidate]:
    """help [LEVEL...] [COMMAND]: walk the typed topic words through the tree."""
    level: Level = ctx.level
    for i, word in enumerate(ctx.args):
        child = level.find(word)
        if child is None and i == 0:
            child = ctx.root.find(word)
        if not isinstance(child, Level):
            return []
        level = child
    out = [Candidate(c.name, c.help) for c in level.children() if not (isinstance(c, Command) and c.hidden)]
    if not ctx.args:
        out += [Candidate(g.name, g.help) for g in ctx.globals_]
        out += [Candidate(c.name, c.help) for c in ctx.root.children() if not (isinstance(c, Command) and c.hidden)]
    return out


def files(current: str) -> list[Candidate]:
    """Paths starting with ``current``; directories end with '/' (so completion goes on)."""
    head, tail = os.path.split(current)
    where = os.path.expanduser(head) if head else "."
    try:
        entries = sorted(os.scandir(where), key=lambda e: e.name)
    except OSError:
        return []
    out = []
    for e in entries:
        if not e.name.startswith(tail) or (e.name.startswith(".") and not tail.startswith(".")):
            continue
        full = os.path.join(head, e.name) if head else e.name
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        out.append(Candidate(full + "/" if is_dir else full, "directory" if is_dir else "file"))
    if current in ("-", ""):
        out.insert(0, Candidate("-", "standard input/output"))
    return out


def complete_line(session: Any, text: str, providers: Any = None) -> list[Candidate]:
    """Candidates for the last word of ``text`` (the line up to the cursor)."""
    from clushell.commands.root import GLOBALS

    words, current = split_current(text)
    globals_ = session.dispatcher.globals if getattr(session, "dispatcher", None) else GLOBALS
    return complete_words(session.root, globals_, session.path, words, current, providers)


def split_current(text: str) -> tuple[list[str], str]:
    """The complete words before the cursor and the partial word at the cursor."""
    tokens = tokenize(text, tolerant=True)
    words = [t.text for t in tokens]
    if text and not text[-1].isspace() and words:
        return words[:-1], words[-1]
    return words, ""


def shell_main(args: list[str]) -> int:
    """`clush __complete SHELL CWORD WORD...`: print one candidate a line (value<TAB>help).

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
    from clushell.commands.root import GLOBALS, build_tree

    before = words[:cword]
    current = words[cword] if cword < len(words) else ""
    from clushell.cliopts import OPTIONS, option_words

    # clush's own options: complete them, and skip them (and their values) before the command
    if before and before[-1] in {f for o in OPTIONS if o.takes_value for f in o.flags}:
        opt = next(o for o in OPTIONS if before[-1] in o.flags)
        cands = files(current) if opt.metavar in ("FILE", "PATH") else []
        _print(shell, cands)
        return 0
    if current.startswith("-") and all(w.startswith("-") for w in before):
        _print(shell, [Candidate(o, "") for o in option_words() if o.startswith(current)])
        return 0
    rest, opts = _drop_options(before)
    root = build_tree()
    source = None
    if rest:  # arguments of a command may need live data: load it only then
        from clushell.ui.providers import shell_source

        source = shell_source(opts)
    _print(shell, complete_words(root, GLOBALS, [root], rest, current, source))
    return 0


def _print(shell: str, cands: list[Candidate]) -> None:
    lines = []
    for cand in cands:
        meta = " ".join(cand.meta.split())
        lines.append(f"{cand.text}\t{meta}" if shell in ("zsh", "fish") and meta else cand.text)
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
