"""Three-way conflict detection and rebase (cib/change.py), and the commit protocol on CIB files.

Patches are made by the real crm_diff; commits go to a CIB file through the real cibadmin.
"""

from __future__ import annotations

import subprocess

import pytest
from lxml import etree

from clushell.cib import change as chg
from clushell.cib.change import CommitConflict
from clushell.pacemaker import cibio, crmdiff
from clushell.pacemaker.cibadmin import CommitFailed
from clushell.transport.local import LocalRunner
from tests.realenv import require


@pytest.fixture
def cibfile(tmp_path):
    require("cibadmin", "crm_diff")
    path = tmp_path / "cib.xml"
    path.write_bytes(subprocess.run(["cibadmin", "--empty"], capture_output=True, check=True).stdout)
    runner = LocalRunner({"CIB_file": str(path)})
    for i in (1, 2, 3):
        xml = (f'<primitive id="t{i}" class="ocf" provider="pacemaker" type="Dummy">'
               f'<instance_attributes id="t{i}-ia"><nvpair id="t{i}-a" name="a" value="0"/></instance_attributes>'
               "</primitive>")
        assert runner.run(["cibadmin", "-C", "-o", "resources", "-X", xml]).ok
    assert runner.run(["cibadmin", "-C", "-o", "resources", "-X",
                       '<group id="g"><primitive id="m1" class="ocf" provider="pacemaker" type="Dummy"/>'
                       '<primitive id="m2" class="ocf" provider="pacemaker" type="Dummy"/></group>']).ok
    return runner


def edit(xml: bytes, xpath: str, **attrs: str | None) -> bytes:
    doc = etree.fromstring(xml)
    el = doc.xpath(xpath)[0]
    for k, v in attrs.items():
        if v is None:
            del el.attrib[k]
        else:
            el.set(k, v)
    return etree.tostring(doc)


def delete(xml: bytes, xpath: str) -> bytes:
    doc = etree.fromstring(xml)
    el = doc.xpath(xpath)[0]
    el.getparent().remove(el)
    return etree.tostring(doc)


def swap_group(xml: bytes) -> bytes:
    doc = etree.fromstring(xml)
    g = doc.xpath("//group[@id='g']")[0]
    g.append(g[0])
    return etree.tostring(doc)


def prim(rid: str) -> str:
    return f"//primitive[@id='{rid}']"


def test_parse_patch_kinds(cibfile):
    a = cibio.query(cibfile)
    b = edit(delete(swap_group(a), prim("t3")), prim("t1"), description="x")
    changes = chg.parse_patch(cibio.crm_diff(cibfile, a, b, versioned=False))
    kinds = {(c.op, chg._object_id(c.path)) for c in changes}
    assert ("delete", "t3") in kinds and ("modify", "t1") in kinds and ("move", "m1") in kinds
    mod = next(c for c in changes if c.op == "modify")
    assert mod.attrs == {"description": "x"} and mod.aspects() == {"description"}


def two_sessions(runner, mine_edit, their_edit, **kw):
    """Load twice; 'they' commit first through the protocol, then 'I' commit."""
    loaded = cibio.query(runner)
    assert cibio.commit(runner, loaded, their_edit(loaded)).changed
    return cibio.commit(runner, loaded, mine_edit(loaded), **kw)


def value(runner, xpath: str, attr: str) -> str | None:
    xml = runner.run(["cibadmin", "-Q", "--xpath", xpath]).out
    return etree.fromstring(xml.encode()).get(attr) if xml.strip() else None


