"""Workspace on big CIBs: the CIB file read directly equals cibadmin's answer, the pending
copy is only made by an edit, and show/diff on an unedited CIB never copy it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from clushell.cib.build import apply_line
from clushell.cib.model import CibModel
from clushell.context import Context
from clushell.pacemaker.cibfile import local_cib_file
from clushell.pacemaker.workspace import STATE, get_workspace, read_cib
from clushell.transport.local import LocalRunner
from tests.paths import BENCH
from tests.realenv import require
from tests.unit.pacemaker.test_workspace import ctx  # noqa: F401  (fixture)

sys.path.insert(0, str(BENCH))
import gen_cib  # noqa: E402


def _canon(xml: bytes | str) -> bytes:
    data = xml.encode() if isinstance(xml, str) else xml
    root = etree.fromstring(data, etree.XMLParser(remove_blank_text=True))
    return etree.tostring(root, method="c14n")


def _cibadmin_query(path: Path) -> bytes:
    env = {**os.environ, "CIB_file": str(path)}
    return subprocess.run(["cibadmin", "--query"], env=env, capture_output=True, check=True).stdout


@pytest.mark.parametrize("form", ["generated", "no-status", "pretty"])
def test_read_cib_equals_cibadmin_query(form: str, tmp_path: Path) -> None:
    require("cibadmin")
    path = tmp_path / "cib.xml"
    xml = gen_cib.build(30)
    if form == "no-status":
        xml = xml.replace("<status/>", "").replace("<status></status>", "")
        assert "<status" not in xml
    if form == "pretty":
        xml = etree.tostring(etree.fromstring(xml.encode()), pretty_print=True).decode()
    path.write_text(xml)
    runner = LocalRunner({"CIB_file": str(path)})
    assert local_cib_file(runner) == str(path)
    assert _canon(read_cib(runner)) == _canon(_cibadmin_query(path))


def test_read_cib_unusual_files_go_through_cibadmin(tmp_path: Path) -> None:
    require("cibadmin")
    path = tmp_path / "cib.xml"
    # no version attributes: cibadmin normalises the document; the direct read must not be used
    path.write_text("<cib><configuration><crm_config/><nodes/><resources/><constraints/></configuration></cib>")
    runner = LocalRunner({"CIB_file": str(path)})
    got = etree.fromstring(read_cib(runner))
    assert got.get("validate-with") == "none" and got.find("status") is not None
    missing = LocalRunner({"CIB_file": str(tmp_path / "absent.xml")})
    with pytest.raises(Exception, match="absent.xml"):
        read_cib(missing)


def test_remote_or_live_targets_are_not_read_directly() -> None:
    class Remote:
        where = "root@node1"
        base_env = {"CIB_file": "/tmp/x.xml"}

    assert local_cib_file(Remote()) is None
    assert local_cib_file(LocalRunner({})) is None


def test_pending_is_copied_on_first_edit_only(ctx: Context) -> None:  # noqa: F811
    ws = get_workspace(ctx)
    assert ws.view is ws.original and not ws.has_pending()
    assert ws.changed_ids() == []
    ctx.session.set_state(STATE, ws)
    apply_line(ws.pending, "primitive lazy1 Dummy")
    assert ws.view is ws.pending and ws.view is not ws.original
    assert ws.original.by_id("lazy1") is None and ws.pending.by_id("lazy1") is not None
    assert ws.has_pending() and ws.changed_ids() == ["lazy1"]
    ws.discard()
    assert ws.view is ws.original and not ws.has_pending()


def test_first_edit_takes_over_an_unseen_model(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """A one-shot edit (nobody has looked at the loaded model) edits it in place instead of copying
    it; the original comes back from the bytes it was read as, unedited, when asked."""
    ctx.cib.write_text(gen_cib.build(12))  # type: ignore[attr-defined]
    ws = get_workspace(ctx)
    loaded = ws._original
    parses: list[int] = []
    real = CibModel.from_xml
    monkeypatch.setattr(CibModel, "from_xml", classmethod(lambda cls, data: parses.append(1) or real(data)))
    model = ws.pending
    assert model is loaded and not parses  # no copy before the edit
    apply_line(model, "primitive own1 Dummy")
    assert ws.has_pending() and not parses  # an add is seen from the shape kept at the hand-over
    assert ws.original is not model and ws.original.by_id("own1") is None and len(parses) == 1
    assert ws.changed_ids() == ["own1"]
    ws.discard()  # the next edit starts from the loaded bytes again
    assert ws.pending.by_id("own1") is None and not ws.has_pending()


def test_a_model_given_out_is_never_edited_behind_its_holder(ctx: Context) -> None:  # noqa: F811
    ctx.cib.write_text(gen_cib.build(12))  # type: ignore[attr-defined]
    for look in ("original", "view"):
        ctx.session.set_state(STATE, None)
        ws = get_workspace(ctx)
        held = getattr(ws, look)
        apply_line(ws.pending, "primitive own2 Dummy")
        assert ws.pending is not held and held.by_id("own2") is None
        assert ws.has_pending() and ws.changed_ids() == ["own2"]


def test_show_and_diff_do_not_copy_an_unedited_cib(ctx: Context) -> None:  # noqa: F811
    from clushell.commands.configure.common import selection_text
    from clushell.commands.configure.show import do_diff

    ctx.cib.write_text(gen_cib.build(20))  # type: ignore[attr-defined]
    ws = get_workspace(ctx)
    text = selection_text(ctx, [])
    assert "primitive p00019 Dummy" in text and selection_text(ctx, ["p00003"]).startswith("primitive p00003")
    do_diff.handler(ctx, [])
    assert ws._pending is None  # show and diff read the loaded model
    assert CibModel.from_xml(ws.original_xml).to_xml() == ws.original.to_xml()


def _fast_path_spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record which commit path the workspace takes."""
    from clushell.pacemaker import cibfile, cibio

    taken: list[str] = []
    real_fast, real_patch = cibfile.commit_appended, cibio.commit

    def fast(*a, **kw):
        done = real_fast(*a, **kw)
        taken.append("modify" if done else "declined")
        return done

    def patch(*a, **kw):
        taken.append("patch")
        return real_patch(*a, **kw)

    monkeypatch.setattr(cibfile, "commit_appended", fast)
    monkeypatch.setattr(cibio, "commit", patch)
    return taken


