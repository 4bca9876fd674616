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
