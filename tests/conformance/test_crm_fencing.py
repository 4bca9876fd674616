"""Issue 14 classes 13, 18, 21: fencing_topology order, monitor attribute order, fencing levels that round-trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tests.conformance.crmdiff import PRE, assert_round_trip, assert_same, both, cases, show

pytestmark = pytest.mark.crmsh

FENCE = PRE + "primitive f1 stonith:fence_watchdog\nprimitive f2 stonith:fence_watchdog\n"
SCRIPTS = {
    # class 13: devices for all nodes: one target after the other, targets sorted as crm does
    "all-nodes-sorted": FENCE + "node node3\nnode node1\nnode 2: node2\nfencing_topology f1 f2\n",
    "all-nodes-one-device": FENCE + "node b\nnode a\nfencing_topology f1,f2\n",
    "targets-given": FENCE + "node node1\nnode node2\nfencing_topology node2: f1 node1: f2 f1\n",
    "attr-pattern": FENCE
    + "node node1\nnode node2\nfencing_topology node1: f1 f2 attr:rack=1 f2 pattern:node.* f1,f2\n",
    # class 18: monitor ROLE writes role before interval
    "monitor-role": PRE + "primitive d1 Dummy\nmonitor d1:Started 30s:20s\nmonitor d1:Stopped 40s\n",
}
FAILING: dict[str, str] = {}


def _levels(cib: Path) -> list[tuple]:
    root = etree.parse(str(cib)).getroot()
    return [tuple(sorted(lvl.attrib.items())) for lvl in root.iter("fencing-level")]


@pytest.mark.parametrize("name", cases(SCRIPTS, FAILING))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, SCRIPTS[name])
    assert_same(pair)
    assert _levels(pair.crm.cib) == _levels(pair.clush.cib), "fencing levels in a different order"
    assert_round_trip(pair.clush.cib, tmp_path)


LEVELS = {
    "quoted-value": '<fencing-level index="1" devices="f1" target-attribute="rack" target-value="a b" id="fencing"/>',
    "value-with-equals": '<fencing-level index="1" devices="f1" target-attribute="site" target-value="x=y"'
    ' id="fencing"/>',
    "pattern-with-space": '<fencing-level index="1" devices="f2" target-pattern="n[0-9]+ x" id="fencing"/>',
    "index-gap": '<fencing-level index="1" devices="f1" target-attribute="rack" target-value="1" id="fencing"/>'
    '<fencing-level index="3" devices="f2" target-attribute="rack" target-value="1" id="fencing-0"/>',
    "own-ids": '<fencing-level index="1" devices="f1" target-pattern="n.*" id="fl-1"/>'
    '<fencing-level target="n1" index="1" devices="f2" id="fl-2"/>',
    "default-form": '<fencing-level index="1" devices="f1" target-attribute="rack" target-value="1" id="fencing"/>'
    '<fencing-level index="1" devices="f2" target-pattern="n.*" id="fencing-0"/>'
    '<fencing-level target="n1" index="1" devices="f1" id="fencing-1"/>'
    '<fencing-level target="n1" index="2" devices="f2" id="fencing-2"/>',
}
LEVELS_FAILING: dict[str, str] = {}
_CIB = """<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
<configuration><crm_config><cluster_property_set id="cib-bootstrap-options">
<nvpair id="cbo-se" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
<resources><primitive id="f1" class="stonith" type="fence_watchdog"/>
<primitive id="f2" class="stonith" type="fence_watchdog"/></resources>
<constraints/><fencing-topology>LEVELS</fencing-topology></configuration><status/></cib>"""


@pytest.mark.parametrize("name", cases(LEVELS, LEVELS_FAILING))
def test_fencing_levels_round_trip(name: str, tmp_path: Path) -> None:
    """Class 21: show of any fencing topology loads back to the same XML."""
    cib = tmp_path / "cib.xml"
    cib.write_text(_CIB.replace("LEVELS", LEVELS[name]))
    assert_round_trip(cib, tmp_path)
    assert [ln for ln in show("clush", cib).splitlines() if "fencing" in ln] or name, "no fencing statement"
