"""Issue 14 class 24: libxml's cascade of RelaxNG errors becomes one line naming object, element
and attribute (clushell.pacemaker.schemadiag), for every kind of schema error a user can reach."""

from __future__ import annotations

import subprocess

import pytest
from lxml import etree

from clushell.pacemaker.schemadiag import diagnose
from clushell.pacemaker.verify import SCHEMA_DIR, _schema, relaxng_findings
from tests.realenv import require

SECTION = {"primitive": "resources", "bundle": "resources", "group": "resources", "clone": "resources",
           "rsc_order": "constraints",
           "rsc_location": "constraints", "rsc_colocation": "constraints", "rsc_ticket": "constraints",
           "node": "nodes", "cluster_property_set": "crm_config"}
D1 = '<primitive id="d1" class="ocf" provider="heartbeat" type="Dummy"/>'
OP = '<primitive id="p" class="ocf" provider="heartbeat" type="Dummy"><operations>{}</operations></primitive>'
RULE = '<rsc_location id="lx" rsc="d1"><rule id="r" score="10"{}><expression id="e" {}/></rule></rsc_location>'
EXPR = 'attribute="#uname" operation="eq" value="n1"'

# fragment -> (object id, the one line said about it)
CASES = {
    "unknown-attribute": ('<primitive id="p" class="ocf" provider="heartbeat" type="Dummy" bogus="1"/>',
                          "p", "primitive has no attribute bogus"),
    "unknown-child": ('<primitive id="p" class="ocf" provider="heartbeat" type="Dummy"><bogus/></primitive>',
                      "p", "element bogus is not allowed in primitive"),
    "child-in-nvset": ('<primitive id="p" class="ocf" provider="heartbeat" type="Dummy">'
                       '<instance_attributes id="p-ia"><bogus/></instance_attributes></primitive>',
                       "p", "instance_attributes p-ia: element bogus is not allowed in instance_attributes"),
    "order-kind": ('<rsc_order id="o" first="d1" then="d1" kind="Bogus"/>',
                   "o", "kind 'Bogus' is not valid for rsc_order (expected Optional, Mandatory or Serialize)"),
    "order-boolean": ('<rsc_order id="o" first="d1" then="d1" symmetrical="maybe"/>',
                      "o", "symmetrical 'maybe' is not valid for rsc_order (expected true or false)"),
    "colocation-role": ('<rsc_colocation id="c" rsc="d1" with-rsc="d1" score="INFINITY" rsc-role="Bogus"/>',
                        "c", "rsc-role 'Bogus' is not valid for rsc_colocation (expected Stopped, Started"),
    "ticket-policy": ('<rsc_ticket id="t" ticket="tA" rsc="d1" loss-policy="bogus"/>',
                      "t", "loss-policy 'bogus' is not valid for rsc_ticket (expected stop, demote, fence or freeze)"),
    "location-score": ('<rsc_location id="lx" rsc="d1" score="abc" node="n1"/>',
                       "lx", "score 'abc' is not valid for rsc_location (expected an integer"),
    "location-no-score": ('<rsc_location id="lx" rsc="d1" node="n1"/>', "lx", "rsc_location needs attribute score"),
    "op-on-fail": (OP.format('<op id="p-m" name="monitor" interval="10s" on-fail="bogus"/>'),
                   "p", "op p-m: on-fail 'bogus' is not valid for op (expected ignore, block, demote, stop"),
    "op-enabled": (OP.format('<op id="p-m" name="monitor" interval="10s" enabled="maybe"/>'),
                   "p", "op p-m: enabled 'maybe' is not valid for op (expected true or false)"),
    "op-no-name": (OP.format('<op id="p-m" interval="10s"/>'), "p", "op p-m: op needs attribute name"),
    "nvpair-no-name": ('<primitive id="p" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes '
                       'id="p-ia"><nvpair id="p-ia-x" value="1"/></instance_attributes></primitive>',
                       "p", "nvpair p-ia-x: nvpair needs attribute name"),
    "nvpair-attribute": ('<cluster_property_set id="cps"><nvpair id="x" name="a" value="b" odd="1"/>'
                         '</cluster_property_set>', "cps", "nvpair x: nvpair has no attribute odd"),
    "rule-boolean-op": (RULE.format(' boolean-op="xor"', EXPR),
                        "lx", "rule r: boolean-op 'xor' is not valid for rule (expected 'or' or 'and')"),
    "expression-op": (RULE.format("", EXPR.replace('"eq"', '"like"')),
                      "lx", "expression e: operation 'like' is not valid for expression (expected lt, gt"),
    "class": ('<primitive id="p" class="bogus" type="Dummy"/>',
              "p", "class 'bogus' is not valid for primitive (expected ocf, lsb"),
    "digit-id": ('<primitive id="1p" class="ocf" provider="heartbeat" type="Dummy"/>',
                 "1p", "id '1p' is not valid for primitive (expected a name starting with a letter"),
    "node-type": ('<node id="n1" uname="n1" type="bogus"/>',
                  "n1", "type 'bogus' is not valid for node (expected member, ping or remote)"),
    "empty-group": ('<group id="g"/>', "g", "a group needs at least one primitive"),
    "port-mapping": ('<bundle id="bb"><docker image="x"/><network><port-mapping id="pm" port="abc"/></network>'
                     '</bundle>', "bb", "network in bundle: port-mapping pm: port 'abc' is not valid for port-mapping"),
    "clone-child": ('<clone id="cl"><primitive id="cp" class="ocf" provider="heartbeat" type="Dummy" bad="1"/>'
                    '</clone>', "cl", "primitive cp: primitive has no attribute bad"),
}


