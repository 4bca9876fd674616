"""The ``node`` level: standby/online, maintenance, node attributes, delete, fence.

Standby and attributes go through crm_attribute (which honours CIB_file, so they work
on the sandbox too); clearstate and fence need the live daemons and refuse on files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.opsflow import attr_args, change, model, take_wait
from clushell.commands.tree import Arg, Kind, Level, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context

LIFETIMES = ("forever", "reboot", "lifetime")


def _nodes_arg(ctx: Context, words: list[str], verb: str) -> list[str]:
    """Named nodes (checked), all nodes for --all, or this node on a live cluster."""
    from clushell.pacemaker import ops

    m = model(ctx)
    names = ops.node_names(m)
    if "--all" in words:
        if len(words) > 1:
            other = next(w for w in words if w != "--all")
            raise UsageError(f"--all cannot be combined with node names ('{other}')", token=other)
        return names
    for w in words:
        if w not in names:
            raise ClushError(f"node {w} does not exist", token=w)
    if words:
        return words
    target = ctx.session.target
    if target.is_file:
        raise UsageError(f"name a node: a CIB file has no local node (nodes: {', '.join(names) or 'none'})")
    here = target.node
    if target.kind == "remote":
        # the node clush reached over SSH (the host alias need not be its cluster name)
        res = ctx.session.runner.run(["crm_node", "-n"], timeout=30)
        here = res.out.strip() if res.ok else ""
    if here and here in names:
        return [here]
    raise UsageError(f"{verb} needs a node name (nodes: {', '.join(names) or 'none'})")


@command("standby", "Put nodes in standby: their resources move away.",
         Arg("args", Kind.NODE, "nodes (default: this node), --all, then forever|reboot", optional=True, repeat=True),
         usage="[NODE...|--all] [forever|reboot] [-w]",
         examples=("standby node1", "standby node1 reboot", "standby --all"))
def do_standby(ctx: Context, args: list[str]) -> None:
    """Sets node attribute standby=on (forever: in the configuration; reboot: until the
    node restarts). On the demo sandbox the simulated cluster moves the resources."""
    from clushell.pacemaker import ops

    words, wait = take_wait(args)
    lifetime = "forever"
    if words and words[-1] in LIFETIMES:
        lifetime = "forever" if words[-1] == "lifetime" else words[-1]
        words = words[:-1]
    nodes = _nodes_arg(ctx, words, "standby")
    runner = ctx.session.runner
    change(ctx, lambda: [ops.set_standby(runner, n, True, lifetime) for n in nodes], wait=wait)


@command("online", "Bring nodes out of standby.",
         Arg("args", Kind.NODE, "nodes (default: this node) or --all", optional=True, repeat=True),
         usage="[NODE...|--all] [-w]", examples=("online node1", "online --all"))
def do_online(ctx: Context, args: list[str]) -> None:
    """Sets standby=off (and removes a reboot-lifetime standby)."""
    from clushell.pacemaker import ops

    words, wait = take_wait(args)
    nodes = _nodes_arg(ctx, words, "online")
    runner = ctx.session.runner
    change(ctx, lambda: [ops.set_standby(runner, n, False) for n in nodes], wait=wait)


def _maintenance(ctx: Context, args: list[str], value: str, verb: str) -> None:
    from clushell.pacemaker import ops

    words, wait = take_wait(args)
    nodes = _nodes_arg(ctx, words, verb)
    runner = ctx.session.runner
    cleaned = _maintenance_cleanup(ctx, nodes) if value == "true" else None

    def act() -> None:
        if cleaned is not None:
            ops.commit_model(runner, *cleaned)
        for n in nodes:
            ops.node_attr(runner, "nodes", n, "set", "maintenance", value)

    change(ctx, act, wait=wait)


def _maintenance_cleanup(ctx: Context, nodes: list[str]):
    """crm's question: resource maintenance/is-managed attributes a node's maintenance makes redundant.
    Returns (original CIB, cleaned model) when some were removed, else None."""
    from clushell.cib import maintenance
    from clushell.commands.configure.maintenance import offer_cleanup
    from clushell.pacemaker import ops

    original, m = ops.load(ctx.session.runner)
    found = list({id(r.nvpair): r for n in nodes for r in maintenance.for_node(m, n)}.values())
    offer_cleanup(ctx, m, found, f"maintenance of {', '.join(nodes)}")
    return (original, m) if found and any(r.nvpair.getparent() is None for r in found) else None


@command("maintenance", "Put nodes in maintenance: resources there are no longer managed.",
         Arg("node", Kind.NODE, "node (default: this node)", optional=True, repeat=True))
def do_maintenance(ctx: Context, args: list[str]) -> None:
    """Node attribute maintenance=true, as crm writes it. Resource-level maintenance and is-managed
    attributes it makes redundant are offered for removal (crm's question; -F removes them)."""
    _maintenance(ctx, args, "true", "maintenance")


@command("ready", "Take nodes out of maintenance.",
         Arg("node", Kind.NODE, "node (default: this node)", optional=True, repeat=True))
def do_ready(ctx: Context, args: list[str]) -> None:
    """Node attribute maintenance=off."""
    _maintenance(ctx, args, "off", "ready")


def _attr_command(name: str, scope: str, what: str):
    def handler(ctx: Context, args: list[str]) -> None:
        from clushell.pacemaker import ops

        node, action, attr, value = attr_args(name, args)
        ops.require_node(model(ctx), node)
        runner = ctx.session.runner
        printed: list[str] = []
        if action == "show":
            printed.append(ops.node_attr(runner, scope, node, "show", attr))
        else:
            change(ctx, lambda: printed.append(ops.node_attr(runner, scope, node, action, attr, value)))
        # what crm prints: crm_attribute's "scope=nodes  name=N value=V" or "Deleted nodes attribute: ..."
        for text in printed:
            if text.strip():
                ctx.out.print(text.rstrip("\n"))

    return command(
        name, f"Set, delete or show a {what} of a node.",
        Arg("node", Kind.NODE, "node name"),
        Arg("action", Kind.KEYWORD, "what to do", choices=("set", "delete", "show")),
        Arg("name", Kind.ATTR, "attribute name"),
        Arg("value", Kind.TEXT, "new value (set only)", optional=True),
        examples=(f"{name} node1 set site east" if scope == "nodes" else f"{name} node1 show cpu",),
    )(handler)


do_attribute = _attr_command("attribute", "nodes", "permanent attribute")
do_utilization = _attr_command("utilization", "utilization", "utilization attribute")
do_status_attr = _attr_command("status-attr", "status", "transient (status) attribute")


@command("show", "Show nodes: id, type, attributes (as crm prints them).",
         Arg("node", Kind.NODE, "node name", optional=True), aliases=("list",))
def do_show(ctx: Context, args: list[str]) -> None:
    """crm's layout: NAME(ID): TYPE (and "(offline)"), then a tab-indented line per other XML
    attribute of the node ("description: ...") and per instance attribute set ("a=1 b=2").
    Nodes known only from the status section show their node_state. 'status' shows states."""
    from clushell.pacemaker import ops

    m = model(ctx)
    if args:
        ops.require_node(m, args[0])
    status = m.root.find("status")
    states = list(status.iterchildren("node_state")) if status is not None else []
    configured = list(m.nodes.values())

    def find(name: str, elements: list):
        return next((e for e in elements if (e.get("uname") or e.get("id")) == name), None)

    names = args or sorted({e.get("uname") or e.get("id", "") for e in configured + states})
    for name in names:
        el, state = find(name, configured), find(name, states)
        offline = state is not None and state.get("crmd") == "offline"
        for line in _node_lines(el if el is not None else state, offline):
            ctx.out.print(line)


def _node_lines(el, offline: bool) -> list[str]:
    from clushell.cib.render_fmt import quote_wrap

    uname, ident = el.get("uname", ""), el.get("id", "")
    head = uname if uname == ident else f"{uname}({ident})"
    lines = [f"{head}: {el.get('type') or 'member'}{'(offline)' if offline else ''}"]
    lines += [f"\t{k}: {v}" for k, v in el.attrib.items() if k not in ("type", "uname", "id")]
    for aset in el.iterchildren("instance_attributes"):
        pairs = []
        for nv in aset.xpath("./nvpair | ./attributes/nvpair"):
            ref, key, value = nv.get("id-ref"), nv.get("name"), nv.get("value")
            if ref is not None:
                pairs.append(f"@{ref}:{key}" if key is not None else f"@{ref}")
            else:
                pairs.append(key if value is None else f"{key}={quote_wrap(value)}")
        if pairs:  # crm prints a line holding only a tab for an empty set
            lines.append("\t" + " ".join(pairs))
    return lines


@command("server", "Print each node's server: its name, or a remote node's server address.",
         Arg("node", Kind.NODE, "node name", optional=True, repeat=True))
def do_server(ctx: Context, args: list[str]) -> None:
    """As crm: the configured nodes in CIB order; a remote node prints the server parameter of
    its primitive when it has one."""
    from clushell.pacemaker import ops

    m = model(ctx)
    for name in args:
        ops.require_node(m, name)
    for el in m.nodes.values():
        name = el.get("uname") or el.get("id", "")
        if args and name not in args:
            continue
        if el.get("type") == "remote":
            server = m.root.xpath("//primitive[@id=$n]/instance_attributes/nvpair[@name='server']", n=name)
            if server:
                ctx.out.print(server[0].get("value", ""))
                continue
        ctx.out.print(name)


@command("status", "Show node states (online, standby, maintenance, offline, DC).")
def do_status(ctx: Context, args: list[str]) -> None:
    """The node list of 'status'."""
    from clushell.pacemaker import mon

    st = mon.fetch(ctx.session.runner)
    width = max((len(n.name) for n in st.nodes), default=0)
    for n in st.nodes:
        ctx.out.print(f"{n.name.ljust(width)}  {n.state}{' DC' if n.is_dc else ''}"
                      f"  resources={n.resources_running}")


@command("clearstate", "Reset a node's state in the CIB (live cluster; asks).",
         Arg("node", Kind.NODE, "node name"))
def do_clearstate(ctx: Context, args: list[str]) -> None:
    """Online node: crm_resource --cleanup --node; offline node: stonith_admin --confirm
    (tells the cluster the node is safely down — only if it really is)."""
    from clushell.pacemaker import mon, ops

    node = args[0]
    ctx.session.require_live("node clearstate")
    ops.require_node(model(ctx), node)
    info = mon.fetch(ctx.session.runner).node(node)
    ctx.session.confirm(f"Do you really want to clear the state of node {node}")
    runner = ctx.session.runner
    if info is not None and info.online:
        ops.tool(runner, ["crm_resource", "--cleanup", "--node", node], f"clearstate {node}")
    else:
        ops.tool(runner, ["stonith_admin", "--confirm", node], f"clearstate {node}")
    ctx.out.info(f"state of node {node} cleared")


@command("delete", "Remove a node from the configuration (it must be stopped).",
         Arg("node", Kind.NODE, "node name"))
def do_delete(ctx: Context, args: list[str]) -> None:
    """Live: crm_node --force -R (refused while the node is online). CIB file: the node
    and its status entry are removed with cibadmin."""
    from clushell.pacemaker import mon, ops

    node = args[0]
    m = model(ctx)
    ops.require_node(m, node)
    runner = ctx.session.runner
    info = mon.fetch(runner).node(node)
    if info is not None and info.online:
        raise ClushError(f"node {node} is online; stop its cluster services first")
    if ctx.session.target.is_file:
        el = m.node(node)
        ident = el.get("id") if el is not None else None

        def act() -> None:
            for xp in (f"/cib/configuration/nodes/node[@uname='{node}']",
                       f"/cib/status/node_state[@uname='{node}']"):
                ops.tool(runner, ["cibadmin", "-D", "--xpath", xp], f"delete {node}")
            if ident:
                ops.tool(runner, ["cibadmin", "-D", "--xpath", f"/cib/configuration/nodes/node[@id='{ident}']"],
                         f"delete {node}")

        change(ctx, act)
        return
    ops.tool(runner, ["crm_node", "--force", "-R", node], f"delete {node}")


@command("fence", "Fence (power off/reboot) a node through the fencing devices (asks; -F skips).",
         Arg("node", Kind.NODE, "node name"))
def do_fence(ctx: Context, args: list[str]) -> None:
    """stonith_admin --fence NODE. Needs a live cluster with fencing configured."""
    from clushell.pacemaker import ops

    node = args[0]
    ctx.session.require_live("node fence")
    ops.require_node(model(ctx), node)
    ctx.session.confirm(f"Fence node {node}")
    ops.tool(ctx.session.runner, ["stonith_admin", "--fence", node, "--timeout", "120"], f"fence {node}",
             timeout=180)
    ctx.out.info(f"node {node} fenced")


LEVEL = Level(
    "node",
    "Node operations: standby/online, maintenance, attributes, delete, fence.",
    commands=[do_show, do_server, do_status, do_standby, do_online, do_maintenance, do_ready, do_attribute,
              do_utilization, do_status_attr, do_clearstate, do_delete, do_fence],
)
