"""ipvs level: staging edits (service, real, drain, undrain, clear); nothing runs until commit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clushell.commands.ipvs.common import DIRS, NOW, REAL, REAL_OPTS, SERVICE_OPTS, SVC, find_real, parts, state
from clushell.commands.tree import Arg, Kind, Opt, command
from clushell.errors import UsageError

if TYPE_CHECKING:
    from clushell.context import Context

ACTION = Arg("action", Kind.KEYWORD, "what to do", choices=("add", "edit", "delete"))


def _only_now(action: str, opts: dict[str, str], what: str) -> bool:
    """delete takes --now only; add and edit take everything but --now."""
    now = opts.pop("--now", None) is not None
    if action == "delete" and opts:
        key = next(iter(opts))
        raise UsageError(f"{what} delete takes no {key}= (only --now)", token=f"{key}={opts[key]}")
    if action != "delete" and now:
        raise UsageError(f"--now is for {what} delete", token="--now")
    return now


@command(
    "service",
    "Add, edit or delete a virtual service (staged until commit).",
    ACTION,
    SVC,
    opts=(DIRS, *SERVICE_OPTS, NOW),
    examples=(
        "service add tcp:10.1.1.100:80 sched=rr",
        "service add fwm:10 sched=wlc persistent=600",
        "service edit tcp:10.1.1.100:80 sched=wrr",
        "service delete tcp:10.1.1.100:80",
    ),
    long_help="edit keeps every option it is not told to change. delete drains the reals (weight 0) before "
    "removing the service unless --now is given.",
)
def cmd_service(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import checks, model

    dirs, (action, spec), opts = parts(cmd_service, args)
    now = _only_now(action, opts, "service")
    base = model.parse_service_spec(spec)
    st = state(ctx)
    if action == "delete":

        def delete(name: str, table: model.Table) -> None:
            if base.key not in table.services:
                raise model.IpvsError(f"no such service {spec} on {name}", token=spec)
            del table.services[base.key]
            if now:
                st.mark_now(name, base.key)

        st.edit(dirs, delete)
        return
    if action == "add":
        checks.apply_service_options(base, opts)  # reject bad input before reading any table

    def change(name: str, table: model.Table) -> None:
        cur = table.services.get(base.key)
        if action == "add":
            if cur is not None:
                raise model.IpvsError(f"service {spec} already exists on {name}", token=spec)
            table.services[base.key] = checks.apply_service_options(base, opts)
        else:
            if cur is None:
                raise model.IpvsError(f"no such service {spec} on {name}", token=spec)
            table.services[base.key] = checks.apply_service_options(cur, opts)

    st.edit(dirs, change)


@command(
    "real",
    "Add, edit or delete a real server of a service (staged until commit).",
    ACTION,
    SVC,
    REAL,
    opts=(DIRS, *REAL_OPTS, NOW),
    examples=(
        "real add tcp:10.1.1.100:80 10.10.1.2:80 method=nat weight=3",
        "real edit tcp:10.1.1.100:80 10.10.1.2:80 weight=1",
        "real add tcp:10.1.1.100:80 10.1.1.5 method=tun tun-type=gue tun-port=6080",
        "real delete tcp:10.1.1.100:80 10.10.1.2:80",
    ),
    long_help="DR and TUN real servers use the service port (fwmark services: any port); only nat maps "
    "ports. delete drains (weight 0) before removing unless --now is given.",
)
def cmd_real(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import checks, model

    dirs, (action, spec, rspec), opts = parts(cmd_real, args)
    now = _only_now(action, opts, "real")
    base = model.parse_service_spec(spec)
    st = state(ctx)
    if action == "add":
        checks.new_real(base, rspec, opts)  # reject bad input before reading any table

    def change(name: str, table: model.Table) -> None:
        svc = table.services.get(base.key)
        if svc is None:
            raise model.IpvsError(f"no such service {spec} on {name}", token=spec)
        if action == "add":
            real = checks.new_real(svc, rspec, opts)
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
        new = checks.apply_real_options(svc, old, opts)
        del svc.reals[old.key]
        svc.reals[new.key] = new

    st.edit(dirs, change)


@command(
    "drain",
    "Set a real server's weight to 0 (staged); the old weight is remembered for undrain, across runs.",
    SVC,
    REAL,
    opts=(DIRS,),
    examples=("drain tcp:10.1.1.100:80 10.10.1.2:80",),
)
def cmd_drain(ctx: Context, args: list[str]) -> None:
    from dataclasses import replace

    from clushell.ipvs import drained, model

    dirs, (spec, rspec), _ = parts(cmd_drain, args)
    base = model.parse_service_spec(spec)
    st = state(ctx)

    def change(name: str, table: model.Table) -> None:
        svc = table.services.get(base.key)
        if svc is None:
            raise model.IpvsError(f"no such service {spec} on {name}", token=spec)
        real = find_real(svc, rspec, name)
        if real.weight:
            drained.remember(name, svc.text, real.text, real.weight)
        svc.reals[real.key] = replace(real, weight=0)
        if svc.persistent is not None:
            persistent.append(name)

    persistent: list[str] = []
    st.edit(dirs, change)
    for name in persistent:
        if st.is_live(name):
            warn_quiescent_templates(ctx, st, name, spec)


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
    opts=(DIRS, Opt("weight", "the weight to give back (default: the one drain remembered)", Kind.NUMBER)),
)
def cmd_undrain(ctx: Context, args: list[str]) -> None:
    from dataclasses import replace

    from clushell.ipvs import checks, drained, model

    dirs, (spec, rspec), opts = parts(cmd_undrain, args)
    base = model.parse_service_spec(spec)
    if "weight" in opts:  # reject a bad weight before reading any table
        checks.check_weight(opts["weight"])
    st = state(ctx)

    def change(name: str, table: model.Table) -> None:
        svc = table.services.get(base.key)
        if svc is None:
            raise model.IpvsError(f"no such service {spec} on {name}", token=spec)
        real = find_real(svc, rspec, name)
        if "weight" in opts:
            weight = checks.apply_real_options(svc, real, opts).weight
        else:
            weight = drained.recall(name, svc.text, real.text) or 0
            if not weight:
                raise model.IpvsError(
                    f"no remembered weight for {real.text} in {svc.text} on {name}; use undrain ... weight=N",
                    token=rspec,
                )
        svc.reals[real.key] = replace(real, weight=weight)
        drained.forget(name, svc.text, real.text)

    st.edit(dirs, change)


@command(
    "clear",
    "Stage an empty table: every service is removed at commit (reals drained first unless --now).",
    opts=(DIRS, NOW),
)
def cmd_clear(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import model

    dirs, _, opts = parts(cmd_clear, args)
    st = state(ctx)

    def change(name: str, table: model.Table) -> None:
        if "--now" in opts:
            for key in table.services:
                st.mark_now(name, key)
        table.services.clear()

    st.edit(dirs, change)


COMMANDS = [cmd_service, cmd_real, cmd_drain, cmd_undrain, cmd_clear]
