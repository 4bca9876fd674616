"""crmsh id generation (crmsh-language.md §2.16) on bare elements, no CIB needed."""

from __future__ import annotations

from lxml import etree

from clushell.cib.ids import IdGen, valid_id
from clushell.cib.model import CibModel


def gen(*taken: str) -> IdGen:
    used = set(taken)
    return IdGen(used.__contains__)


def test_valid_ids() -> None:
    assert valid_id("d1") and valid_id("_x") and valid_id("a.b-c_d")
    for bad in ("123", "1abc", "-x", "a b", "", "a:b", "é"):
        assert not valid_id(bad), bad


def test_collisions_count_from_zero() -> None:
    g = gen("c3", "c3-0")
    assert g.new("c3") == "c3-1"
    assert g.new("c3") == "c3-2"
    assert g.new("free") == "free"
    assert g.new("free") == "free-0"


def test_primitive_tree() -> None:
    xml = """<primitive id="d2"><instance_attributes><nvpair name="fake" value="1"/></instance_attributes>
      <operations><op name="monitor" interval="10"><instance_attributes><nvpair name="depth" value="0"/>
      </instance_attributes></op><op name="monitor" interval="10"/><op name="start"/></operations>
      <meta_attributes><nvpair name="a"/></meta_attributes></primitive>"""
    el = etree.fromstring(xml, etree.XMLParser(remove_blank_text=True))
    gen("d2").assign_object(el)
    ids = [e.get("id") for e in el.iter() if e.get("id")]
    assert ids == [
        "d2",
        "d2-instance_attributes",
        "d2-instance_attributes-fake",
        "d2-monitor-10",
        "d2-monitor-10-instance_attributes",
        "d2-monitor-10-instance_attributes-depth",
        "d2-monitor-10-0",
        "d2-start",
        "d2-meta_attributes",
        "d2-meta_attributes-a",
    ]
    assert el.find("operations").get("id") is None


def test_rules_sets_and_numeric_prefix() -> None:
    loc = etree.fromstring(
        '<rsc_location id="l15"><rule><expression/><expression/></rule><rule><date_expression>'
        "<date_spec/></date_expression></rule><resource_set><resource_ref id='x'/></resource_set></rsc_location>"
    )
    gen("l15").assign_object(loc)
    assert [e.get("id") for e in loc.iter() if e.tag != "resource_ref"] == [
        "l15",
        "l15-rule",
        "l15-rule-expression",
        "l15-rule-expression-0",
        "l15-rule-0",
        "l15-rule-0-expression",
        "l15-rule-0-expression-date_spec",
        "l15-0",
    ]
    node = etree.fromstring(
        '<node id="123" uname="123"><instance_attributes><nvpair name="x"/></instance_attributes></node>'
    )
    gen().assign_object(node)
    assert node[0].get("id") == "num-123-instance_attributes"
    assert node[0][0].get("id") == "num-123-instance_attributes-x"


def test_operations_id_becomes_prefix() -> None:
    prim = etree.fromstring(
        '<primitive id="d4"><operations id="ops1"><op name="monitor" interval="15s"/></operations></primitive>'
    )
    gen().assign_object(prim)
    assert prim.find("operations/op").get("id") == "ops1-monitor-15s"


def test_ids_taken_in_model_are_avoided() -> None:
    model = CibModel.from_xml(
        b'<cib><configuration><resources><primitive id="x" class="ocf" provider="heartbeat" type="Dummy">'
        b'<instance_attributes id="y-instance_attributes"/></primitive></resources></configuration></cib>'
    )
    g = IdGen(model.id_in_use)
    el = etree.fromstring('<primitive id="y"><instance_attributes/></primitive>')
    g.assign_object(el)
    assert el[0].get("id") == "y-instance_attributes-0"


def test_ids_of_a_long_rule_are_linear() -> None:
    """16,000 'and' clauses parse and get their ids well under a second (was O(N^2): 43 s)."""
    import subprocess
    import time

    from clushell.cib import apply_text
    from clushell.cib.model import CibModel

    xml = subprocess.run(["cibadmin", "--empty"], capture_output=True, text=True, check=True).stdout
    model = CibModel.from_xml(xml.encode())
    apply_text(model, "primitive p1 ocf:pacemaker:Dummy")
    text = "location l1 p1 rule 100: " + " and ".join(f"a{i} eq v" for i in range(16000))
    start = time.process_time()
    apply_text(model, text)
    # CPU time, with room for a loaded machine (0.35 s idle, 1.1 s seen at load 5): the quadratic
    # form this guards against took 43 s
    assert time.process_time() - start < 5.0
    ids = [e.get("id") for e in model.by_id("l1").iter("expression")]
    assert ids[:3] == ["l1-rule-expression", "l1-rule-expression-0", "l1-rule-expression-1"]
    assert len(set(ids)) == 16000
