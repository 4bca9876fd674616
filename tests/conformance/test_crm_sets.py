"""Issue 14 classes 5 and 12: nested and trailing-option resource sets; sequential=true is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_round_trip, assert_same, both, cases

pytestmark = pytest.mark.crmsh

R = PRE + "node node1\n" + "".join(f"primitive {r} Dummy\n" for r in "ABCD")
SCRIPTS = {
    # class 5
    "location-nested": R + "location loc-1 { A ( B C ) D } inf: node1\n",
    "location-nested-first": R + "location loc-2 { ( A B ) C } 10: node1\n",
    "order-trailing-sequential": R + "order o3 Mandatory: A B sequential=false\n",
    "order-trailing-require-all": R + "order o5 Optional: A B C require-all=false\n",
    "colocation-trailing-sequential": R + "colocation c1 inf: A B C sequential=false\n",
    # class 12
    "order-trailing-sequential-true": R + "order o4 Mandatory: A B C sequential=true\n",
    "bracket-sequential-true": R + "order o7 Mandatory: [ A B sequential=true ] C\n",
    "two-brackets-sequential-true": R + "colocation c3 INFINITY: [ A B sequential=true ] [ C sequential=true ]\n",
    "paren-sequential-yes": R + "colocation c4 inf: A:Master ( B C sequential=yes )\n",
}
FAILING: dict[str, str] = {}


@pytest.mark.parametrize("name", cases(SCRIPTS, FAILING))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, SCRIPTS[name])
    assert_same(pair)
    assert_round_trip(pair.clush.cib, tmp_path)
