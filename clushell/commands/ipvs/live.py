"""ipvs level: what the kernel holds now (show, stats, rate, conns, timeout, status, zero, daemon)
and which directors the level works on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clushell.commands.ipvs.common import DIRS, SVC_OPT, parts, state
from clushell.commands.tree import Arg, Command, Kind, Opt, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context


def ipvsadm(st: Any, name: str, *argv: str, what: str = "this command") -> str:
    """Run one ipvsadm command on a director; ipvsadm failures name the command."""
    res = st.runner(name, what).run(["ipvsadm", *argv])
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
         SVC_OPT, opts=(DIRS,))
def cmd_show(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import render
    from clushell.ipvs.ipvsadm import parse_list

    dirs, rest, _ = parts(cmd_show, args)
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


def _counters(ctx: Context, cmd: Command, args: list[str], flag: str, header: tuple) -> None:
    from clushell.ipvs import render
    from clushell.ipvs.ipvsadm import parse_list

    dirs, rest, _ = parts(cmd, args)
    only = _only(rest)
    st = state(ctx)
    names = st.pick(dirs)
    for name in names:
        rows = render.stats_rows(parse_list(ipvsadm(st, name, "-Ln", flag, "--exact", what=cmd.name)), only)
        if only is not None and not rows:
            raise ClushError(f"no such service {rest[0]} on {name}", token=rest[0])
        render.print_table(ctx.out, header, rows, f"director {name}" if len(names) > 1 else "")


@command("stats", "Traffic counters per service and real (ipvsadm --stats --exact).", SVC_OPT, opts=(DIRS,))
def cmd_stats(ctx: Context, args: list[str]) -> None:
    _counters(ctx, cmd_stats, args, "--stats", ("SERVICE / REAL", "CONNS", "INPKTS", "OUTPKTS", "INBYTES", "OUTBYTES"))


@command("rate", "Traffic rates per service and real (ipvsadm --rate --exact).", SVC_OPT, opts=(DIRS,))
def cmd_rate(ctx: Context, args: list[str]) -> None:
    _counters(ctx, cmd_rate, args, "--rate", ("SERVICE / REAL", "CPS", "INPPS", "OUTPPS", "INBPS", "OUTBPS"))


@command("conns", "Connection entries, filtered here by service, real= and state=.", SVC_OPT,
         opts=(DIRS, Opt("real", "only connections to this real server", Kind.REAL, metavar="RIP[:PORT]"),
               Opt("state", "only connections in this state (ESTABLISHED, TIME_WAIT, ...)")))
def cmd_conns(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import render
    from clushell.ipvs.ipvsadm import host_of, parse_conns
    from clushell.ipvs.model import join_hostport, parse_service_spec

    dirs, words, filters = parts(cmd_conns, args)
    virtual = None
    if words:
        svc = parse_service_spec(words[0])
        if svc.proto == "fwm":
            raise ClushError("cannot filter connections by a fwmark service (entries show addresses); use real=",
                             token=words[0])
        virtual = (svc.proto.upper(), join_hostport(svc.af, svc.addr, svc.port))
    st = state(ctx)
    for name in st.pick(dirs):
        conns = parse_conns(ipvsadm(st, name, "-Lnc", what="conns"))
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
         Arg("set", Kind.KEYWORD, "set the three timeouts", optional=True, choices=("set",)),
         Arg("tcp", Kind.NUMBER, "TCP session timeout (seconds)", optional=True),
         Arg("tcpfin", Kind.NUMBER, "TCP after FIN (seconds)", optional=True),
         Arg("udp", Kind.NUMBER, "UDP (seconds)", optional=True), opts=(DIRS,))
def cmd_timeout(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.ipvsadm import parse_timeout
    from clushell.ipvs.names import MAX_TIMEOUT

    dirs, rest, _ = parts(cmd_timeout, args)
    st = state(ctx)
    if rest:
        if len(rest) != 4:
            raise UsageError(f"timeout set needs three values; usage: {cmd_timeout.usage_line()}")
        for v in rest[1:]:
            if not v.isdigit() or int(v) > MAX_TIMEOUT:
                raise ClushError(f"bad timeout '{v}' (0..{MAX_TIMEOUT} seconds, 0 keeps the current value)", token=v)
        for name in st.pick(dirs):
            ipvsadm(st, name, "--set", *rest[1:], what="timeout")
    for name in st.pick(dirs):
        tcp, fin, udp = parse_timeout(ipvsadm(st, name, "-L", "--timeout", what="timeout"))
        ctx.out.print(f"{name + ': ' if dirs else ''}tcp {tcp}  tcpfin {fin}  udp {udp}")


DAEMON_OPTS = {"syncid": "--syncid", "maxlen": "--sync-maxlen", "group": "--mcast-group", "port": "--mcast-port",
               "ttl": "--mcast-ttl"}
STATUS_SCRIPT = """ipvsadm -Ln 2>&1; echo "@@rc $?"
ipvsadm -L --timeout 2>&1; echo "@@"
ipvsadm -L --daemon 2>&1; echo "@@"
for p in keepalived ldirectord; do pidof -x $p >/dev/null 2>&1 && echo $p; done; echo "@@"
"""


@command("status", "Summary: services, reals, timeouts, sync daemons; warns when keepalived/ldirectord run.",
         opts=(DIRS,))
def cmd_status(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.ipvsadm import parse_daemon, parse_list, parse_timeout

    dirs, _, _ = parts(cmd_status, args)
    st = state(ctx)
    for name in st.pick(dirs):
        if not st.is_live(name):
            table = st.view(name)
            reals = [r for svc in table.services.values() for r in svc.reals.values()]
            ctx.out.print(f"offline table {name} ({st.backend(name).where})")
            ctx.out.print(f"  services: {len(table.services)}  reals: {len(reals)} "
                          f"({sum(1 for r in reals if not r.weight)} at weight 0)")
            if st.plan(name):
                ctx.out.print(f"  pending: {len(st.plan(name))} changes (see diff)")
            continue
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


@command("zero", "Zero the traffic counters (all services, or one).", SVC_OPT, opts=(DIRS,))
def cmd_zero(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.ipvsadm import service_id
    from clushell.ipvs.model import parse_service_spec

    dirs, rest, _ = parts(cmd_zero, args)
    extra = service_id(parse_service_spec(rest[0])) if rest else []
    st = state(ctx)
    for name in st.pick(dirs):
        ipvsadm(st, name, "-Z", *extra, what="zero")


@command("daemon", "Connection sync daemon: daemon start master|backup IFACE [syncid=N ...], stop STATE, show.",
         Arg("action", Kind.KEYWORD, "start, stop or show", choices=("start", "stop", "show")),
         Arg("state", Kind.KEYWORD, "master or backup", optional=True, choices=("master", "backup")),
         Arg("interface", Kind.TEXT, "multicast interface (start): an interface of the director", optional=True),
         opts=(DIRS, Opt("syncid", "sync id 0..255", Kind.NUMBER), Opt("maxlen", "sync message size", Kind.NUMBER),
               Opt("group", "multicast group address", metavar="IP"),
               Opt("port", "multicast port 1..65535", Kind.NUMBER), Opt("ttl", "multicast TTL 1..255", Kind.NUMBER)),
         aliases=("syncd",))
def cmd_daemon(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.checks import daemon_args
    from clushell.ipvs.ipvsadm import parse_daemon

    dirs, rest, opts = parts(cmd_daemon, args)
    action = rest[0]
    st = state(ctx)
    if action == "show":
        if len(rest) > 1 or opts:
            raise UsageError("daemon show takes no arguments", token=rest[1] if len(rest) > 1 else None)
        for name in st.pick(dirs):
            found = parse_daemon(ipvsadm(st, name, "-L", "--daemon", what="daemon"))
            if not found:
                ctx.out.print(f"{name}: no sync daemon running")
            for d in found:
                extra = " ".join(f"{k}={v}" for k, v in d.items() if k != "state")
                ctx.out.print(f"{name}: {d['state']} {extra}")
        return
    if len(rest) < 2:
        raise UsageError(f"daemon {action} needs master or backup; usage: {cmd_daemon.usage_line()}")
    if action == "stop":
        if len(rest) > 2 or opts:
            raise UsageError("daemon stop takes only master or backup", token=rest[2] if len(rest) > 2 else None)
        argv = ["--stop-daemon", rest[1]]
    else:
        if len(rest) < 3:
            raise UsageError(f"daemon start needs the multicast interface; usage: {cmd_daemon.usage_line()}")
        argv = daemon_args(rest[1], rest[2], opts)
    for name in st.pick(dirs):
        if action == "start":
            check_interface(st, name, rest[2])
        ipvsadm(st, name, *argv, what="daemon")


def check_interface(st: Any, name: str, iface: str) -> None:
    """The sync daemon's interface must exist on the director (ipvsadm says only 'No such device')."""
    res = st.runner(name, "daemon").run(["test", "-d", f"/sys/class/net/{iface}"])
    if res.rc != 0:
        raise ClushError(f"{name} has no network interface '{iface}'", token=iface)


@command("director", "Show or set the directors that ipvs commands work on (local = this machine, file = the "
         "offline table).", Arg("directors", Kind.DIRECTOR, "@d1,d2, @local or @file", optional=True))
def cmd_director(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.directors import expand, parse_director_list

    st = state(ctx)
    if args:
        if not args[0].startswith("@"):
            raise UsageError(f"directors are written @NAME[,NAME...], got '{args[0]}'", token=args[0])
        st.directors = expand(ctx.session, parse_director_list(args[0]))
    ctx.out.print("directors: " + ",".join(st.directors))
    for name in st.directors:
        if not st.is_live(name):
            ctx.out.print(f"  {name}: offline table {st.backend(name).where}")


COMMANDS = [cmd_show, cmd_stats, cmd_rate, cmd_conns, cmd_timeout, cmd_status, cmd_zero, cmd_daemon]
