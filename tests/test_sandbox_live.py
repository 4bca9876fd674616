"""Sandbox commands never touch the live cluster, even with the same node names (node1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.realenv.cluster import LiveCluster

# every command that acts on nodes/resources, including the ones whose tools ignore CIB_file
SCRIPT = """\
node standby node1
node online node1
node standby --all
node maintenance node2
node attribute node1 set clushmark yes
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

pytestmark = pytest.mark.live


def _marks(live_cluster: LiveCluster) -> list[str]:
    """Traces the script would leave in the live CIB if any tool ignored CIB_file."""
    found = []
    for xp in ("//nvpair[@name='clushmark']", "//rsc_location[@id='cli-prefer-webservice']",
               "//primitive[@id='vip']", f"//node[@uname='{live_cluster.node}']//nvpair[@name='standby'][@value='on']"):
        if live_cluster.query(xp):
            found.append(xp)
    return found


def test_sandbox_leaves_live_epoch_unchanged(live_cluster: LiveCluster, clush, tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    assert clush("--demo", "--recreate", "status", env=env).returncode == 0
    # the live cluster is shared with other test runs: retry if someone else changed it meanwhile
    for _attempt in range(3):
        before = live_cluster.cib_version()
        results = [clush("--demo", *line.split(), env=env) for line in SCRIPT.splitlines()]
        after = live_cluster.cib_version()
        assert _marks(live_cluster) == []
        if after[:2] == before[:2]:
            break
    else:
        raise AssertionError(f"live CIB epoch moved during every attempt: {before} -> {after}")
    # the live-only commands refused with one line each; the others worked on the file
    refused = [line for line, res in zip(SCRIPT.splitlines(), results, strict=True)
               if res.returncode == 1 and "needs a live cluster" in res.stderr]
    assert refused == ["resource cleanup", "resource cleanup vip node1", "resource refresh vip",
                       "node clearstate node1", "node fence node1"]
    others = [res for line, res in zip(SCRIPT.splitlines(), results, strict=True) if line not in refused]
    assert all(r.returncode == 0 for r in others[:-3]), [r.stderr for r in others]
    demo = (tmp_path / "data" / "clush" / "demo.xml").read_text()
    assert 'name="clushmark"' in demo and "cli-prefer-webservice" in demo
