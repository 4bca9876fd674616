"""Start-up stays light: which heavy modules a run imports (not milliseconds)."""

import json
import subprocess
import sys

import pytest

from tests.realenv import require

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


CIB = """<cib epoch="3" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
<configuration><crm_config/><nodes/><resources>
<primitive id="pa" class="ocf" provider="pacemaker" type="Dummy"/>
<primitive id="pb" class="ocf" provider="pacemaker" type="Dummy"/>
</resources><constraints/></configuration><status/></cib>
"""

# what a Tab answered from the id cache never needs: they are imported where they are used
NOT_FOR_A_TAB = ("subprocess", "shutil", "tempfile", "pathlib", "difflib", "clushell.target")


@pytest.mark.parametrize("words, expected", [
    (["2", "configure", "show", "p"], ["pa", "pb"]),  # ids, from the id cache
    (["5", "configure", "primitive", "px", "ocf:pacemaker:Dummy", "params", "fak"], ["fake="]),  # agent metadata
])
def test_a_tab_from_the_cache_imports_no_process_or_path_modules(tmp_path, monkeypatch, words, expected):
    if "params" in words:
        require("crm_resource")
    cib = tmp_path / "cib.xml"
    cib.write_text(CIB)
    monkeypatch.setenv("CIB_file", str(cib))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    words = ["__complete", "bash", *words]
    loaded(words)  # the first Tab reads the CIB (or the agent) and fills the cache
    res = subprocess.run([sys.executable, "-c", PROBE.replace('m.split(".")[0] for m in', "m for m in"),
                          json.dumps(words)], capture_output=True, text=True, check=False)
    marker = res.stdout.rindex("@@")
    mods = set(json.loads(res.stdout[marker + 2 :]))
    assert res.stdout[:marker].split() == expected
    assert not mods & set(NOT_FOR_A_TAB), mods & set(NOT_FOR_A_TAB)
    assert not mods & set(HEAVY)


def test_read_ahead_starts_before_the_heavy_imports():
    """cli.py starts a live configure's CIB reads first thing: what that needs imports no typing,
    re, subprocess or dataclasses, which take a good part of the start-up (its reads then run
    while Python imports the rest)."""
    probe = ("import sys\nfrom clushell import readahead\nfrom clushell.pacemaker import cibdisk\n"
             "cibdisk.reads()\nprint(sorted(m for m in ('typing', 're', 'subprocess', 'dataclasses', "
             "'clushell.target', 'clushell.transport.base') if m in sys.modules))")
    res = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": ":".join(p for p in sys.path if p)})
    assert res.stdout.strip() == "[]", res.stdout
