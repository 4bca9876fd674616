"""Questions in the shell: only y/yes/n/no (and c/cancel where offered) answer; anything else
asks again; keys typed ahead of the question stay for the next prompt."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from clushell.commands.root import GLOBALS, build_tree
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session
from clushell.ui.repl import run_repl
from tests.conftest import run_clush
from tests.paths import CONFORMANCE


def test_unknown_answer_asks_again_and_type_ahead_survives(tmp_path: Path) -> None:
    cib = tmp_path / "cib.xml"
    shutil.copy(CONFORMANCE / "scenarios" / "base.xml", cib)
    assert run_clush("configure", "property", "stonith-enabled=false", env={"CIB_file": str(cib)}).returncode == 0
    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(interactive=True, cib_file=str(cib)), build_tree(),
                      Output(color=False, stdout=out, stderr=err))
    dispatcher = Dispatcher(session, GLOBALS)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        # all typed at once: "yak" and "" are no answers, "y" is; "version" is for the next prompt
        pipe.send_text("configure\rprimitive ahead ocf:pacemaker:Dummy\rup\ryak\r\ry\rversion\r\x04")
        assert run_repl(dispatcher, input=pipe, output=DummyOutput()) == 0
    assert 'id="ahead"' in cib.read_text()
    assert "committed" in err.getvalue()
    assert out.getvalue().startswith("clush ")  # `version`, typed ahead, ran after the question
