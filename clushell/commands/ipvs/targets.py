"""Which tables the ipvs level works on: real directors, or an offline table in a file.

The offline table is the director named ``file``: ``--ipvs-file PATH``, else the demo
table (``--demo``), else the ``ipvs.file`` preference, else a sandbox table under
$XDG_DATA_HOME/clush/. It is the default when one of the first three is given, or
when this machine has no IPVS and no director is configured (announced once).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clushell.ipvs.backends import Backend
    from clushell.ipvs.state import IpvsState
    from clushell.transport.base import Runner

SANDBOX_NAME = "ipvs-sandbox.rules"
DEMO_NAME = "demo-ipvs.rules"

# the demo cluster's web service behind a small LVS table: NAT wrr 3:1, DR with persistence, DNS
DEMO_RULES = """\
-A -t 10.0.0.100:80 -s wrr
-a -t 10.0.0.100:80 -r 10.0.0.11:80 -m -w 3
-a -t 10.0.0.100:80 -r 10.0.0.12:80 -m -w 1
-A -t 10.0.0.100:443 -s wlc -p 360
-a -t 10.0.0.100:443 -r 10.0.0.11:443 -g -w 1
-a -t 10.0.0.100:443 -r 10.0.0.12:443 -g -w 1
-A -u 10.0.0.100:53 -s rr
-a -u 10.0.0.100:53 -r 10.0.0.21:53 -m -w 1
"""


def _setting(session: Any, name: str) -> str:
    return session.config.get(name) if session.config is not None else ""


def offline_file(session: Any) -> tuple[str, str]:
    """(path of the offline table, how it was chosen: 'option', 'demo', 'preference' or 'sandbox')."""
    from clushell import paths

    opts = session.options
    if opts.ipvs_file:
        return os.path.abspath(opts.ipvs_file), "option"
    if opts.demo:
        path = paths.data_dir() / DEMO_NAME
        if opts.recreate or not path.exists():
            from clushell.ipvs.textio import write_atomic

            write_atomic(str(path), DEMO_RULES)
        return str(path), "demo"
    pref = _setting(session, "ipvs.file")
    if pref:
        return os.path.abspath(os.path.expanduser(pref)), "preference"
    return str(paths.data_dir() / SANDBOX_NAME), "sandbox"


def default_directors(session: Any) -> tuple[list[str], str]:
    """The directors the level starts with, and a notice when that is the sandbox table."""
    from clushell.ipvs import directors
    from clushell.ipvs.backends import FILE, local_kernel_has_ipvs

    path, how = offline_file(session)
    if how in ("option", "demo"):
        return [FILE], ""
    configured = _setting(session, "ipvs.directors").strip()
    if configured:
        return directors.default_directors(session), ""
    if how == "preference":
        return [FILE], ""
    if session.options.host or local_kernel_has_ipvs():
        return [directors.LOCAL], ""
    return [FILE], (f"ipvs: this machine has no IPVS and no director is configured; working on the sandbox "
                    f"table {path} (@file)")


def make_runner(session: Any, name: str) -> Runner:
    """The one place that turns a director name into a Runner.

    ``local`` is this machine (or the --host target when clush was started with one);
    any other name is an SSH destination resolved through ~/.ssh/config.
    """
    from clushell.ipvs.directors import LOCAL

    if name == LOCAL:
        if session.options.host:
            return session.runner
        from clushell.transport.local import LocalRunner

        return LocalRunner()
    from clushell.transport.ssh import SshRunner

    ask = session.ask if session.options.interactive else None
    return SshRunner(name, accept_new_host_key=session.options.accept_new_host_key, ask=ask)


def connect(session: Any, name: str) -> Backend:
    from clushell.ipvs.backends import FILE, FileBackend, KernelBackend

    if name == FILE:
        return FileBackend(offline_file(session)[0])
    return KernelBackend(make_runner(session, name))


def new_state(session: Any, *, announce: bool = True) -> IpvsState:
    """A fresh level state; completion builds a private one with announce=False."""
    from clushell.ipvs.state import IpvsState

    names, notice = default_directors(session)
    if notice and announce:
        session.out.info(notice)
    return IpvsState(session, lambda name: connect(session, name), directors=names)
