"""A CIB that cannot be used is a one-line error naming the file and why, with a non-zero exit,
in every command that reads it; an empty target path is an error, never "the live cluster"."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.realenv import require


def _make(kind: str, tmp_path: Path) -> Path:
    good = subprocess.run(["cibadmin", "--empty"], capture_output=True, text=True, check=True).stdout
    path = tmp_path / f"{kind}.xml"
    if kind == "truncated":
        path.write_text(good[: len(good) // 2])
    elif kind == "garbage":
        path.write_text("this is not a CIB\n")
    elif kind == "empty":
        path.write_text("")
    elif kind == "no-configuration":
        path.write_text('<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"/>\n')
    elif kind == "unknown-schema":
        import re

        path.write_text(re.sub(r'validate-with="[^"]*"', 'validate-with="pacemaker-9.9"', good))
    elif kind == "unreadable":
        path.mkdir()  # reading a directory fails for root too
    return path


REASONS = {
    "truncated": "not well-formed XML",
    "garbage": "not well-formed XML",
    "empty": "it is empty",
    "no-configuration": "no <configuration> section",
    "unknown-schema": 'unknown schema validate-with="pacemaker-9.9"',
    "unreadable": "cannot read it",
}


@pytest.mark.parametrize("kind", sorted(REASONS))
@pytest.mark.parametrize("cmd", [["status"], ["resource", "status"], ["configure", "show"], ["node", "show"],
                                 ["simulate"], ["cib", "new", "x1"]])
def test_unusable_cib_is_a_one_line_error(clush, tmp_path, kind, cmd):
    require("cibadmin", "crm_mon")
    path = _make(kind, tmp_path)
    res = clush(*cmd, env={"CIB_file": str(path), "CIB_shadow_dir": str(tmp_path / "shadows")})
    assert res.returncode != 0, res.stdout
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert str(path) in lines[0] and REASONS[kind] in lines[0], lines[0]
    assert "Traceback" not in res.stderr and "exit code" not in res.stderr


def test_empty_cib_file_option_is_an_error(clush):
    res = clush("--cib-file", "", "status")
    assert res.returncode != 0
    assert "--cib-file: the path is empty" in res.stderr


@pytest.mark.parametrize("value", ["", "  "])
def test_empty_cib_file_variable_is_an_error(clush, value):
    res = clush("status", env={"CIB_file": value})
    assert res.returncode != 0
    assert "CIB_file is set but empty" in res.stderr


def test_empty_path_in_a_script_stops_it(clush):
    res = clush("--cib-file", " ", input="configure\nprimitive x ocf:pacemaker:Dummy\ncommit\n")
    assert res.returncode != 0
    assert "the path is empty" in res.stderr and "committed" not in res.stderr
