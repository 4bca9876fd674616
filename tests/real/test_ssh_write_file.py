"""SshRunner.write_file over real sshd: SFTP to a temp name, mode first, rename; nothing left on failure."""

from __future__ import annotations

import os
import stat

import pytest

from clushell.errors import TransportError
from clushell.transport.ssh import SshRunner

pytestmark = pytest.mark.ssh


@pytest.fixture
def runner(sshd, monkeypatch):
    monkeypatch.setenv("HOME", sshd.home)
    r = SshRunner(sshd.alias)
    yield r
    r.close()


def test_atomic_replace_with_mode_over_one_connection(runner, tmp_path):
    os.chmod(tmp_path, 0o755)
    path = tmp_path / "corosync.conf"
    path.write_text("old\n")
    inode = os.stat(path).st_ino
    runner.write_file(str(path), b"totem {\n}\n", 0o644)
    assert path.read_text() == "totem {\n}\n" and os.stat(path).st_ino != inode
    key = os.urandom(128)
    runner.write_file(str(tmp_path / "authkey"), key, 0o400)
    st = os.stat(tmp_path / "authkey")
    assert (tmp_path / "authkey").read_bytes() == key
    assert stat.S_IMODE(st.st_mode) == 0o400 and st.st_uid == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["authkey", "corosync.conf"]
    assert runner.run(["true"]).rc == 0 and runner.connects == 1


def test_failure_is_one_line_and_leaves_the_old_file(runner, tmp_path):
    os.chmod(tmp_path, 0o755)
    (tmp_path / "dir").mkdir()
    with pytest.raises(TransportError, match=r"root@.*: cannot write .*/dir"):
        runner.write_file(str(tmp_path / "dir"), b"x")  # rename onto a directory fails
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir"]
    with pytest.raises(TransportError, match="cannot write"):
        runner.write_file(str(tmp_path / "missing" / "x"), b"x")


def test_temp_files_left_by_a_cut_off_write_are_swept(runner, tmp_path):
    """A write whose connection died before the rename left a temp copy (maybe of a secret): the next
    write of that file removes it once it is old; a fresh one (a writer at work now) and others stay."""
    os.chmod(tmp_path, 0o755)
    stale = tmp_path / ".authkey.clush-0badc0de"
    fresh = tmp_path / ".authkey.clush-00c0ffee"
    other = tmp_path / ".corosync.conf.clush-0badc0de"
    for p in (stale, fresh, other):
        p.write_bytes(b"secret")
    old = os.stat(stale).st_mtime - 2 * 3600
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    runner.write_file(str(tmp_path / "authkey"), b"key", 0o400)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".authkey.clush-00c0ffee", ".corosync.conf.clush-0badc0de",
                                                          "authkey"]
