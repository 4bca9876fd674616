"""Real keystrokes into the running prompt: Tab opens the completion menu or inserts the word.

The prompt runs on this thread with a prompt_toolkit pipe input; a feeder thread types,
waits for the (threaded) completer to answer, reads the menu, then presses Enter.
"""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from clushell.commands.root import GLOBALS, build_tree
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session
from clushell.ui.repl import build_prompt_session
from tests.unit.complete.test_complete import populated  # noqa: F401  (module fixture: a CIB file with objects)


def make_dispatcher(cib: Path | None) -> Dispatcher:
    session = Session(Options(interactive=True, cib_file=str(cib) if cib else None), build_tree(),
                      Output(color=False, stdout=io.StringIO(), stderr=io.StringIO()))
    return Dispatcher(session, GLOBALS)


def type_line(dispatcher: Dispatcher, text: str, timeout: float = 20.0) -> tuple[str, list[tuple[str, str]]]:
    """Type ``text`` (``\\t`` = Tab) into the prompt; return the accepted line and the last menu seen."""
    menu: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        ps = build_prompt_session(dispatcher, input=pipe, output=DummyOutput())

        def feeder() -> None:
            try:
                deadline = time.monotonic() + timeout
                while not ps.app.is_running and time.monotonic() < deadline:
                    time.sleep(0.01)
                buf = ps.app.current_buffer
                *tabbed, last = text.split("\t")
                for part in tabbed:
                    pipe.send_text(part)
                    _wait(lambda p=part: buf.text.endswith(p), deadline)
                    before = buf.text
                    pipe.send_text("\t")
                    # the threaded completer answers by inserting text or opening the menu
                    _wait(lambda b=before: buf.text != b or bool(_menu(buf)), min(deadline, time.monotonic() + 5),
                          fail=False)
                    time.sleep(0.05)
                    menu[:] = _menu(buf)
                pipe.send_text(last + "\r")
            except BaseException as exc:  # reported on the test's thread
                errors.append(exc)
                pipe.send_text("\r")

        thread = threading.Thread(target=feeder, daemon=True)
        thread.start()
        line = ps.prompt("test# ")
        thread.join(timeout)
    if errors:
        raise errors[0]
    return line, menu


def _wait(cond, deadline: float, fail: bool = True) -> None:
    while not cond():
        if time.monotonic() > deadline:
            if fail:
                raise AssertionError("the prompt did not react in time")
            return
        time.sleep(0.01)


def _menu(buf) -> list[tuple[str, str]]:
    state = buf.complete_state
    if state is None:
        return []
    return [(c.display_text, c.display_meta_text) for c in state.completions]  # as shown in the menu


def offered(dispatcher: Dispatcher, typed: str) -> list[str]:
    """What one Tab after ``typed`` offers: the menu, or the single word it inserted."""
    line, menu = type_line(dispatcher, typed + "\t")
    if menu:
        return [w for w, _ in menu]
    return [line[len(typed):]] if line != typed else []


@pytest.fixture
def sandbox(populated):  # noqa: F811
    return make_dispatcher(populated)


# (typed, expected line after Tab+Enter, words that must be in the menu)
CASES = [
    ("conf\t", "configure", []),
    ("configure sh\t", "configure show", []),
    ("configure show \t", "configure show ", ["d1", "g1", "l1", "xml", "changed", "type:", "related:"]),
    ("configure show type:gr\t", "configure show type:group", []),
    ("configure show tag:\t", "configure show tag:t1", []),
    ("configure group g9 \t", "configure group g9 ", ["free1", "meta"]),
    ("configure primitive p9 \t", "configure primitive p9 ", ["ocf:", "stonith:", "lsb:"]),
    ("configure primitive p9 ocf:\t", "configure primitive p9 ocf:", ["ocf:heartbeat:", "ocf:pacemaker:"]),
    ("configure primitive p9 ocf:heartbeat:IPaddr\t", "configure primitive p9 ocf:heartbeat:IPaddr",
     ["ocf:heartbeat:IPaddr", "ocf:heartbeat:IPaddr2"]),
    ("configure primitive p9 ocf:heartbeat:Dummy \t", "configure primitive p9 ocf:heartbeat:Dummy ",
     ["params", "meta", "utilization", "op"]),
    ("configure primitive p9 ocf:heartbeat:IPaddr2 params \t", "configure primitive p9 ocf:heartbeat:IPaddr2 params ",
     ["ip=", "nic=", "cidr_netmask="]),
    ("configure primitive p9 ocf:heartbeat:IPaddr2 params ip=1.2.3.4 cidr\t",
     "configure primitive p9 ocf:heartbeat:IPaddr2 params ip=1.2.3.4 cidr_netmask=", []),
    ("configure primitive p9 ocf:pacemaker:Dummy op \t", "configure primitive p9 ocf:pacemaker:Dummy op ",
     ["start", "stop", "monitor"]),
    ("configure primitive p9 ocf:pacemaker:Dummy op monitor \t",
     "configure primitive p9 ocf:pacemaker:Dummy op monitor ", ["interval=10s", "timeout=20s"]),
    ("configure primitive p9 ocf:pacemaker:Dummy meta target-role=St\t",
     "configure primitive p9 ocf:pacemaker:Dummy meta target-role=St", ["target-role=Started", "target-role=Stopped"]),
    ("configure property no-quorum-p\t", "configure property no-quorum-policy=", []),
    ("configure property no-quorum-policy=fr\t", "configure property no-quorum-policy=freeze", []),
    ("configure location l9 g1 \t", "configure location l9 g1 ", ["inf:", "-inf:", "rule"]),
    ("configure location l9 g1 inf: \t", "configure location l9 g1 inf: node", ["node1", "node2"]),
    ("configure colocation c9 inf: g1 ms1:Pro\t", "configure colocation c9 inf: g1 ms1:Promoted", []),
    ("configure order o9 Mandatory: d1:sta\t", "configure order o9 Mandatory: d1:start", []),
    ("resource start \t", "resource start ", ["g1", "d2", "ms1"]),
    ("help configure pri\t", "help configure primitive", []),
]


