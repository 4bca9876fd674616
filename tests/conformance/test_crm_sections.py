"""Issue 14 class 14 (sections): new configuration sections land where crm puts them (appended,
in the order they are created), so `cibadmin -Q` of what clush and crm wrote reads the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tests.conformance.crmdiff import PRE, assert_same, both

pytestmark = pytest.mark.crmsh

SCRIPTS = {
    "defaults-then-others": "rsc_defaults resource-stickiness=1\nop_defaults timeout=10s\ntag t1 d1\n"
    "alert a1 /x.sh\nrole r1 read cib\nfencing_topology node1: d1\n",
    "others-then-defaults": "role r1 read cib\nfencing_topology node1: d1\nalert a1 /x.sh\ntag t1 d1\n"
    "op_defaults timeout=10s\nrsc_defaults resource-stickiness=1\n",
}


def _sections(cib: Path) -> list[str]:
    conf = etree.parse(str(cib)).getroot().find("configuration")
    return [c.tag for c in conf if isinstance(c.tag, str)]


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_sections_in_crm_order(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, PRE + "primitive d1 Dummy\n" + SCRIPTS[name])
    assert_same(pair)
    assert _sections(pair.clush.cib) == _sections(pair.crm.cib)
