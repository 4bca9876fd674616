"""The ``ra`` level: resource agent classes, providers, lists and metadata (cached per host)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.tree import Arg, Kind, Level, command
from clushell.errors import ClushError

if TYPE_CHECKING:
    from clushell.context import Context
    from clushell.pacemaker.ra import AgentInfo


def _columns(words: list[str], width: int = 78) -> str:
    """Words in as many columns as fit, like crmsh's multicolumn lists."""
    if not words:
        return ""
    col = max(len(w) for w in words) + 2
    per_line = max(1, width // col)
    rows = (len(words) + per_line - 1) // per_line
    lines = []
    for r in range(rows):
        cells = [words[c * rows + r] for c in range(per_line) if c * rows + r < len(words)]
        lines.append("".join(cell.ljust(col) for cell in cells).rstrip())
    return "\n".join(lines)


@command("classes", "List resource agent classes (and the OCF providers).")
def do_classes(ctx: Context, args: list[str]) -> None:
    """crm_resource --list-standards; the ocf line names its providers."""
    from clushell.pacemaker import ra

    runner = ctx.session.runner
    for cls in ra.classes(runner):
        if cls == "ocf":
            ctx.out.print(f"ocf / {' '.join(ra.providers(runner))}")
        else:
            ctx.out.print(cls)


@command("providers", "List the OCF providers of an agent type.",
         Arg("type", Kind.TEXT, "agent type, e.g. Dummy or IPaddr2"),
         Arg("class", Kind.RA_CLASS, "class (only ocf has providers)", optional=True))
def do_providers(ctx: Context, args: list[str]) -> None:
    """crm_resource --list-ocf-alternatives TYPE."""
    from clushell.pacemaker import ra

    if len(args) > 1 and args[1] != "ocf":
        raise ClushError(f"only the ocf class has providers, not {args[1]}", token=args[1])
    found = ra.providers(ctx.session.runner, args[0])
    if not found:
        raise ClushError(f"no OCF provider has an agent {args[0]}", token=args[0])
    ctx.out.print(" ".join(found))


@command("list", "List the agents of a class (and provider).",
         Arg("class", Kind.RA_CLASS, "ocf, lsb, service, stonith, systemd"),
         Arg("provider", Kind.TEXT, "OCF provider, e.g. heartbeat", optional=True),
         examples=("list ocf heartbeat", "list stonith"))
def do_list(ctx: Context, args: list[str]) -> None:
    """crm_resource --list-agents CLASS[:PROVIDER], in columns."""
    from clushell.pacemaker import ra

    runner = ctx.session.runner
    cls = args[0]
    known = ra.classes(runner)
    if cls not in known:
        raise ClushError(f"unknown class {cls}; classes here: {', '.join(known)}", token=cls)
    provider = args[1] if len(args) > 1 else None
    if provider and cls != "ocf":
        raise ClushError(f"only the ocf class has providers, not {cls}", token=provider)
    if provider and provider not in ra.providers(runner):
        raise ClushError(f"unknown OCF provider {provider}", token=provider)
    agents = ra.agents(runner, cls, provider)
    if not agents:
        ctx.out.print(f"no {cls} agents{' from ' + provider if provider else ''} installed")
        return
    ctx.out.page(_columns(sorted(set(agents))))


@command("info", "Show an agent's parameters and advised operation timeouts.",
         Arg("agent", Kind.RA, "[class:[provider:]]type, e.g. IPaddr2 or ocf:heartbeat:IPaddr2"),
         aliases=("meta",), examples=("info ocf:heartbeat:IPaddr2", "info Dummy", "info stonith:fence_dummy"))
def do_info(ctx: Context, args: list[str]) -> None:
    """Parameters with type, default and required (*) / unique marks and their long
    descriptions, then the actions with advised timeouts and intervals."""
    from clushell.pacemaker import ra

    info = ra.metadata(ctx.session.runner, args[0])
    ctx.out.page(render_info(info))


def render_info(info: AgentInfo, width: int = 78) -> str:
    import textwrap

    lines = [f"{info.spec}{f' (version {info.version})' if info.version else ''}"
             + (f" - {info.shortdesc}" if info.shortdesc else "")]
    if info.longdesc:
        lines.append("")
        lines += textwrap.wrap(" ".join(info.longdesc.split()), width)
    lines += ["", "Parameters (* required, ! unique):"]
    if not info.parameters:
        lines.append("  (none)")
    name_w = max((len(p.name) + 1 for p in info.parameters), default=0)
    type_w = max((len(p.type) for p in info.parameters), default=0)
    for p in info.parameters:
        mark = ("*" if p.required else "") + ("!" if p.unique else "")
        default = f" (default: {p.default})" if p.default not in (None, "") else ""
        deprecated = " [deprecated]" if p.deprecated else ""
        head = f"  {(p.name + mark).ljust(name_w + 1)} {p.type.ljust(type_w)}"
        lines.append(f"{head}  {p.shortdesc}{default}{deprecated}")
        if p.options:
            lines.append(f"  {'':{name_w + 1}} {'':{type_w}}  one of: {', '.join(p.options)}")
        long = " ".join(p.longdesc.split())
        if long and long != p.shortdesc:
            lines += textwrap.wrap(long, width, initial_indent=" " * 6, subsequent_indent=" " * 6)
    lines += ["", "Operations' defaults (advisory minimum):"]
    if not info.actions:
        lines.append("  (none)")
    act_w = max((len(a.name) for a in info.actions), default=0)
    for a in info.actions:
        parts = [f"timeout={a.timeout}" if a.timeout else "",
                 f"interval={a.interval}" if a.interval else "",
                 f"depth={a.depth}" if a.depth not in (None, "", "0") else "",
                 f"role={a.role}" if a.role else "",
                 f"start-delay={a.start_delay}" if a.start_delay else ""]
        lines.append(f"  {a.name.ljust(act_w)}  {' '.join(p for p in parts if p)}".rstrip())
    return "\n".join(lines) + "\n"


LEVEL = Level(
    "ra",
    "Resource agents: classes, providers, lists and metadata.",
    commands=[do_classes, do_providers, do_list, do_info],
)
