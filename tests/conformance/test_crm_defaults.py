"""Issue 14 class 6: empty named attribute sets (`rsc_defaults NAME:` ...); class 14: new
rsc_defaults/op_defaults sections land where crm puts them (cibadmin -Q reads the same)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_identical_xml, assert_round_trip, assert_same, both, cases

pytestmark = pytest.mark.crmsh

SCRIPTS = {
    "rsc-defaults": PRE + "rsc_defaults defaults:\n",
    "op-defaults": PRE + "op_defaults opdefs:\n",
    "property": PRE + "property myprops:\n",
    "dollar-id": PRE + "rsc_defaults $id=rd2\n",
    "then-filled": PRE + "op_defaults od:\nop_defaults od: timeout=30s\n",
    # class 14: where a new section goes, with other sections around
    "rsc-defaults-plain": PRE + "rsc_defaults resource-stickiness=1\n",
    "op-then-rsc": PRE + "op_defaults timeout=10s\nrsc_defaults resource-stickiness=1\n",
    "rsc-then-op": PRE + "rsc_defaults resource-stickiness=1\nop_defaults timeout=10s\n",
    "after-tags": PRE + "primitive d1 Dummy\ntag t1 d1\nrsc_defaults resource-stickiness=1\n",
    "after-fencing": PRE + "node node1\nprimitive st stonith:null params hostlist=node1\n"
                     "fencing_topology node1: st\nop_defaults timeout=10s\n",
    "two-sets": PRE + "rsc_defaults rd1: a=1\nrsc_defaults rd2: b=2\n",
    "named-and-plain": PRE + "op_defaults od1: timeout=10s\nop_defaults record-pending=true\n",
    "with-rule": PRE + "rsc_defaults rd1: rule 10: #uname eq node1 resource-stickiness=5\n",
}
#: class 14 on a CIB that already has other sections (made by crm)
EXISTING = {
    "op-after-existing-rsc": (PRE + "rsc_defaults a=1\n", "op_defaults timeout=10s\n"),
    "rsc-after-tags": (PRE + "primitive d1 Dummy\ntag t1 d1\n", "rsc_defaults resource-stickiness=1\n"),
    "rsc-after-acls": (PRE + "role r1 read xpath:/cib\n", "rsc_defaults resource-stickiness=1\n"),
    "add-to-existing": (PRE + "rsc_defaults a=1\nop_defaults timeout=10s\n", "rsc_defaults b=2\n"),
}
FAILING: dict[str, str] = {}


@pytest.mark.parametrize("name", cases(SCRIPTS, FAILING))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, SCRIPTS[name])
    assert_same(pair)
    assert_identical_xml(pair)
    assert_round_trip(pair.clush.cib, tmp_path)


@pytest.mark.parametrize("name", cases(EXISTING, {}))
def test_sections_land_where_crm_puts_them(name: str, tmp_path: Path) -> None:
    setup, script = EXISTING[name]
    pair = both(tmp_path, script, setup=setup)
    assert_same(pair)
    assert_identical_xml(pair)
