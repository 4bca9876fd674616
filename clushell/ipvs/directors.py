"""Directors: names -> Runners, director lists (@d1,d2), and `sync` between directors."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from clushell.ipvs.model import IpvsError

if TYPE_CHECKING:
    from clushell.transport.base import Runner

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
    cfg = getattr(session, "config", None)
    try:
        return cfg.get(name) if cfg is not None else ""
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


def default_directors(session: Any) -> list[str]:
    """The setting ipvs.directors (groups allowed), else this machine."""
    names = _config(session, "ipvs.directors").replace(",", " ").split()
    return expand(session, names) or [LOCAL]


def make_runner(session: Any, name: str) -> Runner:
    """The one place that turns a director name into a Runner.

    ``local`` is this machine (or the --host target when clush was started with one);
    any other name is an SSH destination resolved through ~/.ssh/config.
    """
    if name == LOCAL:
        if getattr(session.options, "host", None):
            return session.runner
        from clushell.transport.local import LocalRunner

        return LocalRunner()
    try:
        from clushell.transport.ssh import SshRunner
    except ImportError:
        raise IpvsError(f"director {name}: the SSH transport is not available in this build") from None
    ask = session.ask if session.options.interactive else None
    return SshRunner(name, accept_new_host_key=session.options.accept_new_host_key, ask=ask)
