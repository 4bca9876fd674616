"""Imports never drop silently: every line a parser does not take is a warning with file:line,
a file of another format is an error naming it, and imports merge into the staged table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clushell.errors import ClushError
from clushell.ipvs import confio
from clushell.ipvs.ipvsadm import save_lines
from clushell.ipvs.model import IpvsError
from tests.paths import REPO


def load(tmp_path: Path, fmt: str, text: str | bytes, name: str = "conf") -> tuple[list[str], list[str], str]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    table, notes = confio.import_file(fmt, str(path))
    return save_lines(table), [str(note) for note in notes], str(path)


# ---------------------------------------------------------------- keepalived

KA_STRAY = """\
global_defs {
    router_id LVS1
}
vrrp_instance VI_1 {
    state MASTER
}
this line is stray text
virtual_server 10.1.1.100 80 {   // the web VIP
    protocol TCP
    lvs_sched rr
    lvs_methd NAT
    persistence_granularity 255.255.255.0
    real_server 10.1.1.2 80 {
        weight 2
        wieght 3
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
"""


def test_keepalived_warns_on_every_line_it_does_not_take(tmp_path: Path) -> None:
    lines, notes, path = load(tmp_path, "keepalived", KA_STRAY)
    assert lines == ["-A -t 10.1.1.100:80 -s rr", "-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 2"]
    assert notes == [
        f"{path}:8: '//' does not start a comment in keepalived.conf (comments start with # or !); "
        "'// the web VIP' ignored",
        f"{path}:7: unknown keyword 'this' at the top level; skipped",
        f"{path}:11: unknown keyword 'lvs_methd' in virtual_server; skipped",
        f"{path}:12: persistence_granularity without persistence_timeout does nothing; skipped",
        f"{path}:15: unknown keyword 'wieght' in real_server; skipped",
    ]


def test_keepalived_dr_port_and_include_warnings(tmp_path: Path) -> None:
    text = """\
include missing/*.conf
virtual_server 10.1.1.101 443 {
    protocol TCP
    lvs_method DR
    real_server 10.1.1.4 9999 {
    }
}
"""
    lines, notes, path = load(tmp_path, "keepalived", text)
    assert lines == ["-A -t 10.1.1.101:443 -s wlc", "-a -t 10.1.1.101:443 -r 10.1.1.4:443 -g -w 1"]
    assert notes == [f"{path}:1: include missing/*.conf matches no file",
                     f"{path}:5: DR real server 10.1.1.4 uses the service port 443; keepalived ignores port 9999"]


def test_keepalived_counts_skipped_and_ignored(tmp_path: Path) -> None:
    path = tmp_path / "k.conf"
    path.write_text(KA_STRAY)
    _, notes = confio.import_file("keepalived", str(path))
    assert notes.skipped == 4 and notes.ignored == ["global_defs", "vrrp_instance"]


# ---------------------------------------------------------------- ldirectord

LD_FLAT = """\
checktimeout=3
virtual=10.1.1.100:80
real=10.1.1.2:80 masq 2
scheduler=rr
    protocol=tcp
"""


def test_ldirectord_unindented_directives_are_warnings(tmp_path: Path) -> None:
    """The issue's case: real=/scheduler= lost their indentation (ldirectord reads them as global)."""
    lines, notes, path = load(tmp_path, "ldirectord", LD_FLAT)
    assert lines == ["-A -t 10.1.1.100:80 -s wrr"]
    assert notes == [
        f"{path}:3: real= is not indented: ldirectord reads it as a global directive (which ends the virtual= "
        "block above) and ignores it; indent it under its virtual=",
        f"{path}:4: scheduler= is not indented: ldirectord reads it as a global directive (which ends the "
        "virtual= block above) and ignores it; indent it under its virtual=",
        f"{path}:5: indented protocol= before any virtual=; skipped",
        f"{path}:2: tcp:10.1.1.100:80 has no real= line (ldirectord sets up the service with no real servers)",
    ]


def test_ldirectord_unknown_keys_comments_and_netmask(tmp_path: Path) -> None:
    text = """\
logfile="local0"
colour=blue
just some words
virtual=10.1.1.101:80
    real=10.1.1.3:80 masq 1   // backup
    real=10.1.1.4:8080 gate
    netmask=255.255.255.0
    checktype=negotiate
    frobnicate=yes
"""
    lines, notes, path = load(tmp_path, "ldirectord", text)
    assert lines == ["-A -t 10.1.1.101:80 -s wrr", "-a -t 10.1.1.101:80 -r 10.1.1.3:80 -m -w 1",
                     "-a -t 10.1.1.101:80 -r 10.1.1.4:80 -g -w 1"]
    assert notes == [
        f"{path}:2: unknown global key 'colour'; skipped",
        f"{path}:3: 'just some words' is not key=value; skipped",
        f"{path}:5: '//' does not start a comment in ldirectord.cf (comments start with #); '// backup' ignored",
        f"{path}:9: unknown key 'frobnicate' in the virtual block; skipped",
        f"{path}:7: netmask= without persistent= does nothing; skipped",
        f"{path}:6: gate real server 10.1.1.4:8080 uses the service port 80; ipvsadm ignores port 8080",
    ]


# ---------------------------------------------------------------- formats and encodings


@pytest.mark.parametrize("fmt, text, looks", [
    ("keepalived", "virtual=10.1.1.1:80\n\treal=10.1.1.2:80 gate\n", "looks like an ldirectord file, not keepalived "
     "(line 1: virtual=10.1.1.1:80); use import ldirectord FILE"),
    ("ldirectord", "virtual_server 10.1.1.1 80 {\n}\n", "looks like a keepalived file, not ldirectord (line 1: "
     "virtual_server 10.1.1.1 80 {); use import keepalived FILE"),
    ("keepalived", "-A -t 10.1.1.1:80 -s rr\n", "looks like an ipvsadm file, not keepalived (line 1: -A -t "
     "10.1.1.1:80 -s rr); use import ipvsadm FILE (or load FILE)"),
])
def test_a_file_of_another_format_is_an_error_naming_it(tmp_path: Path, fmt: str, text: str, looks: str) -> None:
    with pytest.raises(IpvsError) as exc:
        load(tmp_path, fmt, text)
    assert exc.value.message == f"{tmp_path / 'conf'} {looks}"


def test_no_services_at_all_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IpvsError, match="no LVS services found in this keepalived file"):
        load(tmp_path, "keepalived", "# nothing\n")


def test_non_utf8_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(ClushError) as exc:
        load(tmp_path, "ldirectord", b"virtual=10.1.1.1:80\n\treal=10.1.1.2:80 gate # caf\xe9\n")
    assert exc.value.message == (f"{tmp_path / 'conf'}:2: not UTF-8 text (byte 0xe9); convert it first, "
                                 "e.g. iconv -f latin1 -t utf-8")
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "a.conf").write_bytes(b"\n\n\xff\n")
    with pytest.raises(ClushError, match=r"inc/a.conf:3: not UTF-8 text \(byte 0xff\)"):
        load(tmp_path, "keepalived", "include inc/*.conf\nvirtual_server 10.1.1.1 80 {\n}\n")


# ---------------------------------------------------------------- merge and replace, through clush

OTHER = "-A -t 10.1.1.50:80 -s rr\n-a -t 10.1.1.50:80 -r 10.1.1.51:80 -m -w 1\n" \
        "-A -t 10.1.1.100:80 -s wlc\n-a -t 10.1.1.100:80 -r 10.1.1.9:80 -m -w 1\n"
KA_ONE = """\
virtual_server 10.1.1.100 80 {
    protocol TCP
    lvs_sched wrr
    lvs_method NAT
    real_server 10.1.1.2 80 { weight 2 }
    real_server 10.1.1.3 80 { weight 1 }
}
"""
LD_ONE = "virtual=10.1.1.200:80\n\treal=10.1.1.20:80 masq 1\n\tscheduler=rr\n\tprotocol=tcp\nbogus=1\n"


def clush(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"),
               CLUSH_CONFIG=str(tmp_path / "clush.conf"))
    return subprocess.run([sys.executable, "-m", "clushell", "--no-color", "--ipvs-file", str(tmp_path / "t.rules"),
                           *args], input=stdin, text=True, capture_output=True, env=env, cwd=REPO, timeout=60)


def test_imports_merge_and_add_up(tmp_path: Path) -> None:
    (tmp_path / "t.rules").write_text(OTHER)
    (tmp_path / "k.conf").write_text(KA_ONE)
    (tmp_path / "l.cf").write_text(LD_ONE)
    res = clush(tmp_path, stdin=f"ipvs\nimport keepalived {tmp_path}/k.conf\nimport ldirectord {tmp_path}/l.cf\n"
                "diff\n")
    assert res.returncode == 0, res.stderr
    assert f"imported from {tmp_path}/k.conf: 1 service, 2 real servers, 0 skipped items; see diff" in res.stderr
    assert f"imported from {tmp_path}/l.cf: 1 service, 1 real server, 1 skipped item; see diff" in res.stderr
    assert f"{tmp_path}/l.cf:5: unknown global key 'bogus'; skipped" in res.stderr
    table = (tmp_path / "t.rules").read_text().splitlines()
    assert table == [
        "-A -t 10.1.1.50:80 -s rr", "-a -t 10.1.1.50:80 -r 10.1.1.51:80 -m -w 1",  # untouched
        "-A -t 10.1.1.100:80 -s wrr", "-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 2",  # replaced by the file's
        "-a -t 10.1.1.100:80 -r 10.1.1.3:80 -m -w 1",
        "-A -t 10.1.1.200:80 -s rr", "-a -t 10.1.1.200:80 -r 10.1.1.20:80 -m -w 1",  # the second import
    ]
    assert "ipvsadm -D -t 10.1.1.50:80" not in res.stdout


def test_import_replace_lists_removals_and_needs_yes_in_scripts(tmp_path: Path) -> None:
    (tmp_path / "t.rules").write_text(OTHER)
    (tmp_path / "k.conf").write_text(KA_ONE)
    res = clush(tmp_path, stdin=f"ipvs\nimport keepalived {tmp_path}/k.conf replace\n")
    assert res.returncode == 1
    assert "import replace removes from file: tcp:10.1.1.50:80" in res.stdout
    assert "import replace would remove 1 service from file; rerun with -y" in res.stderr
    assert (tmp_path / "t.rules").read_text() == OTHER
    res = clush(tmp_path, "-y", stdin=f"ipvs\nimport keepalived {tmp_path}/k.conf replace\n")
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "t.rules").read_text().splitlines() == [
        "-A -t 10.1.1.100:80 -s wrr", "-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 2",
        "-a -t 10.1.1.100:80 -r 10.1.1.3:80 -m -w 1"]


def test_wrong_format_import_fails_the_script(tmp_path: Path) -> None:
    (tmp_path / "t.rules").write_text(OTHER)
    (tmp_path / "l.cf").write_text(LD_ONE)
    res = clush(tmp_path, stdin=f"ipvs\nimport keepalived {tmp_path}/l.cf\n")
    assert res.returncode == 1 and "looks like an ldirectord file, not keepalived" in res.stderr
    assert (tmp_path / "t.rules").read_text() == OTHER
