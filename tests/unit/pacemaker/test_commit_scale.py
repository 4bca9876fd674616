"""The shortcuts that keep commit fast on big CIBs give exactly what the long way gives."""

from __future__ import annotations

import sys

import pytest
from lxml import etree

from clushell.cib.build import apply_line
from clushell.cib.model import CibModel
from clushell.pacemaker.workspace import Workspace
from tests.paths import BENCH

sys.path.insert(0, str(BENCH))
import gen_cib  # noqa: E402

EDITS = {
    "nothing": [],
    "one value": ["@p00030-instance_attributes-state"],
    "new primitive": ["primitive fresh Dummy"],
    "new group of free primitives": ["group gx p00030 p00031"],
    "clone of a group": ["clone c1 g00003"],
    "clone of a primitive and a tag": ["clone c2 p00032", "tag t1 p00033 g00004"],
    "value inside a group": ["@p00005-instance_attributes-state"],
    "deleted constraint and an order": ["-loc-g00002", "primitive fresh9 Dummy", "order o1 Mandatory: p00034 fresh9"],
}


def _long_way(original: CibModel, pending: CibModel) -> list[str]:
    """Every object (nested resources too) serialised on both sides and compared."""
    def objs(model: CibModel) -> dict[str, bytes]:
        return {f"{model.kind_of(el) or el.tag}:{model.object_id(el)}": etree.tostring(el) for el in model.objects()}

    old, new = objs(original), objs(pending)
    return sorted(k.split(":", 1)[1] for k in old.keys() | new.keys() if old.get(k) != new.get(k))


@pytest.mark.parametrize("name", list(EDITS))
def test_changed_ids_equal_the_object_by_object_comparison(name: str) -> None:
    xml = gen_cib.build(40).encode()
    ws = Workspace(CibModel.from_xml(xml), None, xml)
    for edit in EDITS[name]:
        if edit.startswith("@"):
            ws.pending.by_id(edit[1:]).set("value", "/run/changed")
        elif edit.startswith("-"):
            el = ws.pending.by_id(edit[1:])
            el.getparent().remove(el)
        else:
            apply_line(ws.pending, edit)
    expected = _long_way(ws.original, ws.pending)
    assert ws.changed_ids() == expected
    assert bool(expected) == (name != "nothing")
