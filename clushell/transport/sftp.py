"""Atomic file replacement over SFTP: a temp name in the same directory, mode first, fsync, rename."""

from __future__ import annotations

import posixpath
import secrets

import paramiko
from paramiko.sftp import CMD_EXTENDED

from clushell.errors import TransportError


def write_file(transport: paramiko.Transport, where: str, path: str, data: bytes, mode: int) -> None:
    """Replace ``path`` on the other side; on failure the temp file is removed and the old file stays."""
    directory, name = posixpath.split(path)
    tmp = posixpath.join(directory or ".", f".{name}.clush-{secrets.token_hex(4)}")
    try:
        sftp = paramiko.SFTPClient.from_transport(transport)
    except (paramiko.SSHException, OSError, EOFError) as exc:
        raise TransportError(f"{where}: cannot open SFTP to write {path} ({exc or type(exc).__name__}); "
                             "is 'Subsystem sftp' enabled in its sshd_config?") from None
    assert sftp is not None
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
