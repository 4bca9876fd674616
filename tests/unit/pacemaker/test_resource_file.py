"""resource level on CIB files: crmsh-identical start/stop/meta, bad input, nothing half-done."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cib_query
from tests.paths import CONFORMANCE
from tests.realenv import require

CONF = CONFORMANCE

SETUP = """configure
property stonith-enabled=false
primitive a ocf:heartbeat:Dummy
primitive b ocf:heartbeat:Dummy
group g a b
primitive c ocf:heartbeat:Dummy
clone c-clone c
primitive s ocf:pacemaker:Stateful
clone s-clone s meta promotable=true
primitive solo ocf:heartbeat:Dummy
node node1
node node2
commit
"""


@pytest.fixture
def cib(cib_file: Path, clush) -> Path:
    require("cibadmin", "crm_resource", "crm_diff")
    res = clush(input=SETUP, env={"CIB_file": str(cib_file)})
    assert res.returncode == 0, res.stderr
    return cib_file


def run(clush, cib: Path, *args: str, input: str | None = None):
    return clush(*args, input=input, env={"CIB_file": str(cib)})


def meta(cib: Path, rid: str) -> dict[str, str]:
    from lxml import etree

    root = etree.fromstring(cib_query(cib).encode())
    el = root.find(f".//*[@id='{rid}']")
    return {nv.get("name"): nv.get("value") for nv in el.iterfind("meta_attributes/nvpair")}


@pytest.mark.parametrize("case", ["crmsh-cibtests/003", "crmsh-cibtests/004", "scenarios/s06-edits"])
def test_conformance_resource_after_up(case: str, clush, tmp_path: Path) -> None:
    """resource stop/start/meta after `up` give crmsh's XML, ids included."""
    require("cibadmin", "crm_resource")
    if not CONF.is_dir():
        pytest.fail(f"conformance data missing at {CONF}")
    base = CONF / ("crmsh-cibtests/shadow.base" if case.startswith("crmsh") else "scenarios/base.xml")
    work = tmp_path / "w.xml"
    shutil.copy(base, work)
    res = run(clush, work, input=(CONF / f"{case}.input").read_text())
    assert res.returncode == 0, res.stderr
    out = tmp_path / "out.xml"
    out.write_text(cib_query(work))
    cmp = subprocess.run([sys.executable, str(CONF / "cibcmp.py"), str(CONF / f"{case}.exp.xml"), str(out)],
                         capture_output=True, text=True, check=False)
    assert cmp.returncode == 0, cmp.stdout + cmp.stderr


def test_stop_group_member_keeps_it_on_member(cib: Path, clush) -> None:
    assert run(clush, cib, "resource", "stop", "a").returncode == 0
    assert meta(cib, "a") == {"target-role": "Stopped"}
    assert meta(cib, "g") == {}


def test_stop_cloned_primitive_goes_to_clone_and_clears_child(cib: Path, clush) -> None:
    assert run(clush, cib, "resource", "meta", "c", "set", "target-role", "Started").returncode == 0
    assert run(clush, cib, "resource", "stop", "c").returncode == 0
    assert meta(cib, "c-clone") == {"target-role": "Stopped"}
    assert "target-role" not in meta(cib, "c")
    assert run(clush, cib, "resource", "start", "c-clone").returncode == 0
    assert meta(cib, "c-clone") == {"target-role": "Started"}


def test_manage_unmanage_maintenance(cib: Path, clush) -> None:
    assert run(clush, cib, "resource", "unmanage", "solo").returncode == 0
    assert meta(cib, "solo")["is-managed"] == "false"
    assert run(clush, cib, "resource", "manage", "solo").returncode == 0
    assert meta(cib, "solo")["is-managed"] == "true"
    assert run(clush, cib, "resource", "maintenance", "solo", "on").returncode == 0
    assert meta(cib, "solo")["maintenance"] == "true"


