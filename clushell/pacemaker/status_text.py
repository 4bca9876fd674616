"""Cluster status as text: summary, nodes, resources, failures, bans, tickets.

Lines are built as rich ``Text`` with styles that mean state (green started, red
failed/offline, yellow standby/maintenance/stopped), and laid out by hand so the plain
text is stable and readable without colour (golden tests compare ``render_plain``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clushell.pacemaker import status_lines as lines
from clushell.pacemaker.cluster_status import ClusterStatus, Container, Node, Primitive
from clushell.pacemaker.status_lines import Lines

if TYPE_CHECKING:
    from rich.text import Text

VIEWS = ("full", "bynode", "inactive", "ops", "failcounts", "tickets", "xml", "json")

STYLE = {
    "Started": "green", "Promoted": "bold green", "Unpromoted": "green", "Slave": "green",
    "Master": "bold green", "Stopped": "yellow", "Starting": "cyan", "Stopping": "cyan",
    "Migrating": "cyan", "FAILED": "bold red",
    "online": "green", "standby": "yellow", "standby-onfail": "yellow", "maintenance": "yellow",
    "pending": "cyan", "offline": "red", "unclean": "bold red",
}


@dataclass(frozen=True)
class ViewOptions:
    bynode: bool = False
    ops: bool = False
    failcounts: bool = False
    tickets: bool = False
    bans: bool = False
    attributes: bool = False

    @classmethod
    def from_words(cls, words: Iterable[str]) -> ViewOptions:
        w = set(words)
        full = "full" in w
        return cls(bynode=full or "bynode" in w, ops=full or "ops" in w,
                   failcounts=full or "failcounts" in w, tickets=full or "tickets" in w,
                   bans=full, attributes=full)


# -- sections -----------------------------------------------------------------------------------
def _summary(st: ClusterStatus, out: Lines) -> None:
    s = st.summary
    out.add(("Cluster Summary:", "bold"))
    out.add(f"  Stack: {s.stack}")
    if s.dc:
        quorum = ("partition with quorum", "green") if s.quorum else ("partition WITHOUT quorum", "bold red")
        version = f" (version {s.dc_version})" if s.dc_version else ""
        out.add(f"  Current DC: {s.dc}{version} - ", quorum)
    else:
        out.add("  Current DC: ", ("NONE", "yellow"))
    if s.last_update:
        out.add(f"  Last updated: {s.last_update}")
    if s.last_change:
        who = " ".join(p for p in (f"by {s.last_change_user}" if s.last_change_user else "",
                                   f"via {s.last_change_client}" if s.last_change_client else "",
                                   f"on {s.last_change_origin}" if s.last_change_origin else "") if p)
        out.add(f"  Last change: {s.last_change}{' ' + who if who else ''}")
    extra = []
    if s.resources_disabled:
        extra.append(f"{s.resources_disabled} DISABLED")
    if s.resources_blocked:
        extra.append(f"{s.resources_blocked} BLOCKED from further action due to failure")
    out.add(f"  {s.nodes_configured} node{'s' if s.nodes_configured != 1 else ''} configured, "
            f"{s.resources_configured} resource instance{'s' if s.resources_configured != 1 else ''} configured"
            + (f" ({', '.join(extra)})" if extra else ""))
    opts = s.options
    if opts.get("maintenance-mode") == "true":
        out.add("  ", ("*** Resource management is DISABLED: maintenance-mode is on ***", "bold yellow"))
    if opts.get("stop-all-resources") == "true":
        out.add("  ", ("*** stop-all-resources is on: every resource is stopped ***", "bold yellow"))


def _node_label(node: Node) -> list[tuple[str, str]]:
    state = node.state
    word = state.upper() if state in ("offline", "unclean") else state
    if state == "unclean":
        word += " (online)" if node.online else " (offline)"
    segs = [(word, STYLE.get(state, ""))]
    if node.type != "member":
        segs.append((f" ({node.type})", ""))
    if node.is_dc:
        segs.append((" DC", "bold"))
    if node.shutdown and node.online:
        segs.append((" shutting down", "cyan"))
    return segs


def _nodes(st: ClusterStatus, out: Lines, opts: ViewOptions) -> None:
    out.heading("Node List:")
    if not st.nodes:
        out.add("  (no nodes)")
    width = max((len(n.name) for n in st.nodes), default=0)
    for node in st.nodes:
        out.add(f"  {node.name.ljust(width)}  ", *_node_label(node))
        if opts.attributes:
            for name, value in sorted(st.node_attributes.get(node.name, {}).items()):
                out.add(f"    {name} = {value}")


def _flags(p: Primitive) -> list[tuple[str, str]]:
    flags = []
    if p.target_role and p.target_role.lower() == "stopped":
        flags.append(("(disabled)", "yellow"))
    if not p.managed:
        flags.append(("(unmanaged)", "yellow"))
    if p.blocked:
        flags.append(("(blocked)", "bold red"))
    if p.orphaned:
        flags.append(("(orphaned)", "yellow"))
    if p.failure_ignored:
        flags.append(("(failure ignored)", "yellow"))
    if p.pending:
        flags.append((f"({p.pending})", "cyan"))
    return flags


def _role_segments(p: Primitive) -> list[tuple[str, str]]:
    role = "FAILED" if p.failed else p.role
    segs: list[tuple[str, str]] = [(role, STYLE.get(role, ""))]
    if p.failed and p.role not in ("Started", "Stopped"):
        segs.append((f" {p.role}", ""))
    if p.nodes:
        segs.append((" " + " ".join(p.nodes), ""))
    for text, style in _flags(p):
        segs.extend([(" ", ""), (text, style)])
    return segs


class _Table:
    """Aligns the name and agent columns of every primitive line in one section."""

    def __init__(self, items: list[Primitive | Container]):
        prims = [p for it in items for p in (it.primitives() if isinstance(it, Container) else [it])]
        self.name_w = max((len(p.id) for p in prims), default=0)
        self.agent_w = max((len(p.agent) + 2 for p in prims), default=0)

    def line(self, out: Lines, indent: str, p: Primitive, *, show_nodes: bool = True) -> None:
        agent = f"({p.agent})" if p.agent else ""
        segs = _role_segments(p) if show_nodes else [s for s in _role_segments(p) if not s[0].startswith(" node")]
        out.add(f"{indent}{p.id.ljust(self.name_w + 6 - len(indent))}  {agent.ljust(self.agent_w)}  ", *segs)


def _clone(c: Container, out: Lines, table: _Table, all_nodes: list[str], indent: str) -> None:
    inner = c.children[0] if c.children else None
    base = inner.base_id if isinstance(inner, Primitive) else (inner.id if inner else "")
    kind = "promotable clone" if c.promotable else ("unique clone" if c.unique else "clone")
    flags = []
    if not c.managed:
        flags.append(("  (unmanaged)", "yellow"))
    if c.disabled:
        flags.append(("  (disabled)", "yellow"))
    if c.failed:
        flags.append(("  FAILED", "bold red"))
    agent = f" ({inner.agent})" if isinstance(inner, Primitive) and inner.agent else ""
    out.add(f"{indent}{kind} {c.id} [{base}]{agent}", *flags)
    if c.unique or any(isinstance(ch, Container) for ch in c.children):
        for child in c.children:
            if isinstance(child, Container):
                _group(child, out, table, indent + "  ")
            else:
                table.line(out, indent + "  ", child)
        return
    # anonymous clone: one line per role, like crm_mon
    by_role: dict[str, list[str]] = {}
    failed: list[Primitive] = []
    for ch in c.children:
        assert isinstance(ch, Primitive)
        if ch.failed:
            failed.append(ch)
            continue
        if ch.nodes:
            by_role.setdefault(ch.role, []).extend(ch.nodes)
    for p in failed:
        table.line(out, indent + "  ", p)
    order = ["Promoted", "Unpromoted", "Started", "Starting", "Stopping", "Migrating"]
    for role in sorted(by_role, key=lambda r: (order.index(r) if r in order else 99, r)):
        out.add(f"{indent}  ", (f"{role}:", STYLE.get(role, "")), f" {' '.join(sorted(by_role[role]))}")
    running = {n for nodes in by_role.values() for n in nodes} | {n for p in failed for n in p.nodes}
    stopped = [n for n in all_nodes if n not in running]
    instances_down = sum(1 for ch in c.children if isinstance(ch, Primitive) and not ch.nodes and not ch.failed)
    if stopped and instances_down:
        out.add(f"{indent}  ", ("Stopped:", STYLE["Stopped"]), f" {' '.join(stopped)}")


def _group(g: Container, out: Lines, table: _Table, indent: str) -> None:
    flags = []
    if not g.managed:
        flags.append(("  (unmanaged)", "yellow"))
    if g.disabled:
        flags.append(("  (disabled)", "yellow"))
    out.add(f"{indent}group {g.id}:", *flags)
    for child in g.children:
        if isinstance(child, Primitive):
            table.line(out, indent + "  ", child)


def _item(item: Primitive | Container, out: Lines, table: _Table, all_nodes: list[str]) -> None:
    if isinstance(item, Primitive):
        table.line(out, "  ", item)
    elif item.kind == "group":
        _group(item, out, table, "  ")
    else:  # clone and bundle share the instance layout
        _clone(item, out, table, all_nodes, "  ")


def _resources(st: ClusterStatus, out: Lines) -> None:
    out.heading("Resources:")
    if not st.resources:
        out.add("  (no resources configured)")
        return
    table = _Table(st.resources)
    names = [n.name for n in st.nodes]
    for item in st.resources:
        _item(item, out, table, names)


def _bynode(st: ClusterStatus, out: Lines) -> None:
    out.heading("Resources by node:")
    prims = list(st.primitives())
    table = _Table(list(prims))
    for node in st.nodes:
        out.add(f"  Node {node.name}: ", *_node_label(node))
        for p in prims:
            if node.name in p.nodes:
                one = Primitive(**{**p.__dict__, "nodes": []})
                table.line(out, "    ", one)
    inactive = [p for p in prims if not p.nodes]
    if inactive:
        out.add("  Inactive:")
        seen = set()
        for p in inactive:
            if p.id in seen:
                continue
            seen.add(p.id)
            table.line(out, "    ", p)


def build(st: ClusterStatus, opts: ViewOptions | None = None) -> Lines:
    opts = opts or ViewOptions()
    out = Lines()
    _summary(st, out)
    _nodes(st, out, opts)
    if opts.bynode:
        _bynode(st, out)
    else:
        _resources(st, out)
    if opts.ops:
        lines.ops(st, out)
    if opts.failcounts:
        lines.failcounts(st, out)
    lines.failures(st, out)
    lines.fencing(st, out)
    if opts.bans:
        lines.bans(st, out)
    if opts.tickets or st.tickets:
        lines.tickets(st, out)
    return out


def render_plain(st: ClusterStatus, opts: ViewOptions | None = None) -> str:
    """The status as plain text (what a terminal without colour shows)."""
    return build(st, opts).plain()


def render_rich(st: ClusterStatus, opts: ViewOptions | None = None) -> Text:
    return build(st, opts).rich()


def show(out: Any, st: ClusterStatus, opts: ViewOptions | None = None) -> None:
    """Print through clush's Output: colour on a terminal, plain text otherwise."""
    if out.color:
        import shutil

        lines = build(st, opts)
        console = out.console()
        if out.interactive and len(lines.lines) >= shutil.get_terminal_size((80, 24)).lines:
            # long status in a terminal: page it with its colours (less -R)
            with console.pager(styles=True):
                console.print(lines.rich())
        else:
            console.print(lines.rich())
    else:
        out.page(render_plain(st, opts))


def placement_lines(st: ClusterStatus) -> list[str]:
    """The resources section alone, as plain lines (used by simulate)."""
    out = Lines()
    table = _Table(st.resources)
    names = [n.name for n in st.nodes]
    for item in st.resources:
        _item(item, out, table, names)
    if not st.resources:
        out.add("  (no resources configured)")
    return out.plain().rstrip("\n").split("\n")
