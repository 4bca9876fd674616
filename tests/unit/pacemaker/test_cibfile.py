"""The fast commit of new objects to a local CIB file (clushell.pacemaker.cibfile), with the
real cibadmin: same configuration as pending, the file's version is checked first, and
every other kind of change is left to the three-way patch path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from clushell.cib.build import apply_line
from clushell.cib.change import VERSION_ATTRS
from clushell.cib.edit import delete
from clushell.cib.model import CibModel
from clushell.pacemaker import cibfile
from clushell.pacemaker.cibadmin import CommitFailed
from clushell.transport.local import LocalRunner
from tests.paths import BENCH
from tests.realenv import require

sys.path.insert(0, str(BENCH))
import gen_cib  # noqa: E402


@pytest.fixture
def cib(tmp_path: Path) -> Path:
    require("cibadmin")
    path = tmp_path / "cib.xml"
    path.write_text(gen_cib.build(25))
    return path


def _load(path: Path) -> CibModel:
    env = {**os.environ, "CIB_file": str(path)}
    return CibModel.from_xml(subprocess.run(["cibadmin", "-Q"], env=env, capture_output=True, check=True).stdout)


def _version(model: CibModel) -> tuple[str | None, ...]:
    return tuple(model.root.get(a) for a in VERSION_ATTRS)


def _conf(model: CibModel) -> bytes:
    return etree.tostring(model.configuration, method="c14n")


def test_only_new_objects_are_appended(cib: Path) -> None:
    original = _load(cib)
    pending = original.copy()
    apply_line(pending, "primitive fresh1 Dummy op monitor interval=10s")
    apply_line(pending, "location l-fresh fresh1 50: node1")
    apply_line(pending, "tag tfresh fresh1 p00003")
    frag = cibfile.appended(original, pending)
    assert frag is not None
    assert [s.tag for s in frag] == ["resources", "constraints", "tags"]
    assert cibfile.added_ids(frag) == ["fresh1", "l-fresh", "tfresh"]


EDITS = {
    "changed-attribute": lambda m: apply_line(m, "property stonith-enabled=true"),
    "deleted-object": lambda m: delete(m, ["p00007"]),
    "new-and-deleted": lambda m: (apply_line(m, "primitive fresh9 Dummy"), delete(m, ["p00009"])),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_other_changes_are_not_appends(cib: Path, case: str) -> None:
    original = _load(cib)
    pending = original.copy()
    EDITS[case](pending)
    assert cibfile.appended(original, pending) is None
    assert cibfile.appended(original, original.copy()) is None  # nothing changed


def test_group_of_existing_primitives_is_not_an_append(cib: Path) -> None:
    original = _load(cib)
    pending = original.copy()
    apply_line(pending, "group gx p00020 p00021")  # members move out of <resources>
    assert cibfile.appended(original, pending) is None


def test_commit_appended_gives_the_pending_configuration(cib: Path) -> None:
    original = _load(cib)
    pending = original.copy()
    apply_line(pending, "primitive fresh2 Dummy params state=/run/x meta target-role=Stopped")
    apply_line(pending, "order o-fresh Optional: p00003 fresh2")
    frag = cibfile.appended(original, pending)
    assert frag is not None
    runner = LocalRunner({"CIB_file": str(cib)})
    assert cibfile.commit_appended(runner, str(cib), _version(original), frag)
    after = _load(cib)
    assert _conf(after) == _conf(pending)
    assert int(after.root.get("epoch")) == int(original.root.get("epoch")) + 1


def test_file_changed_since_load_is_left_to_the_three_way_path(cib: Path) -> None:
    original = _load(cib)
    pending = original.copy()
    apply_line(pending, "primitive fresh3 Dummy")
    frag = cibfile.appended(original, pending)
    env = {**os.environ, "CIB_file": str(cib)}
    subprocess.run(["cibadmin", "--modify", "--xml-text", '<primitive id="p00005" description="theirs"/>'],
                   env=env, check=True, capture_output=True)
    before = cib.read_bytes()
    assert not cibfile.commit_appended(LocalRunner({"CIB_file": str(cib)}), str(cib), _version(original), frag)
    assert cib.read_bytes() == before  # nothing written


def test_schema_refusal_is_one_line_and_writes_nothing(cib: Path) -> None:
    original = _load(cib)
    pending = original.copy()
    apply_line(pending, "primitive fresh4 Dummy")
    pending.by_id("fresh4").set("class", "no-such-class")  # invalid by the schema
    frag = cibfile.appended(original, pending)
    before = cib.read_bytes()
    with pytest.raises(CommitFailed) as err:
        cibfile.commit_appended(LocalRunner({"CIB_file": str(cib)}), str(cib), _version(original), frag)
    assert "\n" not in str(err.value).strip() and cib.read_bytes() == before


def test_file_version_reads_the_cib_tag(cib: Path, tmp_path: Path) -> None:
    model = _load(cib)
    assert cibfile.file_version(str(cib)) == tuple(model.root.get(a) for a in VERSION_ATTRS)
    assert cibfile.file_version(str(tmp_path / "absent.xml")) is None
