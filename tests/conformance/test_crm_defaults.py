"""Issue 14 class 6: empty named attribute sets (`rsc_defaults NAME:` ...)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_round_trip, assert_same, both, cases

pytestmark = pytest.mark.crmsh

SCRIPTS = {
    "rsc-defaults": PRE + "rsc_defaults defaults:\n",
    "op-defaults": PRE + "op_defaults opdefs:\n",
    "property": PRE + "property myprops:\n",
    "dollar-id": PRE + "rsc_defaults $id=rd2\n",
    "then-filled": PRE + "op_defaults od:\nop_defaults od: timeout=30s\n",
}
FAILING: dict[str, str] = {}


@pytest.mark.parametrize("name", cases(SCRIPTS, FAILING))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, SCRIPTS[name])
    assert_same(pair)
    assert_round_trip(pair.clush.cib, tmp_path)
