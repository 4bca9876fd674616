"""The remote CIB-file transaction (clushell.pacemaker.remotetxn) against a fake runner.

The command sequence: one fixed ``sh -c`` that makes the copy, the tools on the copy (its path in
CIB_file), one fixed ``sh -c`` that locks, re-checks and renames; on any failure or Ctrl-C one
fixed ``sh -c`` that stops the transaction's tools and removes the copy. Paths always travel as
positional arguments, never inside the script text.
"""

from __future__ import annotations

import pytest

from clushell.errors import ClushError, TransportError
from clushell.pacemaker import filetxn, remotetxn
from clushell.pacemaker.cibadmin import CommitInterrupted
from clushell.transport.base import Result

PATH = "/srv/c l/$(id) 'x'.xml"  # hostile on purpose: it must only ever be an argument
REAL = "/srv/c l/real.xml"
COPY = "/srv/c l/.real.xml.TOKEN.ab12cd34.tmp"


class FakeRunner:
    where = "root@node1"
    hostname = "10.0.0.1"

    def __init__(self, *, finish: Result | BaseException | None = None, settle: str = "notapplied",
                 cib_file: str = PATH):
        self.base_env = {"CIB_file": cib_file}
        self.calls: list[tuple[str, list[str], dict[str, str], dict[str, str]]] = []
        self.finish = finish if finish is not None else Result(0, "installed\n", "")
        self.settle = settle

    def run(self, argv, *, stdin=None, env=None, timeout=None):
        argv = list(argv)
        kind = "tool"
        if argv[:2] == ["sh", "-c"]:
            kind = {remotetxn.BEGIN: "begin", remotetxn.FINISH: "finish", remotetxn.SETTLE: "settle"}[argv[2]]
        self.calls.append((kind, argv, dict(self.base_env), dict(env or {})))
        if kind == "begin":
            return Result(0, f"{REAL}\n{COPY}\n0 5 3 \n1234 5678\n", "")
        if kind == "finish":
            if isinstance(self.finish, BaseException):
                raise self.finish
            return self.finish
        if kind == "settle":
            return Result(0, self.settle + "\n", "")
        return Result(0, "", "")

    def write_file(self, path, data, mode=0o644):
        raise AssertionError("not used")

    def close(self):
        pass

    def kinds(self) -> list[str]:
        return [c[0] for c in self.calls]


def test_normal_commit_is_begin_tools_on_the_copy_finish():
    r = FakeRunner()
    with filetxn.transaction(r, None) as txn:  # a remote file target: the transaction is chosen here
        assert txn is not None and txn.copy == COPY and txn.path == REAL
        r.run(["cibadmin", "--patch", "--xml-pipe"])
    assert r.kinds() == ["begin", "tool", "finish"]
    begin, tool, finish = r.calls
    token = begin[1][5]
    assert begin[1][3:] == [remotetxn.TAG, PATH, token, "60"] and begin[3][remotetxn.TAG] == token
    assert tool[2]["CIB_file"] == COPY and tool[2][remotetxn.TAG] == token
    assert finish[1][3:8] == ["clush-txn", REAL, COPY, token, "0 5 3 "] and finish[1][8] == "1234 5678"
    assert remotetxn.TAG not in finish[2] and finish[2]["CIB_file"] == PATH
    assert txn.applied and r.base_env == {"CIB_file": PATH}


def test_scripts_are_fixed_text_whatever_the_path():
    texts = set()
    for path in (PATH, "/a/b.xml", "-rf /", "/x/`reboot`;.xml"):
        r = FakeRunner(cib_file=path)
        with filetxn.transaction(r, None):
            pass
        texts.update(c[1][2] for c in r.calls if c[0] != "tool")
        assert all(path not in c[1][2] for c in r.calls)
    assert texts == {remotetxn.BEGIN, remotetxn.FINISH}


def test_live_and_local_targets_get_no_remote_transaction():
    r = FakeRunner()
    r.base_env = {}
    with filetxn.transaction(r, None) as txn:
        assert txn is None
    assert r.calls == []
    r = FakeRunner(cib_file="/srv/cib.xml.bz2")  # Pacemaker picks compression by the name: not copied
    with filetxn.transaction(r, None) as txn:
        assert txn is None


def test_concurrent_change_is_one_error_and_the_copy_goes():
    r = FakeRunner(finish=Result(3, "0 6 0 \n", ""))
    with pytest.raises(ClushError) as err, filetxn.transaction(r, None):
        r.run(["cibadmin", "--patch"])
    msg = err.value.message
    assert isinstance(err.value, remotetxn.ConcurrentChange)
    assert msg.startswith("commit refused: CIB file /srv/c l/real.xml on root@node1 was changed by someone else")
    assert "0.5.3" in msg and "0.6.0" in msg and "nothing was written" in msg and "\n" not in msg
    assert COPY not in msg
    assert r.kinds() == ["begin", "tool", "finish", "settle"]


