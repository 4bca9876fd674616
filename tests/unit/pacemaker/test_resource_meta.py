"""crmsh's "deep" meta attribute rules (resource start/stop/manage/...), on the CIB model."""

from __future__ import annotations

import pytest

from clushell.cib.model import CibModel
from clushell.errors import ClushError
from clushell.pacemaker import ops
from tests.paths import DATA

CIB = """<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources>
      <group id="g">
        <meta_attributes id="g-meta_attributes">
          <nvpair id="g-meta_attributes-is-managed" name="is-managed" value="false"/>
        </meta_attributes>
        <primitive id="a" class="ocf" provider="heartbeat" type="Dummy">
          <meta_attributes id="a-meta_attributes">
            <nvpair id="a-meta_attributes-target-role" name="target-role" value="Started"/>
          </meta_attributes>
        </primitive>
        <primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/>
      </group>
      <clone id="c-clone">
        <primitive id="c" class="ocf" provider="heartbeat" type="Dummy">
          <meta_attributes id="c-meta_attributes">
            <nvpair id="c-meta_attributes-target-role" name="target-role" value="Started"/>
          </meta_attributes>
        </primitive>
      </clone>
      <clone id="gc">
        <meta_attributes id="gc-meta">
          <nvpair id="gc-meta-promotable" name="promotable" value="true"/>
        </meta_attributes>
        <group id="ing">
          <primitive id="i1" class="ocf" provider="pacemaker" type="Stateful"/>
        </group>
      </clone>
      <primitive id="solo" class="ocf" provider="heartbeat" type="Dummy"/>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


@pytest.fixture
def model() -> CibModel:
    return CibModel.from_xml(CIB)


def _meta(model: CibModel, rid: str) -> dict[str, str]:
    el = model.by_id(rid)
    return {nv.get("name"): nv.get("value") for nv in el.iterfind("meta_attributes/nvpair")}


def test_solo_gets_new_set_with_crmsh_ids(model: CibModel) -> None:
    assert ops.set_deep_meta(model, "solo", "target-role", "Stopped") == ("solo", True)
    nv = model.by_id("solo-meta_attributes-target-role")
    assert nv is not None and nv.get("value") == "Stopped"
    assert model.by_id("solo-meta_attributes").getparent().get("id") == "solo"


def test_group_member_keeps_its_own(model: CibModel) -> None:
    target, simple = ops.set_deep_meta(model, "a", "target-role", "Stopped")
    assert target == "a" and simple
    assert _meta(model, "a") == {"target-role": "Stopped"}
    assert "target-role" not in _meta(model, "g")


def test_group_without_force_leaves_members(model: CibModel) -> None:
    target, simple = ops.set_deep_meta(model, "g", "target-role", "Stopped")
    assert target == "g" and not simple  # a member still carries its own target-role
    assert _meta(model, "g")["target-role"] == "Stopped"
    assert _meta(model, "a") == {"target-role": "Started"}


def test_group_with_force_clears_members_and_empty_sets(model: CibModel) -> None:
    ops.set_deep_meta(model, "g", "target-role", "Stopped", force=True)
    assert model.by_id("a-meta_attributes") is None  # emptied set removed
    assert model.by_id("g").find("primitive/meta_attributes") is None


def test_clone_child_redirects_to_clone_and_loses_its_copy(model: CibModel) -> None:
    target, simple = ops.set_deep_meta(model, "c", "target-role", "Stopped")
    assert target == "c-clone" and not simple
    assert _meta(model, "c-clone") == {"target-role": "Stopped"}
    assert _meta(model, "c") == {}


def test_group_in_clone_goes_to_clone(model: CibModel) -> None:
    assert ops.set_deep_meta(model, "i1", "target-role", "Stopped")[0] == "i1"  # member of a group
    assert ops.set_deep_meta(model, "ing", "is-managed", "false")[0] == "gc"


def test_existing_value_is_updated_in_place(model: CibModel) -> None:
    ops.set_deep_meta(model, "g", "is-managed", "true")
    assert model.by_id("g-meta_attributes-is-managed").get("value") == "true"
    assert len(model.by_id("g").findall("meta_attributes/nvpair")) == 1


def test_maintenance_conflicts_with_is_managed_only_with_force(model: CibModel) -> None:
    ops.set_deep_meta(model, "g", "maintenance", "true")
    assert _meta(model, "g") == {"is-managed": "false", "maintenance": "true"}
    ops.set_deep_meta(model, "g", "maintenance", "true", force=True)
    assert _meta(model, "g") == {"maintenance": "true"}


def test_promotable_detection(model: CibModel) -> None:
    assert ops.is_promotable(model, model.by_id("i1"))
    assert ops.is_promotable(model, model.by_id("gc"))
    assert not ops.is_promotable(model, model.by_id("c"))


def test_unknown_resource(model: CibModel) -> None:
    with pytest.raises(ClushError, match="resource nosuch does not exist"):
        ops.set_deep_meta(model, "nosuch", "target-role", "Stopped")


@pytest.mark.parametrize("word, ok", [("PT1H", True), ("P1D", True), ("PT30M", True), ("P1Y2M3DT4H5M6S", True),
                                      ("P", False), ("PT", False), ("1H", False), ("node1", False)])
def test_lifetime_words(word: str, ok: bool) -> None:
    assert ops.is_lifetime(word) is ok


def test_moves_between_snapshots() -> None:

    from clushell.pacemaker import mon

    data = DATA / "crm_mon"
    standby = mon.parse((data / "group-standby.xml").read_text())
    maint = mon.parse((data / "maintenance.xml").read_text())
    moved = {m.resource: (m.before, m.after) for m in ops.moves(maint, standby)}
    assert moved["vip"] == ("Started node1", "Started node2")
    assert moved["app"] == ("Started node2", "absent")