def test_same_attribute_conflict_shows_three_columns(cibfile):
    with pytest.raises(CommitConflict) as err:
        two_sessions(cibfile, lambda x: edit(x, "//nvpair[@id='t1-a']", value="mine"),
                     lambda x: edit(x, "//nvpair[@id='t1-a']", value="theirs"))
    (c,) = err.value.conflicts
    assert (c.object_id, c.aspect, c.loaded, c.now, c.yours) == ("t1", "a", "0", "theirs", "mine")
    header, row = err.value.details.splitlines()
    assert header.split() == ["object", "/", "attribute", "loaded", "now", "yours"]
    assert row.split() == ["t1", "a", "0", "theirs", "mine"]
    assert value(cibfile, "//nvpair[@id='t1-a']", "value") == "theirs"


def test_same_value_on_both_sides_is_not_a_conflict(cibfile):
    out = two_sessions(cibfile, lambda x: edit(x, "//nvpair[@id='t1-a']", value="same"),
                       lambda x: edit(x, "//nvpair[@id='t1-a']", value="same"))
    assert not out.changed


def test_different_attributes_of_one_element_merge(cibfile):
    """Pacemaker's modify replaces all attributes; the rebase must keep theirs."""
    out = two_sessions(cibfile, lambda x: edit(x, prim("t1"), description="mine"),
                       lambda x: edit(x, prim("t1"), type="Stateful"))
    assert out.changed and out.moved
    assert value(cibfile, prim("t1"), "description") == "mine"
    assert value(cibfile, prim("t1"), "type") == "Stateful"


def test_delete_against_modify_conflicts(cibfile):
    with pytest.raises(CommitConflict) as err:
        two_sessions(cibfile, lambda x: edit(x, "//nvpair[@id='t2-a']", value="mine"),
                     lambda x: delete(x, prim("t2")))
    (c,) = err.value.conflicts
    assert (c.object_id, c.loaded, c.now, c.yours) == ("t2", "present", "(deleted)", "changed")


def test_both_create_same_id_differently_conflicts(cibfile):
    def create(desc):
        def fn(x):
            doc = etree.fromstring(x)
            etree.SubElement(doc.find("configuration/resources"), "primitive", id="new", type="Dummy",
                             provider="pacemaker", description=desc).set("class", "ocf")
            return etree.tostring(doc)
        return fn

    with pytest.raises(CommitConflict) as err:
        two_sessions(cibfile, create("mine"), create("theirs"))
    assert err.value.conflicts[0].now == "created"


def test_move_and_attribute_change_of_member_merge(cibfile):
    out = two_sessions(cibfile, swap_group, lambda x: edit(x, prim("m1"), description="theirs"))
    assert out.changed
    members = etree.fromstring(cibfile.run(["cibadmin", "-Q", "--xpath", "//group[@id='g']"]).out.encode())
    assert [m.get("id") for m in members] == ["m2", "m1"] and members[1].get("description") == "theirs"


def test_disjoint_objects_merge_and_deleted_stays_deleted(cibfile):
    out = two_sessions(cibfile, lambda x: edit(x, "//nvpair[@id='t1-a']", value="mine"),
                       lambda x: delete(x, prim("t3")))
    assert out.moved and "changed by others" in out.message
    assert value(cibfile, "//nvpair[@id='t1-a']", "value") == "mine"
    assert value(cibfile, prim("t3"), "id") is None


def test_force_overwrites_a_conflict(cibfile):
    out = two_sessions(cibfile, lambda x: edit(x, "//nvpair[@id='t1-a']", value="mine"),
                       lambda x: edit(x, "//nvpair[@id='t1-a']", value="theirs"), force=True)
    assert out.changed
    assert value(cibfile, "//nvpair[@id='t1-a']", "value") == "mine"


def test_schema_error_from_cibadmin_is_one_clear_error(cibfile):
    loaded = cibio.query(cibfile)
    with pytest.raises(CommitFailed) as err:
        cibio.commit(cibfile, loaded, edit(loaded, prim("t1"), colour="red"))
    assert "does not conform to the configured schema" in str(err.value) and "t1" in str(err.value)
    assert value(cibfile, prim("t1"), "colour") is None


def test_nothing_to_commit(cibfile):
    loaded = cibio.query(cibfile)
    assert cibio.commit(cibfile, loaded, loaded).message == "nothing to commit"


