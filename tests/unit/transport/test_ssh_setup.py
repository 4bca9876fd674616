"""SSH connection setup done once per process, not once per node: ~/.ssh/config, known_hosts and key files
are parsed once and shared by every runner (re-read when a file changes)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import paramiko
import pytest

from clushell.transport import sshconf
from clushell.transport.ssh import SshRunner


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    ssh = tmp_path / ".ssh"
    ssh.mkdir(mode=0o700)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(ssh / "id_lab")], check=True)
    hosts = "".join(f"Host n{i}\n  HostName 10.9.0.{i}\n  User root\n  IdentityFile {ssh}/id_lab\n"
                    for i in range(1, 4))
    (ssh / "config").write_text(hosts)
    key = paramiko.Ed25519Key.from_private_key_file(str(ssh / "id_lab"))
    lines = "".join(f"10.9.0.{i} ssh-ed25519 {key.get_base64()}\n" for i in range(1, 400))
    (ssh / "known_hosts").write_text(lines)
    sshconf.clear()
    return tmp_path


def test_three_runners_parse_config_known_hosts_and_keys_once(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counts = {"config": 0, "known": 0, "key": 0}
    real_from_text, real_load, real_from_path = (paramiko.SSHConfig.from_text, paramiko.HostKeys.load,
                                                 paramiko.PKey.from_path)

    def from_text(text: str) -> paramiko.SSHConfig:
        counts["config"] += 1
        return real_from_text(text)

    def load(self: paramiko.HostKeys, filename: str) -> None:
        counts["known"] += 1
        real_load(self, filename)

    def from_path(path: str, passphrase: bytes | None = None) -> paramiko.PKey:
        counts["key"] += 1
        return real_from_path(path, passphrase)

    monkeypatch.setattr(paramiko.SSHConfig, "from_text", staticmethod(from_text))
    monkeypatch.setattr(paramiko.HostKeys, "load", load)
    monkeypatch.setattr(paramiko.PKey, "from_path", staticmethod(from_path))
    runners = [SshRunner(f"n{i}") for i in range(1, 4)]
    assert [r.hostname for r in runners] == ["10.9.0.1", "10.9.0.2", "10.9.0.3"]
    setups = [sshconf.known_hosts(r._known_hosts_files()) for r in runners]
    keys = [sshconf.private_keys([os.path.expanduser(k) for k in r.cfg["identityfile"]]) for r in runners]
    assert setups[0] is setups[1] is setups[2]
    assert len(setups[0].lookup("10.9.0.2") or {}) == 1
    assert keys[0][0][0][1] is keys[1][0][0][1] is keys[2][0][0][1]
    assert counts == {"config": 1, "known": 1, "key": 1}
    # a changed file is read again
    kh = home / ".ssh" / "known_hosts"
    kh.write_text(kh.read_text() + "10.9.0.200 " + kh.read_text().split("\n")[0].split(" ", 1)[1] + "\n")
    assert sshconf.known_hosts(runners[0]._known_hosts_files()).lookup("10.9.0.200") is not None
    assert counts["known"] == 2


def test_a_key_with_a_passphrase_is_left_to_paramiko(home: Path) -> None:
    ssh = home / ".ssh"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "secret", "-f", str(ssh / "id_locked")], check=True)
    loaded, rest = sshconf.private_keys([str(ssh / "id_lab"), str(ssh / "id_locked"), str(ssh / "missing")])
    assert [k.get_name() for _, k in loaded] == ["ssh-ed25519"] and rest == [str(ssh / "id_locked")]


def test_a_broken_known_hosts_file_is_one_error(home: Path) -> None:
    from clushell.errors import TransportError

    (home / ".ssh" / "known_hosts").write_bytes(b"\xff\xfe garbage\n")
    with pytest.raises(TransportError, match="known_hosts: cannot read known hosts"):
        sshconf.known_hosts([str(home / ".ssh" / "known_hosts")])
