"""crm_simulate what-if: the actions the scheduler would take and the placement after them.

Never touches a cluster: the live CIB is only *read* (-L), a sandbox file is read (-x)
and written only by ``apply``. Small configurations are "executed" (-S) to get the
revised placement; big ones use -R only (-S is super-linear, pacemaker-cli.md §5).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

from clushell.errors import ClushError
from clushell.pacemaker import mon
from clushell.pacemaker.cluster_status import ClusterStatus
from clushell.pacemaker.ops import SETTLE_MAX_PRIMITIVES, tool
from clushell.transport.base import Runner


@dataclass
class Action:
    action: str
    resource: str
    attrs: dict[str, str]

    def __str__(self) -> str:
        a = self.attrs
        src, dest, node = a.get("source", ""), a.get("dest", ""), a.get("node", "")
        role, next_role = a.get("role", ""), a.get("next-role", "")
        if src and dest:
            where = f"{src} -> {dest}"
        elif node or dest or src:
            where = f"on {node or dest or src}"
        else:
            where = ""
        if role and next_role:
            where += f" ({role} -> {next_role})"
        reason = f" due to {a['reason']}" if a.get("reason") else ""
        return f"{self.action} {self.resource} {where}".rstrip() + reason


@dataclass
class Simulation:
    actions: list[Action] = field(default_factory=list)
    modifications: list[str] = field(default_factory=list)
    before: ClusterStatus | None = None
    after: ClusterStatus | None = None  # None when the configuration is too big to execute
    scores: list[tuple[str, str, str]] = field(default_factory=list)  # (resource, node, score)
    utilization: list[str] = field(default_factory=list)
    applied: bool = False


def run(runner: Runner, cib_file: str | None, extra: Sequence[str] = (), *, scores: bool = False,
        utilization: bool = False, apply: bool = False) -> Simulation:
    from clushell.pacemaker import cibfile

    local = cibfile.local_cib_file(runner)
    if local is not None:
        cibfile.check_file(local)  # crm_simulate only asserts on a file it cannot load
    source = ["-x", cib_file] if cib_file else ["-L"]
    count = _primitive_count(runner)
    execute = count <= SETTLE_MAX_PRIMITIVES
    argv = ["crm_simulate", *source, "-S" if execute else "-R", "--output-as=xml", *extra]
    if scores:
        argv.append("-s")
    res = tool(runner, argv, "simulate", timeout=300)
    sim = _parse(res.out)
    if utilization:
        text = tool(runner, ["crm_simulate", *source, "-R", "-U", *extra], "simulate utilization").out
        sim.utilization = [ln.strip() for ln in text.splitlines()
                           if "utilization" in ln.lower() or "capacity" in ln.lower()]
    if apply and cib_file:
        from clushell.pacemaker import filetxn

        # written like every clush write to a CIB file: locked, on a copy, renamed over
        with filetxn.transaction(runner, cibfile.local_cib_file(runner)) as txn:
            path = txn.copy if txn else cib_file
            tool(runner, ["crm_simulate", "-x", path, "-S", "-O", path], "simulate apply", timeout=300)
        sim.applied = True
    return sim


def _primitive_count(runner: Runner) -> int:
    res = runner.run(["cibadmin", "-Q", "--scope", "resources"], timeout=60)
    return res.out.count("<primitive ") if res.ok else 0


def _parse(text: str) -> Simulation:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ClushError(f"crm_simulate output is not XML: {exc}") from None
    sim = Simulation()
    for el in root.findall("modifications/*"):
        desc = " ".join(f"{k}={v}" for k, v in el.attrib.items())
        sim.modifications.append(f"{el.tag.replace('_', ' ')}: {desc}")
    for el in root.findall("actions/rsc_action"):
        attrs = {k: v for k, v in el.attrib.items() if k not in ("action", "resource")}
        sim.actions.append(Action(el.get("action", ""), el.get("resource", ""), attrs))
    before = root.find("cluster_status")
    if before is not None:
        sim.before = mon.parse(ET.tostring(before, encoding="unicode"))
    after = root.find("revised_cluster_status")
    if after is not None:
        sim.after = mon.parse(ET.tostring(after, encoding="unicode"))
    for el in root.iter("node_weight"):
        sim.scores.append((el.get("id", ""), el.get("node", ""), el.get("score", "")))
    return sim


def render(sim: Simulation) -> str:
    from clushell.pacemaker.status_text import placement_lines

    lines: list[str] = []
    if sim.modifications:
        lines.append("Pretending:")
        lines += [f"  {m}" for m in sim.modifications]
        lines.append("")
    lines.append("Transition summary:")
    lines += [f"  {a}" for a in sim.actions] or ["  (no actions)"]
    if sim.after is not None:
        lines.append("")
        lines.append("Resources would run:" if not sim.applied else "Resources now run:")
        lines += placement_lines(sim.after)
    elif sim.before is not None:
        lines.append("")
        lines.append(f"(more than {SETTLE_MAX_PRIMITIVES} primitives: placement after the transition not computed)")
    if sim.scores:
        lines.append("")
        lines.append("Allocation scores:")
        width = max(len(r) for r, _, _ in sim.scores)
        seen = set()
        for rid, node, score in sim.scores:
            if (rid, node) in seen:
                continue
            seen.add((rid, node))
            lines.append(f"  {rid.ljust(width)}  {node}: {score}")
    if sim.utilization:
        lines.append("")
        lines.append("Utilization:")
        lines += [f"  {u}" for u in sim.utilization]
    if sim.applied:
        lines.append("")
        lines.append("The transition was carried out on the sandbox file.")
    return "\n".join(lines) + "\n"
