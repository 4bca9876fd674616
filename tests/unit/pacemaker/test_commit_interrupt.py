"""Ctrl-C at a random instant of a commit on a 4000-primitive CIB file.

The file is always whole (old or new, never empty or cut) and clush says which: "the change
was applied" / "committed" when the new version is in the file, "nothing was changed" when
it is not. Trials: CLUSH_SIGINT_TRIALS (default small; the issue's 100 with =100).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from tests.clushproc import ClushProc
from tests.paths import BENCH
from tests.realenv import require

TRIALS = int(os.environ.get("CLUSH_SIGINT_TRIALS", "6"))
PRIMITIVES = 4000


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    require("cibadmin", "crm_diff", "crm_verify", "crm_attribute")
    path = tmp_path_factory.mktemp("big") / "cib.xml"
    subprocess.run([sys.executable, str(BENCH / "gen_cib.py"), str(PRIMITIVES), str(path)], check=True,
                   capture_output=True)
    subprocess.run(["crm_attribute", "-t", "crm_config", "-n", "stonith-enabled", "-v", "false"],
                   env={**os.environ, "CIB_file": str(path)}, check=True, capture_output=True)
    return path


def _state(cib: Path, probe: str) -> bool:
    """Parse the file (it must be a whole CIB) and tell whether the change is in it."""
    data = cib.read_bytes()
    assert data.strip(), "the CIB file is empty"
    root = etree.fromstring(data)
    assert root.tag == "cib" and root.find("configuration") is not None
    assert len(root.findall(".//primitive")) >= PRIMITIVES, "primitives lost"
    return bool(root.xpath(probe))


def _commit_duration(big: Path, tmp_path: Path) -> float:
    """How long one uninterrupted commit takes here (the interrupts are spread over it)."""
    cib = tmp_path / "timing.xml"
    shutil.copy(big, cib)
    p = ClushProc(env={"CIB_file": str(cib)})
    p.send("configure", "property int-test=v0")
    p.sync(timeout=120)
    start = time.monotonic()
    p.send("commit")
    p.sync(timeout=120)
    took = time.monotonic() - start
    assert p.close() == 0 and "committed" in p.stderr, p.stderr
    cib.unlink()
    return took


def test_sigint_at_random_points_of_a_commit(big: Path, tmp_path: Path):
    seed = int(os.environ.get("CLUSH_SIGINT_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    seen = set()
    # the first one also fills the agent metadata cache; the machine may be busy: the shorter
    took = min(_commit_duration(big, tmp_path), _commit_duration(big, tmp_path))
    span = max(1.4, 1.5 * took)
    print(f"commit takes about {took:.2f} s here")
    for t in range(TRIALS):
        cib = tmp_path / f"cib{t}.xml"
        shutil.copy(big, cib)
        if t % 2:  # an edit: the three-way patch path
            edit, probe = "property int-test=v1", "//nvpair[@name='int-test'][@value='v1']"
        else:  # only an addition: the cibadmin --modify fast path
            edit, probe = f"primitive int{t} ocf:pacemaker:Dummy", f"//primitive[@id='int{t}']"
        p = ClushProc(env={"CIB_file": str(cib)})
        p.send("configure", edit)
        p.sync(timeout=120)
        delay = span * (t + rng.random()) / TRIALS  # stratified: every part of the commit gets hit
        p.send("commit")
        time.sleep(delay)
        p.interrupt()
        rc = p.close()
        where = f"trial {t} (seed {seed}, {delay:.2f} s, rc {rc})"
        applied = _state(cib, probe)
        err = p.stderr
        said_applied = "the change was applied" in err or "committed; CIB epoch now" in err
        said_nothing = "nothing was changed" in err
        assert said_applied != said_nothing, f"{where}: {err}"
        assert applied == said_applied, f"{where}: file {'has' if applied else 'lacks'} the change: {err}"
        assert "Traceback" not in err
        leftovers = [n.name for n in tmp_path.iterdir() if n.name.startswith(".") and not n.name.endswith(".lock")]
        assert not leftovers, f"{where}: temp files left: {leftovers}"
        seen.add(applied)
    if TRIALS >= 6:
        assert seen == {True, False}, "the delays should hit both before and after the rename"