def test_commit_reports_new_epoch(cibfile):
    loaded = cibio.query(cibfile)
    before = chg.version(chg.parse(loaded))
    out = cibio.commit(cibfile, loaded, edit(loaded, prim("t1"), description="e"))
    assert out.version[1] == before[1] + 1 and f"epoch now {out.version[1]}" in out.message


def test_remote_style_crm_diff_script_gives_the_same_patch(cibfile, monkeypatch):
    """Without crm_diff on this machine, the diff runs on the target from a fixed script (stdin only)."""
    a = cibio.query(cibfile)
    b = edit(a, prim("t1"), description="via target")
    local = cibio.crm_diff(cibfile, a, b, versioned=True)
    monkeypatch.setattr(crmdiff, "have_local_crm_diff", lambda: False)
    remote = cibio.crm_diff(cibfile, a, b, versioned=True)
    assert chg.parse_patch(remote) == chg.parse_patch(local) or remote == local


def _apply_with_pacemaker(old: bytes, patch: str, tmp_path) -> etree._Element:
    (tmp_path / "old.xml").write_bytes(old)
    (tmp_path / "patch.xml").write_text(patch)
    out = subprocess.run(["crm_diff", "-o", str(tmp_path / "old.xml"), "-p", str(tmp_path / "patch.xml")],
                         capture_output=True, check=True).stdout
    return chg.parse(out)


def test_pruned_diff_equals_full_diff_under_random_edits(cibfile, tmp_path):
    """Pacemaker's own patch applier turns old + our (pruned, re-positioned) patch into exactly new."""
    import random

    rng = random.Random(7)
    base = chg.parse(cibio.query(cibfile))
    res = base.find("configuration/resources")
    for i in range(40):
        etree.SubElement(res, "primitive", id=f"p{i}", type="Dummy", provider="pacemaker").set("class", "ocf")
    old = etree.tostring(chg.without_status(base))
    for _ in range(30):
        new = chg.parse(old)
        res = new.find("configuration/resources")
        for _ in range(rng.randint(1, 4)):
            kids = list(res)
            action = rng.choice(["insert", "delete", "modify", "regroup"])
            if action == "insert":
                el = etree.Element("primitive", id=f"n{rng.randrange(10**6)}", type="Dummy", provider="pacemaker")
                el.set("class", "ocf")
                kids[rng.randrange(len(kids))].addprevious(el)
            elif action == "delete":
                victim = rng.choice([k for k in kids if k.tag == "primitive"])
                res.remove(victim)
            elif action == "modify":
                rng.choice(kids).set("description", f"d{rng.randrange(100)}")
            else:
                g = res.find("group")
                g.insert(0, g[-1])
        new_bytes = etree.tostring(new)
        patch = cibio.crm_diff(cibfile, old, new_bytes, versioned=False)
        if patch is None:
            assert chg.configuration_equal(chg.parse(old), new)
            continue
        got = _apply_with_pacemaker(old, patch, tmp_path)
        assert chg.configuration_equal(got, new), patch


def test_which_side_ignores_unrelated_changes(cibfile):
    before = chg.parse(cibio.query(cibfile))
    after = chg.parse(edit(etree.tostring(before), "//nvpair[@id='t1-a']", value="new"))
    changes = chg.parse_patch(cibio.crm_diff(cibfile, etree.tostring(before), etree.tostring(after), versioned=False))
    other = edit(etree.tostring(after), prim("t2"), description="someone else")
    assert chg.which_side(chg.parse(other), before, after, changes) == "after"
    other = edit(etree.tostring(before), prim("t2"), description="someone else")
    assert chg.which_side(chg.parse(other), before, after, changes) == "before"
    other = edit(etree.tostring(before), "//nvpair[@id='t1-a']", value="third")
    assert chg.which_side(chg.parse(other), before, after, changes) is None