@pytest.mark.parametrize(("typed", "line", "in_menu"), CASES, ids=[c[0].strip() for c in CASES])
def test_tab_on_a_cib_file(sandbox, typed: str, line: str, in_menu: list[str]) -> None:
    got, menu = type_line(sandbox, typed)
    assert got == line
    words = [w for w, _ in menu]
    for word in in_menu:
        assert word in words, f"{word!r} not in menu {words}"


def test_menu_shows_descriptions(sandbox) -> None:
    _, menu = type_line(sandbox, "configure primitive p9 ocf:heartbeat:IPaddr2 params \t")
    meta = dict(menu)
    assert "required" in meta["ip="]
    _, menu = type_line(sandbox, "configure show \t")
    assert dict(menu)["d2"] == "ocf:pacemaker:Dummy"


def test_tab_completes_files(sandbox, tmp_path: Path) -> None:
    (tmp_path / "setup.crm").write_text("")
    got, _ = type_line(sandbox, f"configure load update {tmp_path}/se\t")
    assert got == f"configure load update {tmp_path}/setup.crm"


def test_tab_inside_level_uses_pending_edits(sandbox) -> None:
    assert sandbox.run_line("configure")
    assert sandbox.run_line("primitive brandnew ocf:heartbeat:Dummy")
    got, _ = type_line(sandbox, "show brand\t")
    assert got == "show brandnew"
    sandbox.session.get_state("configure").discard()


def test_inline_check_marks_unknown_ids_and_commands(sandbox) -> None:
    from clushell.ui.completer import make_lexer, providers_for

    lexer = make_lexer(sandbox.session)
    providers_for(sandbox.session).model()  # what a first Tab does: the ids are now at hand
    styles = lexer.lex_document(Document("configure delete nosuch d1 "))(0)
    by_word = {text: style for style, text in styles if text.strip()}
    assert by_word["configure"] == "class:level"
    assert by_word["delete"] == "class:command"
    assert by_word["nosuch"] == "class:unknown-id"
    assert by_word["d1"] == "class:id"
    styles = lexer.lex_document(Document("configure group g8 d1 ghost "))(0)
    by_word = {text: style for style, text in styles if text.strip()}
    assert by_word["ghost"] == "class:unknown-id" and by_word["d1"] == "class:id"
    assert by_word["group"] == "class:command"
    styles = lexer.lex_document(Document("configure colocation c9 inf: g1 nope:Promoted d1"))(0)
    assert ("class:unknown-id", "nope") in styles and ("class:id", "g1") in styles
    assert ("class:pygments.name.constant", "Promoted") in styles
    styles = lexer.lex_document(Document("configure location l9 ghost 100: node1"))(0)
    assert ("class:unknown-id", "ghost") in styles
    # the word being typed is not judged yet
    assert ("class:unknown-id", "gho") not in lexer.lex_document(Document("configure location l9 gho"))(0)
    styles = lexer.lex_document(Document("frobnicate x"))(0)
    assert styles[1] == ("class:unknown", "frobnicate")


