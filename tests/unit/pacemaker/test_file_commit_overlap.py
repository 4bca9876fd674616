"""A one-shot commit to a CIB file writes the locked copy while crm_verify runs, and installs it
only once verification has passed: a refusal or Ctrl-C meanwhile leaves the file as it was, and a
program that writes the file without clush's lock (cibadmin itself) is never overwritten.

crm_verify and cibadmin are the real ones, behind wrappers on PATH that log when they run (and
make crm_verify slow, or refuse) so that each case happens while verification is still running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from tests.paths import BENCH
from tests.realenv import require

WRAP = """#!/bin/sh
echo "@NAME@-start $*" >> "$WRAP_LOG"
@BODY@
"""
VERIFY = """sleep "${FAKE_VERIFY_SLEEP:-0}"
if [ -n "$FAKE_VERIFY_AFTER_WRITE" ]; then  # answer only once the change went to the copy (30 s at most)
  i=0; while ! grep -qE "^cibadmin-start --(modify|patch)" "$WRAP_LOG" && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
fi
if [ -n "$FAKE_VERIFY_FAIL" ]; then cat > /dev/null; echo "error: fake refusal for the test" >&2; exit 1; fi
@REAL@ "$@"; rc=$?
echo "crm_verify-end" >> "$WRAP_LOG"
exit $rc"""


@pytest.fixture
def cib(tmp_path: Path) -> Path:
    require("cibadmin", "crm_diff", "crm_verify", "crm_attribute")
    path = tmp_path / "cib.xml"
    subprocess.run([sys.executable, str(BENCH / "gen_cib.py"), "40", str(path)], check=True, capture_output=True)
    subprocess.run(["crm_attribute", "-t", "crm_config", "-n", "stonith-enabled", "-v", "false"],
                   env={**os.environ, "CIB_file": str(path)}, check=True, capture_output=True)
    return path


def _env(tmp_path: Path, cib: Path, **extra: str) -> dict[str, str]:
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    for name, body in (("crm_verify", VERIFY), ("cibadmin", '@REAL@ "$@"')):
        real = subprocess.run(["sh", "-c", f"PATH=$PATH:/usr/sbin:/sbin command -v {name}"],
                              capture_output=True, text=True, check=True).stdout.strip()
        tool = bindir / name
        tool.write_text(WRAP.replace("@NAME@", name).replace("@BODY@", body.replace("@REAL@", real)))
        tool.chmod(0o755)
    return {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}", "CIB_file": str(cib),
            "WRAP_LOG": str(tmp_path / "tools.log"), "HOME": str(tmp_path), **extra}


def _log(tmp_path: Path) -> list[str]:
    path = tmp_path / "tools.log"
    return path.read_text().splitlines() if path.exists() else []


def _leftovers(cib: Path) -> list[str]:
    return [p.name for p in cib.parent.iterdir() if p.name.endswith(".tmp")]


def _clush(*words: str) -> list[str]:
    return [sys.executable, "-m", "clushell", "configure", *words]


@pytest.mark.parametrize("edit, probe", [
    (["primitive", "ov1", "ocf:pacemaker:Dummy"], "//primitive[@id='ov1']"),  # new objects: modify
    (["set", "p00003.state", "/run/ov"], "//nvpair[@id='p00003-instance_attributes-state'][@value='/run/ov']"),
])
def test_the_copy_is_written_while_crm_verify_runs(cib: Path, tmp_path: Path, edit: list[str], probe: str) -> None:
    res = subprocess.run(_clush(*edit), env=_env(tmp_path, cib, FAKE_VERIFY_AFTER_WRITE="1"),
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "committed" in res.stderr, res.stderr
    log = _log(tmp_path)
    writes = [i for i, line in enumerate(log) if line.startswith("cibadmin-start") and "--query" not in line]
    assert writes and writes[0] < log.index("crm_verify-end"), log  # the write did not wait for the verdict
    assert etree.parse(str(cib)).xpath(probe) and not _leftovers(cib)


def test_a_refused_verification_writes_nothing(cib: Path, tmp_path: Path) -> None:
    before = cib.read_bytes()
    res = subprocess.run(_clush("primitive", "ov2", "ocf:pacemaker:Dummy"),
                         env=_env(tmp_path, cib, FAKE_VERIFY_SLEEP="1", FAKE_VERIFY_FAIL="1"),
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and "commit refused" in res.stderr and "Traceback" not in res.stderr, res.stderr
    assert any(line.startswith("cibadmin-start --modify") for line in _log(tmp_path))  # the copy had it
    assert cib.read_bytes() == before and not _leftovers(cib)


def test_ctrl_c_during_verification_writes_nothing(cib: Path, tmp_path: Path) -> None:
    before = cib.read_bytes()
    proc = subprocess.Popen(_clush("primitive", "ov3", "ocf:pacemaker:Dummy"),
                            env=_env(tmp_path, cib, FAKE_VERIFY_SLEEP="30"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not any(line.startswith("cibadmin-start --modify") for line in _log(tmp_path)):
        assert time.monotonic() < deadline and proc.poll() is None, _log(tmp_path)
        time.sleep(0.05)
    time.sleep(0.3)  # the copy written, crm_verify still asleep
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the crm_verify wrapper still asleep (clush has gone)
    assert proc.returncode == 130 and "nothing was changed" in err and "Traceback" not in err, err
    assert cib.read_bytes() == before and not _leftovers(cib)


def test_a_writer_without_the_lock_is_never_overwritten(cib: Path, tmp_path: Path) -> None:
    """cibadmin run by hand on the file while clush verifies: clush starts again from the new
    version (the three-way check keeps the other change) instead of renaming its copy over it."""
    env = _env(tmp_path, cib, FAKE_VERIFY_SLEEP="2")
    proc = subprocess.Popen(_clush("primitive", "ov4", "ocf:pacemaker:Dummy"), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(line.startswith("cibadmin-start --modify") for line in _log(tmp_path)):
        assert time.monotonic() < deadline and proc.poll() is None, _log(tmp_path)
        time.sleep(0.05)
    subprocess.run(["cibadmin", "--modify", "--xml-text", '<primitive id="p00005" description="by hand"/>'],
                   env={**os.environ, "CIB_file": str(cib)}, check=True, capture_output=True)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and "committed" in err, err
    root = etree.parse(str(cib))
    assert root.xpath("//primitive[@id='ov4']") and root.xpath("//primitive[@id='p00005'][@description='by hand']")
    assert not _leftovers(cib)


def test_a_big_three_way_write_waits_until_verification_dropped_its_tree(cib: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Above PREPARE_AHEAD_MAX the write parses trees of its own: it starts only once
    verification's own tree is gone (peak memory), still before crm_verify has answered."""
    import io

    from clushell.cib.edit import set_value
    from clushell.commands.tree import Level
    from clushell.context import Context
    from clushell.output import Output
    from clushell.pacemaker import cibio, verify, workspace
    from clushell.session import Options, Session
    from clushell.transport.local import LocalRunner

    env = _env(tmp_path, cib, FAKE_VERIFY_AFTER_WRITE="1")
    monkeypatch.setenv("FAKE_VERIFY_AFTER_WRITE", "1")
    monkeypatch.setenv("PATH", env["PATH"])
    monkeypatch.setenv("WRAP_LOG", env["WRAP_LOG"])
    monkeypatch.setattr(workspace, "PREPARE_AHEAD_MAX", 0)
    events: list[str] = []
    real_verify, real_commit = verify.verify_cib, cibio.commit

    def spy_verify(*a, released=None, **kw):
        return real_verify(*a, released=(lambda: events.append("released") or released()) if released else None,
                           **kw)

    def spy_commit(*a, **kw):
        events.append("write")
        return real_commit(*a, **kw)

    monkeypatch.setattr(verify, "verify_cib", spy_verify)
    monkeypatch.setattr(cibio, "commit", spy_commit)
    session = Session(Options(color=False), Level("root", "root"),
                      Output(color=False, stdout=io.StringIO(), stderr=io.StringIO()))
    session.set_runner(LocalRunner({"CIB_file": str(cib)}))
    ctx = Context(session)
    ws = workspace.get_workspace(ctx)
    set_value(ws.pending, "p00004.state", "/run/held")
    assert ws.commit(ctx) is True
    assert events == ["released", "write"], events
    log = _log(tmp_path)
    writes = [i for i, line in enumerate(log) if line.startswith("cibadmin-start") and "--query" not in line]
    assert writes and writes[0] < log.index("crm_verify-end"), log
    assert etree.parse(str(cib)).xpath("//nvpair[@id='p00004-instance_attributes-state'][@value='/run/held']")
