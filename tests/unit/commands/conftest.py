"""Fixtures shared by the command-level tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import run_clush
from tests.paths import CONFORMANCE


@pytest.fixture
def cib(tmp_path: Path) -> Path:
    """A CIB file with the conformance base configuration and fencing off, so commits verify."""
    path = tmp_path / "cib.xml"
    shutil.copy(CONFORMANCE / "scenarios" / "base.xml", path)
    res = run_clush("configure", "property", "stonith-enabled=false", env={"CIB_file": str(path)})
    assert res.returncode == 0, res.stderr
    return path
