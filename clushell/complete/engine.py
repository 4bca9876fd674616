"""Completion engine: what may come next on a line, as plain data (no prompt_toolkit).

The REPL wraps it in prompt_toolkit completions (ui/completer.py); `clush __complete SHELL ...`
prints it for bash, zsh and fish (complete/shell.py). Both therefore offer exactly the same words.

The engine walks the line through the command tree. At a command it asks the declarations
what may stand at the cursor: the ``Arg``s that fit the position and the command's ``Opt``s
(``key=value`` options, flags). Each kind owns its completion (``KIND_SOURCES``): the tree's
own words, files, or live data from a ``Source`` (ids, agents, nodes...). No command name is
known here. This module imports the standard library only.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

from clushell.commands.tree import DIRECTORS, Arg, Command, Kind, Level, Opt, arg_at
from clushell.complete.base import NO_SOURCE, ArgContext, Candidate, Source
from clushell.lineparse import tokenize

if TYPE_CHECKING:
    from clushell.session import Session

__all__ = ["ArgContext", "Candidate", "arg_at", "complete_line", "complete_words", "kind_candidates",
           "split_current"]

#: generic scores (crmsh offers these where the grammar wants a score)
SCORES = (("inf:", "always (INFINITY)"), ("-inf:", "never (-INFINITY)"), ("0:", "advisory only"))
ORDER_KINDS = (("Mandatory:", "the second waits for the first, always"),
               ("Optional:", "order only when both act in the same transition"),
               ("Serialize:", "never act on both at the same time"))


def _visible(level: Level) -> list[Candidate]:
    return [Candidate(c.name, c.help) for c in level.children() if not (isinstance(c, Command) and c.hidden)]


def _children(level: Level, globals_: list[Command], root: Level, first: bool) -> list[Candidate]:
    out = _visible(level)
    if first:
        seen = {c.text for c in out}
        out += [Candidate(g.name, g.help) for g in globals_ if g.name not in seen]
        if level is not root:
            seen = {c.text for c in out}
            out += [c for c in _visible(root) if c.text not in seen]
    return out


def complete_words(root: Level, globals_: list[Command], path: list[Level], words: list[str], current: str,
                   source: Source | Callable[[], Source | None] | None = None) -> list[Candidate]:
    """Candidates for ``current`` after the complete ``words`` typed at level ``path[-1]``.

    ``source`` may be a factory: it is called only when the words reach a command's arguments
    (tree words need no live data, and a new process per Tab should not load it for them).
    """
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
            if source is not None and not isinstance(source, Source):
                source = source()
            ctx = ArgContext(root, globals_, level, (*names, child.name), child, words[i + 1 :], current,
                             source or NO_SOURCE)
            return _filter(argument_candidates(ctx), current)
        return []  # nothing after an unknown word
    return _filter(_children(level, globals_, root, first=not words), current)


def _filter(cands: list[Candidate], current: str) -> list[Candidate]:
    """Those starting with ``current``, the first of each text (this runs over every id of a big CIB)."""
    if current:
        cands = [c for c in cands if c.text.startswith(current)]
    if len(set(map(_TEXT, cands))) == len(cands):  # the usual case, checked at C speed
        return cands
    seen: set[str] = set()
    add = seen.add
    return [c for c in cands if not (c.text in seen or add(c.text))]


_TEXT = operator.attrgetter("text")


def argument_candidates(ctx: ArgContext) -> list[Candidate]:
    cmd = ctx.command
    if any(a.kind == Kind.CONFIG for a in cmd.args):
        return _statements().config_candidates(ctx)
    if cmd.opts:
        opt_values = _option_value(ctx)
        if opt_values is not None:
            return opt_values
    positionals, _ = _split(cmd, ctx.args)
    # '@d1,d2' director lists may come anywhere: they take no position
    position = sum(1 for a in positionals if not a.startswith("@"))
    if positionals and positionals[-1] == "xml" and position:
        # `load xml replace FILE`: 'xml' is a prefix to the keyword, not the keyword itself
        for arg in arg_at(cmd.args, position - 1):
            if arg.kind == Kind.KEYWORD and "xml" in arg.choices:
                return [Candidate(c, arg.help) for c in arg.choices if c != "xml"]
    out: list[Candidate] = []
    for arg in arg_at(cmd.args, position):
        out += kind_candidates(ctx, arg)
    required = sum(1 for a in cmd.args if not a.optional)
    if cmd.opts and (position >= required or ctx.current.startswith("-")):
        out += _option_names(ctx)
    return out


def _split(cmd: Command, args: list[str]) -> tuple[list[str], set[str]]:
    """Positional words and the option keys already given (tolerant: the line is not finished)."""
    positionals, given = [], set()
    for word in args:
        opt = cmd.opt(word)
        key = word.split("=", 1)[0] if "=" in word else ""
        if opt is not None and opt.flag:
            given.add(word)
        elif key and cmd.opt(key) is not None:
            given.add(key)
        else:
            positionals.append(word)
    return positionals, given


def _option_names(ctx: ArgContext) -> list[Candidate]:
    _, given = _split(ctx.command, ctx.args)
    # a director list (@d1,d2) is typed as such, not as a key=
    return [Candidate(o.key if o.flag else f"{o.key}=", o.help) for o in ctx.command.opts
            if o.key not in given and o.key != DIRECTORS]


def _option_value(ctx: ArgContext) -> list[Candidate] | None:
    """``key=VALUE`` at the cursor: the option's choices, or what its kind offers; None if no option."""
    key, eq, value = ctx.current.partition("=")
    opt = ctx.command.opt(key) if eq else None
    if opt is None or opt.flag:
        return None
    sub = ArgContext(ctx.root, ctx.globals_, ctx.level, ctx.path, ctx.command, ctx.args, value, ctx.source)
    return [Candidate(f"{key}={c.text}", c.meta) for c in _opt_candidates(sub, opt)]


