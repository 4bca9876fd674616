"""resource: resource agent tracing (trace, untrace) and sensitive parameters (secret)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.opsflow import change
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import ClushError, UsageError
from clushell.session import StateKey

if TYPE_CHECKING:
    from clushell.context import Context

TRACE_DIR = "/var/lib/heartbeat/trace_ra"  # where ocf-shellfuncs writes traces by default


def _trace_args(args: list[str], with_dir: bool) -> tuple[str, str | None, str | None, str | None]:
    """RSC [OP] [INTERVAL] [/DIR] as crm takes them: a number is the interval, /x the directory."""
    from clushell.cib.durations import seconds

    rid, op, interval, directory = args[0], None, None, None
    for word in args[1:]:
        if with_dir and word.startswith("/") and directory is None:
            directory = word
        elif interval is None and word[:1].isdigit() and seconds(word) is not None:
            interval = word
        elif op is None and not word.startswith("/") and not word[:1].isdigit():
            op = word
        else:
            raise UsageError(f"unexpected argument '{word}'", token=word)
    if interval is not None and op is None:
        raise UsageError(f"an interval needs an operation before it ('{interval}')", token=interval)
    if op == "probe":  # the probe is the monitor with interval 0
        op, interval = "monitor", interval or "0"
    return rid, op, interval, directory


def _edit_primitive(ctx: Context, rid: str, edit) -> str:
    """Apply ``edit(model, primitive, promotable)`` to the pending configuration or the target."""
    from clushell.pacemaker import ops

    def prim_of(model):
        el = ops.resource_el(model, rid)
        if el.tag != "primitive":
            raise ClushError(f"{rid} is not a primitive resource", token=rid)
        return el, ops.is_promotable(model, el)

    ws = ctx.session.get_state(StateKey.CONFIGURE)
    if ws is not None and ws.has_pending():
        el, promotable = prim_of(ws.pending)
        edit(ws.pending, el, promotable)
        ctx.out.info("currently editing the configuration: the change is pending until commit")
        return el.get("type", "")
    runner = ctx.session.runner
    original, model = ops.load(runner)
    el, promotable = prim_of(model)
    edit(model, el, promotable)
    change(ctx, lambda: ops.commit_model(runner, original, model))
    return el.get("type", "")


@command("trace", "Trace a resource agent: its operations (or one) run with trace_ra=1.",
         Arg("rsc", Kind.PRIMITIVE, "primitive id"),
         Arg("op", Kind.TEXT, "operation (start, stop, monitor, probe, ...)", optional=True),
         Arg("interval", Kind.TEXT, "interval of the operation (e.g. 10s)", optional=True),
         Arg("dir", Kind.FILE, "directory for the trace files (absolute path)", optional=True),
         usage="RSC [OP [INTERVAL]] [/DIR]",
         examples=("trace d1", "trace d1 start", "trace d1 monitor 10s", "trace d1 probe"))
def do_trace(ctx: Context, args: list[str]) -> None:
    """Sets op parameter trace_ra=1 (trace_dir=DIR with a directory) as crm does: without an
    operation every op of the primitive (start and stop added when missing); an op that is not
    configured is added with interval 0 (a monitor must exist). The agent writes its trace under
    /var/lib/heartbeat/trace_ra/TYPE on the node that runs it; restart the resource to trace
    its start."""
    from clushell.cib import optrace

    rid, op, interval, directory = _trace_args(args, with_dir=True)
    rtype = _edit_primitive(ctx, rid, lambda m, el, promotable: optrace.trace(
        m, el, op, interval, directory, promotable=promotable))
    where = directory or f"{TRACE_DIR}/{rtype}"
    ctx.out.info(f"trace for {rid}{':' + op if op else ''} is written to {where}")
    what = f"the {op} operation" if op and op != "monitor" else "non-monitor operations"
    ctx.out.info(f"trace set, restart {rid} to trace {what}")


@command("untrace", "Stop tracing a resource agent (all traced operations, or one).",
         Arg("rsc", Kind.PRIMITIVE, "primitive id"),
         Arg("op", Kind.TEXT, "operation", optional=True),
         Arg("interval", Kind.TEXT, "interval of the operation", optional=True),
         usage="RSC [OP [INTERVAL]]", examples=("untrace d1", "untrace d1 monitor"))
def do_untrace(ctx: Context, args: list[str]) -> None:
    """Removes trace_ra/trace_dir; an op left with nothing but its name and interval 0 is
    deleted (crm's behaviour, so trace then untrace restores the configuration)."""
    from clushell.cib import optrace

    rid, op, interval, _ = _trace_args(args, with_dir=False)
    _edit_primitive(ctx, rid, lambda m, el, promotable: optrace.untrace(m, el, op, interval))
    ctx.out.info(f"stop tracing {rid}{' for operation ' + op if op else ''}")


SECRET_ACTIONS = ("set", "stash", "unstash", "delete", "show", "check")


@command("secret", "Keep a sensitive parameter out of the CIB (cibsecret; live cluster).",
         Arg("rsc", Kind.RESOURCE, "resource id"),
         Arg("action", Kind.KEYWORD, "what to do", choices=SECRET_ACTIONS),
         Arg("param", Kind.PARAM_ATTR, "parameter name"),
         Arg("value", Kind.TEXT, "new value (set only)", optional=True),
         usage="RSC set PARAM VALUE | RSC stash|unstash|delete|show|check PARAM",
         examples=("secret db set passwd s3cret", "secret db stash passwd", "secret db check passwd"))
def do_secret(ctx: Context, args: list[str]) -> None:
    """cibsecret stores the value in /var/lib/pacemaker/lrm/secrets on every node and leaves
    'lrm://' in the CIB: set/delete/show a secret, stash moves a parameter's value there,
    unstash puts it back, check compares the copies. It needs the running cluster (it copies to
    the nodes), so it is refused on a CIB file, as crm refuses it there."""
    from clushell.commands.opsflow import attr_args, model
    from clushell.pacemaker import ops

    rid, action, name, value = attr_args("secret", args)
    ctx.session.require_live("resource secret")
    ops.resource_el(model(ctx), rid)
    argv = ["cibsecret", action, rid, name] + ([value] if value is not None else [])
    res = ops.tool(ctx.session.runner, argv, f"secret {name} of {rid}")
    for line in res.out.splitlines():
        if line.strip():
            ctx.out.print(line.rstrip())


COMMANDS = [do_trace, do_untrace, do_secret]
