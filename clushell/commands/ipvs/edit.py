"""ipvs level: staging edits (service, real, drain, undrain, clear); nothing runs until commit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clushell.commands.ipvs.common import OPTS, REAL, SVC, find_real, need, split, state
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import UsageError

if TYPE_CHECKING:
    from clushell.context import Context


@command(
    "service",
    "Add, edit or delete a virtual service (staged until commit).",
    Arg("action", Kind.KEYWORD, "what to do", choices=("add", "edit", "delete")),
    SVC,
    OPTS,
    raw=True,
    usage="add|edit|delete [@DIRS] SERVICE [sched=S] [persistent=N] [netmask=M] [flags=F,..] [pe=sip] [ops] [--now]",
    examples=(
        "service add tcp:10.1.1.100:80 sched=rr",
        "service add fwm:10 sched=wlc persistent=600",
        "service edit tcp:10.1.1.100:80 sched=wrr",
        "service delete tcp:10.1.1.100:80",
    ),
    long_help="Options: sched (rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos), persistent=SECONDS "
    "(or yes = 360), netmask, flags (sh-port, sh-fallback, mh-port, mh-fallback, flag-1..3), pe=sip, ops. "
    "edit keeps every option it is not told to change. delete drains the reals (weight 0) before removing "
    "the service unless --now is given.",
)
def cmd_service(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import model

    dirs, rest = split(args)
    usage = "add|edit|delete SERVICE [key=value...]"
    need("service", rest, 2, None, usage)
    action, spec, opts = rest[0], rest[1], rest[2:]
    if action not in ("add", "edit", "delete"):
        raise UsageError(f"'{action}' is not one of add, edit, delete", token=action)
    base = model.parse_service_spec(spec)
    st = state(ctx)
    if action == "delete":
        now = "--now" in opts
        extra = [o for o in opts if o != "--now"]
        if extra:
            raise UsageError(f"unexpected argument '{extra[0]}'; usage: service delete SERVICE [--now]", token=extra[0])

        def delete(name: str, table: model.Table) -> None:
            if base.key not in table.services:
                raise model.IpvsError(f"no such service {spec} on {name}", token=spec)
            del table.services[base.key]
            if now:
                st.mark_now(name, base.key)

        st.edit(dirs, delete)
        return
    parsed = model.split_options(opts, model.SERVICE_KEYS)
    if action == "add":
        model.apply_service_options(base, parsed)  # reject bad input before reading any table

    def change(name: str, table: model.Table) -> None:
        cur = table.services.get(base.key)
        if action == "add":
            if cur is not None:
                raise model.IpvsError(f"service {spec} already exists on {name}", token=spec)
            table.services[base.key] = model.apply_service_options(base, parsed)
        else:
            if cur is None:
                raise model.IpvsError(f"no such service {spec} on {name}", token=spec)
            table.services[base.key] = model.apply_service_options(cur, parsed)

    st.edit(dirs, change)


@command(
    "real",
    "Add, edit or delete a real server of a service (staged until commit).",
    Arg("action", Kind.KEYWORD, "what to do", choices=("add", "edit", "delete")),
    SVC,
    REAL,
    OPTS,
    raw=True,
    usage="add|edit|delete [@DIRS] SERVICE RIP[:PORT] [method=nat|dr|tun] [weight=N] [upper=N] [lower=N] "
    "[tun-type=ipip|gue|gre] [tun-port=N] [tun-csum=nocsum|csum|remcsum] [--now]",
    examples=(
        "real add tcp:10.1.1.100:80 10.10.1.2:80 method=nat weight=3",
        "real edit tcp:10.1.1.100:80 10.10.1.2:80 weight=1",
        "real add tcp:10.1.1.100:80 10.1.1.5 method=tun tun-type=gue tun-port=6080",
        "real delete tcp:10.1.1.100:80 10.10.1.2:80",
    ),
    long_help="method: nat (masquerading), dr (direct routing, the ipvsadm default) or tun (IP tunnel). "
    "weight 0..2147483647; upper/lower connection thresholds (0 = none). DR and TUN reals always use "
    "the service port. delete drains (weight 0) before removing unless --now is given.",
)
def cmd_real(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import model

    dirs, rest = split(args)
    need("real", rest, 3, None, "add|edit|delete SERVICE RIP[:PORT] [key=value...]")
    action, spec, rspec, opts = rest[0], rest[1], rest[2], rest[3:]
    if action not in ("add", "edit", "delete"):
        raise UsageError(f"'{action}' is not one of add, edit, delete", token=action)
    base = model.parse_service_spec(spec)
    st = state(ctx)
    now = action == "delete" and "--now" in opts
    if action == "delete":
        extra = [o for o in opts if o != "--now"]
        if extra:
            usage = "real delete SERVICE RIP [--now]"
            raise UsageError(f"unexpected argument '{extra[0]}'; usage: {usage}", token=extra[0])
        parsed: dict[str, str] = {}
    else:
        parsed = model.split_options(opts, model.REAL_KEYS)
        if action == "add":
            model.new_real(base, rspec, parsed)  # reject bad input before reading any table

    def change(name: str, table: model.Table) -> None:
        svc = table.services.get(base.key)
        if svc is None:
            raise model.IpvsError(f"no such service {spec} on {name}", token=spec)
        if action == "add":
            real = model.new_real(svc, rspec, parsed)
            if real.key in svc.reals:
                raise model.IpvsError(f"real server {real.text} already exists in {spec} on {name}", token=rspec)
            svc.reals[real.key] = real
            return
        old = find_real(svc, rspec, name)
        if action == "delete":
            del svc.reals[old.key]
            if now:
                st.mark_now(name, (svc.key, old.key))
            return
        new = model.apply_real_options(svc, old, parsed)
        if new.key != old.key and new.key in svc.reals:
            raise model.IpvsError(
                f"{svc.text}: {old.text} would become {new.text} (DR/TUN use the service port), "
                f"which already exists on {name}",
                token=rspec,
            )
        del svc.reals[old.key]
        svc.reals[new.key] = new

    st.edit(dirs, change)


@command(
    "drain",
    "Set a real server's weight to 0 (staged); the old weight is remembered for undrain, across runs.",
    SVC,
    REAL,
    raw=True,
    usage="[@DIRS] SERVICE RIP[:PORT]",
    examples=("drain tcp:10.1.1.100:80 10.10.1.2:80",),
)
def cmd_drain(ctx: Context, args: list[str]) -> None:
    from dataclasses import replace

    from clushell.ipvs import drained, model

    dirs, rest = split(args)
    need("drain", rest, 2, 2, "SERVICE RIP[:PORT]")
    base = model.parse_service_spec(rest[0])
    st = state(ctx)

    def change(name: str, table: model.Table) -> None:
        svc = table.services.get(base.key)
        if svc is None:
            raise model.IpvsError(f"no such service {rest[0]} on {name}", token=rest[0])
        real = find_real(svc, rest[1], name)
        if real.weight:
            drained.remember(name, svc.text, real.text, real.weight)
        svc.reals[real.key] = replace(real, weight=0)
        if svc.persistent is not None:
            persistent.append(name)

    persistent: list[str] = []
    st.edit(dirs, change)
    for name in persistent:
        warn_quiescent_templates(ctx, st, name, rest[0])


QUIESCENT = "/proc/sys/net/ipv4/vs/expire_quiescent_template"


def warn_quiescent_templates(ctx: Context, st: Any, name: str, spec: str) -> None:
    """Persistent clients keep reaching a weight-0 real unless the kernel expires their templates."""
    res = st.runner(name).run(["cat", QUIESCENT])
    if res.rc == 0 and res.out.strip() == "0":
        ctx.out.warn(f"{name}: {spec} is persistent and net.ipv4.vs.expire_quiescent_template=0: clients with a "
                     "persistence template keep reaching the drained real until it expires")


@command(
    "undrain",
    "Give a drained real server its remembered weight back (or weight=N).",
    SVC,
    REAL,
    Arg("weight", Kind.OPTION, "weight=N", optional=True),
    raw=True,
    usage="[@DIRS] SERVICE RIP[:PORT] [weight=N]",
)
def cmd_undrain(ctx: Context, args: list[str]) -> None:
    from dataclasses import replace

    from clushell.ipvs import drained, model

    dirs, rest = split(args)
    need("undrain", rest, 2, 3, "SERVICE RIP[:PORT] [weight=N]")
    base = model.parse_service_spec(rest[0])
    opts = model.split_options(rest[2:], ("weight",))
    if "weight" in opts:  # reject a bad weight before reading any table
        model.check_weight(opts["weight"])
    st = state(ctx)

    def change(name: str, table: model.Table) -> None:
        svc = table.services.get(base.key)
        if svc is None:
            raise model.IpvsError(f"no such service {rest[0]} on {name}", token=rest[0])
        real = find_real(svc, rest[1], name)
        if "weight" in opts:
            weight = model.apply_real_options(svc, real, opts).weight
        else:
            weight = drained.recall(name, svc.text, real.text) or 0
            if not weight:
                raise model.IpvsError(
                    f"no remembered weight for {real.text} in {svc.text} on {name}; use undrain ... weight=N",
                    token=rest[1],
                )
        svc.reals[real.key] = replace(real, weight=weight)
        drained.forget(name, svc.text, real.text)

    st.edit(dirs, change)


@command(
    "clear",
    "Stage an empty table: every service is removed at commit (reals drained first unless --now).",
    Arg("now", Kind.KEYWORD, "remove at once, without draining", optional=True, choices=("--now",)),
    raw=True,
    usage="[@DIRS] [--now]",
)
def cmd_clear(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import model

    dirs, rest = split(args)
    if rest not in ([], ["--now"]):
        raise UsageError(f"unexpected argument '{rest[0]}'; usage: clear [@DIRS] [--now]", token=rest[0])
    st = state(ctx)

    def change(name: str, table: model.Table) -> None:
        if rest:
            for key in table.services:
                st.mark_now(name, key)
        table.services.clear()

    st.edit(dirs, change)


COMMANDS = [cmd_service, cmd_real, cmd_drain, cmd_undrain, cmd_clear]
