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
    return SshRunner(name, accept_new_host_key=session.options.accept_new_host_key)