def test_new_objects_commit_with_one_modify(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    taken = _fast_path_spy(monkeypatch)
    ctx.cib.write_text(gen_cib.build(20))  # type: ignore[attr-defined]
    ws = get_workspace(ctx)
    apply_line(ws.pending, "primitive fast1 Dummy")
    apply_line(ws.pending, "location l-fast1 fast1 10: node1")
    pending = etree.tostring(ws.pending.configuration, method="c14n")
    assert ws.commit(ctx) is True and taken == ["modify"]
    on_disk = CibModel.from_xml(_cibadmin_query(ctx.cib))  # type: ignore[attr-defined]
    assert etree.tostring(on_disk.configuration, method="c14n") == pending
    from clushell.cib.edit import set_value

    set_value(ws.pending, "p00003.state", "/elsewhere")  # an edit: the patch path
    assert ws.commit(ctx) is True and taken == ["modify", "patch"]


def test_file_changed_by_others_keeps_their_change(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    taken = _fast_path_spy(monkeypatch)
    ctx.cib.write_text(gen_cib.build(20))  # type: ignore[attr-defined]
    ws = get_workspace(ctx)
    apply_line(ws.pending, "primitive fast2 Dummy")
    env = {**os.environ, "CIB_file": str(ctx.cib)}  # type: ignore[attr-defined]
    subprocess.run(["cibadmin", "--modify", "--xml-text", '<primitive id="p00005" description="theirs"/>'],
                   env=env, check=True, capture_output=True)
    assert ws.commit(ctx) is True and taken == ["declined", "patch"]
    on_disk = CibModel.from_xml(_cibadmin_query(ctx.cib))  # type: ignore[attr-defined]
    assert on_disk.by_id("fast2") is not None and on_disk.by_id("p00005").get("description") == "theirs"


def test_refused_commit_keeps_the_pending_changes(ctx: Context) -> None:  # noqa: F811
    from clushell.errors import ClushError

    ctx.cib.write_text(gen_cib.build(20))  # type: ignore[attr-defined]
    before = ctx.cib.read_bytes()  # type: ignore[attr-defined]
    ws = get_workspace(ctx)
    apply_line(ws.pending, "primitive bad1 Dummy")
    ws.pending.by_id("bad1").set("class", "no-such-class")  # cibadmin's schema check refuses it
    pending = etree.tostring(ws.pending.configuration, method="c14n")
    with pytest.raises(ClushError):
        ws.commit(ctx, force=True)
    assert ctx.cib.read_bytes() == before  # type: ignore[attr-defined]
    assert ws.has_pending() and etree.tostring(ws.pending.configuration, method="c14n") == pending
    assert ws.original.by_id("bad1") is None and ws.changed_ids() == ["bad1"]


@pytest.mark.parametrize("edit, pending, serialises", [
    ("add", True, False),  # a section grows: said from the shape alone
    ("attribute", True, True),  # the same shape: the sections are compared
    ("none", False, True),  # copied for an edit that changed nothing
])
def test_has_pending_says_an_add_without_serialising(ctx: Context, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                                     edit: str, pending: bool, serialises: bool) -> None:
    from clushell.pacemaker import workspace

    ctx.cib.write_text(gen_cib.build(8))  # type: ignore[attr-defined]
    ws = get_workspace(ctx)
    calls: list[int] = []
    real = workspace._sections
    monkeypatch.setattr(workspace, "_sections", lambda model: calls.append(1) or real(model))
    model = ws.pending
    if edit == "add":
        apply_line(model, "primitive add1 Dummy")
    elif edit == "attribute":
        model.by_id("p00003").set("description", "changed")
    assert ws.has_pending() is pending
    assert bool(calls) is serialises
