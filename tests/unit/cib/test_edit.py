"""delete / rename / modgroup / set / erase on the model, differentially against crm 4.4.

Each case builds one CIB with crm, copies it, lets crm do the edit on one copy and
clushell.cib.edit on the other, then compares the CIBs (cibcmp rules) and the show text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clushell.cib import edit, render
from clushell.cib.model import CibModel
from clushell.errors import ClushError
from tests import crm_oracle

SETUP = """\
property stonith-enabled=false
node n1
node n2
primitive d1 Dummy params fake=1 op monitor interval=10s timeout=20s op start timeout=30s interval=0
primitive d2 Dummy meta target-role=Started
primitive d3 Dummy
primitive d4 Dummy
primitive d5 Dummy
primitive d6 Dummy
primitive d7 Dummy
primitive st stonith:fence_a
rsc_template tpl Dummy
primitive t1 @tpl
primitive t2 @tpl
group g1 d3 d4
group g2 d5
clone cl g2
location l1 d1 100: n1
location l2 g1 -inf: n2
location l3 { d1 d2 } inf: n1
location l4 cl 10: n1
colocation c1 inf: d1 d2
colocation c2 inf: d1 d6 d7
colocation c3 inf: d2 ( d6 d7 )
order o1 Mandatory: d1 d2 d6
order o2 Optional: d1:start d7:start
order o3 inf: g1 d6
order o4 inf: d6:start d7:stop d1:start
rsc_ticket tk1 tick: d1 d2
tag tg1 d1 d2
tag tg2 d6
fencing_topology st
"""

CASES = {
    "delete-primitive": ("delete d1", lambda m: edit.delete(m, ["d1"])),
    "delete-two": ("delete d6 d7", lambda m: edit.delete(m, ["d6", "d7"])),
    "delete-group-member": ("delete d3", lambda m: edit.delete(m, ["d3"])),
    "delete-group": ("delete g1", lambda m: edit.delete(m, ["g1"])),
    "delete-clone-child": ("delete d5", lambda m: edit.delete(m, ["d5"])),
    "delete-clone": ("delete cl", lambda m: edit.delete(m, ["cl"])),
    "delete-template": ("delete tpl", lambda m: edit.delete(m, ["tpl"])),
    "delete-constraints": ("delete l1 c2 tg1", lambda m: edit.delete(m, ["l1", "c2", "tg1"])),
    "delete-node": ("delete n2", lambda m: edit.delete(m, ["n2"])),
    "delete-property": ("delete cib-bootstrap-options", lambda m: edit.delete(m, ["cib-bootstrap-options"])),
    "rm-d2": ("rm d2", lambda m: edit.delete(m, ["d2"])),
    "rename-primitive": ("rename d1 dd1", lambda m: edit.rename(m, "d1", "dd1")),
    "rename-set-member": ("rename d7 d77", lambda m: edit.rename(m, "d7", "d77")),
    "rename-group": ("rename g1 gg1", lambda m: edit.rename(m, "g1", "gg1")),
    "rename-member": ("rename d3 d33", lambda m: edit.rename(m, "d3", "d33")),
    "rename-onto-set-peer": ("rename d7 d6x", lambda m: edit.rename(m, "d7", "d6x")),
    "modgroup-add": ("modgroup g1 add d6", lambda m: edit.modgroup(m, "g1", "add", "d6")),
    "modgroup-before": (
        "modgroup g1 add d7 before d4",
        lambda m: edit.modgroup(m, "g1", "add", "d7", "before", "d4"),
    ),
    "modgroup-after": ("modgroup g1 add d7 after d3", lambda m: edit.modgroup(m, "g1", "add", "d7", "after", "d3")),
    "modgroup-remove": ("modgroup g1 remove d3", lambda m: edit.modgroup(m, "g1", "remove", "d3")),
    "set-param": ("set d1.fake 5", lambda m: edit.set_value(m, "d1.fake", "5")),
    "set-meta": ("set d2.target-role Stopped", lambda m: edit.set_value(m, "d2.target-role", "Stopped")),
    "set-op": ("set d1.monitor.timeout 30s", lambda m: edit.set_value(m, "d1.monitor.timeout", "30s")),
    "set-op-interval": ("set d1.start.0.timeout 99s", lambda m: edit.set_value(m, "d1.start.0.timeout", "99s")),
    "set-property": (
        "set cib-bootstrap-options.stonith-enabled true",
        lambda m: edit.set_value(m, "cib-bootstrap-options.stonith-enabled", "true"),
    ),
    "erase": ("erase", lambda m: edit.erase(m)),
    "erase-nodes": ("erase nodes", lambda m: edit.erase(m, nodes=True)),
}


@pytest.fixture(scope="module")
def base_cib(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("edit")
    return crm_oracle.new_cib(tmp, setup=SETUP)


@pytest.mark.parametrize("case", sorted(CASES))
def test_edit_like_crm(case: str, base_cib: Path, tmp_path: Path) -> None:
    command, action = CASES[case]
    theirs = tmp_path / "crm.xml"
    shutil.copy(base_cib, theirs)
    res = crm_oracle.crm(theirs, f"configure\n{command}\ncommit\n")
    assert res.returncode == 0, res.stderr.decode()
    if case.startswith("rename-"):
        _follow_tags(theirs, *command.split()[1:])
    model = CibModel.from_xml(base_cib.read_bytes())
    action(model)
    ours = tmp_path / "ours.xml"
    ours.write_bytes(model.to_xml())
    assert crm_oracle.canon(ours) == crm_oracle.canon(theirs)
    assert render.render_all(model.configuration) + "\n" == crm_oracle.crm_show(theirs)


def _follow_tags(cib: Path, old: str, new: str) -> None:
    """Deliberate difference: crmsh 4.4 leaves tags naming the old id; clush renames them."""
    from lxml import etree

    root = etree.parse(str(cib)).getroot()
    for ref in root.iter("obj_ref"):
        if ref.get("id") == old:
            ref.set("id", new)
    cib.write_bytes(etree.tostring(root))


def test_rename_follows_tags(base_cib: Path) -> None:
    model = _model(base_cib)
    edit.rename(model, "d1", "web")
    assert render.render_object(model.index["tg1"]) == "tag tg1 web d2"


def _model(base_cib: Path) -> CibModel:
    return CibModel.from_xml(base_cib.read_bytes())


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda m: edit.delete(m, ["d1", "nosuch"]), "object nosuch does not exist"),
        (lambda m: edit.rename(m, "d1", "d2"), "id 'd2' is already in use"),
        (lambda m: edit.rename(m, "d1", "1bad"), "invalid object id '1bad'"),
        (lambda m: edit.rename(m, "n1", "n9"), "cannot rename nodes"),
        (lambda m: edit.modgroup(m, "d1", "add", "d6"), "element d1 is not a group"),
        (lambda m: edit.modgroup(m, "g1", "add", "d5"), "d5 is already in g2"),
        (lambda m: edit.modgroup(m, "g1", "remove", "d6"), "d6 is not member of g1"),
        (lambda m: edit.modgroup(m, "g1", "add", "d6", "after", "d9"), "d9 is not member of g1"),
        (lambda m: edit.modgroup(m, "g2", "remove", "d5"), "cannot remove the last member"),
        (lambda m: edit.set_value(m, "d1", "x"), "Invalid path"),
        (lambda m: edit.set_value(m, "d1.nosuch", "x"), "Attribute not found: d1.nosuch"),
        (lambda m: edit.set_value(m, "zz.fake", "x"), "Object zz not found"),
        (lambda m: edit.set_value(m, "d1.stop.timeout", "x"), 'Operation "stop" not found for resource d1'),
    ],
)
def test_edit_errors_leave_model_unchanged(call, message: str, base_cib: Path) -> None:
    model = _model(base_cib)
    before = model.to_xml()
    with pytest.raises(ClushError, match=message):
        call(model)
    assert model.to_xml() == before


def test_renamed_constraint_gives_crms_group_repointing(base_cib: Path, tmp_path: Path) -> None:
    """`group gnew d6 d7` in crm re-points the members' constraints (dedup + simple form);
    edit.renamed_constraint reproduces that for the builder to use."""
    from lxml import etree

    theirs = tmp_path / "crm.xml"
    shutil.copy(base_cib, theirs)
    assert crm_oracle.crm(theirs, "configure\ngroup gnew d6 d7\ncommit\n").returncode == 0
    model = _model(base_cib)
    group = etree.SubElement(model.section("resources"), "group", id="gnew")
    for rid in ("d6", "d7"):
        group.append(model.index[rid])
    model.register(group)
    cons = model.configuration.find("constraints")
    for rid in ("d6", "d7"):
        for con in list(cons):
            new, changed = edit.renamed_constraint(con, rid, "gnew")
            if changed:
                model.remove(con)
                if new is not None:
                    cons.append(new)
                    model.register(new)
    ours = tmp_path / "ours.xml"
    ours.write_bytes(model.to_xml())
    assert crm_oracle.canon(ours) == crm_oracle.canon(theirs)


# -- property: delete never leaves anything dangling ------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PROPERTY_SETUP = """\
node n1
primitive d1 Dummy
primitive d2 Dummy
primitive d3 Dummy
primitive d4 Dummy
primitive d5 Dummy
primitive d6 Dummy
primitive d7 Dummy
group g1 d3 d4
group g2 d5
clone cl g2
location l1 d1 100: n1
location l3 { d1 d2 } inf: n1
colocation c1 inf: d1 d2
colocation c2 inf: d1 d6 d7
colocation c3 inf: d2 ( d6 d7 )
order o1 Mandatory: d1 d2 d6
order o4 inf: d6:start d7:stop d1:start
order o5 Mandatory: g1 cl
rsc_ticket tk1 tick: d1 d2
tag tg1 d1 d2
tag tg2 d6
"""
_DELETABLE = ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "g1", "g2", "cl", "l1", "c2", "o4", "tg1"]


def _dangling(model: CibModel) -> list[str]:
    problems = []
    for con in model.configuration.find("constraints"):
        refs = [con.get(a) for a in ("rsc", "with-rsc", "first", "then") if con.get(a)]
        refs += [r.get("id") for r in con.iter("resource_ref")]
        problems += [f"{con.get('id')} -> {r}" for r in refs if model.resource(r) is None]
        if not refs:
            problems.append(f"{con.get('id')} references nothing")
        for rset in con.iter("resource_set"):
            if len(rset) == 0:
                problems.append(f"empty set in {con.get('id')}")
    for el in model.configuration.iter("group", "clone"):
        if not any(c.tag in ("primitive", "group") for c in el):
            problems.append(f"empty {el.tag} {el.get('id')}")
    tags = model.configuration.find("tags")
    for tag in tags if tags is not None else []:
        if len(tag) == 0:
            problems.append(f"empty tag {tag.get('id')}")
    return problems


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_DELETABLE), min_size=1, max_size=5, unique=True))
def test_delete_leaves_nothing_dangling(ids: list[str]) -> None:
    from clushell.cib import apply_text

    model = CibModel.empty()
    apply_text(model, _PROPERTY_SETUP)
    present = [i for i in ids if model.index.get(i) is not None]
    edit.delete(model, present)
    assert _dangling(model) == []
    for i in present:
        assert model.index.get(i) is None
    again = CibModel.from_xml(model.to_xml())  # the index still matches the document
    assert set(again.index) == set(model.index)
