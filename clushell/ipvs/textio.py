"""Reading and writing the ipvs level's text files: one-line errors, atomic replacement.

Reads decode UTF-8 and name the file and line of the first byte that is not; writes go
to a temporary file in the same directory, are fsynced and renamed over the target
(under an flock on a sibling lock file), so a reader sees the old or the new table,
never half of one.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from clushell.errors import ClushError


def read_text(path: str) -> str:
    """The file's text; a missing file or a byte that is not UTF-8 is a one-line ClushError."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ClushError(f"cannot read {path}: {exc.strerror}", token=path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ClushError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                         "convert it first, e.g. iconv -f latin1 -t utf-8", token=path) from None


@contextmanager
def locked(path: str) -> Iterator[None]:
    """Hold an exclusive lock on PATH.lock (serialises clush sessions writing the same file)."""
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fd = os.open(path + ".lock", os.O_CREAT | os.O_RDWR, 0o600)
    except OSError as exc:
        raise ClushError(f"cannot lock {path}: {exc.strerror}", token=path) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def write_atomic(path: str, text: str) -> None:
    """Replace PATH with TEXT: temp file in the same directory, fsync, rename."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".clush-", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise ClushError(f"cannot write {path}: {exc.strerror}", token=path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise ClushError(f"cannot write {path}: {exc.strerror}", token=path) from None
    try:  # the rename itself must survive a crash too
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass
