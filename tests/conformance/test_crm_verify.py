"""Issue 14 class 10: crm_verify warnings (exit 78) do not block; under -F a failing verify warns."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import assert_same, base_cib, both, run_clush_on
from tests.paths import CONFORMANCE

pytestmark = pytest.mark.crmsh

#: two unclean nodes, no quorum: crm_verify exits 78 with warnings only
UNCLEAN = CONFORMANCE / "verify" / "unclean-no-quorum.xml"


@pytest.mark.parametrize("force", [False, True], ids=["plain", "forced"])
def test_warnings_do_not_block_verify_or_commit(force: bool, tmp_path: Path) -> None:
    pair = both(tmp_path, "verify\nprimitive d2 Dummy\nverify\n", xml=UNCLEAN, force=force)
    assert_same(pair, show_too=False)
    assert 'id="d2"' in pair.clush.cib.read_text()
    assert "ERROR" not in pair.clush.err, pair.clush.err


def test_forced_script_goes_on_after_a_failing_verify(tmp_path: Path) -> None:
    """crm -F: verify reports the errors and the script continues; commit is forced."""
    pair = both(tmp_path, "primitive d1 Dummy\nverify\nprimitive d2 Dummy\n")
    assert_same(pair)
    assert "WARNING: verify: the configuration has errors" in pair.clush.err


def test_unforced_script_stops_at_a_failing_verify(tmp_path: Path) -> None:
    cib = base_cib(tmp_path, "cib.xml")
    before = cib.read_bytes()
    res = run_clush_on(cib, "configure\nprimitive d1 Dummy\nverify\nprimitive d2 Dummy\ncommit\n", force=False)
    assert res.rc != 0 and "verify: the configuration has errors" in res.err
    assert cib.read_bytes() == before


def test_forced_script_stops_at_a_failing_commit(tmp_path: Path) -> None:
    """A commit the CIB refuses (schema) stops the script even under -F: nothing after it runs."""
    cib = base_cib(tmp_path, "cib.xml", "property stonith-enabled=false")
    bad = "xml '<primitive id=\"p\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"><bogus/></primitive>'"
    res = run_clush_on(cib, f"configure\n{bad}\ncommit\nprimitive d3 Dummy\ncommit\n")
    assert res.rc != 0, res.err
    assert 'id="d3"' not in cib.read_text() and 'id="p"' not in cib.read_text()
