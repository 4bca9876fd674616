"""clush over SSH against a real sshd on loopback (tests/realenv/sshd.py)."""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest

from clushell.errors import ToolMissing, TransportError
from clushell.transport.ssh import HostKeyError, SshRunner, parse_host_spec, remote_command
from tests.paths import CLUSH
from tests.realenv import require

pytestmark = pytest.mark.ssh


def clush(server, *args: str, stdin: str = "", home: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLUSH, *args], input=stdin, capture_output=True, text=True, timeout=120,
                          env=server.env(home))


def empty_cib(path) -> str:
    require("cibadmin")
    with open(path, "w") as f:
        subprocess.run(["cibadmin", "--empty"], stdout=f, check=True)
    return str(path)


def host_fingerprint(server) -> str:
    out = subprocess.run(["ssh-keygen", "-lf", os.path.join(server.dir, "hostkey.pub")],
                         capture_output=True, text=True, check=True).stdout
    return out.split()[1]


def accepted_logins(server) -> int:
    with open(os.path.join(server.dir, "sshd.log")) as f:
        return f.read().count("Accepted publickey")


# -- pure parts --------------------------------------------------------------------------
def test_host_spec_forms():
    assert parse_host_spec("node1") == (None, "node1", None)
    assert parse_host_spec("admin@node1:2222") == ("admin", "node1", 2222)
    assert parse_host_spec("[::1]:22") == (None, "::1", 22)
    assert parse_host_spec("fe80::1") == (None, "fe80::1", None)
    with pytest.raises(TransportError, match="bad port"):
        parse_host_spec("node1:http")


def test_remote_command_quotes_every_word():
    import shlex

    argv = ["cibadmin", "-X", "$(touch /tmp/p); `id` 'q'"]
    words = shlex.split(remote_command(argv, {"CIB_file": "/a b"}))
    assert words[:2] == ["/bin/sh", "-c"] and words[3:] == ["clush", "CIB_file=/a b", *argv]


# -- through the clush console script ---------------------------------------------------
def test_configure_remote_cib_file_stores_hostile_value_literally(sshd, tmp_path):
    """--host NAME --cib-file PATH edits that file on the remote side; nothing the user typed runs."""
    os.chmod(tmp_path, 0o755)
    cib = empty_cib(tmp_path / "remote.xml")
    canary = tmp_path / "x"
    canary.mkdir()
    pwned = tmp_path / "pwned"
    value = f"; rm -rf {canary} $(touch {pwned}) `touch {pwned}2` \"dq\" 'sq'"
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    script = f'configure\nproperty stonith-enabled=false\nprimitive evil Dummy params fake="{quoted}"\n'
    res = clush(sshd, "--host", sshd.alias, "--cib-file", cib, stdin=script)
    assert res.returncode == 0, res.stderr
    got = subprocess.run(["cibadmin", "-Q", "--xpath", "//nvpair[@name='fake']"], capture_output=True, text=True,
                         env={**os.environ, "CIB_file": cib}, check=True).stdout
    from lxml import etree

    assert etree.fromstring(got.encode()).get("value") == value
    assert canary.is_dir()
    assert not pwned.exists() and not (tmp_path / "pwned2").exists()


def test_unknown_host_key_refused_with_fingerprint_then_accepted(sshd, tmp_path):
    cib = empty_cib(tmp_path / "c.xml")
    home = sshd.make_home("unknown-key", known_hosts=False)
    res = clush(sshd, "--host", sshd.alias, "--cib-file", cib, "configure", "property", "stonith-enabled=false",
                home=home)
    assert res.returncode == 1
    assert host_fingerprint(sshd) in res.stderr
    assert "not known" in res.stderr and "Traceback" not in res.stderr
    assert open(os.path.join(home, ".ssh", "known_hosts")).read() == ""
    res = clush(sshd, "--host", sshd.alias, "--cib-file", cib, "--accept-new-host-key", "configure", "property",
                "stonith-enabled=false", home=home)
    assert res.returncode == 0, res.stderr
    assert sshd.host_key_line.split()[1] in open(os.path.join(home, ".ssh", "known_hosts")).read()


