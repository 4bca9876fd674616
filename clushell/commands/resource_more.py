"""resource level, second half: placement (move/ban/clear), cleanup, attributes, views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.opsflow import attr_args, change, model, need, take_wait
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context


def _placement_args(ctx: Context, args: list[str], verb: str):
    """RSC [NODE] [LIFETIME] [force] -> (rsc, node, lifetime, force, wait), all checked."""
    from clushell.pacemaker import ops

    rest, wait = take_wait(args)
    need(rest, "resource")
    m = model(ctx)
    rid = rest[0]
    ops.resource_el(m, rid)
    nodes = ops.node_names(m)
    node = lifetime = None
    force = False
    for word in rest[1:]:
        if word == "force":
            force = True
        elif word in nodes and node is None:
            node = word
        elif ops.is_lifetime(word) and lifetime is None:
            lifetime = word
        elif word.startswith("P") or word[:1].isdigit():
            raise UsageError(f"'{word}' is not an ISO 8601 lifetime (like PT1H or P1D)", token=word)
        else:
            raise UsageError(f"node {word} does not exist", token=word)
    return rid, node, lifetime, force, wait


@command("move", "Move a resource to a node (constraint cli-prefer-RSC).",
         Arg("rsc", Kind.RESOURCE, "resource id"),
         Arg("args", Kind.NODE, "NODE, LIFETIME (ISO 8601, e.g. PT1H) and/or force", optional=True, repeat=True),
         aliases=("migrate",), usage="RSC [NODE] [LIFETIME] [force] [-w]",
         examples=("move webservice node2", "move webservice node2 PT1H", "move webservice force"))
def do_move(ctx: Context, args: list[str]) -> None:
    """Creates cli-prefer-RSC (crm_resource --move). Without a node the resource is banned
    from where it runs now, which needs 'force'. Remove with 'clear'."""
    from clushell.pacemaker import ops

    rid, node, lifetime, force, wait = _placement_args(ctx, args, "move")
    if node is None and not force:
        raise ClushError(f"name a target node for {rid}, or add 'force' to move it away from where it runs")
    argv = ["crm_resource", "--move", "-r", rid]
    argv += ["-N", node] if node else []
    argv += ["--lifetime", lifetime] if lifetime else []
    argv += ["--force"] if force else []
    runner = ctx.session.runner

    def act() -> None:
        res = ops.tool(runner, argv, rid, ok=(0, 108))
        if res.rc == 108:
            raise ClushError(f"{rid} already runs on {node}; add 'force' to pin it there anyway")

    change(ctx, act, wait=wait)


@command("ban", "Keep a resource off a node (constraint cli-ban-RSC-on-NODE).",
         Arg("rsc", Kind.RESOURCE, "resource id"),
         Arg("args", Kind.NODE, "NODE, LIFETIME and/or force", optional=True, repeat=True),
         usage="RSC [NODE] [LIFETIME] [force] [-w]", examples=("ban webservice node1",))
def do_ban(ctx: Context, args: list[str]) -> None:
    """crm_resource --ban; without a node, bans the node it runs on now."""
    from clushell.pacemaker import ops

    rid, node, lifetime, force, wait = _placement_args(ctx, args, "ban")
    argv = ["crm_resource", "--ban", "-r", rid]
    argv += ["-N", node] if node else []
    argv += ["--lifetime", lifetime] if lifetime else []
    argv += ["--force"] if force else []
    runner = ctx.session.runner
    change(ctx, lambda: ops.tool(runner, argv, rid), wait=wait)


@command("clear", "Remove the move/ban constraints of a resource.",
         Arg("rsc", Kind.RESOURCE, "resource id", repeat=True),
         aliases=("unmove", "unban", "unmigrate"), examples=("clear webservice",))
def do_clear(ctx: Context, args: list[str]) -> None:
    """crm_resource --clear: removes cli-prefer-RSC and cli-ban-RSC-on-* ."""
    from clushell.pacemaker import ops

    rest, wait = take_wait(args)
    need(rest, "resource")
    m = model(ctx)
    for rid in rest:
        ops.resource_el(m, rid)
    runner = ctx.session.runner

    def act() -> None:
        for rid in rest:
            ops.tool(runner, ["crm_resource", "--clear", "-r", rid], rid)

    change(ctx, act, wait=wait)


def _cleanup(ctx: Context, args: list[str], flag: str, verb: str) -> None:
    from clushell.pacemaker import ops

    rest, wait = take_wait(args)
    words = [a for a in rest if a != "force"]
    ctx.session.require_live(f"resource {verb}")  # crm_resource --cleanup ignores CIB_file
    m = model(ctx)
    rid = node = None
    nodes = ops.node_names(m)
    for word in words:
        if rid is None and node is None and m.resource(word) is not None:
            rid = word
        elif node is None and word in nodes:
            node = word
        elif rid is None and node is None:
            raise ClushError(f"{word} is neither a resource nor a node", token=word)
        else:
            raise ClushError(f"node {word} does not exist", token=word)
    argv = ["crm_resource", flag]
    argv += ["-r", rid] if rid else []
    argv += ["-N", node] if node else []
    argv += ["--force"] if "force" in rest else []
    runner = ctx.session.runner
    res_holder = []
    change(ctx, lambda: res_holder.append(ops.tool(runner, argv, f"{verb}{' ' + rid if rid else ''}")), wait=wait)
    for line in res_holder[0].out.splitlines() if res_holder else []:
        if line.strip():
            ctx.out.print(line.strip())


@command("cleanup", "Clear failures and fail counts so the cluster retries (live cluster).",
         Arg("args", Kind.RESOURCE, "[RSC] [NODE] [force]", optional=True, repeat=True),
         usage="[RSC] [NODE] [force] [-w]", examples=("cleanup", "cleanup app", "cleanup app node1"))
def do_cleanup(ctx: Context, args: list[str]) -> None:
    """crm_resource --cleanup [-r RSC] [-N NODE]. Needs a live cluster: the tool ignores CIB files."""
    _cleanup(ctx, args, "--cleanup", "cleanup")


@command("refresh", "Forget the resource history so the cluster re-probes (live cluster).",
         Arg("args", Kind.RESOURCE, "[RSC] [NODE] [force]", optional=True, repeat=True),
         aliases=("reprobe",), usage="[RSC] [NODE] [force] [-w]")
def do_refresh(ctx: Context, args: list[str]) -> None:
    """crm_resource --refresh [-r RSC] [-N NODE]. Needs a live cluster."""
    _cleanup(ctx, args, "--refresh", "refresh")


def _attr_command(kind: str):
    def handler(ctx: Context, args: list[str]) -> None:
        from clushell.pacemaker import ops

        rid, action, name, value = attr_args(kind, args)
        ops.resource_el(model(ctx), rid)
        runner = ctx.session.runner
        if action == "show":
            ctx.out.print(ops.resource_attr(runner, kind, rid, "show", name))
            return
        change(ctx, lambda: ops.resource_attr(runner, kind, rid, action, name, value))

    what = {"param": "an instance attribute (parameter)", "meta": "a meta attribute",
            "utilization": "a utilization attribute"}[kind]
    return command(
        kind, f"Set, delete or show {what} of a resource.",
        Arg("rsc", Kind.RESOURCE, "resource id"),
        Arg("action", Kind.KEYWORD, "what to do", choices=("set", "delete", "show")),
        Arg("name", Kind.TEXT, "attribute name"),
        Arg("value", Kind.TEXT, "new value (set only)", optional=True),
        examples=(f"{kind} webserver set resource-stickiness 50" if kind == "meta"
                  else f"{kind} vip show ip" if kind == "param" else f"{kind} app set cpu 2",),
    )(handler)


do_param = _attr_command("param")
do_meta = _attr_command("meta")
do_utilization = _attr_command("utilization")


@command("failcount", "Show, set or delete the fail count of a resource on a node.",
         Arg("rsc", Kind.RESOURCE, "resource id"),
         Arg("action", Kind.KEYWORD, "what to do", choices=("show", "set", "delete")),
         Arg("node", Kind.NODE, "node name"),
         Arg("value", Kind.NUMBER, "new count (set only)", optional=True),
         Arg("operation", Kind.TEXT, "operation (set only; default monitor)", optional=True),
         Arg("interval", Kind.NUMBER, "interval in seconds (set only)", optional=True),
         usage="RSC show|delete NODE | RSC set NODE VALUE [OPERATION [INTERVAL]]")
def do_failcount(ctx: Context, args: list[str]) -> None:
    """Pacemaker counts failures per operation (fail-count-RSC#OP_INTERVAL): show sums them,
    set writes one (the existing one, or OPERATION/INTERVAL, default the monitor), delete
    clears them (crm_resource --cleanup on a live cluster, the status attributes on a file)."""
    from clushell.pacemaker import mon, ops

    rid, action, node = args[:3]
    value = args[3] if len(args) > 3 else None
    if action != "set" and len(args) > 3:
        raise UsageError(f"unexpected argument '{args[3]}'", token=args[3])
    m = model(ctx)
    el = ops.resource_el(m, rid)
    ops.require_node(m, node)
    runner = ctx.session.runner
    if action == "show":
        st = mon.fetch(runner)
        count = sum(c.fail_count for c in st.failcounts if c.resource == rid and c.node == node)
        ctx.out.print(f"fail-count of {rid} on {node}: {count}")
        return
    if action == "set":
        if value is None or not (value.isdigit() or value.upper() == "INFINITY"):
            raise UsageError("failcount set needs a count (a number or INFINITY)")
        if value == "0":
            action = "delete"
        else:
            name = _failcount_attr(el, _failure_attrs(m, rid, node), args[4:6])
            change(ctx, lambda: ops.node_attr(runner, "status", node, "set", name, value))
            return
    if ctx.session.target.is_file:
        names = _failure_attrs(m, rid, node)
        change(ctx, lambda: [ops.node_attr(runner, "status", node, "delete", n) for n in names])
        return
    change(ctx, lambda: ops.tool(runner, ["crm_resource", "--cleanup", "-r", rid, "-N", node], rid))


def _failcount_attr(el, existing: list[str], opspec: list[str]) -> str:
    """The fail-count-RSC#OP_INTERVALMS attribute to write."""
    rid = el.get("id")
    counts = [n for n in existing if n.startswith(f"fail-count-{rid}#")]
    if opspec:
        op = opspec[0]
        if len(opspec) > 1:
            if not opspec[1].isdigit():
                raise UsageError(f"interval '{opspec[1]}' is not a number of seconds", token=opspec[1])
            return f"fail-count-{rid}#{op}_{int(opspec[1]) * 1000}"
        match = [n for n in counts if n.split("#", 1)[1].rsplit("_", 1)[0] == op]
        if match:
            return match[0]
    elif len(counts) == 1:
        return counts[0]
    elif len(counts) > 1:
        raise UsageError(f"{rid} has several fail counts ({', '.join(c.split('#')[1] for c in counts)}); "
                         "name the operation and interval")
    op = opspec[0] if opspec else "monitor"
    interval = "0"
    for o in el.iterfind("operations/op"):
        if o.get("name") == op and o.get("interval"):
            interval = o.get("interval", "0")
            break
    return f"fail-count-{rid}#{op}_{_interval_ms(interval)}"


def _interval_ms(text: str) -> int:
    units = {"ms": 1, "s": 1000, "sec": 1000, "m": 60000, "min": 60000, "h": 3600000, "hr": 3600000}
    num = "".join(ch for ch in text if ch.isdigit())
    unit = text[len(num):].strip().lower() or "s"
    return int(num or 0) * units.get(unit, 1000)


def _failure_attrs(m, rid: str, node: str) -> list[str]:
    status = m.root.find("status")
    names: list[str] = []
    if status is None:
        return names
    for ns in status.findall("node_state"):
        if ns.get("uname") != node:
            continue
        for nv in ns.iterfind("transient_attributes/instance_attributes/nvpair"):
            name = nv.get("name", "")
            for prefix in (f"fail-count-{rid}", f"last-failure-{rid}"):
                if name == prefix or name.startswith(prefix + "#"):
                    names.append(name)
    return names


from clushell.commands import resource_views as _views  # noqa: E402

COMMANDS = [do_move, do_ban, do_clear, do_cleanup, do_refresh, do_param, do_meta, do_utilization,
            do_failcount, *_views.COMMANDS]
