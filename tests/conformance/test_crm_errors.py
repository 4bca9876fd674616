"""Issue 14 class 24: a commit the schema refuses says so in one ERROR line naming object and attribute."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_rejected, assert_same, both, cib_diff

pytestmark = pytest.mark.crmsh

REFUSED = {
    "unknown-attribute": ("xml <primitive id=\"p\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\" bogus=\"1\"/>",
                          ("p", "bogus")),
    "location-attribute": ("xml <rsc_location id=\"lx\" rsc=\"d1\" score=\"10\" node=\"n1\" weird=\"1\"/>",
                           ("lx", "weird")),
    "template-attribute": ("xml <template id=\"t\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\" odd=\"y\"/>",
                           ("t", "odd")),
}


# statements crm parses and writes, and the schema then refuses (crm prints libxml's cascade, several
# ERROR lines; under -F it crashes with a NameError traceback after cibadmin refused)
SCHEMA = {
    "op-on-fail": ("primitive p Dummy op monitor interval=10s on-fail=bogus",
                   ("p", "op p-monitor-10s", "on-fail", "'bogus'", "expected ignore, block")),
    "op-enabled": ("primitive p Dummy op monitor interval=10s enabled=maybe",
                   ("p", "op p-monitor-10s", "enabled", "'maybe'", "true or false")),
    "xml-order-kind": ("xml '<rsc_order id=\"o\" first=\"d1\" then=\"d1\" kind=\"Bogus\"/>'",
                       ("o", "kind", "'Bogus'", "Optional, Mandatory or Serialize")),
    "xml-node-type": ("xml '<node id=\"n1\" uname=\"n1\" type=\"bogus\"/>'",
                      ("n1", "type", "'bogus'", "member, ping or remote")),
    "xml-wrong-element": ("xml '<primitive id=\"p\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">"
                          "<bogus/></primitive>'", ("p", "element bogus is not allowed in primitive")),
    "xml-unknown-attribute": ("xml '<primitive id=\"p\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\" "
                              "bogus=\"1\"/>'", ("p", "primitive has no attribute bogus")),
    "xml-empty-group": ("xml '<group id=\"g\"/>'", ("g", "a group needs at least one primitive")),
    "xml-location-no-score": ("xml '<rsc_location id=\"lx\" rsc=\"d1\" node=\"n1\"/>'",
                              ("lx", "rsc_location needs attribute score")),
    "xml-class": ("xml '<primitive id=\"p\" class=\"bogus\" type=\"Dummy\"/>'",
                  ("p", "class 'bogus' is not valid for primitive")),
    "bundle-replicas": ("bundle bb docker image=x replicas=abc", ("bb", "docker", "replicas 'abc'", "an integer")),
    "bundle-port": ("bundle bb docker image=x network port-mapping id=pm port=80 internal-port=abc",
                    ("bb", "port-mapping pm", "internal-port 'abc'", "an integer")),
    "bundle-storage-attribute": ("bundle bb docker image=x storage storage-mapping id=s1 source-dir=/a "
                                 "target-dir=/b bogus=1", ("bb", "storage-mapping s1", "no attribute bogus")),
    "bundle-network-attribute": ("bundle bb docker image=x network bogus=1", ("bb", "network has no attribute bogus")),
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


@pytest.mark.parametrize("force", [False, True], ids=["normal", "forced"])
@pytest.mark.parametrize("name", sorted(SCHEMA))
def test_schema_cascade_is_one_line(name: str, force: bool, tmp_path: Path) -> None:
    statement, words = SCHEMA[name]
    pair = both(tmp_path, statement, setup=PRE + "primitive d1 Dummy\n", force=force)
    crm_said = pair.crm.errors()
    assert crm_said or "Traceback" in pair.crm.err, "crm accepted it"
    assert pair.clush.rc != 0
    errors = pair.clush.errors()
    assert len(errors) == 1, pair.clush.err  # crm: libxml's cascade, several lines
    assert "commit refused" in errors[0] and "cannot be forced" in errors[0], errors[0]
    assert all(w in errors[0] for w in words), errors[0]
    assert "Relax-NG" not in pair.clush.err and "Traceback" not in pair.clush.err
    assert "commit forced" not in pair.clush.err  # nothing claims a forced commit that cannot happen
    assert not cib_diff(pair.crm.cib, pair.clush.cib)  # neither wrote it


def test_op_requires_is_an_op_parameter_as_crm_writes_it(tmp_path: Path) -> None:
    """Schema 3.x has no op attribute 'requires': crm puts it in the op's instance_attributes."""
    assert_same(both(tmp_path, "primitive p Dummy op monitor interval=10s requires=quorum",
                     setup=PRE + "primitive d1 Dummy\n"))


# rejections from crmsh's own unit tests (test_parse.py: `assertFalse(out)`) and from the sweep of
# issue 14: crm refuses each, clush too, in one ERROR line, and nothing is written
REJECTED = {
    "node-unknown-type": "node node-1:unknown",
    "group-without-members": "group group-1",
    "location-empty-pattern": "location loc-1 // inf: d1",
    "location-set-roles-no-score": "location l { d1:foo d2:bar }",
    "colocation-close-first": "colocation col-1 10: ) d1 d2",
    "colocation-unclosed": "colocation col-1 10: ( d1 d2",
    "colocation-mismatched": "colocation col-1 10: ( d1 d2 ]",
    "role-bad-right": "role user-1 error",
    "defaults-set-name-last": "rsc_defaults failure-timeout=3m foo:",
    "tag-empty": "tag tag1:",
    "tag-double-colon": "tag tag1:: d1",
    "location-no-score": "location l d1",
    "agent-empty-type": "primitive p ocf:heartbeat:",
    "rsc-defaults-digit-id": "rsc_defaults $id=1x a=b",
    "property-digit-id": "property $id=1x a=b",
    "date-in-start-only": "location l d1 rule 50: date in start=bogus",
    "rule-ref-missing": "location l d1 rule $id-ref=nosuch",  # crm -F: a traceback
    "params-ref-missing": "primitive p Dummy params $id-ref=nosuch",
    "xml-unknown-element": "xml '<foo id=\"x\"/>'",
    "xml-unclosed": "xml '<primitive id=\"p\" class=\"ocf\"'",
    "xml-digit-id": "xml '<primitive id=\"1p\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>'",
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_like_crm_in_one_line(name: str, tmp_path: Path) -> None:
    assert_rejected(both(tmp_path, REJECTED[name], setup=PRE + "primitive d1 Dummy\nprimitive d2 Dummy\n"))
