"""The interactive shell, driven by real keystrokes (prompt_toolkit pipe input and a pty)."""

import io
import os
import stat

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from clushell import paths
from clushell.commands.root import GLOBALS, build_tree
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session
from clushell.ui.repl import prompt_text, run_repl
from tests.conftest import clush_argv


def repl_session(cib_file):
    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(interactive=True, cib_file=str(cib_file)), build_tree(),
                      Output(color=False, stdout=out, stderr=err))
    return Dispatcher(session, GLOBALS), out, err


def drive(dispatcher, keys: str) -> int:
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        return run_repl(dispatcher, input=pipe, output=DummyOutput())


def test_prompt_shows_target_and_level(cib_file):
    d, out, err = repl_session(cib_file)
    assert prompt_text(d.session) == f"clush(sandbox/{os.uname().nodename})# "
    level = d.session.root.levels[0]
    d.session.path.append(level)
    assert prompt_text(d.session).endswith(f"){level.name}# ")


def test_commands_run_and_ctrl_d_leaves(cib_file):
    d, out, err = repl_session(cib_file)
    assert drive(d, "version\r\x04") == 0
    assert "clush " in out.getvalue()


def test_ctrl_c_cancels_only_the_line(cib_file):
    d, out, err = repl_session(cib_file)
    drive(d, "versi\x03version\r\x04")
    assert out.getvalue().count("clush ") == 1
    assert "unknown command" not in err.getvalue()


def test_navigation_cd_up_top(cib_file):
    d, out, err = repl_session(cib_file)
    level = d.session.root.levels[-1].name
    drive(d, f"cd {level}\rls\r\x04")
    assert not err.getvalue().count("ERROR")
    d2, out2, err2 = repl_session(cib_file)
    drive(d2, f"{level}\rup\rversion\r\x04")
    assert "clush " in out2.getvalue()


def test_continuation_lines_join(cib_file):
    d, out, err = repl_session(cib_file)
    drive(d, "help \\\rversion\r\x04")
    assert "version" in out.getvalue() and "Show the clush version." in out.getvalue()


def test_quit_alias_bye(cib_file):
    d, out, err = repl_session(cib_file)
    assert drive(d, "bye\r") == 0
    assert d.session.quit_requested


def test_history_file_is_private(cib_file):
    d, out, err = repl_session(cib_file)
    drive(d, "version\r\x04")
    hist = paths.history_file()
    assert hist.exists()
    assert stat.S_IMODE(hist.stat().st_mode) == 0o600
    assert "version" in hist.read_text()


def test_real_terminal_session(cib_file):
    import pexpect
    env = dict(os.environ, CIB_file=str(cib_file), TERM="xterm")
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(clush_argv()[0], clush_argv()[1:], env=env, encoding="utf-8", timeout=20,
                          dimensions=(40, 120))
    try:
        child.expect_exact("clush(sandbox/")
        child.expect_exact(")#")
        child.send("version\r")
        child.expect(r"clush \d+\.\d+")
        child.send("abc\x03")  # Ctrl-C drops the line, the shell stays
        child.expect_exact(")#")
        child.send("\x04")  # Ctrl-D leaves
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def _stonith_off(cib_file):
    import subprocess

    subprocess.run(["crm_attribute", "-t", "crm_config", "-n", "stonith-enabled", "-v", "false"],
                   env=dict(os.environ, CIB_file=str(cib_file)), check=True, capture_output=True)


def test_leaving_with_pending_changes_asks(cib_file):
    _stonith_off(cib_file)
    d, out, err = repl_session(cib_file)
    # Ctrl-D with a pending primitive: the shell asks; "c" stays, then "y" commits and leaves
    drive(d, "configure\rprimitive asked ocf:pacemaker:Dummy\r\x04c\r\x04y\r")
    assert 'id="asked"' in cib_file.read_text()


def test_answer_no_discards(cib_file):
    _stonith_off(cib_file)
    d, out, err = repl_session(cib_file)
    drive(d, "configure\rprimitive dropped ocf:pacemaker:Dummy\rup\rn\r\x04")
    assert 'id="dropped"' not in cib_file.read_text()
    assert d.session.level is d.session.root
