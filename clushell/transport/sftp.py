"""Atomic file replacement over SFTP: a temp name in the same directory, mode first, fsync, rename."""

from __future__ import annotations

import posixpath
import re
import secrets
import time

import paramiko
from paramiko.sftp import CMD_EXTENDED

from clushell.errors import TransportError

#: a temp name untouched this long (s) was left by a writer whose connection died before the rename;
#: generous, as the two clocks may differ
STALE_AFTER = 3600


def temp_name(name: str) -> str:
    return f".{name}.clush-{secrets.token_hex(4)}"


def _sweep_stale(sftp: paramiko.SFTPClient, directory: str, name: str) -> None:
    """Remove our own temp files for ``name`` that a cut-off earlier write left (they may hold a secret)."""
    pattern = re.compile(re.escape(f".{name}.clush-") + r"[0-9a-f]{8}")
    try:
        entries = sftp.listdir_attr(directory)
    except (OSError, paramiko.SSHException, EOFError):
        return
    now = time.time()
    for entry in entries:
        if pattern.fullmatch(entry.filename) and entry.st_mtime is not None and now - entry.st_mtime > STALE_AFTER:
            try:
                sftp.remove(posixpath.join(directory, entry.filename))
            except (OSError, paramiko.SSHException, EOFError):
                pass


def write_file(transport: paramiko.Transport, where: str, path: str, data: bytes, mode: int) -> None:
    """Replace ``path`` on the other side; on failure the temp file is removed and the old file stays."""
    directory, name = posixpath.split(path)
    tmp = posixpath.join(directory or ".", temp_name(name))
    try:
        sftp = paramiko.SFTPClient.from_transport(transport)
    except (paramiko.SSHException, OSError, EOFError) as exc:
        raise TransportError(f"{where}: cannot open SFTP to write {path} ({exc or type(exc).__name__}); "
                             "is 'Subsystem sftp' enabled in its sshd_config?") from None
    assert sftp is not None
    _sweep_stale(sftp, directory or ".", name)
    created = False
    try:
        with sftp.open(tmp, "wx") as f:
            created = True
            f.chmod(mode)  # before the data: a secret is never readable by others
            f.write(data)
            f.flush()
            sftp._request(CMD_EXTENDED, "fsync@openssh.com", f.handle)
        sftp.posix_rename(tmp, path)
        created = False
    except (OSError, paramiko.SSHException, EOFError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise TransportError(f"{where}: cannot write {path}: {reason}") from None
    finally:
        if created:
            try:
                sftp.remove(tmp)
            except (OSError, paramiko.SSHException, EOFError):
                pass
        sftp.close()
