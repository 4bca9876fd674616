"""cibfile.appended with the sections the commit has already serialised: the same answer as
serialising them again, and data that does not describe the sections is not used."""

from __future__ import annotations

import sys

import pytest
from lxml import etree

from clushell.cib.build import apply_line
from clushell.cib.edit import delete
from clushell.cib.model import CibModel
from clushell.pacemaker import cibfile
from clushell.pacemaker.workspace import _sections
from tests.paths import BENCH

sys.path.insert(0, str(BENCH))
import gen_cib  # noqa: E402

EDITS = {
    "appends": lambda m: (apply_line(m, "primitive fresh1 Dummy op monitor interval=10s"),
                          apply_line(m, "primitive fresh2 Dummy")),
    "new section": lambda m: apply_line(m, "tag tfresh p00003"),
    "changed in place": lambda m: apply_line(m, "property stonith-enabled=true"),
    "deleted": lambda m: delete(m, ["p00007"]),
    "new and deleted": lambda m: (apply_line(m, "primitive fresh9 Dummy"), delete(m, ["p00009"])),
    "nothing": lambda m: None,
}


@pytest.fixture(scope="module")
def xml() -> bytes:
    # gen_cib's empty CIB comes from cibadmin --empty: built here without it
    body = "".join(gen_cib.primitive(i) for i in range(12))
    return (f'<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration>'
            f"<crm_config/><nodes/><resources>{body}</resources><constraints/></configuration><status/></cib>").encode()


def _frag(frag: etree._Element | None) -> bytes | None:
    return None if frag is None else etree.tostring(frag)


@pytest.mark.parametrize("case", sorted(EDITS))
def test_serialised_sections_give_the_same_fragment(xml: bytes, case: str) -> None:
    original = CibModel.from_xml(xml)
    pending = original.copy(xml)
    EDITS[case](pending)
    again = cibfile.appended(original, pending)
    assert _frag(cibfile.appended(original, pending, (_sections(original), _sections(pending)))) == _frag(again)
    assert (again is not None) == (case in ("appends", "new section"))


def test_serialised_data_of_other_sections_is_not_used(xml: bytes) -> None:
    original = CibModel.from_xml(xml)
    pending = original.copy(xml)
    stale = _sections(pending)  # before the append: the resources section had one child less
    apply_line(pending, "primitive fresh1 Dummy")
    frag = cibfile.appended(original, pending, (_sections(original), stale))
    assert frag is not None and cibfile.added_ids(frag) == ["fresh1"]
