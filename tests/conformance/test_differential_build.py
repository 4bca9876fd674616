"""Differential tests: the same configure script through Debian's `crm` and through `clush`.

Both run in batch mode on copies of one CIB file; the resulting CIBs must be equal by
tests/data/conformance/cibcmp.py (ids included). Each script exercises one object command
in the forms the crm manual documents. Scripts contain no failing lines (crm would still
commit the rest, clush commits nothing after a failure).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_clush
from tests.paths import CONFORMANCE
from tests.realenv import require

pytestmark = pytest.mark.crmsh

CONF = CONFORMANCE
BASE = CONF / "scenarios" / "base.xml"

PRE = "property stonith-enabled=false\n"
NODES = "node node1\nnode node2\n"
PRIMS = "primitive d1 Dummy\nprimitive d2 Dummy\nprimitive d3 Dummy\nprimitive d4 Dummy\n"

SCRIPTS: dict[str, str] = {
    "node": """
node node1
node 2: node2 attributes standby=off utilization memory=1024
node $id=3 node3 description="third node" attributes a=1 b=2
node node1 attributes standby=on
node 123 attributes x=1
node remote1:remote
""",
    "primitive-basic": """
primitive vip ocf:heartbeat:IPaddr2 params ip=10.0.0.1 cidr_netmask=24 op monitor interval=10s timeout=20s \\
  meta target-role=Started
primitive d1 Dummy fake=1
primitive d2 ocf:pacemaker:Dummy description="my dummy" meta is-managed=true params state=/run/d2
primitive st stonith:fence_watchdog params pcmk_host_list="node1 node2"
primitive sd systemd:chronyd op monitor interval=60s
""",
    "primitive-ops": """
primitive d2 Dummy op start timeout=60 op monitor interval=10 timeout=20 depth=0 op monitor role=Master interval=11 \
  op stop timeout=60s interval=0 op_params a=1 op_meta b=2
primitive d3 Dummy op monitor interval=10s op monitor interval=10s timeout=30s
primitive d4 Dummy operations $id=ops1 op monitor interval=15s
primitive d5 Dummy operations $id-ref=ops1
primitive d6 Dummy op monitor interval=20s on-fail=restart enabled=false record-pending=true
""",
    "primitive-sets": """
primitive d1 Dummy params $id=shared fake=2
primitive d2 Dummy params $id-ref=shared
primitive d3 Dummy utilization cpu=1 memory=10 meta 10: a=1
primitive d7 Dummy params rule inf: #uname eq node1 fake=1 params rule inf: #uname eq node2 fake=2
primitive d8 Dummy params state="/tmp/a b" fake="x=y;z" meta description="a # b"
primitive d9 Dummy meta target-role=Stopped params fake=''
""",
    "template": """
rsc_template tpl ocf:heartbeat:Dummy params fake=1 op monitor interval=30s
primitive d1 @tpl
primitive d2 @tpl params fake=2
""",
    "group": PRE
    + PRIMS
    + """
group g1 d1 d2 meta target-role=Started
group g2 d3 d4 description="second group" params a=1
""",
    "clone": PRE
    + PRIMS
    + """
primitive st ocf:pacemaker:Stateful
clone c1 d1 meta interleave=true clone-max=2
clone c2 d2 interleave=true
clone pc st meta promotable=true notify=true
group g d3 d4
clone gc g
""",
    "ms": PRE
    + """
primitive st ocf:pacemaker:Stateful
ms ms1 st meta notify=true
""",
    "location": PRE
    + NODES
    + PRIMS
    + """
primitive st ocf:pacemaker:Stateful
clone ms1 st meta promotable=true
location l1 d1 100: node1
location l2 d1 -inf: node2
location l3 d2 +inf: node1
location l11 ms1 role=Promoted 10: node1
location l12 d4 resource-discovery=never -inf: node2
location l10 /d.*/ 20: node2
location l9 { d1 d2 } inf: node1
location l4 d2 rule -inf: not_defined pingd or pingd lte 0
location l5 ms1 rule $role=Promoted inf: #uname eq node1 and date gt 2024-01-01
location l6 d3 rule 50: date in start=2024-01-01 end=2024-12-31
location l7 d3 rule 40: date spec hours=9-16 weekdays=1-5
location l8 d3 rule 30: date in start=2024-01-01 weeks=2
location l22 d3 rule 20: date lt 2025-01-01
location l14 d4 rule 10: attr1 number:gt 5 and attr2 string:eq foo
location l13 d4 rule pingd: defined pingd
location l15 d1 rule 10: #uname eq node1 rule -10: #uname eq node2
location l16 d1 rule $id=myrule 10: #uname eq node1
location l17 d2 rule mandatory: #uname eq node2
location l18 d2 rule 5: ip eq param{ip}
""",
    "colocation": PRE
    + PRIMS
    + """
