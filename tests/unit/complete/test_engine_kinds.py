"""The engine completes from declarations only: each kind owns its completion, options come
from Command.opts, and no command name is written in the engine."""

from __future__ import annotations

import ast
from pathlib import Path

from clushell.commands import kinds
from clushell.commands.root import GLOBALS, build_tree
from clushell.commands.tree import Arg, Command, Kind, Level, Opt, command, walk
from clushell.complete import engine
from clushell.complete.base import Candidate, Source
from clushell.complete.engine import KIND_SOURCES, complete_words
from clushell.complete.statements import references
from clushell.lineparse import tokenize

#: kinds that offer nothing (free text, numbers, new names, key=value of old style)
SILENT = {Kind.TEXT, Kind.NUMBER, Kind.NEW_ID, Kind.DIRECTOR, Kind.KEYWORD, Kind.OPTION, Kind.CONFIG,
          Kind.DURATION, Kind.ATTR, Kind.FLAG}


def _noop(ctx, args):
    return None


class Nodes(Source):
    def ids(self, kind: str) -> list[Candidate]:
        return [Candidate("n1", "node"), Candidate("n2", "node")] if kind == "node" else []


ADD = command("add", "Add.", Arg("service", Kind.TEXT, "service"), Arg("extra", Kind.NODE, "node", optional=True),
              opts=(Opt("method", "forwarding", choices=("nat", "dr")), Opt("peer", "peer node", Kind.NODE),
                    Opt("--now", "at once", Kind.FLAG)))(_noop)
ROOT = Level("root", "Root.", commands=[ADD])


def texts(words: list[str], current: str) -> list[str]:
    return [c.text for c in complete_words(ROOT, [], [ROOT], words, current, Nodes())]


def test_every_kind_has_a_completion_or_is_silent_on_purpose() -> None:
    declared = {v for k, v in vars(Kind).items() if k.isupper()}
    assert declared == set(KIND_SOURCES) | SILENT, "decide what a new kind completes (KIND_SOURCES) or add it to SILENT"


def test_options_come_from_the_declaration() -> None:
    assert texts(["add"], "") == []  # the service is free text; options come after it
    assert texts(["add", "svc"], "") == ["n1", "n2", "method=", "peer=", "--now"]
    assert texts(["add", "svc"], "-") == ["--now"]
    assert texts(["add", "svc", "method=nat"], "") == ["n1", "n2", "peer=", "--now"]
    assert texts(["add", "svc"], "method=") == ["method=nat", "method=dr"]
    assert texts(["add", "svc"], "peer=n") == ["peer=n1", "peer=n2"]
    assert texts(["add", "svc", "--now"], "p") == ["peer="]


def test_option_candidates_carry_the_help() -> None:
    cands = complete_words(ROOT, [], [ROOT], ["add", "svc"], "me", Nodes())
    assert cands == [Candidate("method=", "forwarding")]


def test_the_engine_names_no_command() -> None:
    names = {name for path, node in walk(build_tree()) if isinstance(node, Command) for name in path}
    names |= {g.name for g in GLOBALS}
    tree = ast.parse(Path(engine.__file__).read_text())
    words = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    # 'xml' is the load/save prefix keyword; the others name the source's id lists
    allowed = {"xml", "resource", "primitive", "group", "node", "object", "promotable", "template", "tag"}
    assert words & names <= allowed, words & names


def test_inline_check_references_follow_the_statement_table() -> None:
    def refs(line: str) -> list[str]:
        toks = tokenize(line)
        return [t.text for t in references(toks[0].text, toks[1:])]

    assert refs("group g1 d1 d2 meta target-role=Stopped") == ["d1", "d2"]
    assert refs("master ms1 st1") == ["st1"]  # legacy name of ms
    assert refs("collocation c1 inf: a b") == ["a", "b"]  # alias of colocation
    assert refs("location l1 web 100: n1") == ["web"]
    assert refs("property a=b") == []


def test_check_value_lives_with_the_kinds() -> None:
    assert kinds.check_value(Kind.NODE, "n 1") is not None
    assert kinds.check_value(Kind.NODE, "node-1") is None


def test_hostile_words_never_break_completion() -> None:
    """A Tab on any line (control characters, NULs, broken bytes, huge words) answers or offers nothing."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    tree = build_tree()
    paths = [list(p) for p, n in walk(tree) if p[0] not in ("cluster", "corosync")]
    hostile = st.one_of(st.text(max_size=8), st.binary(max_size=6).map(lambda b: b.decode("utf-8", "surrogateescape")),
                        st.sampled_from(["\x00", "a=", "=", "@", "@x,", "x" * 5000, "ocf:", "ocf::", "type:", "-"]))

    @settings(max_examples=2000, deadline=None, database=None)
    @given(path=st.sampled_from(paths), words=st.lists(hostile, max_size=4), current=hostile)
    def run(path: list[str], words: list[str], current: str) -> None:
        cands = complete_words(tree, GLOBALS, [tree], [*path, *words], current, Source())
        assert all(c.text.startswith(current) for c in cands)

    run()
