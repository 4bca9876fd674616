"""Shared test set-up: isolated XDG dirs, the clush command, CIB files, real components."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.paths import CONFORMANCE
from tests.realenv import require

REPO = Path(__file__).resolve().parent.parent

# Fixtures that start real components (live cluster, sshd, UML, namespaces).
pytest_plugins = [
    name
    for name in ("tests.realenv.cluster", "tests.realenv.sshd", "tests.realenv.uml", "tests.realenv.multinode")
    if importlib.util.find_spec(name) is not None
]


def pytest_configure(config: pytest.Config) -> None:
    # Every run gets its own XDG directories: no history, cache or sandbox of the user's leaks in.
    base = Path(tempfile.mkdtemp(prefix="clush-test-xdg-"))
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        path = base / var.lower()
        path.mkdir()
        os.environ[var] = str(path)
    os.environ.pop("CIB_file", None)
    os.environ.pop("CIB_shadow", None)
    os.environ["NO_COLOR"] = "1"
    # A shell without job control starts background commands with SIGINT ignored, and the
    # processes the tests start would inherit that: the Ctrl-C tests need it as a terminal gives it.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def clush_argv() -> list[str]:
    """The installed console script next to this interpreter, else `python -m clushell`."""
    script = Path(sys.executable).parent / "clush"
    return [str(script)] if script.exists() else [sys.executable, "-m", "clushell"]


def run_clush(*args: str, input: str | None = None, env: dict[str, str] | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [*clush_argv(), *args],
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def clush():
    """Run the real `clush` command: clush(*args, input=..., env=...) -> CompletedProcess."""
    return run_clush


@pytest.fixture
def cib_file(tmp_path: Path) -> Path:
    """A fresh, empty CIB file made by Pacemaker's own `cibadmin --empty`."""
    require("cibadmin")
    path = tmp_path / "cib.xml"
    res = subprocess.run(["cibadmin", "--empty"], capture_output=True, text=True, check=True)
    path.write_text(res.stdout)
    return path


@pytest.fixture
def conformance_dir() -> Path:
    """tests/data/conformance: crm inputs, the CIBs crm makes of them, cibcmp.py."""
    return CONFORMANCE


def cib_query(path: Path) -> str:
    env = dict(os.environ, CIB_file=str(path))
    return subprocess.run(["cibadmin", "-Q"], capture_output=True, text=True, env=env, check=True).stdout


def which(tool: str) -> str | None:
    return shutil.which(tool)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI=true a skipped test is a failure: every real component must be there."""
    from tests.realenv import IN_CI

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if IN_CI and skipped and exitstatus == 0:
        names = ", ".join(r.nodeid for r in skipped[:5])
        sys.stderr.write(f"\nCI=true: {len(skipped)} test(s) skipped ({names}); failing the run\n")
        session.exitstatus = 1
