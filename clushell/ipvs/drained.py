"""Weights remembered by `drain`, kept in a small state file so that `undrain` works in a
later clush run too (scripts usually drain and undrain in separate invocations)."""

from __future__ import annotations

import json
import os
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
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        os.replace(tmp, path)
    except OSError:
        pass  # remembering is a convenience: undrain weight=N still works


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
