"""The local runner: argv only, environment passed, tools found in sbin, clear failures."""

import pytest

from clushell.errors import ToolMissing, TransportError
from clushell.transport.local import LocalRunner


def test_sbin_tools_found_with_a_user_path(monkeypatch):
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    res = LocalRunner().run(["cibadmin", "--version"])
    assert res.ok and "Pacemaker" in res.out


def test_environment_and_stdin_reach_the_tool():
    res = LocalRunner({"CIB_file": "/x/y.xml"}).run(["sh", "-c", 'printf "%s|" "$CIB_file" "$LC_ALL"; cat'],
                                                     stdin=b"data")
    assert res.out == "/x/y.xml|C|data"


def test_no_shell_interpretation():
    res = LocalRunner().run(["echo", "$(touch /tmp/never)", ";", "`id`"])
    assert res.out.strip() == "$(touch /tmp/never) ; `id`"


def test_missing_tool_and_timeout_are_transport_errors():
    with pytest.raises(ToolMissing, match="nosuchtool: command not found"):
        LocalRunner().run(["nosuchtool"])
    with pytest.raises(TransportError, match="no answer within 0.2 s"):
        LocalRunner().run(["sleep", "5"], timeout=0.2)
