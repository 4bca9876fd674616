"""Ctrl-C in the shell cancels the running command only: the tool or editor is stopped, the
prompt comes back in the same level, and the pending changes are still there (a real pty)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.conftest import clush_argv

pexpect = pytest.importorskip("pexpect")


def _slow(path: Path, pidfile: Path, banner: str) -> Path:
    """A program that says it started, ignores SIGINT (so only clush can stop it) and hangs."""
    path.write_text(f"#!/bin/sh\ntrap '' INT\necho {banner}\necho $$ > {pidfile}.tmp\nmv {pidfile}.tmp {pidfile}\n"
                    "exec sleep 120\n")
    path.chmod(0o755)
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); it is gone as far as we care
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split()[2] != "Z"


def _shell(cib: Path, **env: str):
    full = dict(os.environ, CIB_file=str(cib), TERM="xterm", **env)
    full.pop("NO_COLOR", None)
    argv = clush_argv()
    return pexpect.spawn(argv[0], argv[1:], env=full, encoding="utf-8", timeout=30, dimensions=(40, 200))


def _interrupt_and_check(child, cib: Path, pidfile: Path) -> None:
    deadline = time.time() + 10
    while not pidfile.exists() and time.time() < deadline:
        time.sleep(0.05)
    pid = int(pidfile.read_text())
    child.sendintr()
    child.expect_exact("interrupted")
    child.expect_exact("configure#")  # back at the prompt, still in configure
    deadline = time.time() + 10
    while _alive(pid) and time.time() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), "the interrupted program was left running"
    assert 'id="kept"' not in cib.read_text()  # still pending: the commit below is what writes it
    child.send("commit\r")
    child.expect_exact("committed")
    child.expect_exact("configure#")
    child.send("\x04")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert 'id="kept"' in cib.read_text()


def test_ctrl_c_during_a_slow_editor_keeps_pending_changes(cib: Path, tmp_path: Path) -> None:
    pidfile = tmp_path / "editor.pid"
    editor = _slow(tmp_path / "slow-editor", pidfile, "EDITOR-STARTED")
    child = _shell(cib, EDITOR=str(editor), VISUAL=str(editor))
    try:
        child.expect_exact(")#")
        child.send("configure\r")
        child.expect_exact("configure#")
        child.send("primitive kept ocf:pacemaker:Dummy\r")
        child.expect_exact("configure#")
        child.send("edit\r")
        child.expect_exact("EDITOR-STARTED")
        _interrupt_and_check(child, cib, pidfile)
    finally:
        child.close(force=True)


def test_ctrl_c_during_a_slow_tool_keeps_pending_changes(cib: Path, tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    pidfile = tmp_path / "tool.pid"
    _slow(bindir / "crm_mon", pidfile, "TOOL-STARTED")
    child = _shell(cib, PATH=f"{bindir}:{os.environ['PATH']}")
    try:
        child.expect_exact(")#")
        child.send("configure\r")
        child.expect_exact("configure#")
        child.send("primitive kept ocf:pacemaker:Dummy\r")
        child.expect_exact("configure#")
        child.send("status\r")  # crm_mon hangs
        _interrupt_and_check(child, cib, pidfile)
    finally:
        child.close(force=True)


def test_ctrl_c_in_a_script_stops_it_with_130(cib: Path, tmp_path: Path) -> None:
    """The same slow tool in a script: the script stops, exit 130, nothing pending committed."""
    import subprocess

    bindir = tmp_path / "bin"
    bindir.mkdir()
    pidfile = tmp_path / "tool.pid"
    _slow(bindir / "crm_mon", pidfile, "TOOL-STARTED")
    before = cib.read_text()
    env = dict(os.environ, CIB_file=str(cib), PATH=f"{bindir}:{os.environ['PATH']}")
    proc = subprocess.Popen(clush_argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        assert proc.stdin
        proc.stdin.write("configure primitive kept ocf:pacemaker:Dummy\nstatus\nversion\n")
        proc.stdin.flush()
        deadline = time.time() + 30
        while not pidfile.exists() and time.time() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
        assert proc.stdout and "clush " not in proc.stdout.read()  # `version` never ran
    finally:
        proc.kill()
    assert cib.read_text() == before
    pid = int(pidfile.read_text())
    deadline = time.time() + 10
    while _alive(pid) and time.time() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)
