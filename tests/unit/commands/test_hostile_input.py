"""Issue 12's hostile inputs, one by one: each gives one line that names the token and the cause.

In-process through the real dispatcher on a CIB file (the message shape is the one a one-shot
`clush LEVEL CMD ...` prints); the byte-level inputs (stdin, -f, --host) run the real `clush`.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from clushell.commands.root import GLOBALS, build_tree
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session
from tests.conftest import clush_argv
from tests.realenv import require

SEED = """configure
property stonith-enabled=false
primitive p1 ocf:pacemaker:Dummy op monitor interval=10s
commit
up
"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("cibadmin", "crm_verify", "crm_resource")
    path = tmp_path_factory.mktemp("hostile") / "cib.xml"
    path.write_text(subprocess.run(["cibadmin", "--empty"], capture_output=True, text=True, check=True).stdout)
    err = io.StringIO()
    dispatcher = Dispatcher(Session(Options(cib_file=str(path)), build_tree(),
                                    Output(color=False, stdout=io.StringIO(), stderr=err)), GLOBALS)
    for line in SEED.splitlines():
        assert dispatcher.run_line(line), err.getvalue()
    dispatcher.leave_all("eof")
    return path


def error_of(cib: Path, line: str, tmp_path: Path) -> str:
    """The stderr of one line (a one-shot), on a copy of the seeded CIB."""
    work = tmp_path / "cib.xml"
    work.write_bytes(cib.read_bytes())
    err = io.StringIO()
    session = Session(Options(cib_file=str(work)), build_tree(), Output(color=False, stdout=io.StringIO(), stderr=err))
    ok = Dispatcher(session, GLOBALS).run_line(line)
    assert not ok, f"{line!r} was accepted"
    return err.getvalue()


CASES = [
    # a control character or a NUL in a value, node name, op attribute, location or date
    ("configure primitive x1 ocf:pacemaker:Dummy params state=a\x01b",
     "ERROR: column 51: primitive: control character U+0001 is not allowed\n"),
    ("configure node 'n\x00'", "ERROR: column 16: node: NUL byte is not allowed\n"),
    ("configure primitive x2 ocf:pacemaker:Dummy op monitor 'interval=10s\x01'",
     "ERROR: column 55: primitive: control character U+0001 is not allowed\n"),
    ("configure location l2 p1 100: 'node\x02'",
     "ERROR: column 31: location: control character U+0002 is not allowed\n"),
    ("configure location l3 p1 rule date gt '2020\x1b'",
     "ERROR: column 39: location: control character U+001B is not allowed\n"),
    ("node standby 'n1\x01'", "ERROR: column 14: standby: args: control character U+0001 is not allowed\n"),
    ("resource meta p1 set target-role 'Stopped\x00'",
     "ERROR: column 34: meta: value: NUL byte is not allowed\n"),
    # names the CIB or the file system cannot take
    ("configure set 'p1.monitor.a=b' 1",
     "ERROR: column 15: set: invalid op attribute name (a letter or '_' first, then letters, digits, '.', '-', "
     "'_')\n"),
    ("resource meta p1 set 'a b' 1",
     "ERROR: column 22: meta: name: invalid attribute name (a letter, '_' or '#' first, then letters, digits, "
     "'.', ':', '-', '_')\n"),
    ("node attribute node1 set 'a b' 1",
     "ERROR: column 26: attribute: name: invalid attribute name (a letter, '_' or '#' first, then letters, "
     "digits, '.', ':', '-', '_')\n"),
    ("cib new " + "s" * 300, "ERROR: column 9: new: name: shadow name too long (300 bytes; at most 228)\n"),
    # checks that came too late
    ("configure primitive x3 ocf:pacemaker:Dummy op monitor interval=abc",
     "ERROR: column 55: primitive: interval: invalid duration (expected e.g. 30s, 500ms, 2min, 1h or PT1M30S): "
     "'interval=abc'\n"),
    ("configure set p1.monitor.timeout abc",
     "ERROR: column 34: set: timeout: invalid duration (expected e.g. 30s, 500ms, 2min, 1h or PT1M30S)\n"),
    ("configure primitive x4 ocf:pacemaker:Dumy",
     "ERROR: column 24: primitive: unknown resource agent ocf:pacemaker:Dumy: the target has no metadata for it "
     "(did you mean ocf:pacemaker:Dummy?)\n"),
    ("configure primitive x5 ocf:pacemakr:Dummy",
     "ERROR: column 24: primitive: unknown OCF provider 'pacemakr' in ocf:pacemakr:Dummy "
     "(did you mean ocf:pacemaker:Dummy?)\n"),
    ("configure primitive x6 systmd:sshd",
     "ERROR: column 24: primitive: unknown resource agent class 'systmd' (did you mean systemd?)\n"),
]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_one_line_naming_token_and_cause(seeded: Path, tmp_path: Path, line: str, expected: str) -> None:
    assert error_of(seeded, line, tmp_path) == expected


