"""The ipvs level on an offline table (a file in ipvsadm -Sn format), through the real clush
command: staging, diff, commit to the file, save/load/import/export, the sandbox and demo
tables, validation at staging time and the import warnings. No kernel is involved."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO

BASE = "-A -t 10.1.1.100:80 -s rr\n-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 1\n"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = dict(os.environ)
    e.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"),
             CLUSH_CONFIG=str(tmp_path / "clush.conf"), NO_COLOR="1")
    e.pop("CIB_file", None)
    return e


def clush(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clushell", "--no-color", *args], input=stdin, text=True,
                          capture_output=True, env=env, cwd=REPO, timeout=60)


def test_stage_diff_commit_writes_the_file_atomically(tmp_path: Path, env: dict[str, str]) -> None:
    table = tmp_path / "lb.rules"
    table.write_text(BASE)
    res = clush(env, "--ipvs-file", str(table), stdin="""ipvs
service add tcp:10.1.1.110:80 sched=wlc persistent=600 netmask=255.255.255.0
real add tcp:10.1.1.110:80 10.1.1.11 method=dr weight=2
real edit tcp:10.1.1.100:80 10.1.1.2:80 weight=3
diff
commit
show
""")
    assert res.returncode == 0, res.stderr
    assert "+-A -t 10.1.1.110:80 -s wlc -p 600 -M 255.255.255.0" in res.stdout
    assert "ipvsadm -e -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 3" in res.stdout
    assert f"ipvs file: wrote {table} (3 changes)" in res.stderr
    assert table.read_text() == (
        "-A -t 10.1.1.100:80 -s rr\n-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 3\n"
        "-A -t 10.1.1.110:80 -s wlc -p 600 -M 255.255.255.0\n-a -t 10.1.1.110:80 -r 10.1.1.11:80 -g -w 2\n")
    assert "tcp:10.1.1.110:80" in res.stdout and "persistent=600" in res.stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".clush-")]  # no temporary file left


def test_commit_refuses_a_file_changed_underneath(tmp_path: Path, env: dict[str, str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from clushell.commands.root import GLOBALS, build_tree
    from clushell.dispatch import Dispatcher
    from clushell.output import Output
    from clushell.session import Options, Session

    for key in ("XDG_DATA_HOME", "XDG_STATE_HOME", "CLUSH_CONFIG"):
        monkeypatch.setenv(key, env[key])
    table = tmp_path / "lb.rules"
    table.write_text(BASE)
    err = io.StringIO()
    session = Session(Options(ipvs_file=str(table)), build_tree(), Output(color=False, stdout=io.StringIO(),
                                                                            stderr=err))
    d = Dispatcher(session, GLOBALS)
    assert d.run_line("ipvs") and d.run_line("service add tcp:10.1.1.121:80")
    table.write_text(BASE + "-A -t 10.1.1.122:80 -s rr\n")  # another writer, after clush read the file
    assert not d.run_line("commit")
    assert "was changed by someone else since clush read it; nothing was written" in err.getvalue()
    assert "10.1.1.121" not in table.read_text()
    assert d.run_line("refresh") is False  # a script needs -y to drop the staged service
    session.options.yes = True
    session.failed = False  # a new script: this one commits nothing more after its failures
    assert d.run_line("refresh") and d.run_line("service add tcp:10.1.1.121:80") and d.run_line("commit")
    assert "-A -t 10.1.1.121:80 -s wlc" in table.read_text() and "10.1.1.122" in table.read_text()


def test_sandbox_table_when_no_ipvs_and_no_director(env: dict[str, str]) -> None:
    res = clush(env, "ipvs", "service", "add", "tcp:10.1.1.1:80", "sched=rr")
    assert res.returncode == 0, res.stderr
    sandbox = Path(env["XDG_DATA_HOME"]) / "clush" / "ipvs-sandbox.rules"
    assert res.stderr.count("working on the sandbox table") == 1 and str(sandbox) in res.stderr
    assert sandbox.read_text() == "-A -t 10.1.1.1:80 -s rr\n"


def test_preference_and_demo_tables(tmp_path: Path, env: dict[str, str]) -> None:
    pref = tmp_path / "pref.rules"
    pref.write_text(BASE)
    Path(env["CLUSH_CONFIG"]).write_text(f"[ipvs]\nfile = {pref}\n")
    res = clush(env, "ipvs", "show")
    assert res.returncode == 0 and "10.1.1.2:80" in res.stdout and "sandbox" not in res.stderr
    demo = clush(env, "--demo", "ipvs", "show")
    assert demo.returncode == 0, demo.stderr
    assert "tcp:10.0.0.100:80" in demo.stdout and "udp:10.0.0.100:53" in demo.stdout
    status = clush(env, "--demo", "ipvs", "status")
    assert "offline table file" in status.stdout and "services: 3  reals: 5" in status.stdout


def test_kernel_commands_refuse_the_offline_table(tmp_path: Path, env: dict[str, str]) -> None:
    table = tmp_path / "t.rules"
    table.write_text(BASE)
    res = clush(env, "--ipvs-file", str(table), "ipvs", "stats")
    assert res.returncode == 1
    assert f"stats needs a kernel: file is the offline table {table}; name a director with @NAME" in res.stderr


def test_save_says_what_it_saves(tmp_path: Path, env: dict[str, str]) -> None:
    table = tmp_path / "t.rules"
    table.write_text(BASE)
    out = tmp_path / "out.rules"
    live = tmp_path / "live.rules"
    res = clush(env, "--ipvs-file", str(table), stdin=f"""ipvs
