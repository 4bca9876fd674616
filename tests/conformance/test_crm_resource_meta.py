"""Issue 14 classes 14, 17, 19: meta attributes written by resource commands land as crm puts them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_identical_xml, assert_same, both, cases

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
    # class 14, sibling order and ids: crm appends a new set after the element's other children
    "stop-all-sections": (PRE + "primitive d1 Dummy params a=1 op monitor interval=10s utilization cpu=1\n",
                          "stop d1"),
    "stop-clone-child-has-role": (PRE + "primitive d1 Dummy meta target-role=Started\nclone c1 d1\n", "stop c1"),
    "stop-group-member-has-role": (PRE + "primitive d1 Dummy meta target-role=Started\nprimitive d2 Dummy\n"
                                   "group g1 d1 d2\n", "stop g1"),
    "maintenance-group-conflict": (PRE + "primitive d1 Dummy meta is-managed=false\nprimitive d2 Dummy\n"
                                   "group g1 d1 d2 params a=1\n", "maintenance g1 on"),
    "maintenance-primitive-conflict": (PRE + "primitive d2 Dummy params a=1 meta is-managed=false "
                                       "op monitor interval=10s utilization cpu=1\n", "maintenance d2 on"),
    "maintenance-off-conflict": (PRE + "primitive d2 Dummy meta is-managed=false\n", "maintenance d2 off"),
    "unmanage-keeps-other-meta": (PRE + "primitive d2 Dummy meta maintenance=true b=1\n", "unmanage d2"),
    "stop-empty-meta": (PRE + "primitive d1 Dummy meta\n", "stop d1"),
    "stop-empty-params": (PRE + "primitive d1 Dummy params\n", "stop d1"),
    "stop-empty-params-with-meta": (PRE + "primitive d1 Dummy params meta a=1\n", "stop d1"),
    "start-cloned-group-member": (PRE + "primitive d1 Dummy\nprimitive d2 Dummy\ngroup g1 d1 d2\n"
                                  "clone c1 g1 meta target-role=Stopped\n", "start d2"),
    "manage-cloned-group": (PRE + "primitive d1 Dummy meta is-managed=false\ngroup g1 d1\nclone c1 g1\n",
                            "manage g1"),
    "stop-promotable-child": (PRE + "primitive d1 Stateful meta target-role=Started\n"
                              "clone c1 d1 meta promotable=true\n", "stop d1"),
    "stop-two": (PRE + "primitive d1 Dummy op monitor interval=10s\nprimitive d2 Dummy meta\n", "stop d1 d2"),
    "param-new-set": (PRE + "primitive d1 Dummy op monitor interval=10s meta a=1\n", "param d1 set x 1"),
    "utilization-new-set": (PRE + "primitive d1 Dummy op monitor interval=10s meta a=1\n",
                            "utilization d1 set cpu 2"),
    "meta-on-group": (PRE + "primitive d1 Dummy\ngroup g1 d1\n", "meta g1 set resource-stickiness 5"),
    # crm sorts every container it loads (attribute sets before members): a second commit moves them
    "restart-group": (PRE + "primitive d1 Dummy\nprimitive d2 Dummy\ngroup g1 d1 d2\n", "restart g1"),
    "stop-start-group-empty-meta": (PRE + "primitive d1 Dummy meta\nprimitive d2 Dummy\ngroup g1 d1 d2 meta\n",
                                    "stop g1\nstart g1"),
    "second-stop-sorts-others": (PRE + "primitive d1 Dummy\ngroup g1 d1\nprimitive d3 Dummy\n",
                                 "stop g1\nstop d3"),
    "unmanage-clone-then-group": (PRE + "primitive d1 Dummy\nclone c1 d1\nprimitive d2 Dummy\ngroup g1 d2\n",
                                  "unmanage c1\nunmanage g1\nmanage c1"),
}
FAILING: dict[str, str] = {}


@pytest.mark.parametrize("name", cases(SCRIPTS, FAILING))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    setup, script = SCRIPTS[name]
    pair = both(tmp_path, script, setup=setup, level="resource")
    assert_same(pair, show_too=False)
    assert_identical_xml(pair)
    assert not [e for e in pair.clush.errors() if "<" in e], pair.clush.err  # never a line of a CIB dump
