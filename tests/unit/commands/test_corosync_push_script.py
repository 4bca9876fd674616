"""`corosync push` in a script refuses once an earlier command failed (session.check_may_commit)."""

from __future__ import annotations

import io

import pytest

from clushell import target
from clushell.batch import run_stream
from clushell.commands.corosync.work import Work
from clushell.commands.root import GLOBALS, build_tree
from clushell.corosync.model import CorosyncConf, generate
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session, StateKey
from clushell.textfile import TextLines
from clushell.transport import ssh
from clushell.transport.base import Result

CONF = generate("web", [("n1", "10.0.0.1"), ("n2", "10.0.0.2")])


class FakeNode:
    """Stands in for SshRunner; records every call, never connects."""

    calls: list[tuple[str, list[str]]] = []

    def __init__(self, host_spec: str, **_kw: object):
        _user, alias, _port = ssh.parse_host_spec(host_spec)
        self.where, self.hostname, self.base_env = f"root@{alias}", alias, {}

    def run(self, argv, *, stdin=None, env=None, timeout=None) -> Result:  # noqa: ANN001
        FakeNode.calls.append((self.where, list(argv)))
        return Result(0, "", "")

    def write_file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        FakeNode.calls.append((self.where, ["write", path]))

    def close(self) -> None:
        pass


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> tuple[Session, io.StringIO]:
    FakeNode.calls = []
    monkeypatch.setattr(ssh, "SshRunner", FakeNode)
    monkeypatch.setattr(target, "local_cluster_answers", lambda: False)  # no LocalRunner on this host
    err = io.StringIO()
    s = Session(Options(continue_on_error=True), build_tree(), Output(color=False, stdout=io.StringIO(), stderr=err))
    conf = CorosyncConf(CONF, "n1:/etc/corosync/corosync.conf")
    s.set_state(StateKey.COROSYNC, Work(conf, "n1", CONF))
    return s, err


def test_push_after_a_failed_command_in_a_script_refuses(session: tuple[Session, io.StringIO]) -> None:
    s, err = session
    script = b"no-such-command\ncorosync push n1 n2\n"
    run_stream(Dispatcher(s, GLOBALS), TextLines(io.BytesIO(script), "t.crm"), "t.crm")
    assert "not committed: an earlier command of this script failed" in err.getvalue()
    assert FakeNode.calls == []  # nothing was written to, or even asked of, any node


def test_push_calls_check_may_commit(session: tuple[Session, io.StringIO], monkeypatch: pytest.MonkeyPatch) -> None:
    s, _err = session
    seen: list[bool] = []
    monkeypatch.setattr(Session, "check_may_commit", lambda self: seen.append(True))
    Dispatcher(s, GLOBALS).run_line("corosync push n1 n2")
    assert seen == [True]
    assert FakeNode.calls  # allowed: the push went on to the (fake) nodes
