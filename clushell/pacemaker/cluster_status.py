"""Cluster state as plain dataclasses (filled from crm_mon by clushell.pacemaker.mon).

The JSON
shape given by :meth:`ClusterStatus.to_json` is the documented output of
``status json``:

    {"summary": {"stack", "dc", "dc_version", "quorum", "last_update",
                 "last_change": {"time", "user", "client", "origin"},
                 "nodes_configured", "resources_configured", "resources_disabled",
                 "resources_blocked", "options": {name: value}},
     "nodes": [{"name", "id", "type", "state", "online", "standby", "maintenance",
                "unclean", "shutdown", "is_dc", "resources_running", "attributes": {}}],
     "resources": [{"id", "kind": "primitive", "agent", "role", "target_role",
                    "nodes": [...], "managed", "failed", "active", "blocked", "orphaned"}
                   | {"id", "kind": "group"|"clone"|"bundle", "promotable", "unique",
                      "managed", "disabled", "failed", "children": [...]}],
     "failures": [{"op", "node", "task", "interval_ms", "exit", "exit_code", "reason",
                   "status", "last_rc_change"}],
     "failcounts": [{"resource", "node", "fail_count", "migration_threshold", "last_failure"}],
     "bans": [{"id", "resource", "node", "weight", "promoted_only"}],
     "tickets": [{"id", "status", "standby", "last_granted"}],
     "fencing": [{"target", "action", "status", "delegate", "origin", "completed"}]}
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Node:
    name: str
    id: str = ""
    type: str = "member"
    online: bool = False
    standby: bool = False
    standby_onfail: bool = False
    maintenance: bool = False
    pending: bool = False
    unclean: bool = False
    shutdown: bool = False
    is_dc: bool = False
    resources_running: int = 0

    @property
    def state(self) -> str:
        """One word, most important first: unclean, offline, maintenance, standby, pending, online."""
        if self.unclean:
            return "unclean"
        if not self.online:
            return "offline"
        if self.maintenance:
            return "maintenance"
        if self.standby_onfail:
            return "standby-onfail"
        if self.standby:
            return "standby"
        if self.pending:
            return "pending"
        return "online"


@dataclass
class Primitive:
    id: str
    agent: str = ""
    role: str = "Stopped"
    target_role: str = ""
    active: bool = False
    managed: bool = True
    failed: bool = False
    blocked: bool = False
    orphaned: bool = False
    failure_ignored: bool = False
    pending: str = ""
    locked_to: str = ""
    nodes: list[str] = field(default_factory=list)
    kind: str = "primitive"

    @property
    def base_id(self) -> str:
        """The configured id: unique clone instances are reported as ``id:N``."""
        return self.id.split(":", 1)[0]


@dataclass
class Container:
    id: str
    kind: str  # group | clone | bundle
    children: list[Primitive | Container] = field(default_factory=list)
    managed: bool = True
    disabled: bool = False
    failed: bool = False
    promotable: bool = False
    unique: bool = False

    def primitives(self) -> Iterator[Primitive]:
        for child in self.children:
            if isinstance(child, Container):
                yield from child.primitives()
            else:
                yield child


@dataclass
class Failure:
    op_key: str
    node: str
    task: str = ""
    interval_ms: int = 0
    exitstatus: str = ""
    exitcode: int = 0
    exitreason: str = ""
    status: str = ""
    last_rc_change: str = ""

    @property
    def resource(self) -> str:
        # op_key is RSC_TASK_INTERVAL; resource ids may contain underscores
        parts = self.op_key.rsplit("_", 2)
        return parts[0] if len(parts) == 3 else self.op_key


@dataclass
class FailCount:
    resource: str
    node: str
    fail_count: int
    migration_threshold: int
    last_failure: str = ""


@dataclass
class Operation:
    resource: str
    node: str
    call: int
    task: str
    rc: int
    rc_text: str
    interval: str = ""
    last_rc_change: str = ""
    exec_time: str = ""


@dataclass
class Ban:
    id: str
    resource: str
    node: str
    weight: int
    promoted_only: bool = False


@dataclass
class Ticket:
    id: str
    status: str
    standby: bool = False
    last_granted: str = ""


@dataclass
class FenceEvent:
    target: str
    action: str
    status: str
    delegate: str = ""
    origin: str = ""
    completed: str = ""
    exit_reason: str = ""


@dataclass
class Summary:
    stack: str = "unknown"
    dc: str = ""
    dc_version: str = ""
    quorum: bool | None = None  # None when no DC (nothing known)
    last_update: str = ""
    last_change: str = ""
    last_change_user: str = ""
    last_change_client: str = ""
    last_change_origin: str = ""
    nodes_configured: int = 0
    resources_configured: int = 0
    resources_disabled: int = 0
    resources_blocked: int = 0
    options: dict[str, str] = field(default_factory=dict)


@dataclass
class ClusterStatus:
    summary: Summary
    nodes: list[Node] = field(default_factory=list)
    resources: list[Primitive | Container] = field(default_factory=list)
    node_attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    failcounts: list[FailCount] = field(default_factory=list)
    operations: list[Operation] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    bans: list[Ban] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)
    fencing: list[FenceEvent] = field(default_factory=list)

    # -- lookups ---------------------------------------------------------------------------
    def primitives(self) -> Iterator[Primitive]:
        for item in self.resources:
            if isinstance(item, Container):
                yield from item.primitives()
            else:
                yield item

    def find(self, rid: str) -> Primitive | Container | None:
        """A top-level or nested item by id (clone instances by their configured id)."""
        def walk(items: Sequence[Primitive | Container]) -> Primitive | Container | None:
            for item in items:
                if item.id == rid or (isinstance(item, Primitive) and item.base_id == rid):
                    return item
                if isinstance(item, Container):
                    found = walk(item.children)
                    if found is not None:
                        return found
            return None

        return walk(self.resources)

    def placement(self, rid: str) -> list[tuple[str, str]]:
        """(node, role) pairs where resource ``rid`` (any level) is active."""
        out: list[tuple[str, str]] = []
        item = self.find(rid)
        if item is None:
            return out
        prims = item.primitives() if isinstance(item, Container) else iter([item])
        for prim in prims:
            for node in prim.nodes:
                if (node, prim.role) not in out:
                    out.append((node, prim.role))
        return out

    def node(self, name: str) -> Node | None:
        return next((n for n in self.nodes if n.name == name), None)

    # -- JSON ------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        s = self.summary
        return {
            "summary": {
                "stack": s.stack, "dc": s.dc or None, "dc_version": s.dc_version or None,
                "quorum": s.quorum, "last_update": s.last_update,
                "last_change": {"time": s.last_change, "user": s.last_change_user,
                                "client": s.last_change_client, "origin": s.last_change_origin},
                "nodes_configured": s.nodes_configured, "resources_configured": s.resources_configured,
                "resources_disabled": s.resources_disabled, "resources_blocked": s.resources_blocked,
                "options": dict(s.options),
            },
            "nodes": [
                {"name": n.name, "id": n.id, "type": n.type, "state": n.state, "online": n.online,
                 "standby": n.standby, "maintenance": n.maintenance, "unclean": n.unclean,
                 "shutdown": n.shutdown, "is_dc": n.is_dc, "resources_running": n.resources_running,
                 "attributes": dict(self.node_attributes.get(n.name, {}))}
                for n in self.nodes
            ],
            "resources": [_item_json(r) for r in self.resources],
            "failures": [
                {"op": f.op_key, "node": f.node, "task": f.task, "interval_ms": f.interval_ms,
                 "exit": f.exitstatus, "exit_code": f.exitcode, "reason": f.exitreason,
                 "status": f.status, "last_rc_change": f.last_rc_change}
                for f in self.failures
            ],
            "failcounts": [
                {"resource": c.resource, "node": c.node, "fail_count": c.fail_count,
                 "migration_threshold": c.migration_threshold, "last_failure": c.last_failure}
                for c in self.failcounts
            ],
            "bans": [{"id": b.id, "resource": b.resource, "node": b.node, "weight": b.weight,
                      "promoted_only": b.promoted_only} for b in self.bans],
            "tickets": [{"id": t.id, "status": t.status, "standby": t.standby,
                         "last_granted": t.last_granted or None} for t in self.tickets],
            "fencing": [{"target": f.target, "action": f.action, "status": f.status,
                         "delegate": f.delegate, "origin": f.origin, "completed": f.completed}
                        for f in self.fencing],
        }


def _item_json(item: Primitive | Container) -> dict[str, Any]:
    if isinstance(item, Primitive):
        return {"id": item.id, "kind": "primitive", "agent": item.agent, "role": item.role,
                "target_role": item.target_role or None, "nodes": list(item.nodes),
                "managed": item.managed, "failed": item.failed, "active": item.active,
                "blocked": item.blocked, "orphaned": item.orphaned}
    return {"id": item.id, "kind": item.kind, "promotable": item.promotable, "unique": item.unique,
            "managed": item.managed, "disabled": item.disabled, "failed": item.failed,
            "children": [_item_json(c) for c in item.children]}
