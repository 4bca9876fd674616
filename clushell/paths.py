"""XDG locations of clush's files (config, history, caches, sandbox data)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

APP = "clush"
SYSTEM_CONFIG = "/etc/clush"


def _xdg(var: str, fallback: str) -> str:
    # strings here: `clush __complete` needs the cache directory, and importing pathlib is a
    # tenth of a Tab
    value = os.environ.get(var)
    base = value if value and os.path.isabs(value) else os.path.join(os.path.expanduser("~"), fallback)
    return os.path.join(base, APP)


def _path(text: str) -> Path:
    from pathlib import Path

    return Path(text)


def config_dir() -> Path:
    return _path(_xdg("XDG_CONFIG_HOME", ".config"))


def state_dir() -> Path:
    return _path(_xdg("XDG_STATE_HOME", ".local/state"))


def cache_dir_name() -> str:
    return _xdg("XDG_CACHE_HOME", ".cache")


def cache_dir() -> Path:
    return _path(cache_dir_name())


def data_dir_name() -> str:
    return _xdg("XDG_DATA_HOME", ".local/share")


def data_dir() -> Path:
    return _path(data_dir_name())


#: the embedded sandbox CIB's file name, in the data directory
SANDBOX_NAME = "sandbox.xml"


def sandbox_file() -> str:
    """The embedded sandbox CIB (what clush works on when no cluster answers)."""
    return os.path.join(data_dir_name(), SANDBOX_NAME)


def history_file() -> Path:
    return state_dir() / "history"


def private_file(path: Path) -> Path:
    """Create ``path`` (and its directory) readable by the owner only, if missing."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path
