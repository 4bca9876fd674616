"""Batch mode through the real `clush` command: stdin, -f, one-shot, exit codes."""

import os
import subprocess
import time

from tests.conftest import clush_argv


def test_help_lists_every_level(clush, cib_file):
    from clushell.commands.root import build_tree

    res = clush("help", env={"CIB_file": str(cib_file)})
    assert res.returncode == 0
    for level in build_tree().levels:
        assert f"  {level.name}" in res.stdout


def test_version_and_help_options(clush):
    res = clush("--version")
    assert res.returncode == 0 and res.stdout.startswith("clush ")
    res = clush("--help")
    assert res.returncode == 0 and "--cib-file" in res.stdout


def test_bad_option_exits_2_with_one_line(clush):
    res = clush("--no-such-option")
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "--no-such-option" in res.stderr


def test_stdin_script_success_and_failure(clush, cib_file):
    env = {"CIB_file": str(cib_file)}
    ok = clush(input="# a comment\nls\nhelp \\\n  help\n", env=env)
    assert ok.returncode == 0, ok.stderr
    bad = clush(input="ls\nnosuchcommand\nls\n", env=env)
    assert bad.returncode == 1
    assert "ERROR: <stdin>:2:1: unknown command 'nosuchcommand'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_failing_line_stops_the_script(clush, cib_file, tmp_path):
    script = tmp_path / "s.clush"
    script.write_text("ls\nbogus\nversion\n")
    res = clush("-f", str(script), env={"CIB_file": str(cib_file)})
    assert res.returncode == 1
    assert "clush 0" not in res.stdout  # `version` after the failure did not run
    assert f"{script}:2:1" in res.stderr
    res = clush("--continue-on-error", "-f", str(script), env={"CIB_file": str(cib_file)})
    assert res.returncode == 1
    assert "clush " in res.stdout  # went on, still reports failure


def test_missing_script_file(clush):
    res = clush("-f", "/nonexistent/script")
    assert res.returncode == 1
    assert "cannot read /nonexistent/script" in res.stderr


def test_one_shot_unknown_command_exit_1(clush, cib_file):
    res = clush("bogus", "thing", env={"CIB_file": str(cib_file)})
    assert res.returncode == 1
    assert res.stderr.count("\n") == 1


def test_lines_run_as_they_arrive(cib_file):
    """A pipe behaves like a person typing: output for line 1 comes before line 2 is sent."""
    env = dict(os.environ, CIB_file=str(cib_file))
    proc = subprocess.Popen([*clush_argv()], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, bufsize=1)
    try:
        proc.stdin.write("version\n")
        proc.stdin.flush()
        deadline = time.time() + 30
        line = proc.stdout.readline()
        assert time.time() < deadline
        assert line.startswith("clush ")
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()


def test_interrupt_exits_130(cib_file):
    import signal

    env = dict(os.environ, CIB_file=str(cib_file))
    proc = subprocess.Popen([*clush_argv()], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    proc.stdin.write("version\n")
    proc.stdin.flush()
    assert proc.stdout.readline().startswith("clush ")
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    assert "interrupted" in proc.stderr.read()


def test_resource_command_inside_configure_stays_in_configure(clush, conformance_dir, tmp_path):
    import shutil

    cib = tmp_path / "cib.xml"
    shutil.copy(conformance_dir / "scenarios" / "base.xml", cib)
    script = ("configure\nproperty stonith-enabled=false\nprimitive q ocf:heartbeat:Dummy\ncommit\n"
              "resource stop q\nshow q\n")
    res = clush(input=script, env={"CIB_file": str(cib)})
    assert res.returncode == 0, res.stderr
    assert "primitive q Dummy" in res.stdout and "target-role=Stopped" in res.stdout