def _clush(args: list[str], stdin: bytes, cib: Path) -> subprocess.CompletedProcess[bytes]:
    env_cib = cib.parent / "run.xml"
    env_cib.write_bytes(cib.read_bytes())
    import os

    env = dict(os.environ, CIB_file=str(env_cib))
    return subprocess.run([*clush_argv(), *args], input=stdin, capture_output=True, env=env, timeout=120,
                          check=False)


def test_bytes_that_are_not_utf8_on_stdin(seeded: Path) -> None:
    res = _clush([], b"configure\nshow p1\nshow p\xff1\n", seeded)
    assert res.returncode == 1
    assert res.stderr.decode().splitlines()[-1] == (
        "ERROR: <stdin>:3:7: not UTF-8 (byte 0xff); clush reads UTF-8 text only")


def test_bytes_that_are_not_utf8_in_a_script(seeded: Path, tmp_path: Path) -> None:
    script = tmp_path / "setup.crm"
    script.write_bytes(b"configure\n# caf\xe9\nprimitive x ocf:pacemaker:Dummy\n")
    res = _clush(["-f", str(script)], b"", seeded)
    assert res.returncode == 1
    assert res.stderr.decode().splitlines() == [
        f"ERROR: {script}:2:6: not UTF-8 (byte 0xe9); clush reads UTF-8 text only",
    ]


def test_host_label_longer_than_dns_takes(seeded: Path) -> None:
    res = _clush(["--host", "a" * 64, "status"], b"", seeded)
    assert res.returncode == 1
    assert res.stderr.decode().splitlines()[-1] == (
        "ERROR: status: --host: host name label too long (64 characters; at most 63): "
        "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'")


def test_messages_never_carry_raw_control_bytes() -> None:
    err = io.StringIO()
    out = Output(color=False, stdout=io.StringIO(), stderr=err)
    out.error("no object 'a\nb\x01\udcff'")
    out.warn("quoting crm text:\n\tprimitive p1 Dummy \x1b[31m")
    assert err.getvalue() == ("ERROR: no object 'a\\nb\\x01\\xff'\n"
                              "WARNING: quoting crm text:\n\tprimitive p1 Dummy \\x1b[31m\n")


def test_a_standard_class_this_host_does_not_run_is_left_to_the_commit(seeded: Path, tmp_path: Path) -> None:
    """A container without systemd lists no systemd class: systemd:NAME is not refused at the statement
    (this host cannot tell); crm_verify decides at commit, and -F commits it as crm does."""
    work = tmp_path / "cib.xml"
    work.write_bytes(seeded.read_bytes())
    err = io.StringIO()
    session = Session(Options(cib_file=str(work)), build_tree(), Output(color=False, stdout=io.StringIO(), stderr=err))
    d = Dispatcher(session, GLOBALS)
    assert d.run_line("configure"), err.getvalue()
    assert d.run_line("primitive svc1 systemd:sshd"), err.getvalue()
    assert "unknown" not in err.getvalue()
