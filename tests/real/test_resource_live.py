"""status / resource / node against the live single-node cluster (shared: unique ids, cleaned up)."""

from __future__ import annotations

import glob
import os
import re
import time

import pytest

from tests.realenv.cluster import LiveCluster

pytestmark = pytest.mark.live


@pytest.fixture
def web(live_cluster: LiveCluster, fresh_id, clush):
    """The seed's web service with unique ids: vip + web server (Dummy) in a group, committed by clush."""
    vip, srv, grp = fresh_id("vip"), fresh_id("web"), fresh_id("websvc")
    script = (f"configure\nprimitive {vip} ocf:heartbeat:Dummy op monitor interval=10s timeout=20s\n"
              f"primitive {srv} ocf:heartbeat:Dummy op monitor interval=10s timeout=20s\n"
              f"group {grp} {vip} {srv}\ncommit\n")
    res = clush(input=script)
    assert res.returncode == 0, res.stderr
    live_cluster.wait_role(vip, "Started")
    live_cluster.wait_role(srv, "Started")
    return vip, srv, grp


def _wait(pred, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.5)
    return pred()


def test_status_shows_web_service_started(live_cluster: LiveCluster, web, clush) -> None:
    vip, srv, grp = web
    res = clush("status")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "Stack: corosync" in out
    assert f"Current DC: {live_cluster.node}" in out and "partition with quorum" in out
    assert f"group {grp}:" in out
    for rid in (vip, srv):
        line = next(ln for ln in out.splitlines() if ln.strip().startswith(rid + " "))
        assert f"Started {live_cluster.node}" in line
    res = clush("resource", "locate", grp)
    assert res.stdout.strip() == f"resource {grp} is running on: {live_cluster.node}"


def test_stop_start_restart_observed(live_cluster: LiveCluster, web, clush) -> None:
    vip, srv, grp = web
    res = clush("resource", "stop", grp, "-w")
    assert res.returncode == 0, res.stderr
    assert live_cluster.roles()[vip] == "Stopped" and live_cluster.roles()[srv] == "Stopped"
    assert f"{vip}: Started {live_cluster.node} -> Stopped" in res.stdout
    assert f'id="{grp}-meta_attributes-target-role"' in live_cluster.query(f"//group[@id='{grp}']")
    res = clush("resource", "start", grp, "-w")
    assert res.returncode == 0, res.stderr
    assert live_cluster.roles()[vip] == "Started"
    calls_before = _start_calls(live_cluster, srv)
    res = clush("resource", "restart", srv, "-w")
    assert res.returncode == 0, res.stderr
    live_cluster.wait_role(srv, "Started")
    assert _start_calls(live_cluster, srv) > calls_before  # really stopped and started again


def _start_calls(live_cluster: LiveCluster, rid: str) -> int:
    st = live_cluster.status()
    return max((int(op.get("call", "0")) for rh in st.iter("resource_history") if rh.get("id") == rid
                for op in rh.iter("operation_history") if op.get("task") == "start"), default=0)


def test_move_creates_and_clear_removes_prefer(live_cluster: LiveCluster, web, clush) -> None:
    vip, srv, grp = web
    res = clush("resource", "move", grp, live_cluster.node)
    assert res.returncode == 1 and "already runs on" in res.stderr
    res = clush("resource", "move", grp, live_cluster.node, "force")
    assert res.returncode == 0, res.stderr
    assert f'id="cli-prefer-{grp}"' in live_cluster.query(f"//rsc_location[@rsc='{grp}']")
    assert f"cli-prefer-{grp}" in clush("resource", "constraints", grp).stdout
    res = clush("resource", "clear", grp)
    assert res.returncode == 0, res.stderr
    assert live_cluster.query(f"//rsc_location[@rsc='{grp}']") == ""


