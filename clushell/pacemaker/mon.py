"""Cluster state from ``crm_mon -1 --output-as=xml`` as plain dataclasses.

Parsing uses the standard library only (xml.etree), so status stays fast. The JSON
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

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from clushell.errors import ClushError
from clushell.transport.base import Runner


def _bool(el: ET.Element, name: str) -> bool:
    return el.get(name, "false") == "true"


def _int(el: ET.Element, name: str) -> int:
    try:
        return int(el.get(name, "0"))
    except ValueError:
        return 0


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


# -- parsing ---------------------------------------------------------------------------------
def _primitive(el: ET.Element) -> Primitive:
    return Primitive(
        id=el.get("id", ""), agent=el.get("resource_agent", ""), role=el.get("role", "Stopped"),
        target_role=el.get("target_role", ""), active=_bool(el, "active"),
        managed=el.get("managed", "true") == "true", failed=_bool(el, "failed"),
        blocked=_bool(el, "blocked"), orphaned=_bool(el, "orphaned"),
        failure_ignored=_bool(el, "failure_ignored"), pending=el.get("pending", ""),
        locked_to=el.get("locked_to", ""),
        nodes=[n.get("name", "") for n in el.findall("node")],
    )


def _item(el: ET.Element) -> Primitive | Container | None:
    if el.tag == "resource":
        return _primitive(el)
    if el.tag in ("group", "clone", "bundle"):
        cont = Container(
            id=el.get("id", ""), kind=el.tag, managed=el.get("managed", "true") == "true",
            disabled=_bool(el, "disabled"), failed=_bool(el, "failed"),
            promotable=_bool(el, "multi_state"), unique=_bool(el, "unique"),
        )
        kids = el.findall("replica/resource") if el.tag == "bundle" else list(el)
        for child in kids:
            item = _item(child)
            if item is not None:
                cont.children.append(item)
        return cont
    return None


def _summary(el: ET.Element | None) -> Summary:
    s = Summary()
    if el is None:
        return s
    if (x := el.find("stack")) is not None:
        s.stack = x.get("type", "unknown")
    if (x := el.find("current_dc")) is not None and x.get("present") == "true":
        s.dc = x.get("name", "")
        s.dc_version = x.get("version", "")
        s.quorum = x.get("with_quorum") == "true"
    if (x := el.find("last_update")) is not None:
        s.last_update = x.get("time", "")
    if (x := el.find("last_change")) is not None:
        s.last_change = x.get("time", "")
        s.last_change_user = x.get("user", "")
        s.last_change_client = x.get("client", "")
        s.last_change_origin = x.get("origin", "")
    if (x := el.find("nodes_configured")) is not None:
        s.nodes_configured = _int(x, "number")
    if (x := el.find("resources_configured")) is not None:
        s.resources_configured = _int(x, "number")
        s.resources_disabled = _int(x, "disabled")
        s.resources_blocked = _int(x, "blocked")
    if (x := el.find("cluster_options")) is not None:
        s.options = dict(x.attrib)
    return s


def parse(text: str) -> ClusterStatus:
    """crm_mon (or crm_simulate) XML → ClusterStatus; ClushError when it is not that XML."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ClushError(f"crm_mon output is not XML: {exc}") from None
    if root.tag == "pacemaker-result" and root.find("cluster_status") is not None:
        root = root.find("cluster_status")  # crm_simulate wraps the same sections
    assert root is not None
    st = ClusterStatus(_summary(root.find("summary")))
    for el in root.findall("nodes/node"):
        st.nodes.append(Node(
            name=el.get("name", ""), id=el.get("id", ""), type=el.get("type", "member"),
            online=_bool(el, "online"), standby=_bool(el, "standby"),
            standby_onfail=_bool(el, "standby_onfail"), maintenance=_bool(el, "maintenance"),
            pending=_bool(el, "pending"), unclean=_bool(el, "unclean"), shutdown=_bool(el, "shutdown"),
            is_dc=_bool(el, "is_dc"), resources_running=_int(el, "resources_running"),
        ))
    for el in root.findall("resources/*"):
        item = _item(el)
        if item is not None:
            st.resources.append(item)
    for el in root.findall("node_attributes/node"):
        attrs = {a.get("name", ""): a.get("value", "") for a in el.findall("attribute")}
        st.node_attributes[el.get("name", "")] = attrs
    for node_el in root.findall("node_history/node"):
        node = node_el.get("name", "")
        for rh in node_el.findall("resource_history"):
            rid = rh.get("id", "")
            if rh.get("fail-count") is not None:
                st.failcounts.append(FailCount(
                    rid, node, _failcount(rh.get("fail-count", "0")),
                    _failcount(rh.get("migration-threshold", "1000000")), rh.get("last-failure", "")))
            for op in rh.findall("operation_history"):
                st.operations.append(Operation(
                    rid, node, _int(op, "call"), op.get("task", ""), _int(op, "rc"), op.get("rc_text", ""),
                    op.get("interval", ""), op.get("last-rc-change", ""), op.get("exec-time", "")))
    for el in root.findall("failures/failure"):
        st.failures.append(Failure(
            op_key=el.get("op_key", ""), node=el.get("node", ""), task=el.get("task", ""),
            interval_ms=_int(el, "interval"), exitstatus=el.get("exitstatus", ""),
            exitcode=_int(el, "exitcode"), exitreason=el.get("exitreason", ""),
            status=el.get("status", ""), last_rc_change=el.get("last-rc-change", ""),
        ))
    for el in root.findall("bans/ban"):
        st.bans.append(Ban(el.get("id", ""), el.get("resource", ""), el.get("node", ""),
                           _failcount(el.get("weight", "0")), _bool(el, "promoted-only")))
    for el in root.findall("tickets/ticket"):
        st.tickets.append(Ticket(el.get("id", ""), el.get("status", ""), _bool(el, "standby"),
                                 el.get("last-granted", "")))
    for el in root.findall("fence_history/fence_event"):
        st.fencing.append(FenceEvent(el.get("target", ""), el.get("action", ""), el.get("status", ""),
                                     el.get("delegate", ""), el.get("origin", ""),
                                     el.get("completed", ""), el.get("exit-reason", "")))
    return st


