"""The live CIB's version stamp for `clush __complete`: its read starts before the imports, is
taken by the one call it stands for, and never outlives the Tab (killed and reaped)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clushell import cli
from clushell.complete import stamp
from clushell.transport.base import Result

FAKE = """#!/bin/sh
echo "$$ $*" >> {log}
[ -n "$FAKE_SLEEP" ] && sleep "$FAKE_SLEEP"
echo '<cib epoch="9" num_updates="4" admin_epoch="1"/>'
"""


class CountingRunner:
    """The runner a Tab's source has; counts the calls that did not come from the early read."""

    def __init__(self) -> None:
        self.base_env: dict[str, str] = {}
        self.calls: list[list[str]] = []

    def run(self, argv, **kw) -> Result:
        self.calls.append(list(argv))
        return Result(0, '<cib epoch="9" num_updates="4" admin_epoch="1"/>', "")


@pytest.fixture
def fake_cibadmin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "cibadmin.log"
    tool = bindir / "cibadmin"
    tool.write_text(FAKE.format(log=log))
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ['PATH']}")
    monkeypatch.delenv("CIB_file", raising=False)
    monkeypatch.delenv("CIB_shadow", raising=False)
    monkeypatch.setattr(stamp, "cib_sockets", lambda: "11,12")
    yield log
    stamp.discard_live_read()


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_early_read_answers_the_stamp(fake_cibadmin: Path) -> None:
    stamp.start_live_read(["configure", "show"])
    pre = stamp._live_read
    assert pre is not None and pre.pid is not None
    pid = pre.pid
    runner = CountingRunner()
    assert stamp.live_stamp(runner, "11,12", 2.0) == "live:11,12:1:9:4"
    assert runner.calls == [] and reaped(pid) and stamp._live_read is None
    assert fake_cibadmin.read_text().split(None, 1)[1].strip() == " ".join(stamp.LIVE_STAMP_ARGV[1:])


@pytest.mark.parametrize("words, env", [
    (["configure"], {}),  # a command word is completed: tree words only, no live data
    ([], {}),
    (["--cib-file", "/tmp/x.xml", "configure", "show"], {}),
    (["--host", "n1", "configure", "show"], {}),
    (["configure", "show"], {"CIB_file": "/tmp/x.xml"}),
    (["configure", "show"], {"CIB_shadow": "s1"}),
])
def test_no_early_read_when_it_cannot_be_used(fake_cibadmin: Path, monkeypatch: pytest.MonkeyPatch,
                                              words: list[str], env: dict[str, str]) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    stamp.start_live_read(words)
    assert stamp._live_read is None and not fake_cibadmin.exists()


def test_no_cluster_no_early_read(fake_cibadmin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stamp, "cib_sockets", lambda: None)
    stamp.start_live_read(["configure", "show"])
    assert stamp._live_read is None


def test_another_environment_asks_again(fake_cibadmin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stamp.start_live_read(["resource", "stop"])
    pid = stamp._live_read.pid
    runner = CountingRunner()
    runner.base_env = {"CIB_file": "/tmp/other.xml"}  # not the call the read stands for
    assert stamp.live_stamp(runner, "11,12", 2.0) == "live:11,12:1:9:4"
    assert len(runner.calls) == 1 and reaped(pid)


def test_a_slow_read_is_given_up_and_reaped(fake_cibadmin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_SLEEP", "30")
    stamp.start_live_read(["configure", "show"])
    pid = stamp._live_read.pid
    assert stamp.live_stamp(CountingRunner(), "11,12", 0.2) is None  # unknown: no cache used
    assert reaped(pid)


def test_an_unused_read_dies_with_the_tab(fake_cibadmin: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FAKE_SLEEP", "30")
    started: list[int] = []
    real = stamp.start_live_read

    def spy(words):
        real(words)
        if stamp._live_read is not None:
            started.append(stamp._live_read.pid)

    monkeypatch.setattr(stamp, "start_live_read", spy)
    monkeypatch.setattr("clushell.complete.shell.shell_main", lambda args: 0)  # answered without live data
    assert cli.main(["__complete", "bash", "2", "configure", "show", "p"]) == 0
    assert len(started) == 1 and reaped(started[0]) and stamp._live_read is None
