"""The CIB read started at process start (clushell.readahead, cli._loads_cib_first).

A fake `cibadmin` on PATH logs each run; the live cluster is pretended (target.local_cluster_answers,
readahead.cluster_answers).
The prefetch may only answer the live runner's first call when it is exactly that call; every
other way ends with the process killed and reaped (never a zombie) and the tool asked again.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clushell import cli, readahead, target
from clushell.pacemaker import cibdisk
from clushell.transport.local import LocalRunner
from clushell.transport.toolenv import tool_env

FAKE = """#!/bin/sh
echo "$$ $*" >> {log}
[ -n "$FAKE_SLEEP" ] && sleep "$FAKE_SLEEP"
echo '<cib epoch="{epoch}" num_updates="0" admin_epoch="0"><configuration><crm_config/><nodes/>'
echo '<resources><primitive id="pf1" class="ocf" provider="pacemaker" type="Dummy"/></resources>'
echo '<constraints/></configuration><status/></cib>'
"""


@pytest.fixture
def fake_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake cibadmin first on PATH; returns its log (one line per run: pid and arguments)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "cibadmin.log"
    tool = bindir / "cibadmin"
    tool.write_text(FAKE.format(log=log, epoch=7))
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ['PATH']}")
    monkeypatch.delenv("CIB_file", raising=False)
    monkeypatch.delenv("CIB_shadow", raising=False)
    monkeypatch.setattr(target, "local_cluster_answers", lambda: True)
    monkeypatch.setattr(readahead, "cluster_answers", lambda: True)
    monkeypatch.setattr(cibdisk, "_disk_path", lambda: None)  # the whole CIB through cibadmin (test_cibdisk)
    yield log
    readahead.discard()


def runs(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # not our child any more: reaped
    return False


def pending() -> readahead.Prefetch:
    assert len(readahead._reads) == 1
    pre = readahead._reads[0]
    assert pre.pid is not None
    return pre


def test_first_query_of_the_live_runner_is_answered_by_the_prefetch(fake_cluster: Path) -> None:
    readahead.start()
    pid = pending().pid
    runner = target.local_runner({})
    res = runner.run(["cibadmin", "--query"], timeout=30)
    assert res.ok and 'epoch="7"' in res.out
    assert len(runs(fake_cluster)) == 1 and runs(fake_cluster)[0].split()[0] == str(pid)
    assert reaped(pid)
    runner.run(["cibadmin", "--query"], timeout=30)  # later queries ask the CIB again
    assert len(runs(fake_cluster)) == 2


def test_another_first_call_drops_it(fake_cluster: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_SLEEP", "30")  # still running: it must be killed, not waited for
    readahead.start()
    pid = pending().pid
    monkeypatch.delenv("FAKE_SLEEP")
    runner = target.local_runner({})
    res = runner.run(["cibadmin", "--query", "--scope", "nodes"], timeout=30)
    assert res.ok
    assert reaped(pid)
    assert runs(fake_cluster)[-1].endswith("--query --scope nodes")
    runner.run(["cibadmin", "--query"], timeout=30)  # not the first call any more: asked again
    last = runs(fake_cluster)[-1].split()
    assert last[1:] == ["--query"] and last[0] != str(pid)


@pytest.mark.parametrize("change", ["environ", "stdin", "env"])
def test_a_different_environment_or_input_drops_it(fake_cluster: Path, monkeypatch: pytest.MonkeyPatch,
                                                   change: str) -> None:
    readahead.start()
    pid = pending().pid
    runner = target.local_runner({})
    kw: dict[str, object] = {}
    if change == "environ":
        monkeypatch.setenv("CIB_user", "someone")
    elif change == "stdin":
        kw["stdin"] = b"<x/>"
    else:
        kw["env"] = {"CLUSH_TXN": "1"}
    runner.run(["cibadmin", "--query"], timeout=30, **kw)
    assert reaped(pid)
    assert runs(fake_cluster)[-1].split()[0] != str(pid)  # the tool was asked again


def test_not_for_a_cib_file_or_shadow(fake_cluster: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    readahead.start()
    pid = pending().pid
    runner = target.local_runner({"CIB_file": str(tmp_path / "x.xml")})
    assert type(runner) is LocalRunner and readahead._reads == []
    assert reaped(pid)
    monkeypatch.setenv("CIB_shadow", "s")
    readahead.start()
    assert readahead._reads == []


def test_no_cluster_no_prefetch(fake_cluster: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readahead, "cluster_answers", lambda: False)
    readahead.start()
    assert readahead._reads == [] and not runs(fake_cluster)


def test_unused_prefetch_is_killed_and_reaped(fake_cluster: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_SLEEP", "30")
    readahead.start()
    pid = pending().pid
    readahead.discard()
    assert reaped(pid)
    readahead.start()  # handed to a runner that is closed without a call
    pid = pending().pid
    target.local_runner({}).close()
    assert reaped(pid)


def test_prefetch_runs_what_the_local_runner_would(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def fake_run(argv, **kw):
        seen.update(argv=argv, env=kw["env"])
        return subprocess.CompletedProcess(argv, 0, b"", b"")

    monkeypatch.setattr(subprocess, "run", fake_run)
    LocalRunner().run(list(readahead.QUERY_ARGV))
    assert seen["env"] == tool_env(dict(os.environ))
    assert Path(str(seen["argv"][0])).name == "cibadmin" and seen["argv"][1:] == ["--query"]


class Stdin(io.TextIOWrapper):
    def __init__(self, data: bytes, tty: bool):
        super().__init__(io.BufferedReader(io.BytesIO(data)))
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize("args, stdin, tty, expected", [
    (["configure", "primitive", "p", "ocf:pacemaker:Dummy"], b"", True, True),
    (["-y", "--no-color", "configure", "show"], b"", True, True),
    (["configure"], b"show\n", False, True),  # enters configure, then a script
    (["configure"], b"", True, False),  # the REPL: it loads when the user enters configure
    ([], b"", True, False),
    ([], b"# comment\n\nconfigure show\n", False, True),
    ([], b"status\nconfigure show\n", False, False),
    (["status"], b"", True, False),
    (["--host", "n1", "configure", "show"], b"", True, False),
    (["--cib-file", "x.xml", "configure", "show"], b"", True, False),
    (["--cib=x.xml", "configure", "show"], b"", True, False),  # argparse abbreviations: not ours to guess
    (["--demo", "configure", "show"], b"", True, False),
    (["--continue-on-error", "configure", "show"], b"", True, False),
    (["-f", "-"], b"configure\nshow\n", False, True),
])
def test_which_runs_load_the_cib_first(monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: bytes,
                                       tty: bool, expected: bool) -> None:
    monkeypatch.setattr(sys, "stdin", Stdin(stdin, tty))
    assert cli._loads_cib_first(args) is expected
    assert sys.stdin.read() == stdin.decode()  # peeked, not consumed


def test_scripts_by_their_first_line(tmp_path: Path) -> None:
    script = tmp_path / "s.crm"
    script.write_text("# set up\nconfigure\nprimitive p ocf:pacemaker:Dummy\n")
    assert cli._loads_cib_first(["-f", str(script)])
    assert not cli._loads_cib_first(["-f", str(script), "configure", "show"])  # a usage error
    script.write_text("resource stop p\n")
    assert not cli._loads_cib_first(["-f", str(script)])
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert not cli._loads_cib_first(["-f", str(fifo)])  # never opened: it would block
    assert not cli._loads_cib_first(["-f", str(tmp_path / "missing")])


def test_one_shot_configure_reads_the_cib_once(fake_cluster: Path, monkeypatch: pytest.MonkeyPatch,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(target, "local_node_name", lambda: "node1")
    monkeypatch.setattr(sys, "stdin", Stdin(b"", True))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(fake_cluster.parent / "config"))
    assert cli.main(["configure", "show", "pf1"]) == 0
    out = capfd.readouterr().out
    assert "primitive pf1 ocf:pacemaker:Dummy" in out, out
    assert len(runs(fake_cluster)) == 1
    assert readahead._reads == []
    assert all(reaped(int(r.split()[0])) for r in runs(fake_cluster))


def test_node_name_is_asked_at_the_same_time(fake_cluster: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tool = fake_cluster.parent / "bin" / "crm_node"
    tool.write_text(f"#!/bin/sh\necho \"$$ crm_node\" >> {fake_cluster}\necho fakenode\n")
    tool.chmod(0o755)
    readahead.start()
    pre = readahead._node
    assert pre is not None and pre.pid is not None
    pid = pre.pid
    assert target.local_node_name() == "fakenode"
    assert reaped(pid) and readahead._node is None
    assert [r.split()[0] for r in runs(fake_cluster) if r.endswith("crm_node")] == [str(pid)]
    readahead.start()
    pid = readahead._node.pid
    monkeypatch.setenv("PCMK_debug", "no")  # another environment: asked again
    assert target.local_node_name() == "fakenode"
    assert reaped(pid)
    assert [r for r in runs(fake_cluster) if r.endswith("crm_node")][-1].split()[0] != str(pid)


def test_a_query_that_does_not_answer_in_time_is_killed(fake_cluster: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from clushell.errors import TransportError

    monkeypatch.setenv("FAKE_SLEEP", "30")
    readahead.start()
    pid = pending().pid
    with pytest.raises(TransportError, match="no answer within 0.2 s"):
        target.local_runner({}).run(["cibadmin", "--query"], timeout=0.2)
    assert reaped(pid)


def test_no_standard_input_is_no_prefetch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    assert not cli._loads_cib_first(["configure"])
    assert not cli._loads_cib_first([])
