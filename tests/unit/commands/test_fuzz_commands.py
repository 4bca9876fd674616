"""Whatever a user types, the answer is a result or one clear error line — never an internal error.

Lines are built from every command of the tree plus hostile arguments (control characters,
NULs, bytes that are not UTF-8, huge tokens, XML specials, key=value soup) and run in-process
through the real dispatcher on a CIB file (a sandbox: no live cluster is touched). Scripts of
random bytes go through the batch reader as `clush -f` and stdin would. Each example runs
LINES lines in one session, so one run checks EXAMPLES x LINES >= 20,000 inputs in a few
minutes; CLUSH_FUZZ_EXAMPLES=N runs longer. Failing inputs are written to
tests/data/fuzz-corpus/ (keep them: every run replays the corpus first).

Safety: the levels that reach other machines (cluster, corosync) are fuzzed with every SSH
runner replaced by FakeNode (hostile words become node names, nothing connects anywhere);
in-process name resolution and TCP connections are refused, and the tools that act on the host
(ipvsadm, systemctl, ssh, crm_node, ...) are replaced by stubs on PATH.
"""

from __future__ import annotations

import io
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clushell import target
from clushell.batch import run_stream
from clushell.commands.root import GLOBALS, build_tree
from clushell.commands.tree import Command, walk
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session
from clushell.textfile import TextLines
from clushell.transport import ssh
from clushell.transport.base import Result
from tests.paths import DATA
from tests.realenv import require

CORPUS = DATA / "fuzz-corpus"
EXAMPLES = int(os.environ.get("CLUSH_FUZZ_EXAMPLES", "400"))
LINES = 50  # lines per example (one session): EXAMPLES * LINES inputs per run
SKIP_LEVELS: set[str] = set()  # every level is fuzzed (cluster/corosync against FakeNode runners)
SKIP_COMMANDS = {("quit",)}
#: host tools replaced by a stub that fails (a fuzzed line must never reach them for real)
STUBBED = ("ipvsadm", "systemctl", "service", "ssh", "scp", "crm_node", "crmadmin", "stonith_admin",
           "corosync-cfgtool", "corosync-quorumtool", "corosync-keygen", "keepalived", "ldirectord", "sudo",
           "vi", "vim", "nano", "sensible-editor", "editor")

HOSTILE = ["", "'", '"', "\\", "$(touch /tmp/clush-pwned)", "`id`", ";", "é", "x" * 300, "a=b", "=", "a=",
           ":", "::", "inf:", "-inf:", "p1", "p2", "g1", "node1", "nope", "-1", "0", "99999999999", "--force",
           "force", "xml", "changed", "type:primitive", "related:p1", "op", "params", "meta", "monitor",
           "interval=10s", "interval=abc", "timeout=-1", "rule", "#uname", "eq", "and", "or", "not_defined",
           "(", ")", "[", "]", "{", "}", "@p", "@local", "ocf:heartbeat:IPaddr2", "ocf:pacemaker:Dummy",
           "Dummy", "Dumy", "stonith:", "role=Promoted", "date", "in_range", "start=2020", "gt", "lt",
           "set", "delete", "show", "add", "edit", "tcp:10.0.0.1:80", "udp:[::1]:53", "fwm:1", "10.0.0.2:80",
           "weight=3", "sched=rr", "method=dr", "--now", "-w", "live", "s1", "update", "replace", "push", "-",
           "p1.monitor.timeout", "p1.monitor.a=b", "target-role", "Stopped", "clone", "group", "ms", "lifetime",
           "PT1M", "reboot", "forever", "--all", "1.5", "-inf", "INFINITY", "core.editor", "core.pager"]
XML_SPECIALS = ["<", ">", "&", "&amp;", "]]>", "<!--", "-->", "<x/>", "&#0;", "\ufffe", "\uffff", "'\"",
                "<![CDATA[", "\u2028", "\u00a0", "\U0001f600"]

SEED = """configure
property stonith-enabled=false
primitive p1 ocf:pacemaker:Dummy op monitor interval=10s
primitive p2 ocf:pacemaker:Dummy
group g1 p2
location l1 p1 100: node1
commit
up
"""

TREE = build_tree()


