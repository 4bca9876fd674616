"""Ctrl-C during an ipvs commit: clush reads the table again and says what it holds (applied,
nothing changed, or midway), and keeps the staged changes unless they are all in."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from clushell.ipvs import backends
from clushell.ipvs.backends import FileBackend
from clushell.ipvs.ipvsadm import parse_rules, save_lines
from clushell.ipvs.state import IpvsState
from clushell.output import Output

OLD = "-A -t 10.1.1.100:80 -s rr\n-a -t 10.1.1.100:80 -r 10.1.1.1:80 -m -w 1\n"
NEW = OLD + "-A -u 10.1.1.101:53 -s wlc\n-a -u 10.1.1.101:53 -r 10.1.1.2:53 -m -w 1\n"
HALF = OLD + "-A -u 10.1.1.101:53 -s wlc\n"  # the service went in, its real server did not


def _text(rules: str) -> str:
    return "".join(line + "\n" for line in save_lines(parse_rules(rules)))


class _Interrupted(FileBackend):
    """Writes ``leaves`` (None: nothing) to the table file, then Ctrl-C arrives; ``again``: the
    undo that follows is interrupted too."""

    def __init__(self, path: str, leaves: str | None, again: bool = False):
        super().__init__(path)
        self.leaves, self.again, self.commits = leaves, again, 0

    def commit(self, desired, snapshot, *, no_drain, drain_wait):
        self.commits += 1
        if self.commits > 1 and not self.again:
            return super().commit(desired, snapshot, no_drain=no_drain, drain_wait=drain_wait)
        if self.leaves is not None and self.commits == 1:
            Path(self.path).write_text(_text(self.leaves))
        raise KeyboardInterrupt


def _state(tmp_path: Path, leaves: str | None, again: bool = False) -> tuple[IpvsState, io.StringIO, Path]:
    table = tmp_path / "rules"
    table.write_text(_text(OLD))
    err = io.StringIO()
    session = SimpleNamespace(out=Output(color=False, stdout=io.StringIO(), stderr=err))
    backend = _Interrupted(str(table), leaves, again)
    state = IpvsState(session=session, connect=lambda name: backend)
    state.snapshot("local")
    state.desired["local"] = parse_rules(NEW)
    return state, err, table


@pytest.mark.parametrize("leaves, again, said, kept, holds", [
    (None, False, "ipvs local: interrupted: nothing was changed (the staged changes are kept)", True, OLD),
    (NEW, False, "ipvs local: interrupted, but the change was applied", False, NEW),
    (HALF, False, "ipvs local: interrupted midway; the steps made were undone: nothing was changed", True, OLD),
    (HALF, True, "ipvs local: interrupted midway: 1 ipvsadm step of the staged changes not applied, and "
     "undoing the others failed", True, HALF),
], ids=["before", "after", "midway-undone", "midway-undo-interrupted"])
def test_an_interrupted_commit_says_what_the_table_holds(tmp_path: Path, leaves, again, said, kept, holds) -> None:
    state, err, table = _state(tmp_path, leaves, again)
    with pytest.raises(KeyboardInterrupt):
        state.commit(SimpleNamespace(out=state.session.out))
    assert said in err.getvalue()
    assert parse_rules(table.read_text()) == parse_rules(holds)
    assert state.has_pending() is kept
    if kept:  # committing again goes from what the table holds now to what was staged
        assert state.plan("local") and all(s.phase != "wait" for s in state.plan("local"))


def test_unknown_when_the_table_cannot_be_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state, err, _ = _state(tmp_path, HALF)

    def unreadable(self):
        raise KeyboardInterrupt  # a second Ctrl-C while reading it back

    monkeypatch.setattr(backends.FileBackend, "read", unreadable)
    with pytest.raises(KeyboardInterrupt):
        state.commit(SimpleNamespace(out=state.session.out))
    assert "whether it was applied is unknown (the staged changes are kept)" in err.getvalue()
    assert "local" in state.desired and state.last_failed


@pytest.mark.parametrize("step", ["plan", "snapshot"])
def test_interrupted_before_the_commit_began_says_nothing_was_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      step: str) -> None:
    """Ctrl-C while the commit still plans (a big table) or reads the table first: nothing was
    written, and clush says so (a script stops without leaving the user to guess)."""
    state, err, table = _state(tmp_path, None)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    if step == "plan":
        monkeypatch.setattr(state, "plan", interrupted)
    else:
        monkeypatch.setattr(state, "snapshot", interrupted)
    with pytest.raises(KeyboardInterrupt):
        state.commit(SimpleNamespace(out=state.session.out))
    said = err.getvalue()
    assert "interrupted before" in said and "nothing was changed (the staged changes are kept)" in said
    monkeypatch.undo()
    assert parse_rules(table.read_text()) == parse_rules(OLD) and state.has_pending()
