"""Issue 14 class 22: `node show` and the node/resource attribute commands print what crm prints.

Each command runs as a one-shot (`crm node show`, `clush node show`) on its own copy of one CIB
with nodes, node attributes, utilization, transient attributes and resources; stdout and the exit
status must be the same, and so must the CIB afterwards (`cibadmin -Q`, sibling order included).
The few places where clush deliberately prints something else are in DIFFERENT (README,
"Differences from crm 4.4"). crm's log lines on stdout ("WARNING: This command 'list' is
deprecated") are not output. The CIB has node states, so clush lets crm_simulate act on it after
a change (the simulated sandbox): the probe results it records (<lrm>) are not compared.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import crm_oracle
from tests.conformance.crmdiff import cib_text, plain, run_clush_on
from tests.paths import CONFORMANCE
from tests.realenv import require

pytestmark = pytest.mark.crmsh

CIB = CONFORMANCE / "node-attrs.xml"

SAME = {
    # node show / list: crm's layout (uname(id): type, other XML attributes, one line per set)
    "show-all": "node show",
    "show-attrs-and-description": "node show node1",
    "show-uname-is-id": "node show node2",
    "show-remote": "node show node3",
    "show-offline-quoted-value": "node show node4",
    "show-status-only-node": "node show node5",
    "list": "node list",
    "server": "node server",
    # node attribute / utilization / status-attr show
    "attr-show": "node attribute node1 show site",
    "attr-show-second-set": "node attribute node1 show x",
    "attr-show-missing": "node attribute node1 show nope",
    "attr-show-node-without-attrs": "node attribute node2 show site",
    "attr-show-missing-node": "node attribute nodeX show site",
    "util-show": "node utilization node1 show cpu",
    "util-show-missing": "node utilization node2 show cpu",
    "status-show": "node status-attr node1 show foo",
    "status-show-missing": "node status-attr node1 show nope",
    "status-show-node-without-state": "node status-attr node2 show foo",
    # node attribute / utilization / status-attr set and delete
    "attr-set-existing": "node attribute node1 set site west",
    "attr-set-new": "node attribute node1 set colour blue",
    "attr-set-node-without-attrs": "node attribute node2 set site west",
    "attr-delete": "node attribute node1 delete rack",
    "attr-delete-missing": "node attribute node2 delete rack",
    "attr-set-missing-node": "node attribute nodeX set site west",
    "util-set-new": "node utilization node2 set cpu 8",
    "util-set-existing": "node utilization node1 set cpu 8",
    "util-delete": "node utilization node1 delete cpu",
    "status-set-existing": "node status-attr node1 set foo baz",
    "status-set-new": "node status-attr node5 set y 1",
    "status-delete": "node status-attr node1 delete foo",
    "status-delete-missing": "node status-attr node1 delete nope",
    "status-delete-unmapped-node": "node status-attr node5 delete foo",
    "status-show-unmapped-node": "node status-attr node5 show foo",
    "status-set-node-without-state": "node status-attr node2 set y 1",
    # resource param / meta / utilization
    "param-show": "resource param d1 show fake",
    "param-show-missing": "resource param d2 show fake",
    "param-show-missing-resource": "resource param dX show fake",
    "meta-show": "resource meta d1 show target-role",
    "meta-show-missing": "resource meta d3 show target-role",
    "rsc-util-show": "resource utilization d1 show cpu",
    "rsc-util-show-missing": "resource utilization d2 show cpu",
    "param-set-existing": "resource param d1 set fake 2",
    "param-set-new-set": "resource param d2 set fake 2",
    "param-set-group-member": "resource param d3 set fake 3",
    "meta-set-existing": "resource meta d1 set target-role Started",
    "meta-set-new-set": "resource meta d2 set is-managed false",
    "meta-set-group": "resource meta g1 set resource-stickiness 10",
    "rsc-util-set-new-set": "resource utilization d2 set cpu 1",
    "rsc-util-set-existing": "resource utilization d1 set cpu 3",
    "param-delete": "resource param d1 delete fake",
    "param-delete-missing": "resource param d2 delete fake",
    "meta-delete": "resource meta d1 delete target-role",
    "rsc-util-delete": "resource utilization d1 delete cpu",
    "param-set-missing-resource": "resource param dX set fake 1",
    "meta-delete-missing-resource": "resource meta dX delete target-role",
}

#: listing commands on the CIB after the simulated cluster started what it could (d2, g1 on node1)
RUNNING = {
    "rsc-status-all": "resource status",
    "rsc-list": "resource list",
    "rsc-show-running": "resource show d2",
    "rsc-status-running-and-stopped": "resource status d2 d1 g1",
    "locate-running": "resource locate d2",
    "locate-group": "resource locate g1",
    "locate-stopped": "resource locate d1",
    "operations-all": "resource operations",
    "operations-rsc": "resource operations d2",
    "operations-rsc-node": "resource operations d3 node1",
    "operations-stopped-rsc-node": "resource operations d1 node1",
    "operations-none": "resource operations d2 node2",
    "constraints-none": "resource constraints d2",
    "status-missing": "resource status dX",
    "failcount-show": "resource failcount d2 show node1",
    "failcount-show-none": "resource failcount d3 show node1",
}

#: clush's better forms: command -> (stdout, exit status); crm's own answer is checked too
DIFFERENT = {
    # crm prints nothing and exits 0 for a node that does not exist
    "show-missing-node": ("node show nodeX", ("", 0), ("", 1)),
    # crm's `node server NODE` compares XML elements with the names and never prints anything
    "server-named": ("node server node1 node3", ("", 0), ("node1\nnode3\n", 0)),
    # crm_resource -O fails (a node it cannot map) and crm exits 0 all the same
    "operations-unknown-node": ("resource operations d1 node5", ("", 0), ("", 1)),
}


def _cib(path: Path) -> str:
    return re.sub(r"\n *<lrm id=.*?\n *</lrm>", "", cib_text(path), flags=re.S)


def _run(tool: str, cib: Path, command: str) -> tuple[str, int, str]:
    words = shlex.split(command)
    if tool == "crm":
        res = subprocess.run(["crm", *words], env=crm_oracle.env_for(cib), capture_output=True, check=False)
        out = "".join(ln for ln in plain(res.stdout).splitlines(True) if not ln.startswith(("WARNING:", "INFO:")))
        return out, res.returncode, plain(res.stderr)
    got = run_clush_on(cib, "", *words, force=False)
    return got.out, got.rc, got.err


def _pair(tmp: Path, command: str, cib: Path = CIB):
    require("crm", "cibadmin", "crm_attribute", "crm_resource")
    a, b = tmp / "crm.xml", tmp / "clush.xml"
    shutil.copy(cib, a)
    shutil.copy(cib, b)
    return (a, _run("crm", a, command)), (b, _run("clush", b, command))


@pytest.mark.parametrize("name", sorted(SAME))
def test_same_output_and_cib_as_crm(name: str, tmp_path: Path) -> None:
    (a, crm), (b, clush) = _pair(tmp_path, SAME[name])
    assert "Traceback" not in clush[2]
    assert clush[:2] == crm[:2], f"crm: {crm}\nclush: {clush}"
    assert _cib(b) == _cib(a)
    if clush[1]:
        errors = [ln for ln in clush[2].splitlines() if ln.startswith("ERROR")]
        assert len(errors) == 1 and "<" not in errors[0], clush[2]


@pytest.fixture(scope="module")
def running(tmp_path_factory) -> Path:
    require("crm_simulate")
    cib = tmp_path_factory.mktemp("running") / "cib.xml"
    shutil.copy(CIB, cib)
    subprocess.run(["crm_simulate", "-x", str(cib), "-S", "-O", str(cib)], capture_output=True, check=True)
    return cib


@pytest.mark.parametrize("name", sorted(RUNNING))
def test_listing_same_as_crm(name: str, tmp_path: Path, running: Path) -> None:
    (a, crm), (b, clush) = _pair(tmp_path, RUNNING[name], running)
    assert "Traceback" not in clush[2]
    assert clush[:2] == crm[:2], f"crm: {crm}\nclush: {clush}"


@pytest.mark.parametrize("name", sorted(DIFFERENT))
def test_deliberately_different(name: str, tmp_path: Path) -> None:
    command, crm_answer, clush_answer = DIFFERENT[name]
    (a, crm), (b, clush) = _pair(tmp_path, command)
    assert crm[:2] == crm_answer, "crm changed: README's difference may be gone"
    assert clush[:2] == clush_answer, clush
    assert _cib(b) == _cib(a)


STANDBY = {
    "forever": ("node standby node1", "configuration/nodes/node[@uname='node1']"),
    "reboot": ("node standby node1 reboot", "status/node_state[@uname='node1']/transient_attributes"),
    "forever-node-without-attrs": ("node standby node2 forever", "configuration/nodes/node[@uname='node2']"),
    "reboot-node-without-transient": ("node standby node4 reboot", "status/node_state[@uname='node4']"),
}


@pytest.mark.parametrize("name", sorted(STANDBY))
def test_standby_lifetime_lands_where_crm_puts_it(name: str, tmp_path: Path) -> None:
    """crm acts only on nodes that answer a ping (on a CIB file it skips them all with a warning),
    so its ping is a stub here. Same place and value; clush's ids are crm_attribute's (README)."""
    from lxml import etree

    command, where = STANDBY[name]
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "ping").write_text("#!/bin/sh\nexit 0\n")
    (stub / "ping").chmod(0o755)
    a, b = tmp_path / "crm.xml", tmp_path / "clush.xml"
    shutil.copy(CIB, a)
    shutil.copy(CIB, b)
    env = crm_oracle.env_for(a)
    env["PATH"] = f"{stub}:{env['PATH']}"
    crm = subprocess.run(["crm", *shlex.split(command)], env=env, capture_output=True, check=False)
    assert crm.returncode == 0, crm.stderr
    clush = run_clush_on(b, "", *shlex.split(command), force=False)
    assert clush.rc == 0, clush.err
    for cib in (a, b):
        root = etree.fromstring(cib_text(cib).encode())
        found = root.xpath(f"/cib/{where}//nvpair[@name='standby']")
        assert [nv.get("value") for nv in found] == ["on"], (cib.name, cib_text(cib))


def test_empty_node_set_prints_no_tab_line(tmp_path: Path) -> None:
    """crm prints a line holding only a tab for an empty instance_attributes set; clush leaves it out."""
    text = CIB.read_text().replace('<node id="node2" uname="node2"/>',
                                   '<node id="node2" uname="node2"><instance_attributes id="nodes-node2"/></node>')
    cib = tmp_path / "empty-set.xml"
    cib.write_text(text)
    (a, crm), (b, clush) = _pair(tmp_path, "node show node2", cib)
    assert crm[:2] == ("node2: member\n\t\n", 0), "crm changed: README's difference may be gone"
    assert clush[:2] == ("node2: member\n", 0), clush


def test_resource_status_without_resources(tmp_path: Path) -> None:
    """crm_resource --list of no resources prints "No resources" and fails; crm exits 1, clush 0."""
    (a, crm), (b, clush) = _pair(tmp_path, "resource status", crm_oracle.BASE)
    assert crm[:2] == ("Full List of Resources:\n  * No resources\n", 1), "crm changed: see README"
    assert clush[:2] == ("Full List of Resources:\n  * No resources\n", 0), clush
