"""One attribute set on a CIB file goes in as one version-guarded `cibadmin --modify` on the
locked copy (Pacemaker tracks a modify's changes as it makes them; a --patch costs a whole
comparison), and leaves the same file the versioned patch leaves."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from clushell.cib.build import apply_line
from clushell.context import Context
from clushell.pacemaker import cibguard, cibio
from clushell.pacemaker.workspace import get_workspace
from tests.unit.pacemaker.test_workspace import ctx  # noqa: F401  (fixture)


def _configuration(path: Path) -> bytes:
    out = subprocess.run(["cibadmin", "-Q"], env={**os.environ, "CIB_file": str(path)}, capture_output=True,
                         check=True).stdout
    root = etree.fromstring(out, etree.XMLParser(remove_blank_text=True))
    return etree.tostring(root.find("configuration"), method="c14n")


def _set_and_commit(c: Context, value: str) -> None:
    ws = get_workspace(c)
    ws.pending.by_id("fs1").find("instance_attributes/nvpair").set("value", value)
    assert ws.commit(c) is True


@pytest.mark.parametrize("guarded", [True, False])
def test_a_set_on_a_file_is_one_guarded_modify(ctx: Context, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                               tmp_path: Path, guarded: bool) -> None:
    ws = get_workspace(ctx)
    apply_line(ws.pending, "property stonith-enabled=false")
    apply_line(ws.pending, "primitive fs1 Dummy params state=/run/fs1.state")
    assert ws.commit(ctx) is True
    sent: list[str] = []
    real_modify, real_patch = cibguard.modify, cibio._patch
    monkeypatch.setattr(cibguard, "modify", lambda *a, **kw: sent.append("modify") or real_modify(*a, **kw))
    monkeypatch.setattr(cibio, "_patch", lambda *a, **kw: sent.append("patch") or real_patch(*a, **kw))
    if not guarded:  # the versioned patch, to compare with
        monkeypatch.setattr(cibguard, "one_set", lambda patch: None)
    epoch = int(etree.parse(str(ctx.cib)).getroot().get("epoch"))  # type: ignore[attr-defined]
    _set_and_commit(ctx, "/run/other.state")
    assert sent == (["modify"] if guarded else ["patch"])
    root = etree.parse(str(ctx.cib)).getroot()  # type: ignore[attr-defined]
    assert (int(root.get("epoch")), root.get("num_updates")) == (epoch + 1, "0")
    assert b'value="/run/other.state"' in _configuration(ctx.cib)  # type: ignore[attr-defined]


def test_guarded_and_patched_files_are_alike(ctx: Context, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                             tmp_path: Path) -> None:
    ws = get_workspace(ctx)
    apply_line(ws.pending, "property stonith-enabled=false")
    apply_line(ws.pending, "primitive fs1 Dummy params state=/run/fs1.state")
    assert ws.commit(ctx) is True
    start = tmp_path / "start.xml"
    shutil.copy(ctx.cib, start)  # type: ignore[attr-defined]
    results = []
    for guarded in (True, False):
        shutil.copy(start, ctx.cib)  # type: ignore[attr-defined]
        ws.reload(ctx.session.runner)
        with monkeypatch.context() as m:
            if not guarded:
                m.setattr(cibguard, "one_set", lambda patch: None)
            _set_and_commit(ctx, "/run/other.state")
        results.append(_configuration(ctx.cib))  # type: ignore[attr-defined]
    assert results[0] == results[1]
