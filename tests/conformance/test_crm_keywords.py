"""Issue 14 class 2: `master` is crm 4.4's alias of `ms`; statement keywords in any case."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_same, both, cases

pytestmark = pytest.mark.crmsh

SCRIPTS = {
    "master": PRE + "primitive st ocf:pacemaker:Stateful\nmaster m1 st meta notify=true\n",
    "master-params": PRE + "primitive st ocf:pacemaker:Stateful\nmaster ma st meta a=b\n",
    "upper-primitive": PRE + "PRIMITIVE rsc_dummy ocf:heartbeat:Dummy\nMONITOR rsc_dummy 30\n",
    "upper-clone": PRE
    + 'PRIMITIVE testfs ocf:heartbeat:Dummy PARAMS fake="/mnt"\n'
    'CLONE testfs-clone testfs META ordered="true" interleave="true"\n',
    "upper-location": PRE + "node foo\nprimitive r Dummy\nLOCATION loc-1 r INF: foo\n",
    "upper-node": "NODE node-1 ATTRIBUTES foo=bar UTILIZATION wiz=bang\n",
    "upper-ops": PRE
    + "PRIMITIVE vip ocf:heartbeat:IPaddr2 PARAMS ip=192.168.122.13 lvs_support=false OP start timeout=20 interval=0"
    " OP stop timeout=20 interval=0 OP monitor interval=10 timeout=20\nGROUP web-server vip META target-role=Started\n",
    "mixed-case": PRE + "Primitive d1 Dummy\nPrimitive d2 Dummy\nOrder o1 Mandatory: d1 d2\nColocation c1 inf: d1 d2\n"
    "Property cluster-name=x\nRsc_Defaults resource-stickiness=1\n",
}
FAILING: dict[str, str] = {}


@pytest.mark.parametrize("name", cases(SCRIPTS, FAILING))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    assert_same(both(tmp_path, SCRIPTS[name]))
