"""The CIB read started at process start (clushell.target.Prefetch) on the live cluster.

A one-shot `clush configure primitive ...` reads the CIB while Python starts. A wrapper
`cibadmin` first on PATH logs its calls and, right after answering the whole-CIB query, lets
someone else change the CIB: the early read must then be caught by the commit's version guard
(the three-way path keeps both changes), as any read made before a change is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.live

# a whole-CIB query logs the version it answered with: a second query is expected only after the
# CIB moved (the cluster writes status updates, e.g. probes of resources other tests created)
WRAPPER = """#!/bin/sh
if [ "$*" = "--query" ]; then
  out=$(mktemp) || exit 70
  {real} --query > "$out" || {{ rc=$?; rm -f "$out"; exit $rc; }}
  v=$(head -c 600 "$out" | grep -o ' epoch="[0-9]*"\\| num_updates="[0-9]*"' | tr -d '\\n ')
  echo "$* $(readlink /proc/$$/fd/1) $v" >> {log}
  cat "$out"; rm -f "$out"
  [ -n "$OTHER_ID" ] && crm_attribute -t crm_config -n "$OTHER_ID" -v x >/dev/null 2>&1
  exit 0
fi
echo "$* $(readlink /proc/$$/fd/1)" >> {log}
exec {real} "$@"
"""


def _read_ahead_once(calls: list[str]) -> None:
    """The first whole-CIB query is the one started at process start; any later one re-read a CIB
    that had moved (another version), never the same one again."""
    queries = [c for c in calls if c.startswith("--query ")]
    assert queries and "memfd:clush-prefetch" in queries[0], calls
    versions = [q.rsplit(" ", 1)[-1] for q in queries]
    assert len(set(versions)) == len(versions), calls


def _clush(tmp_path: Path, *words: str, other: str = "",
           script: str | None = None) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    log = tmp_path / "calls.log"
    log.unlink(missing_ok=True)
    real = shutil.which("cibadmin", path="/usr/sbin:/usr/bin:/sbin:/bin")
    assert real
    (bindir / "cibadmin").write_text(WRAPPER.format(log=log, real=real))
    (bindir / "cibadmin").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("CIB_file", "CIB_shadow")}
    env.update(PATH=f"{bindir}:{env.get('PATH', '/usr/bin:/bin')}", OTHER_ID=other, LC_ALL="C",
               HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    res = subprocess.run([sys.executable, "-m", "clushell", *words], env=env, input=script or "",
                         capture_output=True, text=True, timeout=300, check=False)
    return res, log.read_text().splitlines() if log.exists() else []


def test_one_shot_add_reads_once_and_commits(live_cluster, fresh_id, tmp_path):
    rid = fresh_id("pf")
    res, calls = _clush(tmp_path, "configure", "primitive", rid, "ocf:pacemaker:Dummy", "meta", "target-role=Stopped")
    assert res.returncode == 0, res.stderr
    _read_ahead_once(calls)
    assert live_cluster.query(f"//primitive[@id='{rid}']")


def test_a_change_after_the_early_read_is_caught_and_kept(live_cluster, fresh_id, tmp_path):
    rid, other = fresh_id("pf"), fresh_id("pfother")
    try:
        res, calls = _clush(tmp_path, "configure", "primitive", rid, "ocf:pacemaker:Dummy", "meta",
                            "target-role=Stopped", other=other)
        assert res.returncode == 0, res.stderr
        assert "memfd:clush-prefetch" in calls[0]
        assert live_cluster.query(f"//primitive[@id='{rid}']")
        assert live_cluster.query(f"//nvpair[@name='{other}']")  # the other change is still there
        assert "changed by others since it was loaded" in res.stdout + res.stderr
    finally:
        live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", other, "-D"])


def test_a_script_on_standard_input_that_starts_in_configure(live_cluster, fresh_id, tmp_path):
    rid = fresh_id("pf")
    res, calls = _clush(tmp_path, script=f"# add one\nconfigure\nprimitive {rid} ocf:pacemaker:Dummy "
                        "meta target-role=Stopped\nshow " + rid + "\n")
    assert res.returncode == 0, res.stderr
    assert f"primitive {rid} ocf:pacemaker:Dummy" in res.stdout  # the peeked script ran whole
    _read_ahead_once(calls)
    assert live_cluster.query(f"//primitive[@id='{rid}']")
