"""Ctrl-C stops a script at any instant, and what is printed says what became of the staged
changes: "nothing was changed" (and what stays uncommitted) when no command was running, "the
change was applied" when the commit had written it, even if the interrupt came while clush was
still re-reading the CIB or printing the new epoch."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from clushell.commands.root import GLOBALS, build_tree
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.pacemaker import workspace
from clushell.pacemaker.cibadmin import CommitInterrupted
from clushell.session import Options, Session
from tests.clushproc import ClushProc

DUMMY = "ocf:pacemaker:Dummy"


def test_interrupt_while_waiting_for_the_next_line_says_nothing_changed(cib: Path) -> None:
    before = cib.read_text()
    p = ClushProc(env={"CIB_file": str(cib)})
    p.send("configure", f"primitive w1 {DUMMY}", "property wait-test=1")
    p.sync(timeout=60)
    p.interrupt()
    rc = p.close()
    assert rc == 130
    said = re.search(r"interrupted: nothing was changed; not committed: configure: (\d+) objects? changed: (.*)",
                     p.stderr)
    assert said, p.stderr
    assert "w1" in said.group(2)
    assert cib.read_text() == before
    assert "Traceback" not in p.stderr and "internal error" not in p.stderr


def test_interrupt_with_nothing_staged_claims_nothing(cib: Path) -> None:
    p = ClushProc(env={"CIB_file": str(cib)})
    p.send("configure", "show")
    p.sync(timeout=60)
    p.interrupt()
    assert p.close() == 130
    assert "interrupted" in p.stderr
    assert "not committed" not in p.stderr and "nothing was changed" not in p.stderr


@pytest.fixture
def script(cib: Path):
    """A script session (not interactive) on the CIB file, in-process."""
    err = io.StringIO()
    session = Session(Options(cib_file=str(cib)), build_tree(), Output(color=False, stdout=io.StringIO(), stderr=err))
    return Dispatcher(session, GLOBALS), err


@pytest.mark.parametrize("edit, probe", [(f"primitive late1 {DUMMY}", 'id="late1"'),  # the add fast path
                                          ("property late-test=1", 'name="late-test"')])  # the patch path
def test_interrupt_after_the_write_says_it_was_applied(script, cib: Path, monkeypatch, edit, probe) -> None:
    d, err = script
    assert d.run_line("configure")
    assert d.run_line(edit)
    real = workspace.Workspace.reload
    calls = []

    def interrupted_reload(self, runner):  # Ctrl-C lands just after the write, while clush tidies up
        calls.append(1)
        real(self, runner)
        if len(calls) == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(workspace.Workspace, "reload", interrupted_reload)
    with pytest.raises(CommitInterrupted) as exc:
        d.run_line("commit")
    assert exc.value.applied
    assert probe in cib.read_text()
    text = err.getvalue()
    assert "interrupted, but the change was applied" in text, text
    assert "nothing was changed" not in text


def test_interrupt_before_the_write_says_nothing_changed_and_keeps_the_changes(script, cib: Path,
                                                                             monkeypatch) -> None:
    d, err = script
    before = cib.read_text()
    assert d.run_line("configure")
    assert d.run_line(f"primitive early1 {DUMMY}")

    def interrupted_verify(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(workspace.Workspace, "_verify", interrupted_verify)
    with pytest.raises(CommitInterrupted) as exc:
        d.run_line("commit")
    assert not exc.value.applied
    assert cib.read_text() == before
    assert "interrupted: nothing was changed" in err.getvalue()
    assert d.session.get_state(workspace.STATE).has_pending()  # the user's work is still there

