"""Statements applied to a CibModel: XML and ids as crmsh 4.4 writes them, atomicity, speed."""

from __future__ import annotations

import time

import pytest
from lxml import etree

from clushell.cib import apply_text
from clushell.cib.build import apply_line
from clushell.cib.model import CibModel
from clushell.errors import ClushError


@pytest.fixture
def model() -> CibModel:
    return CibModel.empty()


def attrs(model: CibModel, ident: str) -> dict[str, str]:
    el = model.by_id(ident)
    assert el is not None, f"{ident} missing"
    return dict(el.attrib)


def ids_under(el) -> list[str]:
    return [e.get("id") for e in el.iter() if isinstance(e.tag, str) and e.get("id") and e.tag != "resource_ref"]


def test_verified_vip_example(model: CibModel) -> None:
    apply_line(model, "primitive vip ocf:heartbeat:IPaddr2 params ip=10.0.0.1 cidr_netmask=24 "
                      "op monitor interval=10s timeout=20s meta target-role=Started")
    vip = model.resource("vip")
    assert [c.tag for c in vip] == ["instance_attributes", "operations", "meta_attributes"]
    assert ids_under(vip) == ["vip", "vip-instance_attributes", "vip-instance_attributes-ip",
                              "vip-instance_attributes-cidr_netmask", "vip-monitor-10s", "vip-meta_attributes",
                              "vip-meta_attributes-target-role"]
    assert attrs(model, "vip-monitor-10s") == {"name": "monitor", "interval": "10s", "timeout": "20s",
                                               "id": "vip-monitor-10s"}


def test_provider_lookup_prefers_heartbeat_then_pacemaker(model: CibModel) -> None:
    table = {"Dummy": ["heartbeat", "pacemaker"], "Stateful": ["pacemaker"], "X": ["acme"], "Y": []}
    text = "primitive a Dummy\nprimitive b Stateful\nprimitive c X\nprimitive d Y\nprimitive e ocf:Stateful"
    apply_text(model, text, providers=lambda t: table[t])
    assert [model.resource(r).get("provider") for r in "abcde"] == ["heartbeat", "pacemaker", "acme", "heartbeat",
                                                                    "pacemaker"]


def test_group_moves_members_and_sets_come_first(model: CibModel) -> None:
    apply_text(model, "primitive a Dummy\nprimitive b Dummy\nprimitive c Dummy\ngroup g b a meta target-role=Stopped")
    g = model.resource("g")
    assert [c.get("id") for c in g] == ["g-meta_attributes", "b", "a"]
    assert model.container_of(model.resource("a")) is g
    res = model.section("resources")
    assert [c.get("id") for c in res] == ["c", "g"]


def test_clone_and_promotable(model: CibModel) -> None:
    apply_text(model, "primitive st ocf:pacemaker:Stateful\nclone pc st meta promotable=true\n"
                      "primitive d Dummy\nclone cl d interleave=true")
    assert ids_under(model.resource("pc"))[:3] == ["pc", "pc-meta_attributes", "pc-meta_attributes-promotable"]
    # crmsh gotcha kept: without "meta" the attribute is an instance attribute
    assert model.by_id("cl-instance_attributes-interleave") is not None


def test_property_updates_in_place_and_defaults_sets(model: CibModel) -> None:
    apply_line(model, "property stonith-enabled=false no-quorum-policy=stop")
    apply_line(model, "property no-quorum-policy=freeze")
    nv = model.by_id("cib-bootstrap-options-no-quorum-policy")
    assert nv.get("value") == "freeze"
    assert len(model.by_id("cib-bootstrap-options")) == 2
    apply_line(model, "rsc_defaults resource-stickiness=100")
    apply_line(model, "op_defaults $id=opsdef2 rule 100: #uname eq node1 record-pending=true")
    assert model.by_id("rsc-options").getparent().tag == "rsc_defaults"
    assert ids_under(model.by_id("opsdef2")) == ["opsdef2", "opsdef2-rule", "opsdef2-rule-expression",
                                                 "opsdef2-record-pending"]


def test_node_create_and_merge(model: CibModel) -> None:
    apply_line(model, "node 2: n2 attributes standby=off utilization memory=1024")
    apply_line(model, "node n2 attributes standby=on maintenance=true")
    n2 = model.node("n2")
    assert n2.get("id") == "2"
    assert ids_under(n2) == ["2", "n2-instance_attributes", "n2-instance_attributes-standby",
                             "n2-instance_attributes-0-maintenance", "n2-utilization", "n2-utilization-memory"]
    assert model.by_id("n2-instance_attributes-standby").get("value") == "on"


