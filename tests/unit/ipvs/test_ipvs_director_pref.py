"""The ipvs.directors preference: bad entries are named as a preference, not as a --host."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO


def _run(tmp_path: Path, directors: str) -> subprocess.CompletedProcess[str]:
    conf = tmp_path / "clush.conf"
    conf.write_text(f"[ipvs]\ndirectors = {directors}\n")
    env = dict(os.environ, CLUSH_CONFIG=str(conf), XDG_DATA_HOME=str(tmp_path / "data"), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "clushell", "ipvs", "show"], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=60, check=False)


@pytest.mark.parametrize("value", ["@@@", "a b!c", "root@", ":22"])
def test_a_bad_director_preference_is_named(tmp_path: Path, value: str) -> None:
    res = _run(tmp_path, value)
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("ERROR: ") and "preference ipvs.directors: '" in lines[0], lines[0]
    assert "--host" not in lines[0]
