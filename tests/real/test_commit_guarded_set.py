"""One attribute set on the live cluster goes as a version-guarded `cibadmin --modify`
(clushell.pacemaker.cibguard) instead of a versioned patch: the same compare-and-swap, and a
change someone makes just before it still makes it write nothing, then merge or refuse."""

from __future__ import annotations

import pytest
from lxml import etree

from clushell.cib.change import CommitConflict
from clushell.pacemaker import cibio
from clushell.transport.local import LocalRunner
from tests.real.cibxml import with_property

pytestmark = [pytest.mark.live, pytest.mark.usefixtures("idle_cluster")]


class _Recording(LocalRunner):
    """Records the cibadmin calls; ``before`` runs once, just before the first --modify."""

    def __init__(self, before=None) -> None:
        super().__init__()
        self.before, self.calls = before, []

    def run(self, argv, **kw):
        argv = list(argv)
        if argv[0] == "cibadmin":
            self.calls.append(argv[:2])
            if argv[1] == "--modify" and self.before is not None:
                self.before, before = None, self.before
                before()
        return super().run(argv, **kw)


def _version(xml: bytes) -> tuple[int, int, int]:
    root = etree.fromstring(xml)
    return tuple(int(root.get(a) or 0) for a in ("admin_epoch", "epoch", "num_updates"))


def test_one_set_is_one_guarded_modify_and_no_query(live_cluster, prop):
    runner = _Recording()
    loaded = cibio.query(runner)
    runner.calls.clear()
    outcome = cibio.commit(runner, loaded, with_property(loaded, prop, "mine"))
    assert outcome.changed and not outcome.moved
    assert runner.calls == [["cibadmin", "--modify"]]  # no --patch, no query after it
    ver = _version(loaded)
    assert outcome.version == (ver[0], ver[1] + 1, 0)
    assert f"epoch now {ver[1] + 1}" in outcome.message
    assert 'value="mine"' in live_cluster.query(f"//nvpair[@name='{prop}']")


def test_same_attribute_changed_just_before_is_refused(live_cluster, prop):
    runner = _Recording(lambda: live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", prop, "-v", "theirs"]))
    loaded = cibio.query(runner)
    with pytest.raises(CommitConflict):
        cibio.commit(runner, loaded, with_property(loaded, prop, "mine"))
    assert 'value="theirs"' in live_cluster.query(f"//nvpair[@name='{prop}']")


def test_disjoint_change_just_before_is_kept_and_said(live_cluster, prop, fresh_id):
    other = fresh_id("guarded-other")
    runner = _Recording(lambda: live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", other, "-v", "theirs"]))
    loaded = cibio.query(runner)
    try:
        outcome = cibio.commit(runner, loaded, with_property(loaded, prop, "mine"))
        assert outcome.changed and outcome.moved and "changed by others" in outcome.message
        assert 'value="mine"' in live_cluster.query(f"//nvpair[@name='{prop}']")
        assert 'value="theirs"' in live_cluster.query(f"//nvpair[@name='{other}']")
    finally:
        live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", other, "-D"])


def test_two_attributes_still_go_as_one_patch(live_cluster, prop, fresh_id):
    other = fresh_id("guarded-two")
    live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", other, "-v", "loaded"])
    try:
        runner = _Recording()
        loaded = cibio.query(runner)
        runner.calls.clear()
        pending = with_property(with_property(loaded, prop, "mine"), other, "mine too")
        outcome = cibio.commit(runner, loaded, pending)
        assert outcome.changed and ["cibadmin", "--patch"] in runner.calls
        assert ["cibadmin", "--modify"] not in runner.calls  # two requests would not be atomic
        assert 'value="mine too"' in live_cluster.query(f"//nvpair[@name='{other}']")
    finally:
        live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", other, "-D"])


def test_a_status_update_just_before_does_not_send_it_down_the_slow_path(live_cluster, prop, fresh_id):
    # a transient node attribute lives in the status section: num_updates moves, the configuration does not
    attr = fresh_id("guarded-status")
    node = live_cluster.node
    runner = _Recording(lambda: live_cluster.run(["crm_attribute", "-N", node, "-l", "reboot", "-n", attr, "-v", "1"]))
    loaded = cibio.query(runner)
    runner.calls.clear()
    try:
        outcome = cibio.commit(runner, loaded, with_property(loaded, prop, "mine"))
        assert outcome.changed and not outcome.moved
        assert runner.calls == [["cibadmin", "--modify"]]  # neither a re-read nor the three-way patch
        assert 'value="mine"' in live_cluster.query(f"//nvpair[@name='{prop}']")
        assert live_cluster.query(f"//transient_attributes//nvpair[@name='{attr}']")
    finally:
        live_cluster.run(["crm_attribute", "-N", node, "-l", "reboot", "-n", attr, "-D"])
