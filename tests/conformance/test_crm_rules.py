"""Issue 14 classes 4, 11, 20: rule roles, `rule $id-ref=` to a location, referenced rule ids in show."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_round_trip, assert_same, both, cases

pytestmark = pytest.mark.crmsh

MS = PRE + "node node1\nprimitive st ocf:pacemaker:Stateful\nclone ms1 st meta promotable=true\n"
D = PRE + "node node1\nprimitive d1 Dummy\nprimitive d2 Dummy\nprimitive d3 Dummy\n"
SCRIPTS = {
    # class 4: role= without $, role forms, a score after the role
    "params-rule-role": PRE
    + "primitive p1 Dummy params rule role=Started date in start=2009-05-26 end=2010-05-26"
    " or date gt 2014-01-01 state=2\n",
    "location-role-lower": MS + "location l1 ms1 rule role=slave -inf: #uname eq madrid\n",
    "location-dollar-role-score": MS + "location l2 ms1 rule $role=Slave -inf: #uname eq node1\n",
    "location-promoted": MS + "location l3 ms1 rule $role=Promoted 100: #uname eq node1\n",
    "location-unpromoted": MS + "location l4 ms1 rule role=Unpromoted 10: defined foo\n",
    "two-rules-roles": MS
    + "location l5 ms1 rule $role=master inf: #uname eq node1 rule role=Slave -inf: #uname ne node1\n",
    # class 11: $id-ref naming a location constraint means its rule
    "id-ref-rule": D + "location l2 d1 rule $id=l2-rule1 100: #uname eq node1\nlocation l6 d2 rule $id-ref=l2-rule1\n",
    "id-ref-location": D + "location l2 d1 rule $id=l2-rule1 100: #uname eq node1\nlocation l7 d3 rule $id-ref=l2\n",
    # class 20: a referenced rule keeps its $id= in show
    "id-ref-generated": D + "location l8 d1 rule 50: #uname eq node1\nlocation l9 d2 rule $id-ref=l8-rule\n",
}
FAILING: dict[str, str] = {}


@pytest.mark.parametrize("name", cases(SCRIPTS, FAILING))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, SCRIPTS[name])
    assert_same(pair)
    assert_round_trip(pair.clush.cib, tmp_path)
