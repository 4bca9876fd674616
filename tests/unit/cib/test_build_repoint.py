"""A new group/clone takes over its members' constraints as crmsh does (rename_rscref member
by member: duplicates dropped, two references back to the simple form, silly ones gone), and
a failing later statement takes all of it back."""

from __future__ import annotations

import pytest
from lxml import etree

from clushell.cib.build import apply_statements, updating
from clushell.cib.model import CibModel
from clushell.errors import ClushError

SETUP = """\
primitive d1 Dummy
primitive d2 Dummy
primitive d6 Dummy
primitive d7 Dummy
colocation c2 inf: d1 d6 d7
colocation c3 inf: d6 d7
order o2 Optional: d6 d7 d2
location l4 { d6 d7 } 10: node1
"""


def _model() -> CibModel:
    m = CibModel.empty()
    apply_statements(m, SETUP)
    return m


def _canon(m: CibModel) -> bytes:
    return etree.tostring(m.configuration, method="c14n")


def test_group_dedups_and_simplifies_constraints() -> None:
    m = _model()
    msgs = apply_statements(m, "group gnew d6 d7\n")
    c2 = m.by_id("c2")
    assert (c2.get("rsc"), c2.get("with-rsc")) == ("gnew", "d1") and c2.find("resource_set") is None
    assert m.by_id("c3") is None  # gnew with itself means nothing
    o2 = m.by_id("o2")
    assert (o2.get("first"), o2.get("then")) == ("gnew", "d2")
    refs = [r.get("id") for r in m.by_id("l4").iter("resource_ref")]
    assert refs == ["gnew"]
    # crmsh's order: every constraint for the first member, then for the second
    assert [str(m) for m in msgs[:2]] == ["INFO: modified colocation:c2 from d6 to gnew",
                                         "INFO: modified colocation:c3 from d6 to gnew"]


def test_failure_later_in_the_load_undoes_the_repointing() -> None:
    m = _model()
    before = _canon(m)
    with pytest.raises(ClushError):
        apply_statements(m, "group gnew d6 d7\nlocation lx nosuch 10: node1\n")
    assert _canon(m) == before
    assert m.by_id("c3") is not None and m.by_id("gnew") is None


def test_restating_an_existing_container_does_not_repoint() -> None:
    m = _model()
    with updating(["gnew"]):
        apply_statements(m, "group gnew d6 d7\n")
    assert [r.get("id") for r in m.by_id("c2").iter("resource_ref")] == ["d1", "d6", "d7"]
