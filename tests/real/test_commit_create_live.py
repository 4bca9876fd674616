"""The live fast path for new objects (cibio.commit_created: one version-guarded `cibadmin --modify`)
and the unread first patch of cibio.commit: a change made by someone else between read and
commit is still detected, kept and said, or refused as a collision."""

from __future__ import annotations

import pytest
from lxml import etree

from clushell.cib.change import VERSION_ATTRS, CommitConflict
from clushell.pacemaker import cibio
from clushell.transport.local import LocalRunner
from tests.real.cibxml import with_property
from tests.real.test_commit import ClushSession

pytestmark = [pytest.mark.live, pytest.mark.usefixtures("idle_cluster")]


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


class _WriteFirst(LocalRunner):
    """A runner that lets someone else write just before our cibadmin --modify reaches the daemon."""

    def __init__(self, before) -> None:
        super().__init__()
        self.before, self.modifies = before, 0

    def run(self, argv, **kw):
        if list(argv[:2]) == ["cibadmin", "--modify"]:
            self.modifies += 1
            if self.modifies == 1:
                self.before()
        return super().run(argv, **kw)


def test_a_change_just_before_the_write_declines_it(live_cluster, fresh_id):
    """The version check is part of the write (a guarded modify): someone writing in between
    makes it write nothing, and the caller's three-way path keeps and says their change."""
    rid = fresh_id("window")
    runner = _WriteFirst(lambda: live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", f"{rid}-other",
                                                   "-v", "x"]))
    loaded = _loaded(runner)
    try:
        assert cibio.commit_created(runner, loaded, _frag(("resources", [_primitive(rid)]))) is None
        assert runner.modifies == 1
        assert not live_cluster.query(f"//primitive[@id='{rid}']")
        assert live_cluster.query(f"//nvpair[@name='{rid}-other']")
    finally:
        live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", f"{rid}-other", "-D"])


def test_an_id_taken_in_the_window_is_refused_not_overwritten(live_cluster, fresh_id):
    rid = fresh_id("taken")
    theirs = etree.tostring(_primitive(rid)).decode().replace('value="Stopped"', 'value="Started"')
    runner = _WriteFirst(lambda: live_cluster.run(["cibadmin", "-C", "-o", "resources", "-X", theirs]))
    loaded = _loaded(runner)
    assert cibio.commit_created(runner, loaded, _frag(("resources", [_primitive(rid)]))) is None
    assert 'value="Started"' in live_cluster.query(f"//nvpair[@id='{rid}-tr']")  # theirs, untouched


def test_the_new_version_is_reported_without_asking(live_cluster, fresh_id):
    """The daemon leaves epoch + 1 after a change at the loaded version: no query after the write."""
    runner = LocalRunner()
    rid = fresh_id("known")
    loaded = _loaded(runner)
    calls: list[list[str]] = []
    real = runner.run

    def counting(argv, **kw):
        calls.append(list(argv))
        return real(argv, **kw)

    runner.run = counting
    outcome = cibio.commit_created(runner, loaded, _frag(("resources", [_primitive(rid)])))
    assert outcome is not None and outcome.version == (int(loaded[0] or 0), int(loaded[1]) + 1, 0)
    assert [argv[:2] for argv in calls] == [["cibadmin", "--modify"]]
    assert live_cluster.query(f"//primitive[@id='{rid}']")


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


def test_unread_first_patch_still_sees_a_collision(live_cluster, prop):
    """The first patch goes from the loaded version without reading the CIB: Pacemaker refuses it
    when the CIB moved, and the re-read finds the same attribute changed by someone else."""
    runner = LocalRunner()
    loaded = cibio.query(runner)
    live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", prop, "-v", "theirs"])
    with pytest.raises(CommitConflict):
        cibio.commit(runner, loaded, with_property(loaded, prop, "mine"))
    assert 'value="theirs"' in live_cluster.query(f"//nvpair[@name='{prop}']")


def test_unread_first_patch_merges_a_disjoint_change(live_cluster, prop, fresh_id):
    runner = LocalRunner()
    other = fresh_id("unread-other")
    loaded = cibio.query(runner)
    live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", other, "-v", "theirs"])
    try:
        outcome = cibio.commit(runner, loaded, with_property(loaded, prop, "mine"))
        assert outcome.changed and outcome.moved and outcome.attempts >= 2
        assert 'value="mine"' in live_cluster.query(f"//nvpair[@name='{prop}']")
        assert 'value="theirs"' in live_cluster.query(f"//nvpair[@name='{other}']")
    finally:
        live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", other, "-D"])
