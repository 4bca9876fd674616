"""Argument declarations and helpers shared by the ipvs level's handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clushell.commands.tree import Arg, Kind
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context

SVC = Arg("service", Kind.SERVICE, "tcp:VIP:PORT, udp:VIP:PORT, sctp:VIP:PORT, tcp:[V6]:PORT, fwm:MARK, fwm6:MARK")
SVC_OPT = Arg("service", Kind.SERVICE, "only this service", optional=True)
REAL = Arg("real", Kind.REAL, "real server RIP[:PORT] ([V6]:PORT for IPv6)")
OPTS = Arg("option", Kind.OPTION, "key=value", optional=True, repeat=True)
DIRS = Arg("directors", Kind.DIRECTOR, "@d1,d2: run on these directors (default: the current ones)", optional=True)


def state(ctx: Context) -> Any:
    from clushell.session import StateKey

    st = ctx.session.get_state(StateKey.IPVS)
    if st is None:
        from clushell.commands.ipvs.targets import new_state

        st = new_state(ctx.session)
        ctx.session.set_state(StateKey.IPVS, st)
    return st


def split(args: list[str]) -> tuple[list[str] | None, list[str]]:
    from clushell.ipvs.directors import split_directors

    return split_directors(args)


def need(cmd: str, args: list[str], lo: int, hi: int | None, usage: str) -> None:
    if len(args) < lo:
        raise UsageError(f"missing argument; usage: {cmd} {usage}")
    if hi is not None and len(args) > hi:
        raise UsageError(f"unexpected argument '{args[hi]}'; usage: {cmd} {usage}", token=args[hi])


def find_real(svc: Any, rspec: str, name: str) -> Any:
    """The real of svc that RIP[:PORT] names (a DR/TUN real may be named with any port)."""
    from clushell.ipvs import model

    _af, addr, port = model.parse_real_spec(svc, rspec)
    real = svc.reals.get((addr, port))
    if real is None:
        matches = [r for r in svc.reals.values() if r.addr == addr]
        if len(matches) == 1:
            real = matches[0]
    if real is None:
        raise model.IpvsError(f"no real server {rspec} in {svc.text} on {name}", token=rspec)
    return real


def commit_directors(ctx: Context, names: list[str]) -> None:
    from clushell.ipvs.state import show_report

    st = state(ctx)
    names = [n for n in names if st.plan(n)]
    if not names:
        ctx.out.info("ipvs: no changes to commit")
        return
    for name in names:
        report = st.commit_one(name)
        show_report(ctx.out, report, name, offline=not st.is_live(name))
        if not report.ok:
            raise ClushError(f"commit on {name} failed: {report.error}")