def test_cleanup_clears_failcount_of_failed_monitor(live_cluster: LiveCluster, fresh_id, clush) -> None:
    """A Dummy whose state file vanishes fails its monitor for real; cleanup resets the count."""
    rid = fresh_id("flaky")
    res = clush("configure", "primitive", rid, "ocf:pacemaker:Dummy", "op", "monitor", "interval=2s", "timeout=20s")
    assert res.returncode == 0, res.stderr
    live_cluster.wait_role(rid, "Started")
    states = glob.glob(f"/run/resource-agents/Dummy-{rid}.state") or glob.glob(f"/var/run/Dummy-{rid}.state")
    assert states, "Dummy state file not found"
    os.unlink(states[0])

    def count() -> int:
        out = clush("resource", "failcount", rid, "show", live_cluster.node).stdout
        m = re.search(r"\bvalue=(\d+|INFINITY)\b", out)  # crm_failcount's line, as crm prints it
        return 0 if not m else 1_000_000 if m.group(1) == "INFINITY" else int(m.group(1))

    assert _wait(lambda: count() > 0), "the monitor failure was not counted"
    assert rid in clush("status").stdout.split("Failed Resource Actions:")[1]
    res = clush("resource", "cleanup", rid, live_cluster.node)
    assert res.returncode == 0, res.stderr
    assert _wait(lambda: count() == 0)
    live_cluster.wait_role(rid, "Started")


def test_promotable_and_bad_input_live(live_cluster: LiveCluster, web, clush) -> None:
    vip, srv, grp = web
    before = live_cluster.cib_version()
    for args, message in [
        (("resource", "promote", vip), f"{vip} is not a promotable resource"),
        (("resource", "cleanup", "nosuch-rsc"), "nosuch-rsc is neither a resource nor a node"),
        (("resource", "cleanup", vip, "node9"), "node node9 does not exist"),
        (("resource", "move", vip), f"name a target node for {vip}"),
        (("node", "standby", "node9"), "node node9 does not exist"),
    ]:
        res = clush(*args)
        assert res.returncode == 1, args
        errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
        assert len(errors) == 1 and message in errors[0], res.stderr
    after = live_cluster.cib_version()
    assert f"cli-prefer-{vip}" not in live_cluster.query("//constraints")
    assert after[1] >= before[1]


def test_node_standby_stops_everything_and_online_brings_back(live_cluster: LiveCluster, web, clush) -> None:
    vip, srv, grp = web
    node = live_cluster.node
    try:
        res = clush("node", "standby", node, "-w")
        assert res.returncode == 0, res.stderr
        assert _wait(lambda: live_cluster.roles()[vip] == "Stopped")
        status = clush("status").stdout
        assert f"{node}  standby" in status
    finally:
        res = clush("node", "online", node, "-w")
    assert res.returncode == 0, res.stderr
    live_cluster.wait_role(vip, "Started")
    live_cluster.wait_role(srv, "Started")
    assert f"{node}  online" in clush("status").stdout


def test_status_xml_and_json_live(live_cluster: LiveCluster, clush) -> None:
    import json

    res = clush("status", "xml")
    assert res.returncode == 0 and res.stdout.startswith("<pacemaker-result")
    doc = json.loads(clush("status", "json").stdout)
    assert doc["summary"]["dc"] == live_cluster.node and doc["summary"]["quorum"] is True
    assert doc["summary"]["stack"] == "corosync"
    assert [n["name"] for n in doc["nodes"]] == [live_cluster.node]


def test_simulate_live_reads_only(live_cluster: LiveCluster, web, clush) -> None:
    vip, srv, grp = web
    before = live_cluster.cib_version()
    res = clush("simulate", "down", live_cluster.node)
    assert res.returncode == 0, res.stderr
    after = res.stdout.split("Resources would run:")[1]
    line = next(ln for ln in after.splitlines() if ln.strip().startswith(vip))
    assert line.rstrip().endswith("Stopped")  # a down node runs nothing
    res = clush("simulate", "apply")
    assert res.returncode == 1 and "sandbox CIB file only" in res.stderr
    assert vip not in live_cluster.query("//nvpair[@name='standby']")
    assert live_cluster.cib_version()[:2] >= before[:2]


def test_fence_asks_and_clearstate_checks_node(live_cluster: LiveCluster, clush) -> None:
    res = clush("node", "fence", live_cluster.node)  # no terminal, no -F: refused, nothing done
    assert "Fence node" in res.stderr and "rerun with -y" in res.stderr
    import json

    fencing = json.loads(clush("status", "json").stdout)["fencing"]
    assert not [f for f in fencing if f["target"] == live_cluster.node]
    res = clush("node", "clearstate", "node9")
    assert res.returncode == 1 and "node node9 does not exist" in res.stderr
    res = clush("node", "delete", live_cluster.node)
    assert res.returncode == 1 and f"node {live_cluster.node} is online" in res.stderr