def _opt_candidates(ctx: ArgContext, opt: Opt) -> list[Candidate]:
    if opt.choices:
        return [Candidate(c, opt.help) for c in opt.choices]
    return kind_candidates(ctx, Arg(opt.key, opt.kind, opt.help))


def kind_candidates(ctx: ArgContext, arg: Arg) -> list[Candidate]:
    """Candidates for one declared argument: its choices, then what its kind offers."""
    source = KIND_SOURCES.get(arg.kind)
    out = source(ctx, arg) if source is not None else []
    given = set(ctx.args) if arg.repeat else set()
    return out + [Candidate(c, arg.help) for c in arg.choices if c not in given]


def _not_given(ctx: ArgContext, cands: list[Candidate]) -> list[Candidate]:
    if not ctx.args:
        return cands
    given = set(ctx.args)
    return [c for c in cands if c.text not in given]


def _ids(kind: str) -> Callable[[ArgContext, Arg], list[Candidate]]:
    # only the ids the engine keeps anyway (those starting with the word typed so far)
    return lambda ctx, arg: _not_given(ctx, ctx.ids_at_cursor(kind))


def _nodes(ctx: ArgContext) -> list[Candidate]:
    """The CIB's nodes, then the hosts known without a cluster (cluster.nodes, ~/.ssh/config) by name."""
    out = ctx.ids("node")
    seen = {c.text for c in out}
    for c in ctx.live(lambda s: s.known_hosts(), []):
        # [USER@]HOST[:PORT] -> HOST (parsed here: transport.ssh would load paramiko on every Tab)
        name = c.text.rpartition("@")[2]
        if name.startswith("["):
            name = name[1:].partition("]")[0]
        elif name.count(":") == 1:
            name = name.partition(":")[0]
        if name and name not in seen:
            seen.add(name)
            out.append(Candidate(name, c.meta))
    return out


def _by_state(running: bool) -> Callable[[ArgContext, Arg], list[Candidate]]:
    return lambda ctx, arg: _not_given(ctx, ctx.live(lambda s: s.resources_by_state(running), []))


def _levels(ctx: ArgContext, arg: Arg) -> list[Candidate]:
    levels = [*ctx.level.levels, *ctx.root.levels]
    return [Candidate(lv.name, lv.help) for lv in levels] + [Candidate("..", "up one level"),
                                                             Candidate("/", "the root level")]


def _statements() -> ModuleType:
    """The configure language's completion (imported on first use: most Tabs do not need it)."""
    from clushell.complete import statements

    return statements


def _meta_names(ctx: ArgContext, arg: Arg) -> list[Candidate]:
    st = _statements()
    return [Candidate(n, d) for n, d in st.RESOURCE_META + st.CLONE_META]


def _param_names(ctx: ArgContext, arg: Arg) -> list[Candidate]:
    """The agent parameters of the resource named by the command's first argument."""
    rsc = ctx.args[0] if ctx.args else ""
    agent = next((c.meta for c in ctx.ids("primitive") if c.text == rsc), "")
    info = ctx.ra_info(agent) if agent and not agent.startswith("@") else None
    if info is None:
        return []
    return [Candidate(p.name, _statements().param_meta(p)) for p in info.parameters if not p.deprecated]


def _shadows(ctx: ArgContext, arg: Arg) -> list[Candidate]:
    from clushell.complete.sources import shadow_names

    return [Candidate(n, "shadow CIB") for n in shadow_names()]


def _reals(ctx: ArgContext, arg: Arg) -> list[Candidate]:
    service = next((a for a in reversed(ctx.args) if ":" in a and a.split(":")[0] in ("tcp", "udp", "sctp",
                                                                                      "fwm", "fwm6")), "")
    return ctx.live(lambda s: s.ipvs_reals(service), [])


