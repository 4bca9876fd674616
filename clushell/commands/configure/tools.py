"""configure: default-timeouts (advised op timeouts from the agents) and graph (Graphviz dot)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.configure.common import workspace
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context


@command(
    "default-timeouts",
    "Set op timeouts of primitives to the values their agents advise.",
    Arg("id", Kind.PRIMITIVE, "primitive id", repeat=True),
    examples=("default-timeouts d1", "default-timeouts vip web"),
    long_help=(
        "As crm: start and stop (promote and demote in a promotable clone, migrate_to and migrate_from "
        "with allow-migrate) get the timeout the agent's metadata advises, added as 'op NAME timeout=T "
        "interval=0' when missing; existing monitors get theirs too. All ids are checked first. Unlike crm "
        "4.4.1 each primitive gets its own missing ops, and a monitor with role=Slave/Master gets the "
        "Unpromoted/Promoted advice."
    ),
)
def do_default_timeouts(ctx: Context, args: list[str]) -> None:
    from clushell.cib import optimeouts
    from clushell.pacemaker import ops, ra

    ws = workspace(ctx)
    model = ws.pending
    prims = []
    for rid in args:
        el = model.resource(rid)
        if el is None or el.tag == "template":
            raise ClushError(f"object {rid} does not exist", token=rid)
        if el.tag != "primitive":
            raise ClushError(f"{rid} is not a primitive", token=rid)
        spec = optimeouts.agent_spec(model, el)
        if spec is None:
            raise ClushError(f"template for {rid} not defined", token=rid)
        prims.append((el, ra.metadata(ctx.session.runner, spec)))
    for el, info in prims:
        def advice(name: str, role: str | None, info=info) -> str | None:
            action = info.action(name, role)
            return action.timeout if action is not None else None

        optimeouts.apply(model, el, advice, promotable=ops.is_promotable(model, el))


GRAPH_TYPES = ("dot",)


@command(
    "graph",
    "Draw the configuration as a Graphviz graph: dot text, or an image rendered by dot.",
    Arg("gtype", Kind.KEYWORD, "graph type (dot)", optional=True, choices=GRAPH_TYPES),
    Arg("file", Kind.FILE, "file to write (default: standard output)", optional=True),
    Arg("format", Kind.TEXT, "image format for dot -T (png, svg, pdf, ...); default: the dot text",
        optional=True),
    usage="[dot [FILE|- [FORMAT]]]",
    examples=("graph", "graph dot /tmp/cib.dot", "graph dot /tmp/cib.svg svg"),
    long_help=(
        "Nodes on top, primitives and templates as boxes (ID and agent), groups as boxes around their "
        "members, clone/ms members coloured, location preferences as dashed edges labelled with the score, "
        "orders as edges labelled with their kind: the drawing of crm 4.4 (colocations are not drawn). "
        "Without a file the dot text goes to standard output (crm opens dotty in a window instead); with a "
        "format the image is rendered by Graphviz's dot, which must be installed."
    ),
)
def do_graph(ctx: Context, args: list[str]) -> None:
    from clushell.cib.graph import dot

    text = dot(workspace(ctx).view)
    dest = args[1] if len(args) > 1 else "-"
    fmt = args[2] if len(args) > 2 else "dot"
    if fmt == "dot":
        if dest == "-":
            ctx.out.print(text, end="")
            return
        try:
            with open(dest, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as exc:
            raise ClushError(f"cannot write {dest}: {exc.strerror}", token=dest) from None
        return
    if not fmt.isalnum():
        raise UsageError(f"'{fmt}' is not an image format (png, svg, pdf, ...)", token=fmt)
    import shutil  # here, not at the top: `clush __complete` imports the command tree
    import subprocess

    program = shutil.which("dot")
    if program is None:
        raise ClushError(f"rendering {fmt} needs Graphviz's dot, which is not installed; "
                         "'graph dot FILE' writes the dot text")
    argv = [program, f"-T{fmt}"] + (["-o", dest] if dest != "-" else [])
    res = subprocess.run(argv, input=text.encode(), capture_output=True, check=False)
    if res.returncode != 0:
        problem = res.stderr.decode(errors="replace").strip().splitlines()
        raise ClushError(f"dot -T{fmt} failed: {problem[0] if problem else f'exit status {res.returncode}'}")
    if dest == "-":
        ctx.out.print(res.stdout.decode(errors="replace"), end="")


@command(
    "get_property",
    "Print the value of cluster properties (their default when not set).",
    Arg("name", Kind.TEXT, "property name; -t/--true prints it as true/false", optional=True, repeat=True),
    aliases=("get-property",),
    usage="[-t|--true] [NAME...]",
    examples=("get_property stonith-enabled", "get_property -t maintenance-mode"),
    long_help=(
        "As crm: one value per line, from the pending configuration's cluster_property_set, else the "
        "cluster's documented default; a property neither set nor known is an error (with -t: false). "
        "Without a name, lists the known properties."
    ),
)
def do_get_property(ctx: Context, args: list[str]) -> None:
    from clushell.pacemaker import ra

    truth = any(a in ("-t", "--true") for a in args)
    names = [a for a in args if a not in ("-t", "--true")]
    try:
        known = ra.cluster_options(ctx.session.runner)
    except ClushError:
        known = {}
    if not names:
        ctx.out.print("\n".join(sorted(known)))
        return
    conf = workspace(ctx).view.configuration
    for name in names:
        found = conf.xpath("crm_config/cluster_property_set/nvpair[@name=$n]/@value", n=name)
        value = found[0] if found else (known[name].default if name in known else None)
        if value is None and not truth:
            raise ClushError(f"{name}: property not set", token=name)
        if truth:
            value = "true" if (value or "").lower() in ("true", "yes", "on", "1", "y") else "false"
        ctx.out.print(value)


COMMANDS = [do_default_timeouts, do_graph, do_get_property]