def test_param_meta_utilization(cib: Path, clush) -> None:
    assert run(clush, cib, "resource", "param", "solo", "set", "fake", "42").returncode == 0
    res = run(clush, cib, "resource", "param", "solo", "show", "fake")
    assert res.returncode == 0 and res.stdout.strip() == "42"
    assert run(clush, cib, "resource", "param", "solo", "delete", "fake").returncode == 0
    res = run(clush, cib, "resource", "param", "solo", "show", "fake")
    # as crm: nothing to print is no failure (crm_resource exits 0), a warning says why
    assert res.returncode == 0 and res.stdout == "" and "solo has no parameter fake" in res.stderr
    assert run(clush, cib, "resource", "utilization", "solo", "set", "cpu", "2").returncode == 0
    assert 'name="cpu" value="2"' in cib_query(cib)


def test_promote_demote(cib: Path, clush) -> None:
    assert run(clush, cib, "resource", "promote", "s-clone").returncode == 0
    assert meta(cib, "s-clone")["target-role"] == "Promoted"
    assert run(clush, cib, "resource", "demote", "s").returncode == 0
    assert meta(cib, "s-clone")["target-role"] == "Unpromoted"


def test_move_ban_clear_constraints(cib: Path, clush) -> None:
    assert run(clush, cib, "resource", "move", "solo", "node2").returncode == 0
    assert 'id="cli-prefer-solo"' in cib_query(cib)
    res = run(clush, cib, "resource", "constraints", "solo")
    assert "cli-prefer-solo" in res.stdout
    assert run(clush, cib, "resource", "ban", "solo", "node1", "PT1H").returncode == 0
    assert 'id="cli-ban-solo-on-node1"' in cib_query(cib)
    assert run(clush, cib, "resource", "clear", "solo").returncode == 0
    text = cib_query(cib)
    assert "cli-prefer-solo" not in text and "cli-ban-solo" not in text


@pytest.mark.parametrize(
    "args, message",
    [
        (("resource", "stop", "nosuch"), "resource nosuch does not exist"),
        (("resource", "start", "g", "nosuch"), "resource nosuch does not exist"),
        (("resource", "promote", "solo"), "solo is not a promotable resource"),
        (("resource", "move", "solo"), "name a target node for solo, or add 'force'"),
        (("resource", "move", "solo", "node9"), "node node9 does not exist"),
        (("resource", "move", "solo", "node2", "P1X"), "'P1X' is not an ISO 8601 lifetime"),
        (("resource", "cleanup", "solo"), "needs a live cluster"),
        (("resource", "cleanup", "solo", "node9"), "needs a live cluster"),
        (("resource", "refresh"), "needs a live cluster"),
        (("resource", "meta", "nosuch", "set", "x", "1"), "resource nosuch does not exist"),
        (("resource", "param", "solo", "set", "fake"), "param set needs a value"),
        (("resource", "failcount", "solo", "show", "node9"), "node node9 does not exist"),
        (("resource", "locate", "nosuch"), "resource nosuch does not exist"),
    ],
)
def test_bad_input_one_line_nothing_changed(cib: Path, clush, args, message) -> None:
    before = cib_query(cib)
    res = run(clush, cib, *args)
    assert res.returncode == 1
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1 and message in errors[0], res.stderr
    assert "Traceback" not in res.stderr
    assert cib_query(cib) == before


def test_failcount_on_simulated_file(clush, tmp_path: Path) -> None:
    """fail counts live in the status section: use the demo CIB, which has node states."""
    require("crm_simulate")
    from clushell.sandbox import demo_cib

    cib = tmp_path / "demo.xml"
    cib.write_text(demo_cib())
    assert run(clush, cib, "resource", "failcount", "vip", "set", "node1", "3").returncode == 0
    assert 'name="fail-count-vip#monitor_20000" value="3"' in cib_query(cib)
    res = run(clush, cib, "resource", "failcount", "vip", "show", "node1")
    assert res.stdout == "scope=status  name=fail-count-vip value=3\n"  # crm_failcount -G, as crm prints it
    assert run(clush, cib, "resource", "failcount", "vip", "delete", "node1").returncode == 0
    assert "fail-count-vip" not in cib_query(cib)


def test_pending_configure_edit_is_not_committed(cib: Path, clush) -> None:
    """Inside configure with pending edits, stop changes the pending copy (crmsh behaviour)."""
    script = "configure\nprimitive extra ocf:heartbeat:Dummy\nresource stop solo\nup\n"
    res = run(clush, cib, input=script)
    assert res.returncode == 0, res.stderr
    assert meta(cib, "solo").get("target-role") == "Stopped"
