"""Argument declarations and helpers shared by the ipvs level's handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clushell.commands.tree import DIRECTORS, Arg, Command, Kind, Opt
from clushell.errors import ClushError
from clushell.ipvs.names import METHODS, PE_NAMES, SCHEDULERS, TUN_CSUM, TUN_TYPES

if TYPE_CHECKING:
    from clushell.context import Context

SVC = Arg("service", Kind.SERVICE, "tcp:VIP:PORT, udp:VIP:PORT, sctp:VIP:PORT, tcp:[V6]:PORT, fwm:MARK, fwm6:MARK")
SVC_OPT = Arg("service", Kind.SERVICE, "only this service", optional=True)
REAL = Arg("real", Kind.REAL, "real server RIP[:PORT] ([V6]:PORT for IPv6)")
#: a director list may stand anywhere on the line (tree.DIRECTORS)
DIRS = Opt(DIRECTORS, "run on these directors: @d1,d2 or a group (default: the current ones; @file is the "
           "offline table)", Kind.DIRECTOR, metavar="DIRS")
NOW = Opt("--now", "remove at once, without draining (weight 0) first", Kind.FLAG)
SERVICE_OPTS = (
    Opt("sched", "scheduler (default wlc)", choices=SCHEDULERS),
    Opt("persistent", "persistence timeout in seconds, yes (360) or no", metavar="SECONDS"),
    Opt("netmask", "persistence granularity (dotted IPv4 mask, IPv6 prefix length); needs persistent",
        metavar="MASK"),
    Opt("flags", "scheduler flags, comma separated (sh-port, sh-fallback, mh-port, mh-fallback, flag-1..3), "
        "or none", metavar="F,..."),
    Opt("pe", "persistence engine", choices=(*PE_NAMES, "none")),
    Opt("ops", "one-packet scheduling (udp and fwm services)", choices=("yes", "no")),
)
REAL_OPTS = (
    Opt("method", "forwarding: nat (masquerading), dr (direct routing, the default) or tun (IP tunnel)",
        choices=METHODS),
    Opt("weight", "0..2147483647 (default 1; 0 takes no new connections)", Kind.NUMBER),
    Opt("upper", "upper connection threshold (0: none)", Kind.NUMBER),
    Opt("lower", "lower connection threshold (0: none; needs upper)", Kind.NUMBER),
    Opt("tun-type", "tunnel type (method=tun)", choices=TUN_TYPES),
    Opt("tun-port", "gue tunnel port", Kind.NUMBER),
    Opt("tun-csum", "tunnel checksum (gue, gre)", choices=TUN_CSUM),
)


def parts(cmd: Command, args: list[str]) -> tuple[list[str] | None, list[str], dict[str, str]]:
    """(director list or None, positional words, key=value options) of a line."""
    from clushell.ipvs.directors import parse_director_list

    words, opts = cmd.split_opts(args)
    dirs = opts.pop(DIRECTORS, None)
    return (parse_director_list(dirs) if dirs else None), words, opts


def state(ctx: Context) -> Any:
    from clushell.session import StateKey

    st = ctx.session.get_state(StateKey.IPVS)
    if st is None:
        from clushell.commands.ipvs.targets import new_state

        st = new_state(ctx.session)
        ctx.session.set_state(StateKey.IPVS, st)
    return st


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
    names = st.to_commit(names)
    if not names:
        ctx.out.info("ipvs: no changes to commit")
        return
    ctx.session.check_may_commit()  # a script commits nothing once a command failed
    for name in names:
        report = st.commit_one(name)
        show_report(ctx.out, report, name, offline=not st.is_live(name))
        if not report.ok:
            raise ClushError(f"commit on {name} failed: {report.error}")
