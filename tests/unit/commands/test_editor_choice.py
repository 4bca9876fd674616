"""Which editor `configure edit` runs: core.editor, else $VISUAL, else $EDITOR, else vi."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from clushell.commands.root import GLOBALS, build_tree
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session


def _editor(tmp_path: Path, name: str, log: Path) -> str:
    """An editor that records its name and changes nothing."""
    path = tmp_path / name
    path.write_text(f"#!/bin/sh\necho {name} >> {log}\n")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def shell(cib_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dispatcher:
    monkeypatch.setenv("CLUSH_CONFIG", str(tmp_path / "clush.conf"))
    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(interactive=True, cib_file=str(cib_file)), build_tree(),
                      Output(color=False, stdout=out, stderr=err))
    return Dispatcher(session, GLOBALS)


def test_visual_before_editor_and_core_editor_before_both(shell: Dispatcher, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "ran"
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "editor", log))
    monkeypatch.setenv("VISUAL", _editor(tmp_path, "visual", log))
    assert shell.run_line("configure edit")
    monkeypatch.delenv("VISUAL")
    assert shell.run_line("configure edit")
    assert shell.run_line(f"options set core.editor {_editor(tmp_path, 'preferred', log)}")
    monkeypatch.setenv("VISUAL", _editor(tmp_path, "visual", log))
    assert shell.run_line("configure edit")
    assert log.read_text().split() == ["visual", "editor", "preferred"]
