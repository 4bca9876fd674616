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
from lxml import etree

from clushell.pacemaker import cibdisk, cibio
from clushell.transport.local import LocalRunner

pytestmark = pytest.mark.live

# each call logs "ARGS|stdout|version"; a whole-CIB query logs the version it answered with: a
# second one is expected only after the CIB moved (the cluster writes status updates, e.g. probes
# of resources other tests created, and the CIB manager's file may lag a change just made). The
# other change (OTHER_ID) is made once, right after the last read clush makes to load: the whole
# query, or as root the status (clushell.pacemaker.cibdisk).
WRAPPER = """#!/bin/sh
case "$*" in
  "--query"|"--query --scope status")
    out=$(mktemp) || exit 70
    {real} "$@" > "$out" || {{ rc=$?; rm -f "$out"; exit $rc; }}
    v=$(head -c 600 "$out" | grep -o ' epoch="[0-9]*"\\| num_updates="[0-9]*"' | tr -d '\\n ')
    echo "$*|$(readlink /proc/$$/fd/1)|$v" >> {log}
    cat "$out"; rm -f "$out"
    if [ -n "$OTHER_ID" ] && mkdir {log}.changed 2>/dev/null; then
      crm_attribute -t crm_config -n "$OTHER_ID" -v x >/dev/null 2>&1
    fi
    exit 0 ;;
esac
echo "$*|$(readlink /proc/$$/fd/1)|" >> {log}
exec {real} "$@"
"""


def _read_ahead_once(calls: list[str]) -> None:
    """The first read is the one started at process start; the whole CIB is read again only when
    it had moved (another version), never the same one again."""
    reads = [c.split("|") for c in calls if c.startswith("--query")]
    assert reads and "memfd:clush-prefetch" in reads[0][1], calls
    versions = [v for args, _, v in reads if args == "--query"]
    assert len(set(versions)) == len(versions), calls
    if cibdisk.reads():  # as root: the configuration came from the CIB manager's file
        assert [r[0] for r in reads[:2]] == [" ".join(cibdisk.HEAD_ARGV[1:]), " ".join(cibdisk.STATUS_ARGV[1:])]
        assert all("memfd:clush-prefetch" in r[1] for r in reads[:2]), calls


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
        assert "memfd:clush-prefetch" in calls[0].split("|")[1]
        assert live_cluster.query(f"//primitive[@id='{rid}']")
        assert live_cluster.query(f"//nvpair[@name='{other}']")  # the other change is still there
        # made after clush's last read (read ahead, so possibly before clush read the file): either
        # the file showed it (and the whole CIB was read: no conflict to tell) or the commit said it
        reread = [c for c in calls[2:] if c.startswith("--query|")] if cibdisk.reads() else []
        assert reread or "changed by others since it was loaded" in res.stdout + res.stderr, calls
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


def test_the_cib_from_the_file_is_the_running_one(live_cluster, fresh_id):
    """As root on the cluster here, the configuration comes from the CIB manager's file: the same
    document as `cibadmin --query`, right after a change too (then the file may lag: read it all)."""
    assert os.geteuid() != 0 or cibdisk.reads(), "running as root beside a cluster: the file must be found"
    parser = etree.XMLParser(remove_blank_text=True)
    names = [fresh_id("disk") for _ in range(3)]
    try:
        for name in names:
            live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", name, "-v", "1"])
            for _ in range(5):  # the reads are not one request: again while status updates move on
                ours = etree.fromstring(cibio.query(LocalRunner()), parser)
                theirs = etree.fromstring(live_cluster.query().encode(), parser)
                if ours.get("num_updates") == theirs.get("num_updates"):
                    break
            assert etree.tostring(ours.find("configuration")) == etree.tostring(theirs.find("configuration"))
            assert dict(ours.attrib) == dict(theirs.attrib)
            assert f'name="{name}"' in etree.tostring(ours).decode()
    finally:
        for name in names:
            live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", name, "-D"])