def agent_candidates(ctx: ArgContext, cur: str, *, templates: bool) -> list[Candidate]:
    """RA classes with ':', then providers, then agent types, like crmsh."""
    parts = cur.split(":")
    if len(parts) == 1:
        out = [Candidate(f"{c}:", "resource agent class") for c in ctx.live(lambda s: s.ra_classes(), [])]
        if templates:
            out += [Candidate(f"@{c.text}", "template") for c in ctx.ids("template")]
        return out
    cls = parts[0]
    if cls == "ocf" and len(parts) == 2:
        return [Candidate(f"ocf:{p}:", "OCF provider") for p in ctx.live(lambda s: s.ra_providers(), [])]
    if cls == "ocf":
        provider = parts[1]
        agents = ctx.live(lambda s: s.ra_agents("ocf", provider), [])
        return [Candidate(f"ocf:{provider}:{a}", "resource agent") for a in agents]
    return [Candidate(f"{cls}:{a}", f"{cls} agent") for a in ctx.live(lambda s: s.ra_agents(cls, None), [])]


def help_topics(ctx: ArgContext, arg: Arg | None = None) -> list[Candidate]:
    """help [LEVEL...] [COMMAND]: walk the typed topic words through the tree."""
    level: Level = ctx.level
    for i, word in enumerate(ctx.args):
        child = level.find(word)
        if child is None and i == 0:
            child = ctx.root.find(word)
        if not isinstance(child, Level):
            return []
        level = child
    out = _visible(level)
    if not ctx.args:
        out += [Candidate(g.name, g.help) for g in ctx.globals_]
        out += _visible(ctx.root)
    return out


def files(current: str) -> list[Candidate]:
    """Paths starting with ``current``; directories end with '/' (so completion goes on)."""
    head, tail = os.path.split(current)
    where = os.path.expanduser(head) if head else "."
    try:
        entries = sorted(os.scandir(where), key=lambda e: e.name)
    except (OSError, ValueError):  # ValueError: a NUL in the typed path
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


def _corosync_keys(ctx: ArgContext, arg: Arg) -> list[Candidate]:
    """Sections first ("totem."), then the keys and subsections of the section typed so far."""
    from clushell.corosync import keys

    section = ctx.current.rsplit(".", 1)[0] if "." in ctx.current else ""
    depth = section.count(".") + 1 if section else 0
    subs = [Candidate(f"{s}.", "corosync.conf section") for s in keys.known_sections()
            if s.count(".") == depth and (not section or s.startswith(section + "."))]
    own = [Candidate(f"{section}.{k}", f"{section} key") for k in keys.keys_of(section)] if section else []
    return own + subs


#: each kind's completion; kinds not listed (text, numbers, new ids, directors) offer nothing
KIND_SOURCES: dict[str, Callable[[ArgContext, Arg], list[Candidate]]] = {
    Kind.LEVEL: _levels,
    Kind.COMMAND: help_topics,
    Kind.FILE: lambda ctx, arg: files(ctx.current),
    Kind.SCORE: lambda ctx, arg: [Candidate(s, d) for s, d in SCORES],
    Kind.META_ATTR: _meta_names,
    Kind.PARAM_ATTR: _param_names,
    Kind.SHADOW: _shadows,
    Kind.RESOURCE: _ids("resource"),
    Kind.STOPPED_RESOURCE: _by_state(False),
    Kind.RUNNING_RESOURCE: _by_state(True),
    Kind.PROMOTABLE: _ids("promotable"),
    Kind.PRIMITIVE: _ids("primitive"),
    Kind.GROUP: _ids("group"),
    Kind.NODE: lambda ctx, arg: _not_given(ctx, _nodes(ctx)),
    Kind.HOST: lambda ctx, arg: _not_given(ctx, ctx.live(lambda s: s.known_hosts(), [])),
    Kind.ID: _ids("object"),
    Kind.SELECTOR: lambda ctx, arg: _statements().selector_candidates(ctx),
    Kind.RA: lambda ctx, arg: agent_candidates(ctx, ctx.current, templates=False),
    Kind.RA_CLASS: lambda ctx, arg: [Candidate(c, "resource agent class") for c in
                                     ctx.live(lambda s: s.ra_classes(), [])],
    Kind.PROPERTY: lambda ctx, arg: ctx.live(lambda s: s.properties(), []),
    Kind.SERVICE: lambda ctx, arg: ctx.live(lambda s: s.ipvs_services(), []),
    Kind.REAL: _reals,
    Kind.COROSYNC_KEY: _corosync_keys,
}


def complete_line(session: Session, text: str, source: Source | None = None) -> list[Candidate]:
    """Candidates for the last word of ``text`` (the line up to the cursor) in ``session``."""
    words, current = split_current(text)
    globals_ = session.dispatcher.globals if session.dispatcher is not None else _globals()
    return complete_words(session.root, globals_, session.path, words, current, source)


def _globals() -> list[Command]:
    from clushell.commands.root import GLOBALS

    return GLOBALS


def split_current(text: str) -> tuple[list[str], str]:
    """The complete words before the cursor and the partial word at the cursor."""
    tokens = tokenize(text, tolerant=True)
    words = [t.text for t in tokens]
    if text and not text[-1].isspace() and words:
        return words[:-1], words[-1]
    return words, ""
