"""Issue 14 classes 14, 17, 19: meta attributes written by resource commands land as crm puts them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_same, both, cases

pytestmark = pytest.mark.crmsh

SCRIPTS = {
    # class 17: a clone whose primitive has an empty meta set
    "start-clone-empty-meta": (PRE + "primitive d1 Dummy meta\nclone c1 d1\n", "start c1"),
    "start-child-empty-meta": (PRE + "primitive d1 Dummy meta\nclone c1 d1\n", "start d1"),
    # class 14: new meta_attributes of a primitive with params and ops
    "stop-params-ops": (PRE + "primitive d1 Dummy params fake=1 op monitor interval=10s\n", "stop d1"),
    "stop-utilization": (PRE + "primitive d1 Dummy utilization cpu=1\n", "stop d1"),
    "meta-set-new": (PRE + "primitive d1 Dummy params fake=1 op monitor interval=10s\n",
                     "meta d1 set resource-stickiness 10"),
    "stop-group": (PRE + "primitive d1 Dummy\ngroup g1 d1 params a=1\n", "stop g1"),
    # class 19: after a rename the default meta id is taken
    "stop-after-rename": (PRE + "primitive d1 Dummy meta a=1\nrename d1 d2\nprimitive d1 Dummy meta b=1\n"
                          "rename d2 d3\n", "stop d3"),
}
FAILING: dict[str, str] = {}


@pytest.mark.parametrize("name", cases(SCRIPTS, FAILING))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    setup, script = SCRIPTS[name]
    pair = both(tmp_path, script, setup=setup, level="resource")
    assert_same(pair, show_too=False)
    assert not [e for e in pair.clush.errors() if "<" in e], pair.clush.err  # never a line of a CIB dump
