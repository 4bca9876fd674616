"""Issue 14 class 3: the ACL family (role, acl_target; user is refused on ACL 2.0 schemas)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_rejected, assert_round_trip, assert_same, both, cases

pytestmark = pytest.mark.crmsh

BASE = PRE + "node node1\nproperty enable-acl=true\n"
BASE += "primitive d0 ocf:pacemaker:Dummy\nprimitive d1 ocf:pacemaker:Dummy\n"
SCRIPTS = {
    "role-shortcuts": BASE
    + "role basic-read read status read type:node attribute:uname read type:node attribute:type read property\n"
    "role basic-read-basic read cib\n",
    "role-meta-ref": BASE + "role d0-admin write meta:d0:target-role write meta:d0:is-managed read ref:d0\n",
    "role-all-shortcuts": BASE
    + "role silly-role write meta:d0:target-role read ref:d0 read utilization:d0 read property:stonith-enabled"
    " write property read node read node:node1 read nodeattr read nodeattr:a1 read nodeutil read nodeutil:node1"
    " read cib\n",
    "role-xpath-tag": BASE + 'role silly-role-two read xpath:"//nodes//attributes" deny tag:nvpair deny ref:d0\n',
    "role-description": BASE + 'role fum description="test" read ref:d1\n',
    "acl-target": BASE
    + "role r1 read cib\nrole r2 write ref:d0\nacl_target alice r1\nacl_target bob r2 r1\n",
    "multiline": BASE
    + "role cyrus-role \\\n\twrite meta:d0:target-role \\\n\tread ref:d0 \\\n\tread status\n"
    "acl_target cyrus cyrus-role\n",
}
FAILING: dict[str, str] = {}


@pytest.mark.parametrize("name", cases(SCRIPTS, FAILING))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, SCRIPTS[name])
    assert_same(pair)
    assert_round_trip(pair.clush.cib, tmp_path)


REJECTED = {
    "user-on-acl2": "user u1 role:r1\n",
    "role-bad-right": "role r1 error\n",
    "role-no-rule": "role r1\n",
    "role-bad-spec": "role r1 read foo:bar\n",
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_like_crm(name: str, tmp_path: Path) -> None:
    assert_rejected(both(tmp_path, REJECTED[name], setup=BASE))