def test_inline_check_reads_ids_in_the_background(populated) -> None:  # noqa: F811
    """The lexer never waits: the first pass marks nothing, a background read makes the next one check."""
    from clushell.ui.completer import make_lexer, providers_for

    d = make_dispatcher(populated)
    lexer = make_lexer(d.session)
    providers = providers_for(d.session)
    lexer.lex_document(Document("version"))(0)
    lexer.lex_document(Document("configure show nosuch "))(0)
    assert providers._own is None  # nothing to check on these lines: nothing read
    styles = lexer.lex_document(Document("configure delete nosuch "))(0)
    assert ("class:unknown-id", "nosuch") not in styles
    deadline = time.monotonic() + 30
    while providers._own is None and time.monotonic() < deadline:
        time.sleep(0.05)
    styles = lexer.lex_document(Document("configure delete nosuch d1 "))(0)
    assert ("class:unknown-id", "nosuch") in styles and ("class:id", "d1") in styles


# -- live cluster ------------------------------------------------------------------------------------
@pytest.mark.live
def test_tab_on_the_live_cluster(live_cluster, fresh_id) -> None:
    running, stopped = fresh_id("kr"), fresh_id("ks")
    for rid, role in ((running, "Started"), (stopped, "Stopped")):
        xml = (f'<primitive id="{rid}" class="ocf" provider="pacemaker" type="Dummy">'
               f'<meta_attributes id="{rid}-meta"><nvpair id="{rid}-tr" name="target-role" value="{role}"/>'
               f'</meta_attributes></primitive>')
        res = live_cluster.run(["cibadmin", "-C", "-o", "resources", "-X", xml])
        assert res.returncode == 0, res.stderr
    live_cluster.wait_role(running, "Started")
    d = make_dispatcher(None)
    from clushell.target import Target, local_cluster_answers

    if not local_cluster_answers():
        # target.local_cluster_answers misses the '@'-padded abstract socket names (reported to the lead)
        d.session._target = Target("live", node=live_cluster.node)
    assert d.session.target.kind == "live"
    words = offered(d, "resource stop ")
    assert running in words and stopped not in words
    words = offered(d, "resource start ")
    assert stopped in words and running not in words
    got, _ = type_line(d, f"configure show {running[:-3]}\t")
    assert got == f"configure show {running}"
    assert live_cluster.node in offered(d, "configure location l9 x inf: ")
    got, _ = type_line(d, f"node standby {live_cluster.node[:-1]}\t")
    assert got == f"node standby {live_cluster.node}"
    got, _ = type_line(d, "configure primitive p9 ocf:pacemaker:Dumm\t")
    assert got == "configure primitive p9 ocf:pacemaker:Dummy"
    assert "state=" in offered(d, "configure primitive p9 ocf:pacemaker:Dummy params ")
    got, _ = type_line(d, "configure property no-quorum-policy=fr\t")
    assert got == "configure property no-quorum-policy=freeze"
    assert "ocf:" in offered(d, "configure primitive p9 ")


def test_tab_in_a_real_terminal(populated) -> None:  # noqa: F811
    """The installed console script on a pty: Tab inserts, the menu shows candidates with descriptions."""
    import os

    import pexpect

    from tests.conftest import clush_argv

    env = dict(os.environ, CIB_file=str(populated), TERM="xterm", NO_COLOR="1")
    argv = clush_argv()
    child = pexpect.spawn(argv[0], argv[1:], env=env, encoding="utf-8", timeout=60, dimensions=(40, 120))
    try:
        child.expect_exact(")#")
        child.send("configure show tag:\t")
        child.expect_exact("tag:t1")
        child.send("\r")
        child.expect_exact("primitive d3 Dummy")
        child.expect_exact(")#")
        child.send("configure primitive p9 ocf:pacemaker:Dummy params \t")
        child.expect_exact("state=")
        child.expect_exact("State file")  # the parameter's description in the menu
        child.send("\x03")
        child.expect_exact(")#")
        child.send("\x04")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_lexer_never_raises_and_keeps_the_text(sandbox) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from clushell.ui.completer import make_lexer, providers_for

    providers_for(sandbox.session).model()
    lexer = make_lexer(sandbox.session)
    words = st.sampled_from(["configure", "group", "g9", "d1", "ghost", "location", "inf:", "colocation",
                             "resource", "start", "'", '"', "x=1", "(", ")", "\\", "params", "#c", ":"])

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.one_of(words, st.text(max_size=3)), max_size=8).map(" ".join))
    def check(text: str) -> None:
        line = text.replace("\n", " ").replace("\r", " ")
        styles = lexer.lex_document(Document(line))(0)
        assert "".join(t for _, t in styles) == line

    check()
