"""What every SSH connection of a process needs, read once and shared: ~/.ssh/config, known hosts, key files.

A cluster command opens one connection per node at once; parsing the same files again for each
node is repeated, GIL-bound work that delays every connection. Each file is parsed once per
process and parsed again only when it changes (path, inode, size and mtime).
"""

from __future__ import annotations

import os
import shlex
import threading
from collections.abc import Sequence
from typing import Any

import paramiko

from clushell.errors import TransportError

_lock = threading.Lock()
_configs: dict[str, paramiko.SSHConfig] = {}
_known: dict[tuple[Any, ...], paramiko.HostKeys] = {}
_keys: dict[tuple[Any, ...], paramiko.PKey | None] = {}


def clear() -> None:
    """Forget what was read (tests)."""
    with _lock:
        _configs.clear()
        _known.clear()
        _keys.clear()


def _stamp(path: str) -> tuple[Any, ...] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (path, st.st_ino, st.st_size, st.st_mtime_ns)


def ssh_config(alias: str) -> dict[str, Any]:
    """The options ~/.ssh/config gives ``alias`` (Include followed, as ssh(1) reads it)."""
    path = os.path.expanduser("~/.ssh/config")
    if not os.path.exists(path):
        return {}
    try:
        text = config_text(path, os.path.dirname(path))
        with _lock:
            parsed = _configs.get(text)
            if parsed is None:
                parsed = _configs[text] = paramiko.SSHConfig.from_text(text)
        return dict(parsed.lookup(alias))
    except (OSError, paramiko.SSHException, ValueError) as exc:
        raise TransportError(f"{path}: cannot read it: {exc}") from None


def known_hosts(paths: Sequence[str]) -> paramiko.HostKeys:
    """The host keys of every existing file in ``paths``, merged; shared, so only ever read (lookups)."""
    stamps = tuple(s for p in paths if (s := _stamp(p)) is not None)
    with _lock:
        keys = _known.get(stamps)
        if keys is not None:
            return keys
        keys = paramiko.HostKeys()
        for stamp in stamps:
            try:
                keys.load(stamp[0])
            except (OSError, paramiko.SSHException, ValueError) as exc:
                raise TransportError(f"{stamp[0]}: cannot read known hosts: {exc}") from None
        _known[stamps] = keys
        return keys


def private_keys(paths: Sequence[str]) -> tuple[list[tuple[str, paramiko.PKey]], list[str]]:
    """([(file, key)] loaded once and shared, files left to paramiko: a passphrase, or a format it reads otherwise)."""
    loaded: list[tuple[str, paramiko.PKey]] = []
    rest: list[str] = []
    for path in paths:
        stamp = _stamp(path)
        if stamp is None:
            continue
        if os.path.exists(path + "-cert.pub"):  # paramiko pairs the key with its certificate itself
            rest.append(path)
            continue
        with _lock:
            if stamp not in _keys:
                try:
                    _keys[stamp] = paramiko.PKey.from_path(path)
                except (paramiko.SSHException, OSError, ValueError, TypeError):
                    _keys[stamp] = None  # a passphrase, or a format paramiko reads another way
            key = _keys[stamp]
        if key is None:
            rest.append(path)
        else:
            loaded.append((path, key))
    return loaded, rest


def config_text(path: str, base: str, depth: int = 0) -> str:
    """The ssh config with its ``Include`` lines inlined (paramiko ignores them), as ssh(1) reads it."""
    import glob
    import re

    out = []
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*include\s+(.+)", line, re.IGNORECASE)
            if not m or depth > 8:
                out.append(line)
                continue
            for pattern in shlex.split(m.group(1)):
                pattern = os.path.expanduser(pattern)
                for inc in sorted(glob.glob(pattern if os.path.isabs(pattern) else os.path.join(base, pattern))):
                    if os.path.isfile(inc):
                        out.append(config_text(inc, base, depth + 1) + "\n")
    return "".join(out)


def local_user() -> str:
    import getpass

    return getpass.getuser()
