"""Dispatcher on a toy tree: navigation, one-shot lines, errors as one line."""

import io

from clushell.commands.root import GLOBALS
from clushell.commands.tree import Arg, Kind, Level, command
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session, StateKey


class Recorder:
    def __init__(self):
        self.calls = []
        self.pending = False
        self.committed = 0

    # level state contract
    def has_pending(self):
        return self.pending

    def commit(self, ctx):
        self.committed += 1
        self.pending = False

    def discard(self):
        self.pending = False

    def pending_summary(self):
        return "1 change"


def make(interactive=False):
    rec = Recorder()

    def edit(ctx, args):
        rec.calls.append(("edit", args))
        rec.pending = True
        ctx.session.set_state(StateKey.CONFIGURE, rec)

    def boom(ctx, args):
        raise RuntimeError("kaput")

    def leave(ctx, reason):
        rec.calls.append(("leave", reason))
        if rec.pending and not ctx.session.options.interactive:
            rec.commit(ctx)

    conf = Level("conf", "Configure.", commands=[
        command("edit", "Edit.", Arg("what", Kind.TEXT, "what", repeat=True))(edit),
        command("boom", "Fail.")(boom),
    ], leave=leave, stateful=True)
    root = Level("root", "Root.", levels=[conf, Level("other", "Other."), Level("console", "Console.")])
    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(interactive=interactive), root, Output(color=False, stdout=out, stderr=err))
    return Dispatcher(session, GLOBALS), rec, out, err


def test_level_names_move_and_up_comes_back():
    d, rec, out, err = make()
    assert d.run_line("conf")
    assert [lv.name for lv in d.session.path] == ["root", "conf"]
    assert d.run_line("up")
    assert d.session.path == [d.session.root]
    assert ("leave", "up") in rec.calls


def test_one_shot_runs_there_and_returns():
    d, rec, out, err = make()
    assert d.run_line("conf edit a b")
    assert rec.calls[0] == ("edit", ["a", "b"])
    assert rec.calls[1] == ("leave", "oneshot")
    assert d.session.path == [d.session.root]
    assert rec.committed == 1


def test_cd_and_dotdot():
    d, rec, out, err = make()
    assert d.run_line("cd conf")
    assert d.session.level.name == "conf"
    assert d.run_line("..")
    assert d.session.level.name == "root"
    assert not d.run_line("cd nowhere")
    assert "no level 'nowhere'" in err.getvalue()


def test_unknown_command_one_line_with_hint_and_column():
    d, rec, out, err = make()
    d.run_line("conf")
    assert not d.run_line("  edti x")
    line = err.getvalue().strip()
    assert line.count("\n") == 0
    assert "unknown conf command 'edti'" in line and "did you mean 'edit'" in line and "column 3" in line
    assert d.session.failed


def test_internal_error_is_one_line_without_traceback():
    d, rec, out, err = make()
    assert not d.run_line("conf boom")
    text = err.getvalue()
    assert "internal error: RuntimeError: kaput (rerun with --debug" in text
    assert "Traceback" not in text


def test_prefix_matching_reaches_levels():
    d, rec, out, err = make()
    assert d.run_line("cons")
    assert d.session.level.name == "console"


def test_ambiguous_prefix_is_reported():
    d, rec, out, err = make()
    assert not d.run_line("con")
    assert "'con' is ambiguous: conf, console" in err.getvalue()
    assert d.run_line("conf")


def test_root_level_reachable_from_a_level():
    d, rec, out, err = make()
    d.run_line("conf")
    assert d.run_line("other")
    assert d.session.level.name == "other"
    assert ("leave", "up") in rec.calls


def test_quit_in_batch_commits_pending():
    d, rec, out, err = make()
    d.run_line("conf")
    d.run_line("edit x")
    assert d.run_line("quit")
    assert d.session.quit_requested
    assert rec.committed == 1


def test_one_shot_into_another_root_level_comes_back():
    d, rec, out, err = make()
    d.run_line("conf")
    assert d.run_line("other")  # a bare level name moves there
    assert d.session.level.name == "other"
    assert d.run_line("conf edit x")  # a root level with a command: runs there, comes back
    assert ("edit", ["x"]) in rec.calls
    assert [lv.name for lv in d.session.path] == ["root", "other"]