primitive st ocf:pacemaker:Stateful
clone ms1 st meta promotable=true
colocation c1 inf: d1 d2
colocation c2 -inf: d1:Started ms1:Promoted
colocation c3 100: d1 d2 d3
colocation c4 inf: d1 ( d2 d3 ) d4
colocation c5 inf: [ d1 d2 ] d3
colocation c6 inf: d1 d2 node-attribute=rack
collocation c7 inf: _rsc_set_ d1 d2
colocation c8 inf: d1:Started d2:Started d3
colocation c9 inf: (d1 d2) d3
colocation c10 advisory: d3 d4
""",
    "order": PRE
    + PRIMS
    + """
primitive st ocf:pacemaker:Stateful
clone ms1 st meta promotable=true
order o1 Mandatory: d1 d2
order o2 Optional: d1:start d2:stop
order o3 Serialize: d1 d2 symmetrical=false
order o4 inf: d1 d2
order o5 0: d1 d2
order o6 d1 d2
order o7 mandatory: d2 d3 symmetrical=yes
order o8 100: d3 d4
order o10 Mandatory: d1:start d2:start ms1:promote
order o11 Optional: d1 ( d2 d3 ) d4
order o12 d1 d2 d3
""",
    "container-repoints-constraints": PRE
    + "node node1\n"
    + PRIMS
    + """
location l1 d1 10: node1
colocation c1 inf: d1 d3 d4
location l2 { d1 d3 } 10: node1
rsc_ticket t1 tk: d1
tag tg d1 d3
order o1 d1 d2
group g d1 d2
location l3 d4 10: node1
clone cl d4
""",
    "group-dedups-set-members": PRE
    + "node node1\n"
    + PRIMS
    + """primitive d6 Dummy
primitive d7 Dummy
colocation c2 inf: d1 d6 d7
order o2 Optional: d6 d7 d2
colocation c3 inf: d6 d7
location l4 { d6 d7 } 10: node1
group gnew d6 d7
""",
    "edge-forms": PRE
    + """
node node1 utilization cpu=2
node node2:member
primitive d1 Dummy op monitor interval=10 OCF_CHECK_LEVEL=10
primitive d2 Dummy params fake
primitive d3 Dummy params a=1 params b=2 meta c=1 meta d=2
primitive d4 Dummy
primitive d5 Dummy
group g d4 d5 meta a=1 meta b=2
location l1 d1 10: node1 role=Started
location l2 d2 role=Started resource-discovery=exclusive 10: node1
order o1 Mandatory: [ d1 d2 ] d3
order o2 Optional: ( d1 d2 ) g symmetrical=false
rsc_ticket t2 tk: d1:Started d2:Started d3
colocation c1 inf: ( d1 d2 ) d3
property cib-bootstrap-options: cluster-name=foo
property $id=cib-bootstrap-options maintenance-mode=false
rsc_defaults rsc-options: a=1
op_defaults rsc-options: b=2
op_defaults op-options: timeout=20s
property $id=p2 rule 10: #uname eq node1 x=1
""",
    "edge-references": PRE
    + """
node 1: alpha
node 2: beta attributes site=A
primitive d4 Dummy operations $id=ops4 op monitor interval=15s
monitor d4 30s
rsc_template tpl Dummy meta a=1
primitive d5 @tpl
primitive d6 Dummy
order o1 tpl d6
colocation c1 inf: d6 tpl
location l1 d6 rule 10: #uname eq alpha or #uname eq beta
location l2 d6 rule -inf: date in start=2024-01-01 end=2024-02-01 and not_defined x
location l3 d6 rule $id-ref=l1-rule
primitive d7 Dummy params rule $id=r7 10: #uname eq alpha fake=1 params fake=2
primitive d8 Dummy params @d7-instance_attributes-0-fake
primitive d9 Dummy meta target-role=Stopped is-managed=false params state=/var/run/x \\
  op start interval=0 timeout=90s op stop interval=0 timeout=100s
group g1 d8 d9
clone cg g1 meta clone-max=2 interleave=true
node alpha attributes site=B
""",
    "edge-roles-rules": PRE
    + """
primitive d1 Dummy
primitive d2 Dummy
primitive d3 Dummy
primitive st ocf:pacemaker:Stateful
ms m1 st meta notify=true
colocation c1 inf: d1:Master m1:Slave
colocation c2 100: d1 d2 d3 m1:Master
order o1 Serialize: d1 d2 d3 symmetrical=true
order o2 inf: m1:promote d1:start
order o3 -5: d2 d3
location l1 m1 rule $role=Master 100: #uname eq node1
location l2 /^d[12]$/ rule -inf: defined foo
location l3 d3 rule 10: version_attr version:gt 1.2.3 and num_attr integer:lte 5
location l4 d3 rule 10: attr ne x or other string:eq "y"
tag t1: d1 m1
rsc_defaults $id=r2 rule 5: date spec weekdays=6-7 resource-stickiness=0
""",
    "edge-sets-merge": PRE
    + """
primitive d1 Dummy params fake=1 meta target-role=Stopped op monitor interval=10s \\
  op_params depth=0 op_meta x=1
