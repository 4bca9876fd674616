"""Issue 14 class 1: `configure filter "CMD" [xml] [ID...]` as crm 4.4.1 does it; nothing changes on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import crm_oracle
from tests.conformance.crmdiff import PRE, assert_same, base_cib, both, cases, cib_diff

pytestmark = pytest.mark.crmsh

SETUP = PRE + """node node1
primitive a Dummy params fake=1
primitive b Dummy op monitor interval=10s
primitive c Dummy
group g1 a b
location l1 g1 100: node1
location l2 c -inf: node1
order o1 Mandatory: g1 c
"""

SCRIPTS = {
    "one-object": "filter \"sed 's/fake=1/fake=2/'\" a",
    "all": "filter \"sed 's/Dummy/Stateful/'\"",
    "several": "filter \"sed 's/100/200/; s/-inf/-500/'\" l1 l2",
    "deletes": "filter \"grep -v '^location'\"",
    "deletes-chosen": "filter \"grep -v l2\" l1 l2",
    # crm sends the text without a final newline (clush sends one): sed's $a works with both
    "adds": "filter \"sed '$a primitive d Dummy'\" c",
    "unchanged": "filter cat",
    "multi-line-statement": "filter \"sed 's/interval=10s/interval=20s/'\" b",
    "xml": "filter \"sed 's/100/300/'\" xml l1",
}


@pytest.mark.parametrize("name", cases(SCRIPTS, {}))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    assert_same(both(tmp_path, SCRIPTS[name], setup=SETUP))


FAILS = {
    "exit-status": ("filter false a", "'false' failed (exit status 1); nothing changed"),
    "exit-after-output": ("filter \"sed 's/Dummy/Stateful/'; exit 3\" a", "failed (exit status 3)"),
    "unparsable": ("filter \"echo garbage\" a", "output:1:1: unknown configure statement: 'garbage'"),
    "unknown-id": ("filter cat nosuch", "object nosuch does not exist"),
}


@pytest.mark.parametrize("name", sorted(FAILS))
def test_nothing_changes_when_the_command_fails(name: str, tmp_path: Path) -> None:
    script, message = FAILS[name]
    pair = both(tmp_path, script, setup=SETUP)
    original = base_cib(tmp_path, "original.xml", SETUP)
    assert pair.clush.rc != 0
    errors = pair.clush.errors()
    assert len(errors) == 1 and message in errors[0], pair.clush.err
    assert not cib_diff(original, pair.clush.cib)
    assert crm_oracle.canon(pair.crm.cib) == crm_oracle.canon(original)  # crm refuses these too
