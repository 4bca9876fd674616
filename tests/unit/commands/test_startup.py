"""Start-up stays light: which heavy modules a run imports (not milliseconds)."""

import json
import subprocess
import sys

HEAVY = ("prompt_toolkit", "paramiko", "lxml", "rich", "cryptography", "pygments")

PROBE = """
import json, sys
from clushell import cli
sys.argv = ["clush", *json.loads(sys.argv[1])]
try:
    rc = cli.main()
except SystemExit as e:
    rc = e.code
sys.stdout.flush()
print("\\n@@" + json.dumps(sorted(m.split(".")[0] for m in sys.modules)))
"""


def loaded(args, stdin=""):
    res = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], input=stdin,
                         capture_output=True, text=True, check=False)
    marker = res.stdout.rindex("@@")
    return set(json.loads(res.stdout[marker + 2 :])), res


def test_version_imports_nothing_heavy():
    mods, res = loaded(["--version"])
    assert res.stdout.startswith("clush ")
    assert not mods & set(HEAVY), mods & set(HEAVY)
    assert "argparse" not in mods


def test_completion_mode_imports_nothing_heavy():
    mods, res = loaded(["__complete", "bash", "1", "conf"])
    assert not mods & set(HEAVY), mods & set(HEAVY)


def test_batch_never_imports_prompt_toolkit():
    mods, res = loaded([], stdin="help\nls\n")
    assert "prompt_toolkit" not in mods
    assert "paramiko" not in mods
