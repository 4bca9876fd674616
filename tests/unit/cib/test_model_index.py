"""CibModel's id index is built on first use; lookups before that give what the index gives."""

from __future__ import annotations

from lxml import etree

from clushell.cib import model as model_mod
from clushell.cib.model import CibModel
from clushell.cib.select import find_objects, select

CIB = b"""<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration>
<crm_config><cluster_property_set id="cib-bootstrap-options">
  <nvpair id="opt-1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"><instance_attributes id="n1-ia"/></node><node id="d1" uname="n2"/></nodes>
<resources>
  <primitive id="d1" class="ocf" provider="pacemaker" type="Dummy">
    <instance_attributes id="d1-ia"><nvpair id="d1-ia-state" name="state" value="x"/></instance_attributes>
  </primitive>
  <group id="g1"><primitive id="g1-a" class="ocf" provider="pacemaker" type="Dummy"/></group>
  <clone id="c1"><group id="cg"><primitive id="cg-a" class="ocf" provider="pacemaker" type="Dummy"/></group></clone>
</resources>
<constraints><rsc_location id="loc1" rsc="d1" node="n1" score="10"/>
  <rsc_order id="o1"><resource_set id="o1-set"><resource_ref id="d1"/></resource_set></rsc_order></constraints>
<rsc_defaults><meta_attributes id="rsc-options"><nvpair id="rsc-options-stickiness" name="resource-stickiness"
  value="1"/></meta_attributes></rsc_defaults>
<tags><tag id="t1"><obj_ref id="d1"/></tag></tags>
</configuration><status/></cib>"""

IDS = ["d1", "g1", "g1-a", "c1", "cg", "cg-a", "loc1", "o1", "rsc-options", "t1", "cib-bootstrap-options",
       "d1-ia-state", "o1-set", "1", "n1", "nothing"]


def test_loading_builds_no_index_and_lookups_match_the_index() -> None:
    lazy, eager = CibModel.from_xml(CIB), CibModel.from_xml(CIB)
    assert lazy._index is None
    for ident in IDS:
        want = eager.index.get(ident)
        got = lazy.object_by_id(ident)
        if want is not None and eager.is_object(want):
            assert got is not None and lazy.root.getroottree().getpath(got) == eager.root.getroottree().getpath(want)
        else:
            assert got is None or not lazy.is_object(got), ident
        assert (lazy.object(ident) is None) == (eager.object(ident) is None), ident
    assert lazy._index is not None  # more lookups than the walks allowed: the index answers the rest
    assert set(lazy.index) == set(eager.index)


def test_show_one_object_walks_instead_of_indexing() -> None:
    m = CibModel.from_xml(CIB)
    assert [el.get("id") for el in select(m, ["cg-a"])] == ["cg-a"]
    assert [el.tag for el in find_objects(m, "d1")] == ["primitive", "node"]  # a resource and a node share d1
    assert m._index is None


def test_nodes_before_and_after_the_index() -> None:
    m = CibModel.from_xml(CIB)
    assert sorted(m.nodes) == ["1", "d1"] and m.node("n2").get("id") == "d1"
    assert m._index is None
    m.index  # noqa: B018
    assert sorted(m.nodes) == ["1", "d1"] and m.node("n1").get("id") == "1"


def test_edits_before_the_index_is_built_are_in_it() -> None:
    m = CibModel.from_xml(CIB)
    el = etree.Element("primitive", id="new1")
    m.add(el, "resources")
    m.remove(m.object("loc1"))
    assert m._index is None
    assert m.by_id("new1") is el and m.id_in_use("new1")
    assert m.by_id("loc1") is None and not m.id_in_use("loc1")
    m.remove(el)  # after the build: kept up to date as before
    assert m.by_id("new1") is None


def test_walks_are_bounded(monkeypatch) -> None:
    monkeypatch.setattr(model_mod, "_WALKS_BEFORE_INDEX", 2)
    m = CibModel.from_xml(CIB)
    m.object_by_id("d1"), m.object_by_id("g1")
    assert m._index is None
    assert m.object_by_id("c1").get("id") == "c1"
    assert m._index is not None


def test_resources_count_without_and_with_the_index() -> None:
    m = CibModel.from_xml(CIB)
    assert m.resources_count() == 3 and m._index is None
    m.index  # noqa: B018
    assert m.resources_count() == 3
    assert CibModel.empty().resources_count() == 0
