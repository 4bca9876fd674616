"""node level on CIB files (crm_attribute honours CIB_file); live-only commands refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import cib_query
from tests.realenv import require


@pytest.fixture
def cib(tmp_path: Path) -> Path:
    require("cibadmin", "crm_attribute", "crm_simulate")
    from clushell.sandbox import demo_cib

    path = tmp_path / "demo.xml"
    path.write_text(demo_cib())
    return path


def run(clush, cib: Path, *args: str, input: str | None = None):
    return clush(*args, input=input, env={"CIB_file": str(cib)})


def test_standby_lifetimes_and_online(cib: Path, clush) -> None:
    assert run(clush, cib, "node", "standby", "node1").returncode == 0
    assert 'id="nodes-1-standby" name="standby" value="on"' in cib_query(cib)
    assert run(clush, cib, "node", "online", "node1").returncode == 0
    assert 'name="standby" value="off"' in cib_query(cib)
    assert run(clush, cib, "node", "standby", "node2", "reboot").returncode == 0
    text = cib_query(cib)
    assert 'id="status-2-standby"' in text  # transient: in the status section
    assert run(clush, cib, "node", "online", "node2").returncode == 0
    assert 'id="status-2-standby"' not in cib_query(cib)


def test_standby_all(cib: Path, clush) -> None:
    res = run(clush, cib, "node", "standby", "--all")
    assert res.returncode == 0, res.stderr
    assert "vip: Started node1 -> Stopped" in res.stdout
    text = cib_query(cib)
    assert text.count('name="standby" value="on"') == 2


def test_attributes(cib: Path, clush) -> None:
    assert run(clush, cib, "node", "attribute", "node1", "set", "site", "east").returncode == 0
    res = run(clush, cib, "node", "attribute", "node1", "show", "site")
    assert res.stdout == "scope=nodes  name=site value=east\n"  # crm_attribute's line, as crm prints it
    assert run(clush, cib, "node", "utilization", "node1", "set", "cpu", "8").returncode == 0
    assert run(clush, cib, "node", "status-attr", "node2", "set", "pingd", "100").returncode == 0
    res = run(clush, cib, "node", "status-attr", "node2", "show", "pingd")
    assert res.stdout == "scope=status  name=pingd value=100\n"
    show = run(clush, cib, "node", "show", "node1").stdout
    assert show.startswith("node1(1): member\n") and "\tsite=east" in show  # crm's layout
    res = run(clush, cib, "node", "attribute", "node1", "delete", "site")
    assert res.returncode == 0 and res.stdout.startswith("Deleted nodes attribute: ")
    res = run(clush, cib, "node", "attribute", "node1", "show", "site")
    assert res.returncode == 1 and "node node1 has no attribute site" in res.stderr


def test_maintenance_ready(cib: Path, clush) -> None:
    assert run(clush, cib, "node", "maintenance", "node2").returncode == 0
    assert "node2  maintenance" in run(clush, cib, "node", "status").stdout
    assert run(clush, cib, "node", "ready", "node2").returncode == 0
    assert "node2  online" in run(clush, cib, "node", "status").stdout


def test_delete_offline_node_on_file(cib: Path, clush) -> None:
    assert run(clush, cib, "simulate", "apply").returncode == 0
    res = run(clush, cib, "node", "delete", "node2")
    assert res.returncode == 1 and "node node2 is online" in res.stderr
    # take node2 down in the file, then it can go
    import subprocess

    subprocess.run(["crm_simulate", "-x", str(cib), "-S", "-d", "node2", "-O", str(cib)],
                   capture_output=True, check=True)
    res = run(clush, cib, "node", "delete", "node2")
    assert res.returncode == 0, res.stderr
    text = cib_query(cib)
    assert 'uname="node2"' not in text


@pytest.mark.parametrize(
    "args, message",
    [
        (("node", "standby", "node9"), "node node9 does not exist"),
        (("node", "standby"), "name a node"),
        (("node", "standby", "--all", "node1"), "--all cannot be combined"),
        (("node", "online", "nosuch"), "node nosuch does not exist"),
        (("node", "attribute", "node9", "set", "a", "1"), "node node9 does not exist"),
        (("node", "attribute", "node1", "set", "a"), "attribute set needs a value"),
        (("node", "fence", "node1"), "needs a live cluster"),
        (("node", "clearstate", "node1"), "needs a live cluster"),
    ],
)
def test_bad_input(cib: Path, clush, args, message) -> None:
    before = cib_query(cib)
    res = run(clush, cib, *args)
    assert res.returncode == 1
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1 and message in errors[0], res.stderr
    assert cib_query(cib) == before
