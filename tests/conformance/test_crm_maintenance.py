"""Issue 14 class 16: maintenance-mode=true / node maintenance remove resource-level maintenance attributes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import crm_oracle
from tests.conformance.crmdiff import PRE, assert_same, base_cib, both, cases, cib_diff, run_clush_on, run_crm

pytestmark = pytest.mark.crmsh

SETUP = PRE + """node node1
node node2 attributes is-managed=false
primitive a Dummy meta maintenance=true
primitive b Dummy meta is-managed=false target-role=Started
primitive c Dummy meta maintenance=false
group g1 c meta maintenance=true
primitive d Dummy
clone cl d meta is-managed=true
primitive e Dummy meta maintenance=true
location cli-prefer-e e inf: node2
"""

CONFIGURE = {
    "property": "property maintenance-mode=true",
    "property-with-others": "property maintenance-mode=true no-quorum-policy=ignore",
}
NODE = {
    "node1": "maintenance node1",
    "node2": "maintenance node2",
}


@pytest.mark.parametrize("name", cases(CONFIGURE, {}))
def test_property_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, CONFIGURE[name], setup=SETUP)
    assert_same(pair)
    assert "removed" in pair.clush.err


@pytest.mark.parametrize("name", cases(NODE, {}))
def test_node_maintenance_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    assert_same(both(tmp_path, NODE[name], setup=SETUP, level="node"), show_too=False)


@pytest.mark.parametrize("script", ["configure\nproperty maintenance-mode=true\ncommit\n", "node maintenance node1\n"])
def test_script_without_force_keeps_them_as_crm(script: str, tmp_path: Path) -> None:
    a = base_cib(tmp_path, "crm.xml", SETUP)
    b = base_cib(tmp_path, "clush.xml", SETUP)
    run_crm(a, script, force=False)
    clush = run_clush_on(b, script, force=False)
    assert clush.rc == 0, clush.err
    assert not cib_diff(a, b), cib_diff(a, b)
    assert "-F removes them" in clush.err
    assert "a-meta_attributes-maintenance" in crm_oracle.canon(b)  # kept, as crm keeps it


def test_switching_maintenance_off_keeps_them(tmp_path: Path) -> None:
    """Deliberate difference: crm -F removes them on maintenance-mode=false too; clush only on true."""
    b = base_cib(tmp_path, "clush.xml", SETUP)
    before = crm_oracle.canon(b)
    run = run_clush_on(b, "configure\nproperty maintenance-mode=false\ncommit\n")
    assert run.rc == 0, run.err
    after = crm_oracle.canon(b)
    assert after.count('name="maintenance"') == before.count('name="maintenance"')
