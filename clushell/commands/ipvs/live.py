"""ipvs level: what the kernel holds now (show, stats, rate, conns, timeout, status, zero, daemon)
and which directors the level works on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clushell.commands.ipvs.common import DIRS, SVC_OPT, need, split, state
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context


def ipvsadm(st: Any, name: str, *argv: str) -> str:
    """Run one ipvsadm command on a director; ipvsadm failures name the command."""
    res = st.runner(name).run(["ipvsadm", *argv])
    if res.rc != 0:
        raise ClushError(f"{name}: 'ipvsadm {' '.join(argv)}' failed (rc {res.rc}): {res.first_error_line()}")
    return res.out


def _only(rest: list[str]) -> tuple | None:
    from clushell.ipvs.model import parse_service_spec

    return parse_service_spec(rest[0]).key if rest else None


def _title(st: Any, name: str, names: list[str]) -> str:
    staged = " (staged, not committed)" if st.plan(name) else ""
    return f"director {name}{staged}" if len(names) > 1 or staged else ""


@command("show", "Show the table: services, scheduler, options, reals with method/weight/thresholds/connections.",
         DIRS, SVC_OPT, raw=True, usage="[@DIRS] [SERVICE]")
def cmd_show(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import render
    from clushell.ipvs.ipvsadm import parse_list

    dirs, rest = split(args)
    need("show", rest, 0, 1, "[@DIRS] [SERVICE]")
    only = _only(rest)
    st = state(ctx)
    names = st.pick(dirs)
    for name in names:
        table = st.view(name)
        if only is not None and only not in table.services:
            raise ClushError(f"no such service {rest[0]} on {name}", token=rest[0])
        counters = {}  # an offline table has no connections
        if st.is_live(name):
            counters = render.counters_from(parse_list(ipvsadm(st, name, "-Ln", "--persistent-conn")))
        rows = render.show_rows(table, counters, only)
        render.print_table(ctx.out, render.SHOW_HEADER, rows, _title(st, name, names))


def _counters(ctx: Context, args: list[str], flag: str, header: tuple) -> None:
    from clushell.ipvs import render
    from clushell.ipvs.ipvsadm import parse_list

    dirs, rest = split(args)
    need(flag.strip("-"), rest, 0, 1, "[@DIRS] [SERVICE]")
    only = _only(rest)
    st = state(ctx)
    names = st.pick(dirs)
    for name in names:
        rows = render.stats_rows(parse_list(ipvsadm(st, name, "-Ln", flag, "--exact")), only)
        if only is not None and not rows:
            raise ClushError(f"no such service {rest[0]} on {name}", token=rest[0])
        render.print_table(ctx.out, header, rows, f"director {name}" if len(names) > 1 else "")


@command("stats", "Traffic counters per service and real (ipvsadm --stats --exact).", DIRS, SVC_OPT, raw=True,
         usage="[@DIRS] [SERVICE]")
def cmd_stats(ctx: Context, args: list[str]) -> None:
    _counters(ctx, args, "--stats", ("SERVICE / REAL", "CONNS", "INPKTS", "OUTPKTS", "INBYTES", "OUTBYTES"))


@command("rate", "Traffic rates per service and real (ipvsadm --rate --exact).", DIRS, SVC_OPT, raw=True,
         usage="[@DIRS] [SERVICE]")
def cmd_rate(ctx: Context, args: list[str]) -> None:
    _counters(ctx, args, "--rate", ("SERVICE / REAL", "CPS", "INPPS", "OUTPPS", "INBPS", "OUTBPS"))


@command("conns", "Connection entries, filtered here by service, real= and state=.", DIRS, SVC_OPT,
         Arg("filter", Kind.OPTION, "real=RIP state=STATE", optional=True, repeat=True), raw=True,
         usage="[@DIRS] [SERVICE] [real=RIP[:PORT]] [state=STATE]")
def cmd_conns(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import render
    from clushell.ipvs.ipvsadm import host_of, parse_conns
    from clushell.ipvs.model import join_hostport, parse_service_spec, split_options

    dirs, rest = split(args)
    words = [a for a in rest if "=" not in a]
    need("conns", words, 0, 1, "[@DIRS] [SERVICE] [real=RIP[:PORT]] [state=STATE]")
    filters = split_options([a for a in rest if "=" in a], ("real", "state"))
    virtual = None
    if words:
        svc = parse_service_spec(words[0])
        if svc.proto == "fwm":
            raise ClushError("cannot filter connections by a fwmark service (entries show addresses); use real=",
                             token=words[0])
        virtual = (svc.proto.upper(), join_hostport(svc.af, svc.addr, svc.port))
    st = state(ctx)
    for name in st.pick(dirs):
        conns = parse_conns(ipvsadm(st, name, "-Lnc"))
        if virtual:
            conns = [c for c in conns if (c.proto, c.virtual) == virtual]
        if "real" in filters:
            want = filters["real"]
            conns = [c for c in conns if c.destination == want or host_of(c.destination) == want.strip("[]")]
        if "state" in filters:
            conns = [c for c in conns if c.state.lower() == filters["state"].lower()]
        header = ("PRO", "EXPIRE", "STATE", "SOURCE", "VIRTUAL", "DESTINATION")
        render.print_table(ctx.out, header, render.conn_rows(conns), f"director {name}" if dirs else "")


@command("timeout", "Show the connection timeouts, or set them: timeout set TCP TCPFIN UDP (0 keeps a value).",
         Arg("set", Kind.KEYWORD, "set", optional=True, choices=("set",)),
         Arg("seconds", Kind.NUMBER, "tcp tcpfin udp", optional=True, repeat=True),
         raw=True, usage="[@DIRS] [set TCP TCPFIN UDP]")
def cmd_timeout(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.ipvsadm import parse_timeout
    from clushell.ipvs.model import MAX_TIMEOUT

    dirs, rest = split(args)
    st = state(ctx)
    if rest:
        if rest[0] != "set":
            raise UsageError(f"unexpected argument '{rest[0]}'; usage: timeout [set TCP TCPFIN UDP]", token=rest[0])
        need("timeout set", rest[1:], 3, 3, "TCP TCPFIN UDP")
        for v in rest[1:]:
            if not v.isdigit() or int(v) > MAX_TIMEOUT:
                raise ClushError(f"bad timeout '{v}' (0..{MAX_TIMEOUT} seconds, 0 keeps the current value)", token=v)
        for name in st.pick(dirs):
            ipvsadm(st, name, "--set", *rest[1:])
    for name in st.pick(dirs):
        tcp, fin, udp = parse_timeout(ipvsadm(st, name, "-L", "--timeout"))
        ctx.out.print(f"{name + ': ' if dirs else ''}tcp {tcp}  tcpfin {fin}  udp {udp}")


DAEMON_OPTS = {"syncid": "--syncid", "maxlen": "--sync-maxlen", "group": "--mcast-group", "port": "--mcast-port",
               "ttl": "--mcast-ttl"}
STATUS_SCRIPT = """ipvsadm -Ln 2>&1; echo "@@rc $?"
ipvsadm -L --timeout 2>&1; echo "@@"
ipvsadm -L --daemon 2>&1; echo "@@"
for p in keepalived ldirectord; do pidof -x $p >/dev/null 2>&1 && echo $p; done; echo "@@"
"""


@command("status", "Summary: services, reals, timeouts, sync daemons; warns when keepalived/ldirectord run.",
         DIRS, raw=True, usage="[@DIRS]")
def cmd_status(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.ipvsadm import parse_daemon, parse_list, parse_timeout

    dirs, rest = split(args)
    need("status", rest, 0, 0, "[@DIRS]")
    st = state(ctx)
    for name in st.pick(dirs):
        res = st.runner(name).run(["sh", "-c", STATUS_SCRIPT])
        listing, _, tail = res.out.partition("@@rc ")
        rc, _, tail = tail.partition("\n")
        if rc.strip() != "0":
            raise ClushError(f"{name}: 'ipvsadm -Ln' failed (rc {rc.strip() or res.rc}): {listing.strip()[-200:]}")
        timeouts, daemons, owners = (tail.split("@@\n") + ["", "", ""])[:3]
        rows = parse_list(listing)
        services = sum(1 for r in rows if r.real is None)
        reals = [r for r in rows if r.real is not None]
        drained = sum(1 for r in reals if len(r.values) > 1 and r.values[1] == "0")
        tcp, fin, udp = parse_timeout(timeouts)
        ctx.out.print(f"director {name} ({st.runner(name).where})")
        ctx.out.print(f"  services: {services}  reals: {len(reals)} ({drained} at weight 0)")
        ctx.out.print(f"  timeouts: tcp {tcp}  tcpfin {fin}  udp {udp}")
        for d in parse_daemon(daemons):
            ctx.out.print(f"  sync daemon: {d['state']} mcast={d.get('mcast', '?')} syncid={d.get('syncid', '?')}")
        pending = st.plan(name)
        if pending:
            ctx.out.print(f"  pending: {len(pending)} ipvsadm steps (see diff)")
        for owner in owners.split():
            ctx.out.warn(f"{name}: {owner} is running and manages this table; its health checks may undo changes")


@command("zero", "Zero the traffic counters (all services, or one).", DIRS, SVC_OPT, raw=True,
         usage="[@DIRS] [SERVICE]")
def cmd_zero(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.ipvsadm import service_id
    from clushell.ipvs.model import parse_service_spec

    dirs, rest = split(args)
    need("zero", rest, 0, 1, "[@DIRS] [SERVICE]")
    extra = service_id(parse_service_spec(rest[0])) if rest else []
    st = state(ctx)
    for name in st.pick(dirs):
        ipvsadm(st, name, "-Z", *extra)


@command("daemon", "Connection sync daemon: daemon start master|backup IFACE [syncid=N ...], stop STATE, show.",
         Arg("action", Kind.KEYWORD, "start, stop or show", choices=("start", "stop", "show")),
         Arg("state", Kind.KEYWORD, "master or backup", optional=True, choices=("master", "backup")),
         Arg("interface", Kind.TEXT, "multicast interface", optional=True),
         Arg("option", Kind.OPTION, "syncid= maxlen= group= port= ttl=", optional=True, repeat=True),
         aliases=("syncd",), raw=True, usage="start|stop|show [@DIRS] [master|backup] [IFACE] [syncid=N] "
         "[maxlen=N] [group=IP] [port=N] [ttl=N]")
def cmd_daemon(ctx: Context, args: list[str]) -> None:
    import re

    from clushell.ipvs.ipvsadm import parse_daemon
    from clushell.ipvs.model import split_options

    dirs, rest = split(args)
    need("daemon", rest, 1, None, "start|stop|show ...")
    action = rest[0]
    st = state(ctx)
    if action == "show":
        need("daemon show", rest[1:], 0, 0, "")
        for name in st.pick(dirs):
            found = parse_daemon(ipvsadm(st, name, "-L", "--daemon"))
            if not found:
                ctx.out.print(f"{name}: no sync daemon running")
            for d in found:
                extra = " ".join(f"{k}={v}" for k, v in d.items() if k != "state")
                ctx.out.print(f"{name}: {d['state']} {extra}")
        return
    if action not in ("start", "stop"):
        raise UsageError(f"'{action}' is not one of start, stop, show", token=action)
    need(f"daemon {action}", rest[1:], 1, None, "master|backup ...")
    sstate = rest[1]
    if sstate not in ("master", "backup"):
        raise UsageError(f"'{sstate}' is not master or backup", token=sstate)
    if action == "stop":
        need("daemon stop", rest[1:], 1, 1, "master|backup")
        argv = ["--stop-daemon", sstate]
    else:
        need("daemon start", rest[1:], 2, None, "master|backup IFACE [key=value...]")
        iface = rest[2]
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,15}", iface):
            raise ClushError(f"bad interface name '{iface}'", token=iface)
        opts = split_options(rest[3:], ("syncid", "maxlen", "group", "port", "ttl"))
        argv = ["--start-daemon", sstate, "--mcast-interface", iface]
        for key, value in opts.items():
            if key != "group" and not value.isdigit():
                raise ClushError(f"bad {key}={value} (a number)", token=f"{key}={value}")
            if key == "group":
                import ipaddress

                try:
                    ipaddress.ip_address(value)
                except ValueError:
                    raise ClushError(f"bad group={value} (a multicast address)", token=f"group={value}") from None
            argv += [DAEMON_OPTS[key], value]
    for name in st.pick(dirs):
        ipvsadm(st, name, *argv)


@command("director", "Show or set the directors that ipvs commands work on (local = this machine).",
         Arg("directors", Kind.DIRECTOR, "@d1,d2 or @local", optional=True), raw=True, usage="[@D1,D2,...]")
def cmd_director(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.directors import expand, parse_director_list

    need("director", args, 0, 1, "[@D1,D2,...]")
    st = state(ctx)
    if args:
        if not args[0].startswith("@"):
            raise UsageError(f"directors are written @NAME[,NAME...], got '{args[0]}'", token=args[0])
        st.directors = expand(ctx.session, parse_director_list(args[0]))
    ctx.out.print("directors: " + ",".join(st.directors))


COMMANDS = [cmd_show, cmd_stats, cmd_rate, cmd_conns, cmd_timeout, cmd_status, cmd_zero, cmd_daemon]
