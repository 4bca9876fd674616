"""Global commands work in one-shot lines after a level; help finds commands of other levels."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_clush


def test_configure_help_and_ls_one_shot(cib_file: Path) -> None:
    env = {"CIB_file": str(cib_file)}
    res = run_clush("configure", "help", env=env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("Edit the cluster configuration") and "primitive" in res.stdout
    res = run_clush("configure", "ls", env=env)
    assert res.returncode == 0, res.stderr
    assert "primitive" in res.stdout.split() and "commit" in res.stdout.split()


def test_help_of_a_command_of_another_level_points_there(cib_file: Path) -> None:
    res = run_clush("help", "primitive", env={"CIB_file": str(cib_file)})
    assert res.returncode == 0, res.stderr
    first, _, rest = res.stdout.partition("\n")
    assert first == "'primitive' is a command of the configure level (configure primitive):"
    assert "configure primitive ID" in rest
    res = run_clush("help", "nosuchtopic", env={"CIB_file": str(cib_file)})
    assert res.returncode == 1 and "no help topic 'nosuchtopic'" in res.stderr
