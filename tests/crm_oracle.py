"""Helpers to run crmsh (the oracle) on CIB files and compare CIBs the conformance way."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

from tests import realenv
from tests.paths import CONFORMANCE

BASE = CONFORMANCE / "scenarios" / "base.xml"


def _cibcmp():
    spec = importlib.util.spec_from_file_location("cibcmp", CONFORMANCE / "cibcmp.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def canon(path: Path) -> str:
    """The conformance canonical form of a CIB file (what cibcmp.py compares)."""
    return _cibcmp().load(str(path))


def env_for(cib: Path) -> dict[str, str]:
    return {**os.environ, "CIB_file": str(cib), "LC_ALL": "C"}


def crm(cib: Path, script: str, *, force: bool = True) -> subprocess.CompletedProcess:
    """Feed a crm script on stdin (batch mode) with CIB_file=cib."""
    realenv.require("crm", "cibadmin")
    argv = ["crm", "-F"] if force else ["crm"]
    return subprocess.run(argv, input=script.encode(), env=env_for(cib), capture_output=True, check=False)


def crm_show(cib: Path, *args: str) -> str:
    res = subprocess.run(["crm", "configure", "show", *args], env=env_for(cib), capture_output=True, check=True)
    return res.stdout.decode()


def new_cib(tmp: Path, name: str = "cib.xml", setup: str = "") -> Path:
    """A copy of base.xml, optionally populated by crm with ``setup`` (configure statements)."""
    cib = tmp / name
    shutil.copy(BASE, cib)
    if setup:
        crm(cib, "configure\n" + setup + "\ncommit\n")
    return cib