def test_lock_wait_timeout_is_one_error():
    r = FakeRunner(finish=Result(75, "", ""))
    with pytest.raises(ClushError, match=r"locked by another writer \(/srv/c l/.real.xml.lock\).*nothing was written"):
        with filetxn.transaction(r, None):
            pass
    assert r.kinds()[-1] == "settle"


def test_missing_flock_names_the_host():
    r = FakeRunner(finish=Result(127, "", "sh: 1: flock: not found\n"))
    with pytest.raises(ClushError, match=r"flock .* not installed on root@node1"):
        with filetxn.transaction(r, None):
            pass


def test_failure_in_the_tools_removes_the_copy_and_names_the_file():
    r = FakeRunner()
    with pytest.raises(ClushError) as err, filetxn.transaction(r, None):
        raise ClushError(f"commit failed: CIB file {COPY} is not writable")
    assert err.value.message == f"commit failed: CIB file {REAL} is not writable"
    assert r.kinds() == ["begin", "settle"]
    settle = r.calls[-1]
    assert settle[1][3:] == [remotetxn.TAG, REAL, r.calls[0][1][5]] and remotetxn.TAG not in settle[2]
    assert r.base_env == {"CIB_file": PATH}


def test_connection_lost_in_the_tools_says_nothing_was_changed():
    r = FakeRunner()
    with pytest.raises(TransportError) as err, filetxn.transaction(r, None):
        raise TransportError("root@node1: connection lost while crm_verify was running; it may or may not have "
                             "taken effect (not retried)")
    assert err.value.message == ("root@node1: connection lost while crm_verify was running; nothing was changed "
                                 "(CIB file /srv/c l/real.xml is as it was)")


def test_ctrl_c_in_the_tools_is_nothing_changed():
    r = FakeRunner()
    with pytest.raises(CommitInterrupted) as err, filetxn.transaction(r, None):
        raise KeyboardInterrupt
    assert not err.value.applied and err.value.message == "interrupted: nothing was changed"
    assert r.kinds() == ["begin", "settle"]


@pytest.mark.parametrize("settled, applied", [("applied", True), ("notapplied", False)])
def test_ctrl_c_in_the_final_step_says_what_happened(settled, applied):
    r = FakeRunner(finish=KeyboardInterrupt(), settle=settled)
    with pytest.raises(CommitInterrupted) as err, filetxn.transaction(r, None):
        pass
    assert err.value.applied is applied
    assert err.value.message == filetxn.interrupted_message(applied)


def test_connection_lost_in_the_final_step_after_the_rename_is_a_commit():
    r = FakeRunner(finish=TransportError("root@node1: connection lost while sh was running"), settle="applied")
    with filetxn.transaction(r, None) as txn:
        pass
    assert txn.applied and r.kinds() == ["begin", "finish", "settle"]


def test_connection_lost_before_the_rename_says_nothing_was_changed():
    r = FakeRunner(finish=TransportError("root@node1: connection lost while sh was running"))
    with pytest.raises(TransportError, match="connection lost.*nothing was changed"), filetxn.transaction(r, None):
        pass


def test_settle_that_cannot_run_names_the_leftover():
    class Dead(FakeRunner):
        def run(self, argv, **kw):
            if argv[:3] == ["sh", "-c", remotetxn.SETTLE]:
                raise TransportError("root@node1: connection lost and could not be reopened")
            return super().run(argv, **kw)

    r = Dead()
    with pytest.raises(ClushError, match=r"boom; .*temporary copy .*\.real\.xml\..*\.tmp.* may be left on root@node1"):
        with filetxn.transaction(r, None):
            raise ClushError("boom")


def test_nested_transactions_share_one_copy():
    r = FakeRunner()
    with filetxn.transaction(r, None) as outer, filetxn.transaction(r, None) as inner:
        assert inner is outer
    assert r.kinds() == ["begin", "finish"]


def test_begin_failures_are_one_line():
    class Refusing(FakeRunner):
        def run(self, argv, **kw):
            if argv[:3] == ["sh", "-c", remotetxn.BEGIN]:
                self.calls.append(("begin", list(argv), {}, {}))
                return Result(77, "", "")
            return super().run(argv, **kw)

    r = Refusing()
    with pytest.raises(ClushError, match=r"CIB file .* on root@node1 is read-only: nothing was changed"):
        with filetxn.transaction(r, None):
            raise AssertionError("the body must not run")