service add tcp:10.1.1.130:80
save {out}
save live {live}
refresh
""")
    assert "saving the staged table of file (not committed yet; 'save live' writes the current one)" in res.stderr
    assert "10.1.1.130" in out.read_text() and live.read_text() == BASE
    # refresh would drop the staged service: a script needs -y
    assert "refresh would drop the pending changes" in res.stderr and res.returncode == 1
    res = clush(env, "-y", "--ipvs-file", str(table), stdin="ipvs\nservice add tcp:10.1.1.130:80\nrefresh\ndiff\n")
    assert res.returncode == 0 and "no pending changes" in res.stderr


@pytest.mark.parametrize("line, message", [
    ("real add tcp:10.1.1.100:80 10.1.1.6:8080 method=dr",
     "a DR real server uses the service port 80, not 8080 (write 10.1.1.6:80, or use method=nat to map ports)"),
    ("real add tcp:10.1.1.100:80 10.1.1.6:8080 method=tun", "a TUN real server uses the service port 80"),
    ("service add sctp:[fe80::1%eth0]:80", "IPVS takes no zone (%eth0)"),
    ("real add tcp:10.1.1.100:80 fe80::5%eth1 method=nat", "IPVS takes no zone (%eth1)"),
    ("service add tcp:10.1.1.140:80 netmask=255.255.255.0", "netmask=255.255.255.0 needs persistence"),
    ("service add tcp:10.1.1.140:80 sched=foo", "sched: 'foo' is not one of rr, wrr"),
    ("service add tcp:10.1.1.140:80 ops", "unexpected argument 'ops'"),
    ("service delete tcp:10.1.1.100:80 sched=rr", "service delete takes no sched= (only --now)"),
    ("real add tcp:10.1.1.100:80 10.1.1.7 --now", "--now is for real delete"),
    ("real add tcp:10.1.1.100:80 10.1.1.7 colour=red", "unknown option 'colour'"),
    ("real add tcp:10.1.1.100:80", "missing real"),
    ("daemon start master -x", "bad interface name '-x'"),
    ("daemon start master eth0 port=99999", "bad port=99999 (1..65535)"),
    ("daemon start master eth0 ttl=0", "bad ttl=0 (1..255)"),
    ("daemon start master eth0 group=10.1.1.1", "bad group=10.1.1.1 (a multicast address"),
    ("daemon start master eth0 syncid=300", "bad syncid=300 (0..255)"),
])
def test_validation_at_staging(tmp_path: Path, env: dict[str, str], line: str, message: str) -> None:
    table = tmp_path / "t.rules"
    table.write_text(BASE)
    res = clush(env, "--ipvs-file", str(table), stdin=f"ipvs\n{line}\n")
    errors = [x for x in res.stderr.splitlines() if x.startswith("ERROR")]
    assert len(errors) == 1 and message in errors[0], res.stderr
    assert table.read_text() == BASE


def test_fwmark_reals_keep_their_port_and_dr_without_port_is_fine(tmp_path: Path, env: dict[str, str]) -> None:
    table = tmp_path / "t.rules"
    res = clush(env, "--ipvs-file", str(table), stdin="""ipvs
service add fwm:7 persistent=60
real add fwm:7 10.1.1.9:8080 method=dr
service add tcp:10.1.1.150:443
real add tcp:10.1.1.150:443 10.1.1.9 method=tun
""")
    assert res.returncode == 0, res.stderr
    assert "-a -f 7 -r 10.1.1.9:8080 -g -w 1" in table.read_text()
    assert "-a -t 10.1.1.150:443 -r 10.1.1.9:443 -i -w 1 --tun-type ipip" in table.read_text()


def test_director_lists_anywhere_and_sync_between_files(tmp_path: Path, env: dict[str, str]) -> None:
    table = tmp_path / "t.rules"
    res = clush(env, "--ipvs-file", str(table), stdin="ipvs\nservice @file add tcp:10.1.1.160:80 @file\n"
                "director\n")
    assert res.returncode == 0, res.stderr
    assert "directors: file" in res.stdout and f"file: offline table {table}" in res.stdout
    res = clush(env, "--ipvs-file", str(table), "ipvs", "sync", "@file", "@file")
    assert res.returncode == 1 and "sync needs at least one peer other than the reference" in res.stderr


@pytest.mark.parametrize("end", ["commit\n", "up\n", ""])
def test_a_script_commits_nothing_after_a_failed_command(tmp_path: Path, env: dict[str, str], end: str) -> None:
    """--continue-on-error reports every error; neither commit, level exit nor EOF writes the table."""
    table = tmp_path / "lb.rules"
    table.write_text(BASE)
    res = clush(env, "--continue-on-error", "--ipvs-file", str(table), stdin=f"""ipvs
service add tcp:10.1.1.110:80 sched=wlc
service add tcp:10.1.1.111:80 sched=nosuch
{end}""")
    assert res.returncode == 1
    assert "nosuch" in res.stderr
    assert table.read_text() == BASE
    assert "wrote" not in res.stderr
