"""The demo sandbox: a simulated two-node cluster in a CIB file (real cibadmin/crm_simulate)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.realenv import require


@pytest.fixture
def demo(clush, tmp_path: Path):
    """Run clush on a fresh demo sandbox of its own: demo(*args, input=None)."""
    require("cibadmin", "crm_simulate", "crm_mon")
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    first = clush("--demo", "--recreate", "status", env=env)
    assert first.returncode == 0, first.stderr

    def run(*args: str, input: str | None = None):
        return clush("--demo", *args, input=input, env=env)

    run.path = tmp_path / "data" / "clush" / "demo.xml"  # type: ignore[attr-defined]
    return run


def _where(demo, rid: str) -> list[str]:
    res = demo("status", "json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)

    def walk(items):
        for it in items:
            if it["id"] == rid:
                return it
            found = walk(it.get("children", []))
            if found:
                return found
        return None

    item = walk(doc["resources"])
    assert item is not None, f"{rid} not in status"
    prims = item.get("children") or [item]
    return sorted({n for p in prims for n in p["nodes"]})


def test_demo_cib_is_valid_and_running() -> None:
    require("crm_verify", "crm_simulate")
    from clushell.sandbox import demo_cib, is_simulated

    text = demo_cib()
    assert is_simulated(text)
    res = subprocess.run(["crm_verify", "-p"], input=text, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    assert "<lrm_rsc_op" in text  # crm_simulate started the web service


def test_status_shows_web_service_started(demo) -> None:
    res = demo("status")
    assert res.returncode == 0, res.stderr
    assert "group webservice:" in res.stdout
    assert "vip" in res.stdout and "webserver" in res.stdout
    assert res.stdout.count("Started node1") == 2
    assert _where(demo, "webservice") == ["node1"]


def test_standby_moves_group_and_online_keeps_it_by_stickiness(demo) -> None:
    res = demo("node", "standby", "node1")
    assert res.returncode == 0, res.stderr
    assert "vip: Started node1 -> Started node2" in res.stdout
    assert _where(demo, "webservice") == ["node2"]
    status = demo("status").stdout
    assert "node1  standby" in status
    res = demo("node", "online", "node1")
    assert res.returncode == 0, res.stderr
    assert _where(demo, "webservice") == ["node2"]  # resource-stickiness=100 in the demo
    assert "node1  online" in demo("status").stdout


def test_simulate_what_if_without_changing_the_file(demo) -> None:
    before = demo.path.read_text()
    res = demo("simulate", "down", "node1")
    assert res.returncode == 0, res.stderr
    assert "start vip on node2" in res.stdout
    assert "Resources would run:" in res.stdout and "Started node2" in res.stdout
    assert demo.path.read_text() == before
    res = demo("simulate", "scores")
    assert "Allocation scores:" in res.stdout and "vip" in res.stdout


def test_batch_script_on_demo(demo) -> None:
    script = ("node standby node1\nstatus\nresource move webservice node1\n"
              "node online node1\nresource locate webservice\n")
    res = demo(input=script)
    assert res.returncode == 0, res.stderr
    assert "resource webservice is running on: node1" in res.stdout


def test_stop_start_restart_on_demo(demo) -> None:
    res = demo("resource", "stop", "webservice")
    assert res.returncode == 0, res.stderr
    assert _where(demo, "webservice") == []
    assert "(disabled)" in demo("status").stdout
    assert demo("resource", "start", "webservice").returncode == 0
    assert _where(demo, "webservice") == ["node1"]
    res = demo("resource", "restart", "vip")
    assert res.returncode == 0, res.stderr
    assert _where(demo, "vip") == ["node1"]


def test_simulate_apply_only_on_files(demo, clush) -> None:
    res = demo("simulate", "apply", "down", "node1")
    assert res.returncode == 1
    assert "cannot be combined" in res.stderr
    res = demo("simulate", "bogus")
    assert res.returncode == 1 and "'bogus' is not one of" in res.stderr
