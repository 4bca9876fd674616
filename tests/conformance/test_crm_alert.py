"""Issue 14 class 3: `alert` (path, attributes, meta, select, recipients)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_round_trip, assert_same, both, cases

pytestmark = pytest.mark.crmsh

SNMP = "/usr/share/pacemaker/alerts/alert_snmp.sh"
SCRIPTS = {
    "plain": PRE + "alert a1 /usr/lib/alert.sh\n",
    "attributes-to": PRE
    + f'alert notify_9 {SNMP} attributes trap_add_hires_timestamp_oid="false" trap_node_states="non-trap"'
    ' trap_resource_tasks="start,stop,monitor,promote,demote" to "192.168.40.9"\n',
    "select-attributes": PRE
    + f'alert notify_10 {SNMP} attributes trap_add_hires_timestamp_oid="false"'
    " select attributes { master-prmStateful test1 } to 192.168.28.188\n",
    "select-kinds": PRE + f"alert notify_11 {SNMP} select fencing nodes resources to 192.168.28.188\n",
    "meta-quoted-path": PRE + 'alert a2 "/usr/lib/my alert.sh" attributes a=1 meta timeout=10s to /tmp/recipient.log\n',
    "recipient-block": PRE
    + "alert a3 /x.sh select nodes fencing attributes { standby shutdown } to { /tmp/r1 attributes b=2 } meta m=1\n",
    "many-recipients": PRE
    + "alert a4 /x.sh to { /tmp/r1 meta timeout=5s attributes c=3 } to /tmp/r2 to { /tmp/r3 }\n",
    "multiline": PRE + f"alert a5 {SNMP} \\\n  attributes \\\n  x=1 \\\n  to 10.0.0.1\n",
}
FAILING: dict[str, str] = {}


@pytest.mark.parametrize("name", cases(SCRIPTS, FAILING))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, SCRIPTS[name])
    assert_same(pair)
    assert_round_trip(pair.clush.cib, tmp_path)
