"""`cluster.nodes` in the configuration: the first configured node that answers over SSH is used."""

import pytest

import clushell.target as target
from clushell.commands.root import GLOBALS, build_tree
from clushell.config import Config
from clushell.errors import ClushError
from clushell.session import Options, Session


@pytest.fixture
def no_local_cluster(monkeypatch):
    monkeypatch.setattr(target, "local_cluster_answers", lambda: False)
    monkeypatch.delenv("CIB_file", raising=False)


def session_with_nodes(tmp_path, monkeypatch, nodes: str) -> Session:
    conf = tmp_path / "clush.conf"
    conf.write_text(f"[cluster]\nnodes = {nodes}\n")
    monkeypatch.setenv("CLUSH_CONFIG", str(conf))
    session = Session(Options(), build_tree())
    session.config = Config()
    return session


def test_resolution_order(no_local_cluster):
    tgt = target.resolve(None, None, nodes=("n1", "root@n2:2222"))
    assert tgt.kind == "remote" and tgt.host == "n1" and tgt.candidates == ("n1", "root@n2:2222")
    assert target.resolve("h", None, nodes=("n1",)).host == "h"  # --host wins


def test_first_answering_node_is_used(sshd, tmp_path, monkeypatch, no_local_cluster):
    monkeypatch.setenv("HOME", sshd.home)
    # port 1 on loopback refuses at once; the sshd alias answers
    session = session_with_nodes(tmp_path, monkeypatch, f"root@127.0.0.1:1 {sshd.alias}")
    try:
        res = session.runner.run(["echo", "reached"])
        assert res.out.strip() == "reached"
        assert session.target.host == sshd.alias
        assert session.target.label().startswith(f"{sshd.alias}/")
    finally:
        session.close()


def test_no_node_answers_is_one_clear_error(tmp_path, monkeypatch, no_local_cluster):
    session = session_with_nodes(tmp_path, monkeypatch, "root@127.0.0.1:1 root@127.0.0.1:2")
    with pytest.raises(ClushError, match="no configured cluster node answers"):
        session.runner  # noqa: B018


def test_live_local_cluster_is_detected(live_cluster, monkeypatch):
    monkeypatch.delenv("CIB_file", raising=False)
    assert target.local_cluster_answers()
    tgt = target.resolve(None, None)
    assert tgt.kind == "live" and tgt.node == live_cluster.node


def test_remote_prompt_shows_user_host_and_node(sshd, monkeypatch):
    import os

    from clushell.ui.repl import prompt_text

    monkeypatch.setenv("HOME", sshd.home)
    session = Session(Options(host=sshd.alias), build_tree())
    try:
        assert prompt_text(session) == f"clush(root@{sshd.alias}/{os.uname().nodename})# "
    finally:
        session.close()


def test_host_key_question_is_not_answered_by_force():
    session = Session(Options(interactive=True, force=True, yes=True), build_tree())
    asked = []
    session.read_answer = lambda q: asked.append(q) or "n"
    assert session.ask("Delete it") == "y"  # -y/-F answer ordinary questions
    assert session.ask_person("Trust host key SHA256:x") == "n"  # but not trust decisions
    assert asked == ["Trust host key SHA256:x (y/n)? "]
    assert session.options.force and session.options.yes


def test_default_sandbox_accepts_a_first_resource(tmp_path, monkeypatch, no_local_cluster):
    import io

    from clushell.dispatch import Dispatcher
    from clushell.output import Output

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    err = io.StringIO()
    session = Session(Options(), build_tree(), Output(color=False, stdout=io.StringIO(), stderr=err))
    dispatcher = Dispatcher(session, GLOBALS)
    assert dispatcher.run_line("configure primitive first ocf:pacemaker:Dummy"), err.getvalue()
    assert "using the sandbox CIB" in err.getvalue()
    assert dispatcher.leave_all("eof")  # a script's one-shot lines commit together at its end
    assert 'id="first"' in (tmp_path / "clush" / "sandbox.xml").read_text()
