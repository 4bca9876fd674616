"""Weights remembered by `drain`, kept in a small state file so that `undrain` works in a
later clush run too (scripts usually drain and undrain in separate invocations)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from clushell import paths

FILE = "ipvs-drained.json"


def _path() -> Path:
    return paths.state_dir() / FILE


def _key(director: str, service: str, real: str) -> str:
    return f"{director} {service} {real}"


def load() -> dict[str, int]:
    try:
        data = json.loads(_path().read_text())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}


def _save(data: dict[str, int]) -> None:
    path = _path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # a unique temp name: two shells draining at once must not write into one temp file
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return  # remembering is a convenience: undrain weight=N still works
    try:
        with os.fdopen(fd, "w") as f:
            f.write(json.dumps(data, indent=1, sort_keys=True))
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def remember(director: str, service: str, real: str, weight: int) -> None:
    data = load()
    data[_key(director, service, real)] = weight
    _save(data)


def recall(director: str, service: str, real: str) -> int | None:
    return load().get(_key(director, service, real))


def forget(director: str, service: str, real: str) -> None:
    data = load()
    if data.pop(_key(director, service, real), None) is not None:
        _save(data)
