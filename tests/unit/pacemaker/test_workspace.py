"""The configure level's state on a real CIB file: load, pending, summary, discard, commit, meta helpers."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from clushell.cib.build import apply_line
from clushell.cib.model import CibModel
from clushell.commands.tree import Level
from clushell.context import Context
from clushell.errors import ClushError
from clushell.output import Output
from clushell.pacemaker.workspace import STATE, get_workspace
from clushell.session import Options, Session
from clushell.transport.local import LocalRunner
from tests.paths import CONFORMANCE
from tests.realenv import require

BASE = CONFORMANCE / "scenarios" / "base.xml"


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    require("cibadmin", "crm_diff", "crm_verify")
    cib = tmp_path / "cib.xml"
    shutil.copy(BASE, cib)
    session = Session(Options(color=False), Level("root", "root"), Output(color=False, stdout=io.StringIO(),
                                                                           stderr=io.StringIO()))
    session.set_runner(LocalRunner({**os.environ, "CIB_file": str(cib)}))
    c = Context(session)
    c.cib = cib  # type: ignore[attr-defined]
    return c


def on_disk(ctx: Context) -> CibModel:
    env = {**os.environ, "CIB_file": str(ctx.cib)}  # type: ignore[attr-defined]
    out = subprocess.run(["cibadmin", "-Q"], env=env, capture_output=True, check=True).stdout
    return CibModel.from_xml(out)


def test_pending_summary_discard_commit(ctx: Context) -> None:
    ws = get_workspace(ctx)
    assert ctx.session.get_state(STATE) is ws and get_workspace(ctx) is ws
    assert not ws.has_pending()
    apply_line(ws.pending, "property stonith-enabled=false")
    apply_line(ws.pending, "primitive d1 Dummy")
    assert ws.has_pending()
    assert ws.pending_summary() == "2 objects changed: cib-bootstrap-options, d1"
    ws.discard()
    assert not ws.has_pending() and ws.pending.resource("d1") is None
    apply_line(ws.pending, "property stonith-enabled=false")
    apply_line(ws.pending, "primitive d1 Dummy op monitor interval=10s")
    epoch = int(on_disk(ctx).root.get("epoch"))
    assert ws.commit(ctx) is True
    disk = on_disk(ctx)
    assert disk.by_id("d1-monitor-10s") is not None
    assert int(disk.root.get("epoch")) > epoch
    assert not ws.has_pending() and ws.original.by_id("d1") is not None  # reloaded
    assert ws.commit(ctx) is False  # nothing left


def test_commit_refuses_errors_unless_forced(ctx: Context) -> None:
    ws = get_workspace(ctx)
    apply_line(ws.pending, "property no-quorum-policy=ignore")
    apply_line(ws.pending, "primitive d1 Dummy")  # fencing enabled without devices: crm_verify errors
    with pytest.raises(ClushError, match="commit refused"):
        ws.commit(ctx)
    assert on_disk(ctx).resource("d1") is None and ws.has_pending()
    ws.commit(ctx, force=True)
    assert on_disk(ctx).resource("d1") is not None


def _interactive(cib: Path, answer: str):
    from clushell.commands.root import GLOBALS, build_tree
    from clushell.dispatch import Dispatcher

    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(interactive=True, color=False, cib_file=str(cib)), build_tree(),
                      Output(color=False, stdout=out, stderr=err))
    asked: list[str] = []

    def ask(question: str, *, choices: str = "yn") -> str:
        asked.append(question)
        return answer

    session.ask = ask  # type: ignore[method-assign]
    return Dispatcher(session, GLOBALS), asked, err


@pytest.mark.parametrize(("answer", "committed", "still_in_configure"), [("y", True, False), ("n", False, False),
                                                                         ("c", False, True)])
def test_interactive_leave_asks(tmp_path: Path, answer: str, committed: bool, still_in_configure: bool) -> None:
    require("cibadmin", "crm_diff", "crm_verify")
    cib = tmp_path / "cib.xml"
    shutil.copy(BASE, cib)
    d, asked, err = _interactive(cib, answer)
    for line in ("configure", "property stonith-enabled=false", "primitive d1 Dummy"):
        assert d.run_line(line), err.getvalue()
    d.run_line("up")
    assert len(asked) == 1 and "2 objects changed" in asked[0]
    env = {**os.environ, "CIB_file": str(cib)}
    disk = subprocess.run(["cibadmin", "-Q"], env=env, capture_output=True, check=True).stdout
    assert (b'id="d1"' in disk) is committed
    assert (d.session.level.name == "configure") is still_in_configure
    ws = d.session.get_state(STATE)
    assert ws.has_pending() is still_in_configure
