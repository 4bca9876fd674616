"""A script is one transaction: nothing is committed after a failed command, one-shot lines
stage their changes until the end of the script, destructive edits need -y/-F."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import run_clush

DUMMY = "ocf:pacemaker:Dummy"


def _epoch(cib: Path) -> int:
    m = re.search(r'<cib[^>]*\sepoch="(\d+)"', cib.read_text())
    assert m
    return int(m.group(1))


def _script(tmp_path: Path, text: str) -> str:
    path = tmp_path / "s.clush"
    path.write_text(text)
    return str(path)


def test_continue_on_error_commits_nothing_after_a_failure(cib: Path, tmp_path: Path) -> None:
    before = cib.read_text()
    script = _script(tmp_path, f"configure\nprimitive a1 {DUMMY}\nbogus\nprimitive a2 {DUMMY}\ncommit\n")
    res = run_clush("--continue-on-error", "-f", script, env={"CIB_file": str(cib)})
    assert res.returncode == 1
    assert cib.read_text() == before
    assert f"{script}:3:1: unknown configure command 'bogus'" in res.stderr
    assert "commit: not committed: an earlier command of this script failed" in res.stderr
    assert "pending changes discarded because a command failed" in res.stderr
    assert "committed;" not in res.stderr + res.stdout


def test_explicit_commit_then_failure_keeps_the_commit_and_says_so(cib: Path, tmp_path: Path) -> None:
    script = _script(tmp_path, f"configure\nprimitive b1 {DUMMY}\ncommit\nprimitive b2 {DUMMY}\nbogus\n")
    res = run_clush("--continue-on-error", "-f", script, env={"CIB_file": str(cib)})
    assert res.returncode == 1
    text = cib.read_text()
    assert 'id="b1"' in text and 'id="b2"' not in text
    assert "configure: pending changes discarded because a command failed; they were not committed" in res.stderr


def test_one_shot_lines_are_one_transaction(cib: Path, tmp_path: Path) -> None:
    before = cib.read_text()
    lines = f"configure primitive c1 {DUMMY}\nconfigure primitive c2 {DUMMY}\nconfigure primitive c3 nosuch:agent:x y\n"
    res = run_clush("-f", _script(tmp_path, lines), env={"CIB_file": str(cib)})
    assert res.returncode == 1
    assert cib.read_text() == before  # c1 and c2 were staged, never committed


def test_one_shot_lines_commit_together_at_the_end(cib: Path, tmp_path: Path) -> None:
    epoch = _epoch(cib)
    lines = f"configure primitive d1 {DUMMY}\nconfigure primitive d2 {DUMMY}\nconfigure show d1\n"
    res = run_clush(input=lines, env={"CIB_file": str(cib)})
    assert res.returncode == 0, res.stderr
    text = cib.read_text()
    assert 'id="d1"' in text and 'id="d2"' in text
    assert _epoch(cib) == epoch + 1  # one commit for the whole script
    assert "primitive d1 " in res.stdout  # later lines see what earlier ones staged


def test_leaving_the_level_in_a_script_commits_as_crm_does(cib: Path) -> None:
    res = run_clush(input=f"configure\nprimitive e1 {DUMMY}\nend\nbogus\n", env={"CIB_file": str(cib)})
    assert res.returncode == 1
    assert 'id="e1"' in cib.read_text()  # committed by `end`, before the failure


def test_interrupted_script_commits_nothing(cib: Path) -> None:
    import os
    import signal
    import subprocess

    from tests.conftest import clush_argv

    before = cib.read_text()
    env = dict(os.environ, CIB_file=str(cib))
    proc = subprocess.Popen(clush_argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        assert proc.stdin and proc.stdout
        proc.stdin.write(f"configure primitive f1 {DUMMY}\nversion\n")
        proc.stdin.flush()
        assert proc.stdout.readline().startswith("clush ")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
    finally:
        proc.kill()
    assert cib.read_text() == before


def test_erase_needs_yes_in_a_script(cib: Path) -> None:
    before = cib.read_text()
    res = run_clush("configure", "erase", env={"CIB_file": str(cib)})
    assert res.returncode == 1
    assert "erase: this deletes" in res.stderr
    assert "refused in a script without -y (or -F); nothing changed" in res.stderr
    assert cib.read_text() == before
    res = run_clush("-y", "configure", "erase", env={"CIB_file": str(cib)})
    assert res.returncode == 0, res.stderr
    assert "<primitive" not in cib.read_text()


def test_load_replace_that_empties_needs_yes(cib: Path, tmp_path: Path) -> None:
    before = cib.read_text()
    empty = tmp_path / "empty.crm"
    empty.write_text("")
    res = run_clush("configure", "load", "replace", str(empty), env={"CIB_file": str(cib)})
    assert res.returncode == 1
    assert "load replace: this" in res.stderr and "refused in a script without -y" in res.stderr
    assert cib.read_text() == before
    keep = tmp_path / "keep.crm"
    saved = run_clush("configure", "save", "-", env={"CIB_file": str(cib)})
    keep.write_text(saved.stdout + f"primitive g1 {DUMMY}\n")
    res = run_clush("configure", "load", "replace", str(keep), env={"CIB_file": str(cib)})
    assert res.returncode == 0, res.stderr  # keeps everything: no question
    assert 'id="g1"' in cib.read_text()


def _shell_session(cib: Path, answers: list[str], asked: list[str]):
    import io

    from clushell.commands.root import GLOBALS, build_tree
    from clushell.dispatch import Dispatcher
    from clushell.output import Output
    from clushell.session import Options, Session

    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(interactive=True, cib_file=str(cib)), build_tree(),
                      Output(color=False, stdout=out, stderr=err))
    session.read_answer = lambda q: asked.append(q) or answers.pop(0)
    return Dispatcher(session, GLOBALS), err


def test_edit_that_empties_the_configuration_asks_first(cib: Path, tmp_path: Path, monkeypatch) -> None:
    from clushell.session import StateKey

    editor = tmp_path / "emptying-editor"
    editor.write_text('#!/bin/sh\n: > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.setenv("VISUAL", str(editor))
    asked: list[str] = []
    d, err = _shell_session(cib, ["no", "yes"], asked)
    assert d.run_line("configure")
    assert d.run_line("edit")  # answered no: nothing changes
    assert "edit: this empties the configuration" in asked[0]
    assert "edit: nothing changed" in err.getvalue()
    ws = d.session.get_state(StateKey.CONFIGURE)
    assert not ws.has_pending()
    assert d.run_line("edit")  # answered yes: the objects are gone (pending until commit)
    assert ws.has_pending() and b"<primitive" not in ws.pending.to_xml()
    ws.discard()


def test_erase_asks_in_the_shell(cib: Path) -> None:
    from clushell.session import StateKey

    asked: list[str] = []
    d, err = _shell_session(cib, ["yak", "n"], asked)  # "yak" is not an answer: asked again
    assert d.run_line("configure")
    assert d.run_line("erase")
    assert len(asked) == 2 and "erase: this deletes" in asked[0]
    assert not d.session.get_state(StateKey.CONFIGURE).has_pending()
