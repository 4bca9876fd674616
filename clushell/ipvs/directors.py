"""Director names: lists (@d1,d2) and groups (ipvs.group.NAME) from the preferences."""

from __future__ import annotations

import re
from typing import Any

from clushell.ipvs.model import IpvsError

LOCAL = "local"
_NAME = re.compile(r"[A-Za-z0-9_.@:\[\]-]+")


def parse_director_list(token: str) -> list[str]:
    """'@d1,d2' -> ['d1', 'd2']; '@' alone or empty names are errors."""
    names = [n for n in token[1:].split(",")]
    if not names or any(not n for n in names):
        raise IpvsError(f"bad director list '{token}' (expected @NAME[,NAME...])", token=token)
    for n in names:
        if not _NAME.fullmatch(n):
            raise IpvsError(f"bad director name '{n}'", token=token)
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen


def split_directors(args: list[str]) -> tuple[list[str] | None, list[str]]:
    """Pull every @LIST token out of args; None when no list was given."""
    dirs: list[str] | None = None
    rest = []
    for a in args:
        if a.startswith("@"):
            dirs = (dirs or []) + [d for d in parse_director_list(a) if d not in (dirs or [])]
        else:
            rest.append(a)
    return dirs, rest


def _config(session: Any, name: str) -> str:
    try:
        return session.config.get(name) if session.config is not None else ""
    except Exception:  # a broken config file was already reported at start-up
        return ""


def expand(session: Any, names: list[str]) -> list[str]:
    """Replace group names (setting ipvs.group.NAME = "d1 d2") by their members."""
    out: list[str] = []
    for name in names:
        group = _config(session, f"ipvs.group.{name}") if name != LOCAL else ""
        for member in group.replace(",", " ").split() if group else [name]:
            if member not in out:
                out.append(member)
    return out


#: what a configured director may be: local, a group name, or [USER@]HOST[:PORT]
_DIRECTOR = re.compile(r"(?:[A-Za-z0-9_.-]+@)?(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def default_directors(session: Any) -> list[str]:
    """The setting ipvs.directors (groups allowed, a leading @ tolerated), else this machine."""
    names = [n.removeprefix("@") for n in _config(session, "ipvs.directors").replace(",", " ").split()]
    for name in names:
        if not _DIRECTOR.fullmatch(name):
            raise IpvsError(f"preference ipvs.directors: '{name}' is not a director "
                            "(local, a group name, or [USER@]HOST[:PORT])")
    return expand(session, names) or [LOCAL]