def _cib(fragment: str) -> etree._Element:
    require("cibadmin")
    doc = etree.fromstring(subprocess.run(["cibadmin", "--empty"], capture_output=True, check=True).stdout)
    frag = etree.fromstring(fragment)
    conf = doc.find("configuration")
    conf.find("resources").append(etree.fromstring(D1))
    conf.find(SECTION[frag.tag]).append(frag)
    return doc


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_line_names_object_element_and_attribute(name: str) -> None:
    fragment, oid, said = CASES[name]
    doc = _cib(fragment)
    schema = _schema(doc.get("validate-with"))
    assert schema is not None
    found = diagnose(doc, schema, doc.get("validate-with"), SCHEMA_DIR)
    assert found is not None and found.object_id == oid
    assert found.text.startswith(said), found.text
    assert "\n" not in found.text


def test_valid_cib_has_no_diagnosis() -> None:
    doc = _cib('<primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/>')
    assert diagnose(doc, _schema(doc.get("validate-with")), doc.get("validate-with"), SCHEMA_DIR) is None


def test_a_bad_value_in_a_section_libxml_stops_at() -> None:
    doc = _cib('<primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/>')
    doc.find("configuration").append(etree.fromstring(
        '<fencing-topology><fencing-level id="fl" target="n1" index="abc" devices="d1"/></fencing-topology>'))
    found = diagnose(doc, _schema(doc.get("validate-with")), doc.get("validate-with"), SCHEMA_DIR)
    assert found is not None and found.object_id == "fl" and found.attribute == "index"
    assert found.text.startswith("index 'abc' is not valid for fencing-level (expected an integer > 0)")


def test_one_finding_for_the_whole_cascade() -> None:
    (f,) = relaxng_findings(_cib(CASES["op-on-fail"][0]))
    assert f.is_error and f.object_id == "p" and f.attribute == "on-fail"
    assert str(f).startswith("error: p: op p-m: on-fail 'bogus' is not valid") and "(schema pacemaker-" in str(f)


def test_the_rest_of_the_cib_is_not_blamed() -> None:
    doc = _cib(CASES["order-kind"][0])
    for i in range(50):  # a bigger CIB: the object alone is tried, not the whole document
        doc.find("configuration/resources").append(etree.fromstring(
            f'<primitive id="x{i}" class="ocf" provider="heartbeat" type="Dummy"/>'))
    (f,) = relaxng_findings(doc)
    assert f.object_id == "o" and f.attribute == "kind"


BAD_OP = "primitive p ocf:heartbeat:Dummy op monitor interval=10s on-fail=bogus"
BAD_NODE = "xml <node id=\"n9\" uname=\"n9\" type=\"bogus\"/>"


@pytest.mark.parametrize("commit", ["commit", "commit force", "commit replace", "commit force replace"])
@pytest.mark.parametrize("statement", [BAD_OP, BAD_NODE], ids=["resource", "no-resources"])
@pytest.mark.parametrize("force", [False, True], ids=["normal", "-F"])
def test_refused_commit_is_one_error_line(statement: str, commit: str, force: bool, tmp_path) -> None:
    import shutil

    from tests.conftest import run_clush
    from tests.paths import CONFORMANCE

    require("cibadmin", "crm_verify")
    cib = tmp_path / "cib.xml"
    shutil.copy(CONFORMANCE / "scenarios" / "base.xml", cib)
    before = cib.read_bytes()
    res = run_clush(*(["-F"] if force else []), input=f"configure\n{statement}\n{commit}\n",
                    env={"CIB_file": str(cib)})
    assert res.returncode == 1
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1, res.stderr
    assert "commit refused: " in errors[0] and "cannot be forced" in errors[0], errors[0]
    assert "commit forced" not in res.stderr and "Relax-NG" not in res.stderr
    assert cib.read_bytes() == before


def test_crm_verify_cascade_without_a_local_schema_is_one_finding() -> None:
    """A remote target whose schema is not installed here: crm_verify's Relax-NG lines fold into one."""
    from clushell.pacemaker.verify import SchemaFinding, _crm_verify_lines
    from clushell.transport.base import Result

    xml = ('<cib validate-with="pacemaker-9.0">\n<configuration>\n<crm_config/>\n<nodes/>\n<resources>\n'
           '<primitive id="p" class="ocf" provider="heartbeat" type="Dummy">\n<operations>\n'
           '<op id="p-m" name="monitor" interval="10s" on-fail="bogus"/>\n</operations>\n</primitive>\n'
           '</resources>\n<constraints/>\n</configuration>\n</cib>\n')
    root = etree.fromstring(xml.encode())
    err = ("Entity: line 8: element op: Relax-NG validity error : Expecting an element meta_attributes, got nothing\n"
           "Relax-NG validity error : Extra element operations in interleave\n"
           "Entity: line 7: element operations: Relax-NG validity error : Element primitive failed to validate "
           "content\nEntity: line 6: element primitive: Relax-NG validity error : Element resources has extra "
           "content: primitive\n(main) \terror: CIB did not pass schema validation\n"
           "crm_verify: Errors found during check: config not valid\n")
    found = _crm_verify_lines(Result(78, "", err), lambda: {"p", "p-m"}, skip_schema=False, root=root)
    assert len(found) == 1 and isinstance(found[0], SchemaFinding), found
    assert str(found[0]) == ("error: p: op: Expecting an element meta_attributes, got nothing "
                             "(crm_verify: the schema)"), str(found[0])