def test_changed_host_key_refused_even_with_accept_flag(sshd, tmp_path):
    cib = empty_cib(tmp_path / "c.xml")
    home = sshd.make_home("changed-key", known_hosts=False)
    other = tmp_path / "otherkey"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    with open(os.path.join(home, ".ssh", "known_hosts"), "w") as f:
        pub = open(f"{other}.pub").read().split()
        f.write(f"[127.0.0.1]:{sshd.port} {pub[0]} {pub[1]}\n")
    res = clush(sshd, "--host", sshd.alias, "--cib-file", cib, "--accept-new-host-key", "configure", "property",
                "stonith-enabled=false", home=home)
    assert res.returncode == 1
    assert "CHANGED" in res.stderr and host_fingerprint(sshd) in res.stderr
    assert f"ssh-keygen -R '[127.0.0.1]:{sshd.port}'" in res.stderr  # the name known_hosts has
    assert "Traceback" not in res.stderr


def test_wrong_user_refused(sshd, tmp_path):
    cib = empty_cib(tmp_path / "c.xml")
    res = clush(sshd, "--host", f"nosuchuser@{sshd.alias}", "--cib-file", cib, "configure", "property",
                "stonith-enabled=false")
    assert res.returncode == 1
    assert "permission denied" in res.stderr and "nosuchuser" in res.stderr
    assert len(res.stderr.strip().splitlines()) <= 2, res.stderr


def test_one_connection_for_a_whole_session(sshd, tmp_path):
    cib = empty_cib(tmp_path / "c.xml")
    before = accepted_logins(sshd)
    script = "configure\nproperty stonith-enabled=false\nprimitive a Dummy\nprimitive b Dummy\ncommit\n" \
             "primitive c Dummy\ncommit\n"
    res = clush(sshd, "--host", sshd.alias, "--cib-file", cib, stdin=script)
    assert res.returncode == 0, res.stderr
    time.sleep(0.2)  # sshd writes its log line asynchronously
    assert accepted_logins(sshd) - before == 1


def test_nonroot_haclient_member_reads_live_cib(sshd, live_cluster, monkeypatch):
    monkeypatch.setenv("HOME", sshd.home)
    runner = SshRunner(sshd.user_alias)
    from clushell.pacemaker import cibio

    try:
        assert b"<configuration>" in cibio.query(runner)
        assert runner.run(["id", "-un"]).out.strip() == "clushuser"
    finally:
        runner.close()


def test_nonroot_permission_problem_is_one_clear_line(sshd, tmp_path):
    cib = empty_cib(tmp_path / "private.xml")
    os.chmod(cib, 0o600)  # root's file: clushuser may not read it
    res = clush(sshd, "--host", sshd.user_alias, "--cib-file", cib, "configure", "property", "stonith-enabled=false")
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1 and "clushuser" in errors[0], res.stderr


# -- the runner API -------------------------------------------------------------------------
@pytest.fixture
def runner(sshd, monkeypatch):
    monkeypatch.setenv("HOME", sshd.home)
    r = SshRunner(sshd.alias)
    yield r
    r.close()


def test_rc_stdout_stderr_and_stdin_come_back_separately(runner):
    res = runner.run(["sh", "-c", "cat; echo oops >&2; exit 3"], stdin=b"payload\x00bytes")
    assert (res.rc, res.out, res.err) == (3, "payload\x00bytes", "oops\n")
    big = b"y" * 3_000_000
    assert runner.run(["wc", "-c"], stdin=big).out.strip() == str(len(big))
    assert runner.connects == 1


def test_environment_passed_explicitly(runner):
    res = runner.run(["sh", "-c", 'printf "%s|%s" "$CIB_file" "$LC_ALL"'], env={"CIB_file": "/x y/$(id)"})
    assert res.out == "/x y/$(id)|C"


def test_missing_tool_and_timeout(runner):
    with pytest.raises(ToolMissing, match="nosuchtool"):
        runner.run(["nosuchtool"])
    with pytest.raises(TransportError, match="no answer within 1 s"):
        runner.run(["sleep", "10"], timeout=1)
    assert runner.run(["true"]).rc == 0  # usable again afterwards


def test_dropped_connection_reopened_once_between_commands(runner, sshd):
    assert runner.run(["true"]).rc == 0
    assert sshd.kill_sessions() >= 1
    time.sleep(0.3)
    assert runner.run(["echo", "again"]).out == "again\n"
    assert runner.connects == 2


def test_command_in_flight_is_failed_not_retried(runner, sshd, tmp_path):
    os.chmod(tmp_path, 0o755)
    marker = tmp_path / "ran"
    runner.connect()
    killer = threading.Timer(0.7, sshd.kill_sessions)
    killer.start()
    with pytest.raises(TransportError, match="connection lost while sh was running.*not retried"):
        runner.run(["sh", "-c", f'echo once >> "{marker}"; sleep 5'])
    killer.join()
    time.sleep(0.3)
    assert marker.read_text() == "once\n"


