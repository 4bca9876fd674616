"""Issue 14 class 24: a commit the schema refuses says so in one ERROR line naming object and attribute."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, both, cib_diff

pytestmark = pytest.mark.crmsh

REFUSED = {
    "unknown-attribute": ("xml <primitive id=\"p\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\" bogus=\"1\"/>",
                          ("p", "bogus")),
    "location-attribute": ("xml <rsc_location id=\"lx\" rsc=\"d1\" score=\"10\" node=\"n1\" weird=\"1\"/>",
                           ("lx", "weird")),
    "template-attribute": ("xml <template id=\"t\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\" odd=\"y\"/>",
                           ("t", "odd")),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_schema_refusal_is_one_line(name: str, tmp_path: Path) -> None:
    statement, words = REFUSED[name]
    pair = both(tmp_path, statement, setup=PRE + "primitive d1 Dummy\n", force=False)
    assert pair.crm.errors(), "crm accepted it"
    assert pair.clush.rc != 0
    errors = pair.clush.errors()
    assert len(errors) == 1, pair.clush.err
    assert "commit refused" in errors[0] and all(w in errors[0] for w in words), errors[0]
    assert not cib_diff(pair.crm.cib, pair.clush.cib)  # neither wrote it
