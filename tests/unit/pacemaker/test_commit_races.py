"""Concurrent clush processes committing to one CIB file: no update is lost, every conflict is said.

Each round starts N clush processes on the same file; all load the CIB and make their edit,
then all commit at once. Rounds: CLUSH_RACE_ROUNDS (default kept small so this file runs in
well under a minute; the issue's 50 rounds with CLUSH_RACE_ROUNDS=50).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from tests.clushproc import ClushProc
from tests.realenv import require

ROUNDS = int(os.environ.get("CLUSH_RACE_ROUNDS", "3"))
COMMITTED = re.compile(r"committed; CIB epoch now (\d+)")
REFUSED = "commit refused: the CIB was changed by someone else"


def race(cib: Path, edits: list[list[str]]) -> list[str]:
    """One round: every process loads and edits, then all commit together; their stderr."""
    procs = [ClushProc(env={"CIB_file": str(cib)}) for _ in edits]
    for p, lines in zip(procs, edits, strict=True):
        p.send("configure", *lines)
    for p in procs:
        p.sync()  # all have loaded the CIB and made their edit: nobody has committed yet
    for p in procs:
        p.send("commit")
    for p in procs:
        p.close()
    return [p.stderr for p in procs]


def conf(cib: Path) -> etree._Element:
    return etree.parse(str(cib)).getroot()


def nv(root: etree._Element, name: str) -> str | None:
    found = root.xpath(f"//crm_config//nvpair[@name='{name}']/@value")
    return found[0] if found else None


def check_epochs(errs: list[str]) -> None:
    """Two processes never both claim the same new epoch (that was the silent overwrite)."""
    epochs = [m.group(1) for e in errs for m in COMMITTED.finditer(e)]
    assert len(epochs) == len(set(epochs)), errs


@pytest.fixture
def cib(cib_file: Path) -> Path:
    require("cibadmin", "crm_diff", "crm_verify", "crm_attribute")
    # no fencing devices here: without this crm_verify refuses the first primitive
    subprocess.run(["crm_attribute", "-t", "crm_config", "-n", "stonith-enabled", "-v", "false"],
                   env={**os.environ, "CIB_file": str(cib_file)}, check=True, capture_output=True)
    return cib_file


@pytest.mark.parametrize("n", [2, 4])
def test_adds_all_land(cib: Path, n: int):
    for rnd in range(ROUNDS):
        errs = race(cib, [[f"primitive r{i}x{rnd} ocf:pacemaker:Dummy meta target-role=Stopped"]
                          for i in range(n)])
        check_epochs(errs)
        root = conf(cib)
        for i in range(n):
            assert COMMITTED.search(errs[i]), errs[i]
            assert root.find(f".//primitive[@id='r{i}x{rnd}']") is not None, f"round {rnd}: r{i} lost: {errs}"


@pytest.mark.parametrize("n", [2, 4])
def test_different_objects_all_land(cib: Path, n: int):
    for rnd in range(ROUNDS):
        errs = race(cib, [[f"property $id=set{i} attr{i}=v{rnd}"] for i in range(n)])
        check_epochs(errs)
        root = conf(cib)
        for i in range(n):
            assert COMMITTED.search(errs[i]), errs[i]
            got = root.xpath(f"//cluster_property_set[@id='set{i}']/nvpair[@name='attr{i}']/@value")
            assert got == [f"v{rnd}"], f"round {rnd}: process {i}'s change lost: {errs}"


@pytest.mark.parametrize("n", [2, 4])
def test_same_attribute_one_wins_the_others_are_told(cib: Path, n: int):
    for rnd in range(ROUNDS):
        errs = race(cib, [[f"property shared=p{i}r{rnd}"] for i in range(n)])
        check_epochs(errs)
        winners = [i for i, e in enumerate(errs) if COMMITTED.search(e)]
        refused = [i for i, e in enumerate(errs) if REFUSED in e]
        assert len(winners) == 1 and len(refused) == n - 1, f"round {rnd}: {errs}"
        assert nv(conf(cib), "shared") == f"p{winners[0]}r{rnd}"


def test_lock_file_beside_the_cib_and_no_temp_left(cib: Path):
    race(cib, [["primitive lone ocf:pacemaker:Dummy meta target-role=Stopped"]])
    names = sorted(p.name for p in cib.parent.iterdir())
    assert names == [f".{cib.name}.lock", cib.name], names


def test_resource_operations_and_commits_both_land(cib: Path):
    """crm_resource / crm_attribute through clush take the same lock as commits."""
    race(cib, [["primitive opsr ocf:pacemaker:Dummy meta target-role=Stopped"]])
    for rnd in range(ROUNDS):
        committer = ClushProc(env={"CIB_file": str(cib)})
        operator = ClushProc(env={"CIB_file": str(cib)})
        committer.send("configure", f"property $id=opsset v=r{rnd}")
        committer.sync()
        committer.send("commit")
        operator.send(f"resource meta opsr set priority {rnd + 1}")
        committer.close()
        operator.close()
        root = conf(cib)
        where = f"round {rnd}: {committer.stderr} {operator.stderr}"
        assert root.xpath("//cluster_property_set[@id='opsset']/nvpair[@name='v']/@value") == [f"r{rnd}"], where
        assert root.xpath("//primitive[@id='opsr']/meta_attributes/nvpair[@name='priority']/@value") == \
            [str(rnd + 1)], where


def test_commit_through_a_symlink_keeps_the_link(cib: Path):
    link = cib.parent / "link.xml"
    link.symlink_to(cib.name)
    p = ClushProc(env={"CIB_file": str(link)})
    p.send("configure", "primitive vialink ocf:pacemaker:Dummy meta target-role=Stopped", "commit")
    assert p.close() == 0, p.stderr
    assert link.is_symlink()
    assert conf(cib).find(".//primitive[@id='vialink']") is not None
