"""Issue 14 class 7: `options sort-elements` (and sort_elements): show keeps the CIB order, as crm."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, base_cib, plain
from tests.conftest import run_clush

pytestmark = pytest.mark.crmsh

# ids out of order in the CIB: z1 before a1, a group and a clone between them, constraints too
SETUP = PRE + """primitive z1 Dummy
primitive m1 Dummy
primitive a1 Dummy
primitive b2 Dummy
group g2 b2
primitive c0 Dummy
clone cl0 c0
location l9 z1 100: node1
location l1 a1 50: node1
order o5 Mandatory: z1 a1
colocation c5 inf: a1 z1
"""


def _home(tmp: Path) -> dict[str, str]:
    """A private home and config dir: crm saves options at exit; neither may touch the real ones."""
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "CLUSH_CONFIG": str(home / "clush.conf")}


def _crm(cib: Path, tmp: Path, script: str) -> str:
    env = {**os.environ, **_home(tmp), "CIB_file": str(cib), "LC_ALL": "C"}
    res = subprocess.run(["crm"], input=script.encode(), env=env, capture_output=True, check=False)
    assert res.returncode == 0, res.stderr
    # crm notes on stdout that sort_elements is the old spelling; clush takes both silently
    return "".join(ln for ln in plain(res.stdout).splitlines(True) if not ln.startswith(("WARNING:", "INFO:")))


def _clush(cib: Path, tmp: Path, script: str) -> str:
    res = run_clush(input=script, env={**_home(tmp), "CIB_file": str(cib)})
    assert res.returncode == 0, res.stderr
    return res.stdout


@pytest.mark.parametrize("spelling", ["sort-elements no", "sort_elements no", "sort-elements false"])
def test_show_in_cib_order(spelling: str, tmp_path: Path) -> None:
    cib = base_cib(tmp_path, "c.xml", SETUP)
    script = f"options {spelling}\nconfigure show\n"
    want = _crm(cib, tmp_path / "crm", script.replace("false", "no"))
    assert want.index("primitive z1") < want.index("primitive a1")  # crm kept the CIB order
    assert _clush(cib, tmp_path / "clush", script) == want


def test_sorted_by_default_and_after_yes(tmp_path: Path) -> None:
    cib = base_cib(tmp_path, "c.xml", SETUP)
    script = "options sort-elements no\noptions sort-elements yes\nconfigure show\n"
    want = _crm(cib, tmp_path / "crm", script)
    assert want.index("primitive a1") < want.index("primitive z1")
    assert _clush(cib, tmp_path / "clush", script) == want
    assert _clush(cib, tmp_path / "clush2", "configure show\n") == want


def test_save_and_load_keep_cib_order(tmp_path: Path) -> None:
    """configure save follows the preference; the saved text loads back to the same objects."""
    cib = base_cib(tmp_path, "c.xml", SETUP)
    text = _clush(cib, tmp_path, "options sort-elements no\nconfigure save -\n")
    assert text.index("primitive z1") < text.index("primitive m1") < text.index("primitive a1")


def test_refuses_other_values(tmp_path: Path) -> None:
    res = run_clush("options", "sort-elements", "maybe", env=_home(tmp_path))
    assert res.returncode != 0
    assert res.stderr.count("ERROR") == 1 and "'maybe' is not one of yes, no" in res.stderr
