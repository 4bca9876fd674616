"""Issue 14 class 23: `xml` with unquoted attribute values is rejected like crm (one ERROR line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_rejected, both

pytestmark = pytest.mark.crmsh

REJECTED = {
    "unquoted-primitive": "xml <primitive id=x1 class=ocf provider=heartbeat type=Dummy/>",
    "unquoted-location": "xml <rsc_location id=lx rsc=d1 score=10 node=node1/>",
    "half-quoted": "xml <primitive id=\"x2\" class=ocf provider=\"heartbeat\" type=\"Dummy\"/>",
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_like_crm(name: str, tmp_path: Path) -> None:
    assert_rejected(both(tmp_path, REJECTED[name], setup=PRE + "primitive d1 Dummy\n"))
