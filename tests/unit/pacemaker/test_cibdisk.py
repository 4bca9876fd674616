"""The live CIB assembled from the CIB manager's file (clushell.pacemaker.cibdisk): used only when
it is exactly the running configuration; anything else reads the whole CIB through cibadmin.

A fake `cibadmin` first on PATH answers the three reads (and logs them); the CIB manager's file
is a file of ours (``_disk_path``). The real thing: tests/real/test_cib_prefetch_live.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

from clushell.pacemaker import cibdisk, cibio
from clushell.transport.local import LocalRunner

HEAD = '<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="{epoch}" num_updates="5" admin_epoch="0"/>'
STATUS = '<status>\n  <node_state id="1" uname="node1" in_ccm="true"/>\n</status>'
CONF = ('<configuration>\n    <crm_config/>\n    <nodes/>\n    <resources>\n      <primitive id="d1" class="ocf" '
        'provider="pacemaker" type="Dummy"/>\n    </resources>\n    <constraints/>\n  </configuration>')
FILE = ('<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="{epoch}" num_updates="0" '
        'admin_epoch="0" cib-last-written="x > y">\n  ' + CONF + '\n</cib>\n')
WHOLE = '<cib validate-with="pacemaker-3.9" epoch="99" num_updates="0" admin_epoch="0">' + CONF + '<status/></cib>'
FAKE = """#!/bin/sh
echo "$*" >> {log}
case "$*" in
  "--query --no-children --xpath /cib") cat {dir}/head ;;
  "--query --scope status") cat {dir}/status ;;
  "--query") cat {dir}/whole ;;
  *) exit 1 ;;
esac
"""


@pytest.fixture
def disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "calls.log"
    (bindir / "cibadmin").write_text(FAKE.format(log=log, dir=tmp_path))
    (bindir / "cibadmin").chmod(0o755)
    (tmp_path / "head").write_text(HEAD.format(epoch=12) + "\n")
    (tmp_path / "status").write_text(STATUS + "\n")
    (tmp_path / "whole").write_text(WHOLE)
    cib = tmp_path / "cib.xml"
    cib.write_text(FILE.format(epoch=12))
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ['PATH']}")
    for k in ("CIB_file", "CIB_shadow", "CIB_port", "CIB_server"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setattr(cibdisk, "_disk_path", lambda: str(cib))
    monkeypatch.setattr(os, "geteuid", lambda: 0)

    def calls() -> list[str]:
        return log.read_text().splitlines() if log.exists() else []

    return cib, tmp_path, calls


def _canon(xml: bytes | str) -> bytes:
    return etree.tostring(etree.fromstring(xml.encode() if isinstance(xml, str) else xml,
                                           etree.XMLParser(remove_blank_text=True)))


def test_the_running_cib_from_its_element_the_file_and_the_status(disk) -> None:
    cib, _, calls = disk
    got = cibio.query(LocalRunner())
    root = etree.fromstring(got)
    # the running <cib> element's attributes (num_updates from the daemon, not the file's 0)
    assert dict(root.attrib) == dict(etree.fromstring(HEAD.format(epoch=12)).attrib)
    assert [el.tag for el in root] == ["configuration", "status"]
    assert _canon(etree.tostring(root[0])) == _canon(CONF)
    assert _canon(etree.tostring(root[1])) == _canon(STATUS)
    assert calls() == ["--query --no-children --xpath /cib", "--query --scope status"]  # never the whole CIB


@pytest.mark.parametrize("spoil", [
    lambda cib, d: cib.write_text(FILE.format(epoch=11)),  # the file is behind the running CIB
    lambda cib, d: cib.write_text(FILE.format(epoch=13)),  # or ahead (changed after the <cib> read)
    lambda cib, d: cib.write_text(FILE.format(epoch=12).replace('admin_epoch="0"', 'admin_epoch="1"')),
    lambda cib, d: cib.write_text(FILE.format(epoch=12).replace("pacemaker-3.9", "pacemaker-3.8")),
    lambda cib, d: cib.write_text(FILE.format(epoch=12).replace("</cib>", "<status/></cib>")),
    lambda cib, d: cib.write_text(FILE.format(epoch=12).replace("\n  <configuration>",
                                                                 "<!-- <configuration> --><configuration>")),
    lambda cib, d: cib.write_text(FILE.format(epoch=12)[:-200]),  # cut short
    lambda cib, d: cib.unlink(),
    lambda cib, d: (d / "head").write_text("<cib epoch='12'"),
    lambda cib, d: (d / "status").write_text("no status here\n"),
], ids=["behind", "ahead", "admin_epoch", "schema", "status-in-file", "comment-first", "cut", "missing",
        "bad-head", "bad-status"])
def test_anything_unusual_reads_the_whole_cib(disk, spoil) -> None:
    cib, d, calls = disk
    spoil(cib, d)
    assert cibio.query(LocalRunner()) == WHOLE.encode()
    assert calls()[-1] == "--query"


@pytest.mark.parametrize("why", ["not-root", "cib-file", "shadow", "remote-cib"])
def test_only_the_cluster_here_as_root(disk, monkeypatch: pytest.MonkeyPatch, why: str) -> None:
    _, _, calls = disk
    if why == "not-root":
        monkeypatch.setattr(os, "geteuid", lambda: 1000)
    elif why == "cib-file":
        runner = LocalRunner({"CIB_file": "/nonexistent.xml"})
        assert cibdisk.read(runner) is None and not calls()
        return
    elif why == "shadow":
        monkeypatch.setenv("CIB_shadow", "s1")
    else:
        monkeypatch.setenv("CIB_port", "1234")
    assert cibdisk.read(LocalRunner()) is None and not calls()
    assert cibdisk.reads() == ()


def test_the_read_ahead_asks_what_read_will_ask(disk) -> None:
    assert cibdisk.reads() == (cibdisk.HEAD_ARGV, cibdisk.STATUS_ARGV)