def command_paths() -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = [(g.name,) for g in GLOBALS if (g.name,) not in SKIP_COMMANDS]
    for path, _node in walk(TREE):
        if path[0] not in SKIP_LEVELS and path not in SKIP_COMMANDS:
            paths.append(path)  # commands, and levels (entering them is a command too)
    return paths


PATHS = command_paths()

# -- inputs ------------------------------------------------------------------------------------
controls = st.text(st.one_of(st.characters(max_codepoint=0x1F), st.sampled_from("ab=:.\x7f")), min_size=1,
                   max_size=6)
not_utf8 = st.binary(min_size=1, max_size=8).map(lambda b: b.decode("utf-8", "surrogateescape"))
huge = st.sampled_from([255, 256, 300, 4096, 70000]).flatmap(
    lambda n: st.sampled_from(["x" * n, "p" * n + "=1", "a." * (n // 2), "\x01" * n]))
word = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
token = st.one_of(
    st.sampled_from(HOSTILE), st.sampled_from(XML_SPECIALS), controls, not_utf8, huge, word,
    st.tuples(st.sampled_from(HOSTILE) | word, st.sampled_from(HOSTILE) | controls | not_utf8).map("=".join),
)
tree_line = st.tuples(st.sampled_from(PATHS), st.lists(token, max_size=6)).map(
    lambda pa: " ".join([*pa[0], *(shlex.quote(a) for a in pa[1])]))
raw_line = st.one_of(word, st.lists(token, max_size=5).map(" ".join))
line = st.one_of(tree_line, tree_line, tree_line, raw_line)
script = st.lists(st.one_of(line.map(lambda s: s.encode("utf-8", "surrogateescape")), st.binary(max_size=30)),
                  max_size=6).map(b"\n".join)


# -- the sandbox --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A seeded CIB file, stub tools first on PATH, no network, a scratch working directory."""
    require("cibadmin", "crm_verify", "crm_resource")
    base = tmp_path_factory.mktemp("fuzz")
    bindir = base / "bin"
    bindir.mkdir()
    for tool in STUBBED:
        stub = bindir / tool
        stub.write_text("#!/bin/sh\necho \"$0: not run by the fuzz test\" >&2\nexit 1\n")
        stub.chmod(0o755)
    cib = base / "base.xml"
    cib.write_text(subprocess.run(["cibadmin", "--empty"], capture_output=True, text=True, check=True).stdout)
    mp = pytest.MonkeyPatch()
    mp.setenv("PATH", f"{bindir}:{os.environ['PATH']}")
    mp.setenv("CIB_shadow_dir", str(base / "shadows"))
    mp.setenv("EDITOR", "true")
    mp.setenv("VISUAL", "true")
    mp.setenv("PAGER", "cat")
    mp.setenv("CLUSH_CONFIG", str(base / "clush.conf"))
    mp.setattr(ssh, "SshRunner", FakeNode)  # cluster/corosync: node runners are fakes
    # never "this very node" (a LocalRunner on the host's /etc/corosync), even beside a live cluster
    mp.setattr(target, "local_cluster_answers", lambda: False)
    mp.setattr(socket, "getaddrinfo", _no_network)
    mp.setattr(socket, "create_connection", _no_network)
    mp.setattr(socket.socket, "connect", _unix_only(socket.socket.connect))
    mp.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    mp.chdir(base)  # `save FILE` and friends write relative paths here, not in the checkout
    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(cib_file=str(cib)), TREE, Output(color=False, stdout=out, stderr=err))
    dispatcher = Dispatcher(session, GLOBALS)
    for text in SEED.splitlines():
        assert dispatcher.run_line(text), err.getvalue()
    dispatcher.leave_all("eof")
    yield cib
    mp.undo()
    assert not os.path.exists("/tmp/clush-pwned")


class FakeNode:
    """Stands in for SshRunner: answers every tool with a failure, never connects."""

    def __init__(self, host_spec: str, **_kw: object):
        user, alias, _port = ssh.parse_host_spec(host_spec)  # hostile specs fail as for real
        self.where, self.hostname, self.base_env = f"{user or 'root'}@{alias}", alias, {}

    def run(self, argv, *, stdin=None, env=None, timeout=None) -> Result:  # noqa: ANN001
        return Result(1, "", f"{argv[0]}: not run by the fuzz test")

    def write_file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        from clushell.errors import TransportError

        raise TransportError(f"{self.where}: cannot write {path}: not in the fuzz test")

    def close(self) -> None:
        pass


def _no_network(*args: object, **kwargs: object) -> None:
    raise socket.gaierror(socket.EAI_NONAME, "network disabled in the fuzz test")


def _unix_only(connect):  # noqa: ANN001, ANN202  (wraps socket.socket.connect)
    def guarded(self: socket.socket, address: object) -> None:
        if self.family != socket.AF_UNIX:
            raise OSError("network disabled in the fuzz test")
        return connect(self, address)

    return guarded


# -- running and checking -------------------------------------------------------------------------
def check(where: str, err: str, out: str) -> None:
    """The answer is a result or one-line errors: no internal error, no traceback, no raw control bytes."""
    assert "internal error" not in err, f"{where}: {err}"
    assert "Traceback" not in err + out, f"{where}: {err}"
    for msg in err.splitlines():
        assert msg.startswith(("ERROR: ", "WARNING: ", "INFO: ", "\t")) or not msg.strip(), f"{where}: {msg!r}"
        assert msg.isprintable() or "\t" in msg, f"{where}: raw control character in {msg!r}"


def run_lines(cib: Path, lines: list[str], *, commit: bool = False) -> None:
    work = cib.parent / "work.xml"
    shutil.copy(cib, work)
    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(cib_file=str(work)), TREE, Output(color=False, stdout=out, stderr=err))
    dispatcher = Dispatcher(session, GLOBALS)
    for text in lines:
        done = len(err.getvalue()), len(out.getvalue())
        try:
            dispatcher.run_line(text)
        except BaseException as exc:  # run_line reports everything itself; anything else is a bug
            record(lines, f"{type(exc).__name__}: {exc}")
            raise
        try:
            check(repr(text), err.getvalue()[done[0]:], out.getvalue()[done[1]:])
        except AssertionError:
            record(lines, "check")
            raise
        if session.quit_requested:
            break
    if commit:
        dispatcher.leave_all("eof")
    else:
        session.discard_pending("end of the fuzz example")
    check("end", err.getvalue(), "")


def run_script(cib: Path, data: bytes) -> None:
    work = cib.parent / "work.xml"
    shutil.copy(cib, work)
    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(cib_file=str(work)), TREE, Output(color=False, stdout=out, stderr=err))
    run_stream(Dispatcher(session, GLOBALS), TextLines(io.BytesIO(data), "fuzz.crm"), "fuzz.crm")
    try:
        check(f"script {data!r}", err.getvalue(), out.getvalue())
    except AssertionError:
        record([data.decode("utf-8", "surrogateescape")], "script")
        raise


def record(lines: list[str], why: str) -> None:
    """Keep the failing input in the corpus (JSON: control characters and broken bytes survive).

    Hypothesis shrinks a failure by running smaller inputs; each overwrites ``new-failure.json``,
    so the file ends up holding the smallest. Rename it to say what it found and commit it.
    """
    CORPUS.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"why": why, "lines": lines}, indent=1) + "\n"
    (CORPUS / "new-failure.json").write_text(text, encoding="utf-8", errors="surrogatepass")


def corpus() -> list[Path]:
    return sorted(CORPUS.glob("*.json")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.stem)
def test_corpus_replays(sandbox: Path, path: Path) -> None:
    entry = json.loads(path.read_text(encoding="utf-8", errors="surrogatepass"))
    if entry.get("why") == "script":
        run_script(sandbox, entry["lines"][0].encode("utf-8", "surrogateescape"))
    else:
        run_lines(sandbox, entry["lines"])


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(lines=st.lists(line, min_size=LINES, max_size=LINES), commit=st.integers(0, 19))
def test_no_internal_errors(sandbox: Path, lines: list[str], commit: int) -> None:
    run_lines(sandbox, lines, commit=commit == 0)  # one example in 20 also commits at the end


@settings(max_examples=max(EXAMPLES // 4, 20), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=script)
def test_scripts_of_any_bytes(sandbox: Path, data: bytes) -> None:
    run_script(sandbox, data)


def test_every_command_is_fuzzed() -> None:
    """New commands are fuzzed automatically; only the documented levels are left out."""
    fuzzed = {p for p in PATHS}
    for path, node in walk(TREE):
        if isinstance(node, Command) and path[0] not in SKIP_LEVELS:
            assert path in fuzzed
    assert len(fuzzed) > 100