primitive d2 Dummy meta $id=d2-meta custom=1 op monitor interval=5s description="check it" timeout=10s
primitive d3 Dummy meta rule 10: #uname eq node1 a=1 meta rule 5: #uname eq node2 a=2
primitive d4 Dummy params $id=p4 rule -inf: defined x fake=0
primitive d5 Dummy
primitive d6 Dummy
group grp d5 d6
clone cgrp grp meta interleave=true params foo=bar
location l1 cgrp rule inf: #uname ne node1 and #uname ne node2
order o1 d1:stop d2:stop symmetrical=false
colocation c1 -100: d1 d2
node node1
node node1 attributes a=1 utilization u=2
node node1 utilization u=3 v=4
""",
    "edge-defaults-nodes": PRE
    + """
rsc_defaults rule 5: #uname eq node1 resource-stickiness=1
rsc_defaults migration-threshold=2
node node1
node node1
node $id=7 node2
node node2 description=hello
""",
    "clone-of-group-id-refs": PRE
    + """
node node1
primitive d1 Dummy params fake=1 meta is-managed=true
primitive d2 Dummy params $id-ref=d1 meta $id-ref=d1
primitive d3 Dummy
primitive d4 Dummy
group g d3 d4
location lg g 10: node1
order og g d1
colocation cg inf: d1 g
clone cl g meta interleave=true
tag tt g d1
""",
    "rsc_ticket": PRE
    + PRIMS
    + """
rsc_ticket t1 ticketA: d1
rsc_ticket t2 ticketB: d1 d2:Started loss-policy=stop
rsc_ticket t3 ticketC: d3:Started loss-policy=demote
""",
    "property": """
property stonith-enabled=false
property no-quorum-policy=freeze cluster-recheck-interval=5min
property no-quorum-policy=stop
property $id=custom-set my-attr=1
property custom-set: my-attr=2 other=x
property other-set: foo=bar
""",
    "defaults": PRE
    + """
rsc_defaults resource-stickiness=100 migration-threshold=3
rsc_defaults resource-stickiness=200
op_defaults timeout=60s record-pending=true
op_defaults $id=opsdef2 rule 100: #uname eq node1 record-pending=false
rsc_defaults $id=rscdef2 failure-timeout=60s
""",
    "fencing": PRE
    + NODES
    + """
primitive f1 stonith:fence_watchdog
primitive f2 stonith:fence_watchdog
primitive f3 stonith:fence_watchdog
fencing_topology f1 f2
""",
    "fencing-targets": PRE
    + NODES
    + """
primitive f1 stonith:fence_watchdog
primitive f2 stonith:fence_watchdog
primitive f3 stonith:fence_watchdog
fencing_topology node1: f1 f2,f3 node2: f2 attr:rack=1 f3 pattern:node.* f1
""",
    "tag-monitor": PRE
    + PRIMS
    + """
tag tg1 d1 d2
tag tg2: d3
monitor d1 30s:20s
monitor d2:Started 40s
monitor d3 30
""",
    "xml": PRE
    + """
xml '<primitive id="x1" class="ocf" provider="heartbeat" type="Dummy"/>'
primitive d1 Dummy
xml '<rsc_location id="lx" rsc="d1" score="10" node="node1"/>'
""",
    "mixed-values": PRE
    + """
primitive v1 Dummy params state="a b c" fake="q\\"x" meta description="hash # here" \
  utilization note="semi;colon"
primitive v2 Dummy params fake="$(echo hi)" state="`date`" meta comment="é ü ß ✓"
property cluster-name="my cluster"
""",
}


def _env(cib: Path) -> dict[str, str]:
    return {**os.environ, "CIB_file": str(cib), "LC_ALL": "C.UTF-8"}


def _canon(path: Path) -> str:
    spec = importlib.util.spec_from_file_location("cibcmp", CONF / "cibcmp.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.load(str(path))


def _query(cib: Path, out: Path) -> Path:
    res = subprocess.run(["cibadmin", "-Q"], env=_env(cib), capture_output=True, check=True)
    out.write_bytes(res.stdout)
    return out


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    require("crm", "cibadmin", "crm_diff", "crm_verify")
    script = "configure\n" + SCRIPTS[name].lstrip("\n") + "commit\nquit\n"
    a, b = tmp_path / "crm.xml", tmp_path / "clush.xml"
    shutil.copy(BASE, a)
    shutil.copy(BASE, b)
    ref = subprocess.run(["crm", "-F"], input=script.encode(), env=_env(a), capture_output=True, check=False)
    assert ref.returncode == 0, f"crm failed on the script itself:\n{ref.stderr.decode()}"
    res = run_clush("-F", input=script, env={"CIB_file": str(b)})
    assert res.returncode == 0, f"clush rc={res.returncode}\n{res.stderr}"
    want, got = _canon(_query(a, tmp_path / "a.out")), _canon(_query(b, tmp_path / "b.out"))
    if want != got:
        import difflib

        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "crm", "clush"))
        pytest.fail(f"{name}: CIBs differ\n{diff}")
