"""verify: one test per semantic message, RelaxNG and crm_verify findings, and the commit gate."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from lxml import etree

from clushell.cib.verify import Finding
from clushell.pacemaker.verify import has_errors, verify_cib
from clushell.transport.local import LocalRunner
from tests.paths import CLUSH
from tests.realenv import require

NO_STONITH = '<nvpair id="o-stonith" name="stonith-enabled" value="false"/>'


def cib(resources: str = "", constraints: str = "", props: str = NO_STONITH, extra: str = "") -> bytes:
    """An empty CIB from `cibadmin --empty` with these sections filled in."""
    require("cibadmin", "crm_verify", "crm_resource")
    doc = etree.fromstring(subprocess.run(["cibadmin", "--empty"], capture_output=True, check=True).stdout)
    conf = doc.find("configuration")
    conf.find("crm_config").append(etree.fromstring(
        f'<cluster_property_set id="cib-bootstrap-options">{props}</cluster_property_set>'))
    for tag, body in (("resources", resources), ("constraints", constraints)):
        conf.replace(conf.find(tag), etree.fromstring(f"<{tag}>{body}</{tag}>"))
    if extra:
        conf.append(etree.fromstring(extra))
    return etree.tostring(doc)


def dummy(rid: str, inner: str = "", agent: str = 'provider="pacemaker" type="Dummy"') -> str:
    return f'<primitive id="{rid}" class="ocf" {agent}>{inner}</primitive>'


def params(rid: str, **kv: str) -> str:
    pairs = "".join(f'<nvpair id="{rid}-p-{k}" name="{k}" value="{v}"/>' for k, v in kv.items())
    return f'<instance_attributes id="{rid}-params">{pairs}</instance_attributes>'


def meta(rid: str, **kv: str) -> str:
    pairs = "".join(f'<nvpair id="{rid}-m-{k}" name="{k}" value="{v}"/>' for k, v in kv.items())
    return f'<meta_attributes id="{rid}-meta">{pairs}</meta_attributes>'


def only(findings: list[Finding], obj: str | None, attr: str | None = None) -> Finding:
    hits = [f for f in findings if f.object_id == obj and (attr is None or f.attribute == attr)]
    assert len(hits) == 1, findings
    return hits[0]


@pytest.fixture
def runner():
    return LocalRunner()


def test_clean_configuration_has_no_findings(runner):
    assert verify_cib(runner, cib(dummy("d1", params("d1", fake="x")))) == []


def test_unknown_resource_agent(runner):
    f = only(verify_cib(runner, cib(dummy("r1", agent='provider="heartbeat" type="NoSuchAgent"'))), "r1")
    assert f.is_error and f.attribute == "type" and "unknown resource agent ocf:heartbeat:NoSuchAgent" in f.message


def test_missing_required_parameter(runner):
    f = only(verify_cib(runner, cib(dummy("vip", agent='provider="heartbeat" type="IPaddr2"'))), "vip")
    assert f.is_error and f.attribute == "ip" and 'required parameter "ip"' in f.message


def test_unknown_parameter(runner):
    f = only(verify_cib(runner, cib(dummy("d2", params("d2", bogus="1")))), "d2")
    assert f.is_error and f.attribute == "bogus" and 'parameter "bogus" is not known' in f.message


def test_op_timeout_shorter_than_advised(runner):
    ops = '<operations><op id="d3-start" name="start" interval="0" timeout="5s"/></operations>'
    f = only(verify_cib(runner, cib(dummy("d3", ops))), "d3")
    assert f.severity == "warning" and f.attribute == "op start timeout"
    assert "timeout 5s for start is shorter than the advised 20s" in f.message


def test_op_defaults_timeout_counts_when_op_has_none(runner):
    ops = '<operations><op id="d4-stop" name="stop" interval="0"/></operations>'
    defaults = ('<op_defaults><meta_attributes id="op-opts"><nvpair id="op-opts-t" name="timeout" value="2s"/>'
                "</meta_attributes></op_defaults>")
    f = only(verify_cib(runner, cib(dummy("d4", ops), extra=defaults)), "d4")
    assert f.severity == "warning" and "2s (op_defaults)" in f.message


def test_unknown_action(runner):
    ops = '<operations><op id="d5-x" name="frobnicate" interval="0"/></operations>'
    f = only(verify_cib(runner, cib(dummy("d5", ops))), "d5")
    assert f.severity == "warning" and 'no action "frobnicate"' in f.message


def test_unknown_meta_attribute(runner):
    f = only(verify_cib(runner, cib(dummy("d6", meta("d6", colour="blue")))), "d6")
    assert f.severity == "warning" and f.attribute == "colour" and 'unknown meta attribute "colour"' in f.message


def test_unknown_clone_meta_attribute_but_clone_ones_are_fine(runner):
    clone = f'<clone id="cl">{meta("cl", interleave="true", wobble="1")}{dummy("d7")}</clone>'
    f = only(verify_cib(runner, cib(clone)), "cl")
    assert f.attribute == "wobble"


def test_constraint_on_missing_resource(runner):
    # d8-p-fake exists as an id, so the schema IDREF check passes; crm_verify only warns vaguely
    con = '<rsc_location id="loc1" rsc="d8-p-fake" node="node1" score="100"/>'
    f = only(verify_cib(runner, cib(dummy("d8", params("d8", fake="1")), con)), "loc1", "rsc")
    assert f.is_error and f.attribute == "rsc" and "resource d8-p-fake does not exist" in f.message


def test_constraint_on_group_member(runner):
    group = f'<group id="g1">{dummy("m1")}{dummy("m2")}</group>{dummy("d9")}'
    con = '<rsc_colocation id="col1" rsc="d9" with-rsc="m2" score="INFINITY"/>'
    f = only(verify_cib(runner, cib(group, con)), "col1")
    assert f.severity == "warning" and f.attribute == "with-rsc" and "member of group g1" in f.message


def test_unknown_cluster_property(runner):
    props = NO_STONITH + '<nvpair id="o-x" name="no-such-property" value="1"/>'
    f = only(verify_cib(runner, cib(props=props)), "cib-bootstrap-options")
    assert f.severity == "warning" and f.attribute == "no-such-property"
    assert 'unknown cluster property "no-such-property"' in f.message


def test_property_value_outside_enum(runner):
    props = NO_STONITH + '<nvpair id="o-nq" name="no-quorum-policy" value="panic"/>'
    f = only(verify_cib(runner, cib(props=props)), "cib-bootstrap-options", "no-quorum-policy")
    assert f.is_error and 'no-quorum-policy="panic" is not one of stop, freeze, ignore, demote, suicide' in f.message


def test_boolean_property_checked(runner):
    props = '<nvpair id="o-stonith" name="stonith-enabled" value="perhaps"/>'
    findings = verify_cib(runner, cib(props=props))
    f = only(findings, "cib-bootstrap-options", "stonith-enabled")
    assert f.is_error and "is not a boolean" in f.message


def test_schema_error_names_object_and_attribute(runner):
    bad = '<primitive id="s1" class="ocf" provider="pacemaker" type="Dummy" colour="red"/>'
    f = only(verify_cib(runner, cib(bad)), "s1")
    assert f.is_error and f.attribute == "colour" and "pacemaker-3" in str(f)
    assert re.fullmatch(r"error: s1: primitive has no attribute colour \(schema pacemaker-[0-9.]+\)", str(f))


def test_crm_verify_scheduler_errors_are_reported(runner):
    findings = verify_cib(runner, cib(dummy("d10"), props=""))
    assert has_errors(findings)
    assert any("crm_verify" in f.message and "STONITH" in f.message for f in findings)


def test_changed_ids_limit_semantic_checks(runner):
    doc = cib(dummy("old1", params("old1", bogus="1")) + dummy("new1", params("new1", bogus="2")))
    findings = verify_cib(runner, doc, changed_ids={"new1"})
    assert [f.object_id for f in findings] == ["new1"]


def test_not_well_formed(runner):
    (f,) = verify_cib(runner, b"<cib><configuration>")
    assert f.is_error and "not well-formed" in f.message


def test_finding_text_names_object_and_attribute():
    assert str(Finding("error", "vip", "ip", "required")) == "error: vip ip: required"


def test_crm_verify_rejection_blocks_batch_commit_without_force(tmp_path):
    """No STONITH and stonith-enabled unset: crm_verify errors, so batch mode must not commit (crmsh too)."""
    require("cibadmin")
    path = tmp_path / "cib.xml"
    path.write_bytes(subprocess.run(["cibadmin", "--empty"], capture_output=True, check=True).stdout)
    before = path.read_bytes()
    clush = CLUSH
    env = {**os.environ, "CIB_file": str(path)}
    res = subprocess.run([clush], input="configure\nprimitive d1 ocf:pacemaker:Dummy\n", capture_output=True,
                         text=True, env=env, timeout=120)
    assert res.returncode == 1 and "STONITH" in res.stderr and "Traceback" not in res.stderr
    assert path.read_bytes() == before
    res = subprocess.run([clush, "-F"], input="configure\nprimitive d1 ocf:pacemaker:Dummy\n", capture_output=True,
                         text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert b'id="d1"' in path.read_bytes()


def test_crm_verify_prose_is_not_taken_for_an_object():
    from clushell.pacemaker.verify import _mentioned_id

    ids = {"a", "is", "d1", "p"}
    assert _mentioned_id("'bogus' is not a valid ISO 8601 date/time specification", ids) is None
    assert _mentioned_id("Resource 'p' is not a valid", ids) == "p"  # a quoted id wins
    assert _mentioned_id("Ignoring constraint because d1 is gone", ids) == "d1"


def test_a_line_crm_verify_says_twice_is_one_finding():
    from clushell.pacemaker.verify import _crm_verify_lines
    from clushell.transport.base import Result

    line = "(unpack_operation) error: Operation p-monitor-10s-0 is duplicate of p-monitor-10s"
    res = Result(78, "", f"{line}\n{line}\ncrm_verify: Errors found during check: config not valid\n")
    found = _crm_verify_lines(res, lambda: {"p-monitor-10s-0", "p"}, skip_schema=False)
    assert len(found) == 1 and found[0].is_error and found[0].object_id == "p-monitor-10s-0"


def test_a_problem_is_said_once(runner):
    doc = cib(dummy("d11", '<instance_attributes id="d11-params"><nvpair id="d11-p-a" name="a" value="1"/>'
                           '<nvpair id="d11-p-a2" name="a" value="2"/></instance_attributes>'))
    findings = [f for f in verify_cib(runner, doc) if f.object_id == "d11"]
    assert len(findings) == len(set(findings)) == 1, findings
