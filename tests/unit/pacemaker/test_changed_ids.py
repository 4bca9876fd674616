"""Workspace.changed_ids: the section-by-section shortcut names what comparing every object names."""

from __future__ import annotations

import pytest

from clushell.cib.build import apply_line
from clushell.cib.model import CibModel
from clushell.pacemaker import workspace
from clushell.pacemaker.workspace import Workspace

SETUP = [
    "primitive a ocf:pacemaker:Dummy params state=/run/a",
    "primitive b ocf:pacemaker:Dummy params state=/run/b",
    "primitive c ocf:pacemaker:Dummy params state=/run/c",
    "primitive d ocf:pacemaker:Dummy params state=/run/d",
    "group g c d",
    "clone cl b",
    "location loc-a a 100: node1",
    "order o-a-g Mandatory: a g",
    "rsc_defaults resource-stickiness=1",
]
EDITS = [
    [],
    ["primitive n ocf:pacemaker:Dummy"],
    ["location loc-n2 a 5: node2"],
    ["delete loc-a"],
    ["set a.state /run/x"],
    ["set c.state /run/y"],
    ["set b.state /run/z"],
    ["property stonith-enabled=false"],
    ["rsc_defaults resource-stickiness=2"],
    ["delete o-a-g", "primitive m ocf:pacemaker:Dummy", "set d.state /run/d"],
    ["fencing_topology node1: a"],
]


def _model() -> CibModel:
    model = CibModel.empty()
    for line in SETUP:
        apply_line(model, line)
    return model


@pytest.mark.parametrize("edits", EDITS, ids=lambda e: "; ".join(e) or "none")
def test_shortcut_agrees_with_the_full_comparison(edits, monkeypatch):
    base = _model()
    ws = Workspace(base)
    for line in edits:
        word, _, rest = line.partition(" ")
        if word == "delete":  # commands, not statements: done here as they do it
            el = ws.pending.by_id(rest)
            ws.pending.unregister(el)
            el.getparent().remove(el)
        elif word == "set":
            rid, _, value = rest.partition(".state ")
            ws.pending.by_id(rid).find("instance_attributes/nvpair[@name='state']").set("value", value)
        else:
            apply_line(ws.pending, line)
    fast = ws.changed_ids()
    monkeypatch.setattr(workspace, "_differing_tops", lambda *a: None)
    assert fast == ws.changed_ids()
    if edits:
        assert fast


def test_the_pending_copy_is_the_loaded_xml_parsed_again():
    base = _model()
    xml = base.to_xml(pretty=False)
    ws = Workspace(CibModel.from_xml(xml), None, xml)
    assert ws.pending.to_xml() == base.copy().to_xml() and ws.pending.root is not ws.original.root
    assert set(ws.pending.index) == set(base.index) and not ws.has_pending()


def test_has_pending_serialises_once_per_edit_and_sees_every_edit(monkeypatch):
    ws = Workspace(_model())
    calls = []
    real = workspace._sections
    monkeypatch.setattr(workspace, "_sections", lambda m: calls.append(m) or real(m))
    model = ws.pending  # handed out: an edit may follow
    assert not ws.has_pending() and not ws.has_pending() and ws.changed_ids() == []
    assert calls == [model, ws.original]  # the pending sections once, the loaded ones once
    ws.pending.by_id("a").find("instance_attributes/nvpair").set("value", "/run/x")
    assert ws.has_pending() and ws.has_pending() and ws.changed_ids() == ["a"]
    assert calls == [model, ws.original, model]
    ws.view.by_id("a").find("instance_attributes/nvpair").set("value", "/run/a")  # (read only by contract)
    assert not ws.has_pending()
    ws.pending = CibModel.empty()
    assert ws.has_pending()


@pytest.mark.parametrize(("edits", "only_appends"), [
    (["primitive n ocf:pacemaker:Dummy"], True), (["set a.state /run/x"], False),
    (["primitive n ocf:pacemaker:Dummy", "set a.state /run/x"], True),  # counts differ: appended decides
])
def test_a_section_changed_in_place_is_no_append(edits, only_appends):
    ws = Workspace(_model())
    for line in edits:
        if line.startswith("set "):
            ws.pending.by_id("a").find("instance_attributes/nvpair").set("value", "/run/x")
        else:
            apply_line(ws.pending, line)
    assert workspace._may_append(ws.original_secs, ws._pending_secs()) is only_appends
