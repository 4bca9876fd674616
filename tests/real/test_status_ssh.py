"""status / resource / node over SSH (sshd on loopback) against the live cluster and a remote file."""

from __future__ import annotations

import json
import shutil
import tempfile

import pytest

from tests.realenv.cluster import LiveCluster
from tests.realenv.sshd import Sshd

pytestmark = [pytest.mark.live, pytest.mark.ssh]


def test_status_resource_node_over_ssh(live_cluster: LiveCluster, sshd: Sshd, fresh_id, clush) -> None:
    env = sshd.env()
    host = ("--host", sshd.alias)
    rid = fresh_id("sshrsc")
    res = clush(*host, "configure", "primitive", rid, "ocf:heartbeat:Dummy", env=env)
    assert res.returncode == 0, res.stderr
    live_cluster.wait_role(rid, "Started")
    res = clush(*host, "status", env=env)
    assert res.returncode == 0, res.stderr
    assert f"Current DC: {live_cluster.node}" in res.stdout and rid in res.stdout
    doc = json.loads(clush(*host, "status", "json", env=env).stdout)
    assert doc["summary"]["quorum"] is True
    res = clush(*host, "resource", "stop", rid, "-w", env=env)
    assert res.returncode == 0, res.stderr
    assert live_cluster.roles()[rid] == "Stopped"
    res = clush(*host, "resource", "start", rid, "-w", env=env)
    assert res.returncode == 0, res.stderr
    assert live_cluster.roles()[rid] == "Started"
    res = clush(*host, "resource", "locate", rid, env=env)
    assert res.stdout.strip() == f"resource {rid} is running on: {live_cluster.node}"
    res = clush(*host, "node", "status", env=env)
    assert res.returncode == 0 and res.stdout.split()[0] == live_cluster.node
    res = clush(*host, "node", "attribute", live_cluster.node, "show", "nosuchattr", env=env)
    assert res.returncode == 1 and f"node {live_cluster.node} has no attribute nosuchattr" in res.stderr
    res = clush(*host, "ra", "info", "ocf:heartbeat:IPaddr2", env=env)
    assert res.returncode == 0 and "ip*" in res.stdout


def test_remote_sandbox_file_what_if(sshd: Sshd, clush) -> None:
    """--host with --cib-file: the what-if runs on the remote file, never on its cluster."""
    from clushell.sandbox import demo_cib

    tmp = tempfile.mkdtemp(prefix="clush-remote-demo-")
    try:
        path = f"{tmp}/demo.xml"
        with open(path, "w") as f:
            f.write(demo_cib())
        args = ("--host", sshd.alias, "--cib-file", path)
        res = clush(*args, "node", "standby", "node1", env=sshd.env())
        assert res.returncode == 0, res.stderr
        assert "vip: Started node1 -> Started node2" in res.stdout
        res = clush(*args, "resource", "cleanup", env=sshd.env())
        assert res.returncode == 1 and "needs a live cluster" in res.stderr
        res = clush(*args, "status", env=sshd.env())
        assert "node1  standby" in res.stdout
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
