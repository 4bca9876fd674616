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


# crm asks the cluster, not CIB_file, for its members (crm_node -l) and its DC (crmadmin): on a
# machine running a cluster it would see that cluster, on one without it would see none, and its
# answers would depend on the machine. These stand-ins answer as the cluster the CIB file describes
# (its numbered nodes are the members, the first, or node1, is an idle DC); anything else fails as with no
# cluster. Python, not shell, so a CIB path with any character is read safely.
_CRM_NODE = """#!/usr/bin/python3
import os, re, sys
text = open(os.environ["CIB_file"], encoding="utf-8").read()
nodes = re.findall(r'<node id="([0-9]+)" uname="([^"]+)"', text)
if sys.argv[1:] == ["-l"]:
    print("\\n".join(f"{i} {n} member" for i, n in nodes))
elif sys.argv[1:] == ["-p"]:
    print(" ".join(n for _, n in nodes))
else:
    sys.exit("error: Could not connect to controller: Connection refused")
"""
_CRMADMIN = """#!/usr/bin/python3
import os, re, sys
text = open(os.environ["CIB_file"], encoding="utf-8").read()
nodes = re.findall(r'<node id="[0-9]+" uname="([^"]+)"', text) or ["node1"]
args = [a for a in sys.argv[1:] if not a.startswith("-t")]
if args[:1] == ["-D"]:
    print(f"Designated Controller is: {nodes[0]}")
elif args[:1] == ["-S"] and args[1:] == nodes[:1]:
    print(f"Controller on {nodes[0]} in state S_IDLE: ok")
else:
    sys.exit("error: Could not connect to controller: Connection refused")
"""
_STUBS: list[Path] = []


def _stub_dir() -> Path:
    if not _STUBS:
        import atexit
        import tempfile

        where = Path(tempfile.mkdtemp(prefix="clush-crm-oracle-"))
        atexit.register(shutil.rmtree, where, True)
        for name, text in (("crm_node", _CRM_NODE), ("crmadmin", _CRMADMIN)):
            (where / name).write_text(text)
            (where / name).chmod(0o755)
        _STUBS.append(where)
    return _STUBS[0]


def env_for(cib: Path) -> dict[str, str]:
    """crm's environment: CIB_file, the C locale, and the stand-ins for the cluster's answers."""
    return {**os.environ, "CIB_file": str(cib), "LC_ALL": "C", "PATH": f"{_stub_dir()}:{os.environ['PATH']}"}


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
