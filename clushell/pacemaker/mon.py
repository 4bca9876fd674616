"""Cluster state from ``crm_mon -1 --output-as=xml`` (the dataclasses: clushell.pacemaker.cluster_status).

Parsing uses the standard library only (xml.etree), so status stays fast; ``status json``
prints :meth:`ClusterStatus.to_json`, whose shape is documented in cluster_status.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from clushell.errors import ClushError
from clushell.pacemaker.cluster_status import (
    Ban,
    ClusterStatus,
    Container,
    FailCount,
    Failure,
    FenceEvent,
    Node,
    Operation,
    Primitive,
    Summary,
    Ticket,
)
from clushell.transport.base import Runner


def _bool(el: ET.Element, name: str) -> bool:
    return el.get(name, "false") == "true"


def _int(el: ET.Element, name: str) -> int:
    try:
        return int(el.get(name, "0"))
    except ValueError:
        return 0


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