def _failcount(text: str) -> int:
    if text.upper() in ("INFINITY", "+INFINITY"):
        return 1000000
    if text.upper() == "-INFINITY":
        return -1000000
    try:
        return int(text)
    except ValueError:
        return 0


def fetch_xml(runner: Runner, *, extra: Sequence[str] = ()) -> str:
    """Raw ``crm_mon -1 --output-as=xml`` text from the target (live cluster or CIB file)."""
    from clushell.pacemaker.cibfile import check_file, local_cib_file

    res = runner.run(["crm_mon", "-1", "--output-as=xml", *extra], timeout=60)
    # crm_mon prints its XML with an error status too; on a CIB it cannot load it even says
    # "OK" with an <errors> list and no summary (an empty, healthy-looking cluster)
    failed = not res.ok or ("<errors>" in res.out and "<summary>" not in res.out)
    if failed:
        path = local_cib_file(runner)
        if path is not None:
            check_file(path)
        msg = res.err.strip().splitlines()[-1] if res.err.strip() else _status_message(res.out)
        raise ClushError(f"cannot read the cluster status: {msg or f'crm_mon exit code {res.rc}'}")
    return res.out


def _status_message(text: str) -> str:
    try:
        el = ET.fromstring(text).find("status")
    except ET.ParseError:
        return ""
    if el is None:
        return ""
    errors = [e.text or "" for e in el.findall("errors/error")]
    return "; ".join([el.get("message", ""), *errors]).strip("; ")


def fetch(runner: Runner) -> ClusterStatus:
    """The target's current state."""
    return parse(fetch_xml(runner))


def run_states(status: ClusterStatus) -> dict[str, bool]:
    """What runs: configured resource id (clones and groups included) -> active anywhere."""
    states: dict[str, bool] = {}

    def walk(items: Sequence[Primitive | Container]) -> bool:
        any_active = False
        for item in items:
            active = walk(item.children) if isinstance(item, Container) else bool(item.active)
            key = item.id if isinstance(item, Container) else item.base_id
            states[key] = states.get(key, False) or active
            any_active = any_active or active
        return any_active

    walk(status.resources)
    return states