def test_ctrl_c_during_the_clean_up_does_not_stop_it():
    import os
    import signal

    class Impatient(FakeRunner):
        def run(self, argv, **kw):
            if argv[:3] == ["sh", "-c", remotetxn.SETTLE]:
                os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C again
            return super().run(argv, **kw)

    r = Impatient(finish=KeyboardInterrupt(), settle="applied")
    with pytest.raises(CommitInterrupted) as err, filetxn.transaction(r, None):
        pass
    assert err.value.applied and r.kinds()[-1] == "settle"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_when_the_host_does_not_answer_says_it_is_unknown():
    class Gone(FakeRunner):
        def run(self, argv, **kw):
            if argv[:3] == ["sh", "-c", remotetxn.SETTLE]:
                raise TransportError("root@node1: connection lost and could not be reopened")
            return super().run(argv, **kw)

    r = Gone(finish=KeyboardInterrupt())
    with pytest.raises(CommitInterrupted) as err, filetxn.transaction(r, None):
        pass
    assert not err.value.applied
    assert err.value.message.startswith("interrupted during the commit; whether CIB file /srv/c l/real.xml was "
                                        "replaced is unknown (root@node1 did not answer): check with 'show'; ")
    assert "temporary copy" in err.value.message
    r = Gone()
    with pytest.raises(CommitInterrupted) as err, filetxn.transaction(r, None):
        raise KeyboardInterrupt
    assert err.value.message.startswith("interrupted: nothing was changed; a temporary copy")


class _Out:
    def __init__(self):
        self.lines: list[str] = []

    def info(self, text):
        self.lines.append(text)

    error = info


def _commit_with_finishes(monkeypatch, finishes: list[Result]):
    """Workspace.commit on a remote CIB file whose FINISH answers ``finishes`` in turn."""
    from types import SimpleNamespace

    from clushell.pacemaker import cibio, workspace

    class Racing(FakeRunner):
        def run(self, argv, **kw):
            if argv[:3] == ["sh", "-c", remotetxn.FINISH]:
                self.finish = finishes.pop(0)
            return super().run(argv, **kw)

    r = Racing()
    applied = []

    def fake_commit(runner, original, pending, *, force=False, prepared=None):
        runner.run(["cibadmin", "--patch", "--xml-pipe"])  # the three-way path's tool, on the copy
        applied.append(runner.base_env["CIB_file"])
        return cibio.CommitOutcome(True, "committed; CIB epoch now 6 (version 0.6.1)")

    monkeypatch.setattr(cibio, "commit", fake_commit)
    monkeypatch.setattr(workspace.Workspace, "_verify",
                        lambda self, ctx, xml, changed, force, check, job=None, released=None: force)
    ws = workspace.Workspace(workspace.load(b'<cib admin_epoch="0" epoch="5" num_updates="3"><configuration>'
                                            b"<crm_config/><nodes/><resources/><constraints/></configuration>"
                                            b"<status/></cib>"))
    ws.pending.configuration.find("resources").append(
        ws.pending.root.makeelement("primitive", {"id": "r1", "class": "ocf", "provider": "pacemaker",
                                                  "type": "Dummy"}))
    out = _Out()
    ctx = SimpleNamespace(out=out, session=SimpleNamespace(
        runner=r, options=SimpleNamespace(force=False, interactive=False)))
    return r, ws, ctx, out, applied


def test_a_concurrent_change_at_the_rename_is_committed_again_once(monkeypatch):
    r, ws, ctx, out, applied = _commit_with_finishes(monkeypatch, [Result(3, "0 6 0 \n", ""),
                                                                   Result(0, "installed\n", "")])
    assert ws.commit(ctx)
    # the second attempt copies the new version; its three-way check merges (or refuses) as on a local file
    assert r.kinds() == ["begin", "tool", "finish", "settle", "begin", "tool", "finish"]
    assert applied == [COPY, COPY] and out.lines == ["committed; CIB epoch now 6 (version 0.6.1)"]
    assert r.base_env == {"CIB_file": PATH} and not ws.has_pending()


def test_a_second_concurrent_change_is_said_and_the_change_stays_pending(monkeypatch):
    r, ws, ctx, out, applied = _commit_with_finishes(monkeypatch, [Result(3, "0 6 0 \n", ""),
                                                                   Result(3, "0 7 0 \n", "")])
    with pytest.raises(remotetxn.ConcurrentChange) as err:
        ws.commit(ctx)
    assert "0.7.0" in err.value.message and "nothing was written" in err.value.message
    assert r.kinds() == ["begin", "tool", "finish", "settle"] * 2
    assert ws.has_pending() and ws.pending.by_id("r1") is not None