def test_constraints_and_sets(model: CibModel) -> None:
    apply_text(model, "\n".join(f"primitive d{i} Dummy" for i in range(1, 5)))
    apply_line(model, "colocation c4 inf: d1 ( d2 d3 ) d4")
    assert ids_under(model.by_id("c4")) == ["c4", "c4-0", "c4-1", "c4-2"]
    apply_line(model, "order o10 Mandatory: d1:start d2:start d3:promote")
    assert [s.get("action") for s in model.by_id("o10")] == ["start", "promote"]
    apply_line(model, "location l15 d1 rule 10: #uname eq n1 rule -10: #uname eq n2")
    assert ids_under(model.by_id("l15")) == ["l15", "l15-rule", "l15-rule-expression", "l15-rule-0",
                                             "l15-rule-0-expression"]


def test_monitor_and_duplicate_interval(model: CibModel) -> None:
    apply_line(model, "primitive d3 Dummy op monitor interval=10s")
    msgs = apply_line(model, "monitor d3:Started 10s:20s")
    assert any("unique" in m.message and m.is_warning and (m.token, m.column) == ("d3", 9) for m in msgs)
    assert attrs(model, "d3-monitor-10s-0") == {"name": "monitor", "interval": "10s", "timeout": "20s",
                                                "role": "Started", "id": "d3-monitor-10s-0"}


def test_fencing_topology_for_all_nodes(model: CibModel) -> None:
    apply_text(model, "node n1\nnode n2\nprimitive f1 stonith:fence_watchdog\nprimitive f2 stonith:fence_watchdog\n"
                      "fencing_topology f1 f2")
    topo = model.configuration.find("fencing-topology")
    assert [(lv.get("target"), lv.get("index"), lv.get("devices"), lv.get("id")) for lv in topo] == [
        ("n1", "1", "f1", "fencing"), ("n1", "2", "f2", "fencing-0"),
        ("n2", "1", "f1", "fencing-1"), ("n2", "2", "f2", "fencing-2"),
    ]


def test_tag_and_xml(model: CibModel) -> None:
    apply_line(model, "primitive d1 Dummy")
    apply_line(model, 'xml <primitive id="x1" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes>'
                      '<nvpair name="a" value="1"/></meta_attributes></primitive>')
    assert model.by_id("x1-meta_attributes-a") is not None
    apply_line(model, "tag t1: d1 x1")
    assert [r.get("id") for r in model.by_id("t1")] == ["d1", "x1"]


def test_apply_text_is_all_or_nothing(model: CibModel) -> None:
    apply_line(model, "primitive keep Dummy")
    before = model.to_xml()
    index_before = dict(model.index)
    with pytest.raises(ClushError) as exc:
        apply_text(model, "property a=1\nprimitive d1 Dummy\ngroup g d1\nnode n9\nclone c g\n"
                          "location l1 nope 10: n1", source="f.crm")
    assert exc.value.message.startswith("f.crm:6:13: ")
    assert model.to_xml() == before
    assert model.index == index_before and "n9" not in model.nodes


def test_round_trip_through_show(model: CibModel) -> None:
    from clushell.cib import render
    values = ["a b", 'q"x', "#hash", "k=v", "semi;colon", "$(echo hi)", "`date`", "é ü ß ✓", ""]
    params = " ".join(f"p{i}={quote(v)}" for i, v in enumerate(values))
    apply_line(model, f"primitive d1 Dummy params {params} meta description={quote('x # y')}")
    text = render.render_object(model.resource("d1"))
    other = CibModel.empty()
    apply_text(other, text)
    got = {nv.get("name"): nv.get("value") for nv in other.resource("d1").iter("nvpair")}
    assert [got[f"p{i}"] for i in range(len(values))] == values
    assert etree.tostring(other.resource("d1")) == etree.tostring(model.resource("d1"))


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`") + '"'


def test_one_primitive_on_a_4000_primitive_cib_is_fast() -> None:
    prims = "".join(
        f'<primitive id="p{i}" class="ocf" provider="heartbeat" type="Dummy"><operations>'
        f'<op name="monitor" interval="10s" id="p{i}-monitor-10s"/></operations></primitive>'
        for i in range(4000)
    )
    big = CibModel.from_xml(f"<cib><configuration><crm_config/><nodes/><resources>{prims}</resources>"
                            "<constraints/></configuration><status/></cib>")
    start = time.perf_counter()
    for i in range(20):
        apply_line(big, f"primitive n{i} Dummy op monitor interval=10s")
        apply_line(big, f"location l{i} n{i} 10: node1")
    per_statement = (time.perf_counter() - start) / 40
    assert per_statement < 0.02, per_statement
    assert big.by_id("n19-monitor-10s") is not None


def test_comments_before_a_statement_stay_inside_the_object(model: CibModel) -> None:
    apply_text(model, "# web tier\n# keep it\nprimitive d1 Dummy\n\n# orphan\n\nprimitive d2 Dummy\n")
    d1 = model.resource("d1")
    assert [c.text for c in d1 if isinstance(c, etree._Comment)] == ["# web tier", "# keep it"]
    assert not any(isinstance(c, etree._Comment) for c in model.resource("d2"))
