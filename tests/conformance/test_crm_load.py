"""Issue 14 class 9: `load update|replace` of a file whose statements refer to objects defined later."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_same, base_cib, both, cases, run_clush_on

pytestmark = pytest.mark.crmsh

FILES = {
    "location-before-primitive": "location l1 d1 100: node1\nprimitive d1 Dummy\nnode node1\n",
    "group-before-members": "group g d1 d2\nprimitive d1 Dummy\nprimitive d2 Dummy\n",
    "constraints-first": "order o1 d1 d3\ncolocation c1 inf: d3 d1\nprimitive d1 Dummy\nprimitive d3 Dummy\n",
    "clone-of-later-group": "clone cl g\ngroup g d1\nprimitive d1 Dummy\n",
    "tag-first": "tag t1 d1 d2\nprimitive d1 Dummy\nprimitive d2 Dummy\n",
    "template-later": "primitive d1 @tpl\nrsc_template tpl Dummy params fake=1\n",
    "set-ref-later": "primitive d2 Dummy params $id-ref=shared\nprimitive d1 Dummy params $id=shared fake=2\n",
    "rule-ref-later": "location l2 d1 rule $id-ref=r1\n"
    "location l1 d1 rule $id=r1 10: #uname eq node1\nprimitive d1 Dummy\n",
    "acl-target-first": "acl_target alice r1\nrole r1 read cib\n",
    "bundle-primitive-later": "bundle b docker image=x network port-mapping port=80 primitive d1\nprimitive d1 Dummy\n",
    "ticket-and-sets": "rsc_ticket t1 tk: d1 d2\nlocation l3 { d1 d2 } 10: node1\n"
    "primitive d1 Dummy\nprimitive d2 Dummy\n",
}
FAILING: dict[str, str] = {}  # (set-ref-later failed before load sorted $id-ref after definitions)


@pytest.mark.parametrize("method", ["update", "replace"])
@pytest.mark.parametrize("name", cases(FILES, FAILING))
def test_load_forward_references_like_crm(name: str, method: str, tmp_path: Path) -> None:
    src = tmp_path / "in.crm"
    src.write_text(PRE + FILES[name])
    assert_same(both(tmp_path, f"load {method} {src}"))


def test_error_after_forward_references_names_its_line(tmp_path: Path) -> None:
    src = tmp_path / "in.crm"
    src.write_text(PRE + "location l1 d1 100: node1\ngroup g d1\nprimitive d1 Dummy\nprimitive d2 Dumm:y:x:z\n")
    cib = base_cib(tmp_path, "cib.xml")
    before = cib.read_bytes()
    res = run_clush_on(cib, f"configure\nload update {src}\ncommit\n")
    assert res.rc != 0
    errors = [ln for ln in res.err.splitlines() if "ERROR" in ln]
    assert len(errors) == 1 and f"{src}:5:" in errors[0], res.err
    assert cib.read_bytes() == before


def test_build_error_in_a_reordered_file_names_its_line(tmp_path: Path) -> None:
    """The statements are applied in crm's order, not the file's: the error still names the file's line."""
    src = tmp_path / "in.crm"
    src.write_text(PRE + "location l1 d1 100: node1\n\ngroup g d1\nprimitive d1 Dummy\nprimitive d2 @nosuch\n")
    cib = base_cib(tmp_path, "cib.xml")
    res = run_clush_on(cib, f"configure\nload update {src}\ncommit\n")
    errors = [ln for ln in res.err.splitlines() if "ERROR" in ln]
    assert res.rc != 0 and len(errors) == 1 and f"{src}:6:" in errors[0], res.err


# an object given as an `xml` statement replaces its namesake, as crm's load does (a node whose name
# needs XML is saved that way: `show` -> `load replace` must take it back)
XML_EXISTING = {
    "xml-primitive": ("primitive p1 Dummy params fake=1\n",
                      'xml <primitive id="p1" class="ocf" provider="heartbeat" type="Dummy">'
                      '<instance_attributes id="p1-instance_attributes"><nvpair id="p1-instance_attributes-fake" '
                      'name="fake" value="2"/></instance_attributes></primitive>\n'),
    "xml-node": ("node node1\n", 'xml <node id="node1" uname="node1"><instance_attributes id="node1-ia">'
                 '<nvpair id="node1-ia-a" name="a" value="1"/></instance_attributes></node>\n'),
}


@pytest.mark.parametrize("method", ["update", "replace"])
@pytest.mark.parametrize("name", sorted(XML_EXISTING))
def test_xml_statement_replaces_an_existing_object(name: str, method: str, tmp_path: Path) -> None:
    setup, text = XML_EXISTING[name]
    src = tmp_path / "in.crm"
    src.write_text(PRE + text)
    assert_same(both(tmp_path, f"load {method} {src}", setup=PRE + setup))
