"""Sandbox commands never touch the live cluster, even with the same node names (node1).

Two proofs: (1) every Pacemaker tool clush starts is recorded by a wrapper on PATH: each
one runs with CIB_file pointing at the sandbox, and none of the tools that ignore CIB_file
(crm_node, crmadmin, stonith_admin, crm_resource --cleanup/--refresh/-F) ever runs;
(2) the live CIB epoch does not move while the script runs (checked in a window in which
no other test process wrote to the shared cluster).
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from tests.realenv.cluster import LiveCluster

pytestmark = pytest.mark.live

# every command that acts on nodes/resources, including the ones whose tools ignore CIB_file
SCRIPT = """\
node standby node1
node online node1
node standby --all
node maintenance node2
node attribute node1 set clushmark MARK
resource stop webservice
resource move webservice node2
resource cleanup
resource cleanup vip node1
resource refresh vip
resource failcount vip delete node1
node clearstate node1
node fence node1
node delete node1
simulate apply
status
"""
REFUSED = ["resource cleanup", "resource cleanup vip node1", "resource refresh vip",
           "node clearstate node1", "node fence node1"]
TOOLS = ("cibadmin", "crm_attribute", "crm_resource", "crm_mon", "crm_simulate", "crm_node", "crmadmin",
         "stonith_admin", "crm_failcount", "crm_standby", "crm_verify", "crm_diff")
NEVER = ("crm_node", "crmadmin", "stonith_admin")
CRM_RESOURCE_LIVE_ONLY = ("--cleanup", "-C", "--refresh", "-R", "--fail", "-F", "--restart", "--wait")


def _spy_path(tmp_path: Path) -> tuple[str, Path]:
    """A PATH whose Pacemaker tools log argv and CIB_file, then run the real tool."""
    spy = tmp_path / "spy"
    spy.mkdir()
    log = tmp_path / "calls.log"
    for tool in TOOLS:
        real = next((f"{d}/{tool}" for d in ("/usr/sbin", "/usr/bin") if os.path.exists(f"{d}/{tool}")), None)
        if real is None:
            continue
        script = spy / tool
        script.write_text(f'#!/bin/sh\nprintf "%s\\t%s\\n" "CIB_file=${{CIB_file:-}}" "{tool} $*" >> {log}\n'
                          f'exec {real} "$@"\n')
        script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return f"{spy}:{os.environ.get('PATH', '')}", log


def _marks(live_cluster: LiveCluster, mark: str) -> list[str]:
    """Traces the script would leave in the live CIB if any tool ignored CIB_file."""
    found = []
    for xp in (f"//nvpair[@name='clushmark'][@value='{mark}']", "//rsc_location[@id='cli-prefer-webservice']",
               f"//node[@uname='{live_cluster.node}']//nvpair[@name='standby'][@value='on']"):
        if live_cluster.query(xp):
            found.append(xp)
    return found


def test_sandbox_never_reaches_the_live_cluster(live_cluster: LiveCluster, clush, tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    assert clush("--demo", "--recreate", "status", env=env).returncode == 0
    demo = tmp_path / "data" / "clush" / "demo.xml"
    path, log = _spy_path(tmp_path)
    env["PATH"] = path
    mark = f"m{os.getpid()}x{int(time.time())}"
    lines = SCRIPT.replace("MARK", mark).splitlines()
    clean_window = False
    for _attempt in range(5):
        log.unlink(missing_ok=True)
        before = live_cluster.cib_version()
        results = [clush("--demo", *line.split(), env=env) for line in lines]
        after = live_cluster.cib_version()
        assert _marks(live_cluster, mark) == []
        if after[:2] == before[:2]:
            clean_window = True
            break
    # (1) the tools clush ran, and where they pointed
    calls = [ln.split("\t", 1) for ln in log.read_text().splitlines()]
    assert calls, "no Pacemaker tool was recorded"

    def the_demo(path: str) -> bool:
        # writes run on clush's locked temp copy beside the file (clushell.pacemaker.filetxn)
        p = Path(path)
        return p == demo or (p.parent == demo.parent and p.name.startswith(f".{demo.name}.")
                             and p.name.endswith(".tmp"))

    for cib_env, argv in calls:
        words = argv.split()
        assert words[0] not in NEVER, argv
        if words[0] == "crm_resource":
            assert not set(words) & set(CRM_RESOURCE_LIVE_ONLY), argv
        if words[0] == "crm_simulate":
            assert "-L" not in words and any(the_demo(w) for w in words), argv
        else:
            assert cib_env.startswith("CIB_file=") and the_demo(cib_env[len("CIB_file="):]), argv
    # the live-only commands refused with one line each; the others worked on the file
    refused = [line for line, res in zip(lines, results, strict=True)
               if res.returncode == 1 and "needs a live cluster" in res.stderr]
    assert refused == REFUSED
    text = demo.read_text()
    assert f'name="clushmark" value="{mark}"' in text and "cli-prefer-webservice" in text
    # (2) the epoch: other test processes share this cluster, so only a quiet window counts
    if not clean_window and os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise AssertionError(f"live CIB epoch moved during every attempt: {before} -> {after}")
