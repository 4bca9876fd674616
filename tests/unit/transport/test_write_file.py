"""LocalRunner.write_file: atomic replace with the mode set before any data, no temp file left."""

from __future__ import annotations

import os
import stat

import pytest

from clushell.errors import TransportError
from clushell.transport.local import LocalRunner


def test_write_new_and_replace_keep_mode_and_leave_no_temp(tmp_path):
    path = tmp_path / "authkey"
    runner = LocalRunner()
    runner.write_file(str(path), b"\x00" * 128, 0o400)
    assert path.read_bytes() == b"\x00" * 128
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o400
    inode = os.stat(path).st_ino
    runner.write_file(str(path), b"new", 0o644)
    assert path.read_bytes() == b"new" and os.stat(path).st_ino != inode  # replaced, not rewritten
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["authkey"]


def test_write_into_missing_directory_is_one_error(tmp_path):
    with pytest.raises(TransportError, match=r"cannot write .*/nodir/x: No such file or directory"):
        LocalRunner().write_file(str(tmp_path / "nodir" / "x"), b"x")
