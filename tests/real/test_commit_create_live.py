"""The live fast path for new objects (cibio.commit_created: one guarded `cibadmin --create`)
and the unread first patch of cibio.commit: a change made by someone else between read and
commit is still detected, kept and said, or refused as a collision."""

from __future__ import annotations

import pytest
from lxml import etree

from clushell.cib.change import VERSION_ATTRS, CommitConflict
from clushell.pacemaker import cibadmin, cibio
from clushell.transport.local import LocalRunner
from tests.real.test_commit import ClushSession

pytestmark = pytest.mark.live


def _primitive(rid: str) -> etree._Element:
    prim = etree.Element("primitive", id=rid, type="Dummy", provider="pacemaker")
    prim.set("class", "ocf")
    meta = etree.SubElement(prim, "meta_attributes", id=f"{rid}-meta")
    etree.SubElement(meta, "nvpair", id=f"{rid}-tr", name="target-role", value="Stopped")
    return prim


def _frag(*sections: tuple[str, list[etree._Element]]) -> etree._Element:
    conf = etree.Element("configuration")
    for tag, kids in sections:
        sec = etree.SubElement(conf, tag)
        for kid in kids:
            sec.append(kid)
    return conf


def _loaded(runner: LocalRunner) -> tuple[str | None, ...]:
    root = etree.fromstring(cibio.query(runner))
    return tuple(root.get(a) for a in VERSION_ATTRS)


def test_new_primitive_goes_in_with_one_create(live_cluster, fresh_id):
    runner = LocalRunner()
    rid = fresh_id("fast")
    outcome = cibio.commit_created(runner, _loaded(runner), _frag(("resources", [_primitive(rid)])))
    assert outcome is not None and outcome.changed and not outcome.moved
    assert f"epoch now {outcome.version[1]}" in outcome.message
    assert live_cluster.query(f"//primitive[@id='{rid}']")


def test_declined_when_the_cib_moved_since_load(live_cluster, fresh_id):
    runner = LocalRunner()
    rid = fresh_id("moved")
    loaded = _loaded(runner)
    live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", f"{rid}-other", "-v", "x"])
    try:
        assert cibio.commit_created(runner, loaded, _frag(("resources", [_primitive(rid)]))) is None
        assert not live_cluster.query(f"//primitive[@id='{rid}']")  # nothing written: the caller goes three-way
    finally:
        live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", f"{rid}-other", "-D"])


def test_declined_for_several_sections(live_cluster, fresh_id):
    runner = LocalRunner()
    rid = fresh_id("two")
    loc = etree.Element("rsc_location", id=f"{rid}-loc", rsc=rid, node="node1", score="1")
    frag = _frag(("resources", [_primitive(rid)]), ("constraints", [loc]))
    assert cibio.commit_created(runner, _loaded(runner), frag) is None
    assert not live_cluster.query(f"//primitive[@id='{rid}']")


def test_a_change_in_the_window_is_kept_and_said(live_cluster, fresh_id, monkeypatch):
    """Someone writes between the version check and the create: their change stays, the outcome says so."""
    runner = LocalRunner()
    rid = fresh_id("window")
    loaded = _loaded(runner)
    real = cibadmin.version_now
    calls = []

    def check_then_write(r):
        ver = real(r)
        if not calls:
            live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", f"{rid}-other", "-v", "x"])
        calls.append(ver)
        return ver

    monkeypatch.setattr(cibio, "version_now", check_then_write)
    try:
        outcome = cibio.commit_created(runner, loaded, _frag(("resources", [_primitive(rid)])))
        assert outcome is not None and outcome.changed and outcome.moved
        assert "changed by others" in outcome.message
        assert live_cluster.query(f"//primitive[@id='{rid}']")
        assert live_cluster.query(f"//nvpair[@name='{rid}-other']")
    finally:
        live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", f"{rid}-other", "-D"])


def test_an_id_taken_in_the_window_is_refused_not_overwritten(live_cluster, fresh_id, monkeypatch):
    runner = LocalRunner()
    rid = fresh_id("taken")
    loaded = _loaded(runner)
    real = cibadmin.version_now
    theirs = etree.tostring(_primitive(rid)).decode().replace('value="Stopped"', 'value="Started"')

    def check_then_create(r):
        ver = real(r)
        assert live_cluster.run(["cibadmin", "-C", "-o", "resources", "-X", theirs]).returncode == 0
        monkeypatch.setattr(cibio, "version_now", real)
        return ver

    monkeypatch.setattr(cibio, "version_now", check_then_create)
    assert cibio.commit_created(runner, loaded, _frag(("resources", [_primitive(rid)]))) is None
    assert 'value="Started"' in live_cluster.query(f"//nvpair[@id='{rid}-tr']")  # theirs, untouched


def test_same_new_id_from_two_sessions_second_is_refused(live_cluster, fresh_id):
    rid = fresh_id("twice")
    a, b = ClushSession(), ClushSession()
    a.send("configure", f"primitive {rid} ocf:pacemaker:Dummy meta target-role=Stopped")
    b.send("configure", f"primitive {rid} ocf:pacemaker:Dummy meta target-role=Started")
    a.send("commit")
    b.send("commit")
    assert a.close() == 0, a.stderr
    assert b.close() == 1
    assert "collides" in b.stderr and "Traceback" not in b.stderr
    assert 'value="Stopped"' in live_cluster.query(f"//nvpair[@id='{rid}-meta_attributes-target-role']")


@pytest.fixture
def prop(live_cluster):
    name = live_cluster.unique_id("clush-unread-prop")
    live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", name, "-v", "loaded"])
    yield name
    live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", name, "-D"])


def _with_property(xml: bytes, name: str, value: str) -> bytes:
    doc = etree.fromstring(xml)
    doc.xpath(f"//nvpair[@name='{name}']")[0].set("value", value)
    return etree.tostring(doc)


def test_unread_first_patch_still_sees_a_collision(live_cluster, prop):
    """The first patch goes from the loaded version without reading the CIB: Pacemaker refuses it
    when the CIB moved, and the re-read finds the same attribute changed by someone else."""
    runner = LocalRunner()
    loaded = cibio.query(runner)
    live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", prop, "-v", "theirs"])
    with pytest.raises(CommitConflict):
        cibio.commit(runner, loaded, _with_property(loaded, prop, "mine"))
    assert 'value="theirs"' in live_cluster.query(f"//nvpair[@name='{prop}']")


def test_unread_first_patch_merges_a_disjoint_change(live_cluster, prop, fresh_id):
    runner = LocalRunner()
    other = fresh_id("unread-other")
    loaded = cibio.query(runner)
    live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", other, "-v", "theirs"])
    try:
        outcome = cibio.commit(runner, loaded, _with_property(loaded, prop, "mine"))
        assert outcome.changed and outcome.moved and outcome.attempts >= 2
        assert 'value="mine"' in live_cluster.query(f"//nvpair[@name='{prop}']")
        assert 'value="theirs"' in live_cluster.query(f"//nvpair[@name='{other}']")
    finally:
        live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", other, "-D"])