def test_unknown_host_key_via_api_carries_fingerprint(sshd, monkeypatch):
    monkeypatch.setenv("HOME", sshd.make_home("api-unknown", known_hosts=False))
    with pytest.raises(HostKeyError) as err:
        SshRunner(sshd.alias).connect()
    assert err.value.fingerprint == host_fingerprint(sshd) and not err.value.changed
    asked = []
    r = SshRunner(sshd.alias, ask=lambda q: asked.append(q) or "y")
    assert r.run(["true"]).rc == 0 and "SHA256:" in asked[0]
    r.close()


def test_proxyjump_from_ssh_config(sshd, monkeypatch):
    monkeypatch.setenv("HOME", sshd.home)
    before = accepted_logins(sshd)
    r = SshRunner("clushtest-jump")
    try:
        assert r.run(["echo", "hop"]).out == "hop\n"
        assert r._jump is not None and r._jump.connects == 1
    finally:
        r.close()
    time.sleep(0.2)
    assert accepted_logins(sshd) - before == 2  # the jump host and the target behind it


def test_interactive_yes_accepts_and_remembers_new_host_key(sshd, tmp_path):
    import pexpect
    cib = empty_cib(tmp_path / "c.xml")
    home = sshd.make_home("interactive", known_hosts=False)
    child = pexpect.spawn(CLUSH, ["--host", sshd.alias, "--cib-file", cib], env={**sshd.env(home), "NO_COLOR": "1"},
                          encoding="utf-8", timeout=30, dimensions=(40, 200))
    try:
        # the question comes when the first command needs the host (the prompt may ask already)
        if child.expect([r"\(y/n\)\? ", r"\)#"]) == 1:
            child.sendline("configure show")
            child.expect(r"\(y/n\)\? ")
        assert host_fingerprint(sshd) in child.before
        for _ in range(3):  # on a busy machine the first keystrokes may come before the prompt reads
            time.sleep(0.3)
            child.sendline("y")
            if child.expect([r"\)#", r"\(y/n\)\? "]) == 0:
                break
        child.sendline("quit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert sshd.host_key_line.split()[1] in open(os.path.join(home, ".ssh", "known_hosts")).read()


def test_user_outside_haclient_gets_one_clear_line(sshd, live_cluster):
    res = clush(sshd, "--host", "clushtest-outsider", "configure", "show")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1 and "haclient" in errors[0] and "clushoutsider" in errors[0], res.stderr


def test_nothing_listening_is_one_clear_line(sshd, tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = clush(sshd, "--host", f"root@127.0.0.1:{port}", "configure", "show")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert f"cannot connect to root@127.0.0.1:{port}" in res.stderr and "refused" in res.stderr.lower()


def test_nonroot_haclient_member_commits_to_live_cluster(sshd, live_cluster):
    name = live_cluster.unique_id("clush-ssh-user-prop")
    try:
        res = clush(sshd, "--host", sshd.user_alias, "configure", "property", f"{name}=by-clushuser")
        assert res.returncode == 0, res.stderr
        xml = live_cluster.query(f"//nvpair[@name='{name}']")
        assert 'value="by-clushuser"' in xml
    finally:
        live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", name, "-D"])


def test_ssh_config_include_is_followed(sshd, tmp_path, monkeypatch):
    """paramiko ignores Include; clush inlines it as ssh(1) does."""
    home = tmp_path / "inc-home"
    (home / ".ssh" / "config.d").mkdir(parents=True)
    (home / ".ssh" / "config").write_text("Include config.d/*\nHost *\n  User nobody-by-default\n")
    (home / ".ssh" / "config.d" / "lab").write_text(
        f"Host labnode\n  HostName 127.0.0.1\n  Port {sshd.port}\n  User root\n  IdentityFile {sshd.client_key}\n")
    (home / ".ssh" / "known_hosts").write_text(f"[127.0.0.1]:{sshd.port} {sshd.host_key_line}\n")
    monkeypatch.setenv("HOME", str(home))
    r = SshRunner("labnode")
    try:
        assert (r.hostname, r.port, r.user) == ("127.0.0.1", sshd.port, "root")
        assert r.run(["id", "-un"]).out == "root\n"
    finally:
        r.close()
