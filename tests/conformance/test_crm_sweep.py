"""Forms found by a differential sweep of accepted input (crm 4.4.1 vs clush on one CIB file).

Each class: several forms, the same CIB as crm, the same `configure show` (or, where README
lists a deliberate difference, a show that loads back to the same XML).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_round_trip, assert_same, both, cases, show

pytestmark = pytest.mark.crmsh

D = PRE + "primitive d1 Dummy\nprimitive d2 Dummy\nprimitive d3 Dummy\n"
STONITH = PRE + "primitive s1 stonith:null params hostlist=a\nprimitive s2 stonith:null params hostlist=a\n"
SAME = {
    # `$NAME=VALUE` (crm: an nvpair whose id is its name) and `$id=` among an op's attributes
    "op-dollar-id": PRE + "primitive p1 Dummy op monitor interval=10 $id=my-mon\n",
    "op-dollar-timeout": PRE + "primitive p1 Dummy op monitor interval=10 $timeout=20 op start timeout=5\n",
    "op-dollar-inst": PRE + "primitive p1 Dummy op monitor interval=10 $depth=5\n",
    "params-dollar-name": PRE + "primitive p1 Dummy params $fake=1 state=2\n",
    "params-dollar-value-colon": PRE + "primitive p1 Dummy params $fake=a:b meta $target-role=Stopped\n",
    # a location on a resource set with rules: the sets come first (the schema's order)
    "loc-set-rule": D + "location l1 { d1 d2 } rule 100: #uname eq node1\n",
    "loc-set-two-rules": D
    + "location l1 { d1 d2 } resource-discovery=never rule $id=x 100: #uname eq node1 rule 50: #uname eq node2\n",
    "loc-set-nested-rule": D + "location l1 { d1 ( d2 d3 ) } rule -inf: not_defined pingd\n",
    # alert: `select ... attributes N=V` (no brace) ends the select; the attributes are the alert's
    "alert-select-then-attributes": PRE + "alert a1 /p.sh select fencing attributes foo=bar to 10.0.0.1\n",
    "alert-select-braced-then-plain": PRE
    + 'alert a2 "/a/path" select nodes attributes { standby } attributes foo=bar to { "/x" } meta timeout=30s\n',
    "alert-cliformat-7": PRE
    + 'alert alert7 "/a/path" select fencing attributes foo=bar to { "/another/path" } meta timeout=30s\n',
    # a tag in a constraint stands for its resources
    "tag-in-location": D + "tag t1 d1 d2\nlocation l1 t1 100: node1\n",
    "tag-in-order": D + "tag t1 d1 d2\norder o1 Mandatory: t1 d3\n",
    "tag-in-colocation-set": D + "tag t1 d1 d2\ncolocation c1 inf: ( t1 d3 )\n",
    "tag-in-ticket": D + "tag t1: d1 d2\nrsc_ticket tk1 ticket-A: t1 loss-policy=stop\n",
    "tag-in-location-rule": D + "tag t1 d1\nlocation l1 t1 rule -inf: #uname eq node2\n",
    # ACL permissions: a description after the right; ref:/xpath:/type: in one rule are split
    # into one acl_permission each (crm's order: xpath, reference, object-type)
    "acl-permission-description": PRE
    + "primitive d0 Dummy\nrole fum description=test read description=test2 xpath:\"*[@name=karl]\"\n",
    "acl-ref-and-type": PRE + "primitive d0 Dummy\nrole boo deny ref:d0 type:nvpair\n",
    "acl-type-ref-xpath": PRE
    + "primitive d0 Dummy\nrole r3 write type:nvpair attr:target-role ref:d0 xpath:\"//nodes\" read ref:d0\n",
    "acl-silly-role": PRE
    + "primitive d0 Dummy\nrole silly-role-2 read xpath:\"//nodes//attributes\" deny type:nvpair deny ref:d0"
    " deny type:nvpair\n",
    # a parameter the agent lacks whose name with - as _ it has takes that name (crm's normalize)
    "param-normalize": PRE + "primitive vm1 Xen params shutdown-timeout=0 xmfile=/x\n",
    "param-normalize-unknown-kept": PRE + "primitive vm1 Xen params foo-bar=1 xmfile=/x\n",
    "param-normalize-template": PRE
    + "rsc_template t1 Xen params shutdown-timeout=0 xmfile=/x\nprimitive vm2 @t1 params shutdown-timeout=2\n",
}
#: crm's show drops an expression's string: (for lt/gt/lte/gte Pacemaker's default is a number
#: comparison); clush keeps it, so the text loads back to the same XML (README: differences)
ROUND_TRIP = {
    "rule-string-eq": D + "location l1 d1 rule 100: foo string:eq bar\n",
    "rule-string-ne-and": D + "location l1 d1 rule 100: foo string:ne bar and baz number:gt 3\n",
    "rule-string-gt": D + "location l1 d1 rule 100: foo string:gt 5\n",
    "rule-string-lte-or": D + "location l1 d1 rule 100: foo string:lte 5 or bar gt 1\n",
    "rule-string-params": PRE + "primitive p1 Dummy params rule 1: foo string:lt 10 fake=1\n",
    # fencing levels are numbered per node name, attribute name (not value) or pattern, one table
    "fence-attr-two-values": STONITH + "fencing_topology attr:rack=1 s1 s2 attr:rack=2 s2\n",
    "fence-attr-node-same-name": STONITH + "node rack\nfencing_topology rack: s1 attr:rack=1 s2 pattern:r.* s1\n",
    "fence-attr-pattern-mixed": STONITH
    + "node node1\nfencing_topology attr:dc=a s1 node1: s2 attr:dc=b s1,s2 pattern:node.* s2 attr:rack=1 s1\n",
    # a recipient's description: crm shows the alert as xml; clush as `to R description=D`
    "alert-recipient-description": PRE + "alert a1 /p.sh to 10.0.0.1 description=hello\n",
    "alert-recipient-description-meta": PRE
    + 'alert a1 /p.sh attributes a=1 to { 10.0.0.2 description="x y" meta timeout=5 } to 10.0.0.3\n',
}
#: the text `show` prints loads back (crm's show puts tags before the constraints they name)
LOADS = {
    "tag-of-location": D + "location l1 d1 100: node1\ntag t1 l1 d1\n",
    "tag-of-constraints": D + "colocation c1 inf: d1 d2\norder o1 Mandatory: d1 d2\ntag t1: c1 o1\ntag t2 d3 c1\n",
    "tag-of-ticket": D + "rsc_ticket tk1 ticket-A: d1\ntag t1 tk1\n",
}


@pytest.mark.parametrize("name", cases(SAME, {}))
def test_same_as_crm(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, SAME[name])
    assert_same(pair)
    assert_round_trip(pair.clush.cib, tmp_path)


@pytest.mark.parametrize("name", cases(ROUND_TRIP, {}))
def test_same_cib_show_round_trips(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, ROUND_TRIP[name])
    assert_same(pair, show_too=False)
    assert_round_trip(pair.clush.cib, tmp_path)


@pytest.mark.parametrize("name", cases(LOADS, {}))
def test_shown_text_loads_back(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, LOADS[name])
    assert_same(pair)
    assert_round_trip(pair.clush.cib, tmp_path)
    assert_round_trip(pair.crm.cib, tmp_path)


#: crm 4.4.1 crashes with a traceback on these (README: differences); clush writes them and the
#: text it shows loads back to the same XML
CRM_CRASHES = {
    "rule-value-space": D + 'location l1 d1 rule 100: foo eq "a b"\n',
    "rule-value-space-and": D + 'location l1 d1 rule 100: #uname eq node1 and foo ne "x y z"\n',
}


@pytest.mark.parametrize("name", cases(CRM_CRASHES, {}))
def test_crm_crashes_clush_writes(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, CRM_CRASHES[name])
    assert "Traceback" in pair.crm.err
    assert pair.clush.rc == 0, pair.clush.err
    assert "a b" in show("clush", pair.clush.cib) or "x y z" in show("clush", pair.clush.cib)
    assert_round_trip(pair.clush.cib, tmp_path)
