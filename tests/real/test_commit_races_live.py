"""Concurrent clush processes and Ctrl-C during commits on the live single-node cluster.

The same promises as on CIB files (tests/unit/pacemaker/test_commit_races.py,
test_commit_interrupt.py): no update lost, every conflict said, and an interrupted commit
says whether it was applied. Rounds: CLUSH_RACE_ROUNDS; interrupts: CLUSH_SIGINT_TRIALS.
"""

from __future__ import annotations

import os
import random
import re
import time

import pytest

from tests.clushproc import ClushProc
from tests.real.test_commit import clush_live

pytestmark = pytest.mark.live

ROUNDS = int(os.environ.get("CLUSH_RACE_ROUNDS", "3"))
TRIALS = int(os.environ.get("CLUSH_SIGINT_TRIALS", "6"))
COMMITTED = re.compile(r"committed; CIB epoch now (\d+)")
REFUSED = "commit refused: the CIB was changed by someone else"


def race(edits: list[list[str]]) -> list[str]:
    procs = [ClushProc(argv=clush_live()) for _ in edits]
    for p, lines in zip(procs, edits, strict=True):
        p.send("configure", *lines)
    for p in procs:
        p.sync()
    for p in procs:
        p.send("commit")
    for p in procs:
        p.close()
    return [p.stderr for p in procs]


@pytest.mark.parametrize("n", [2, 4])
def test_live_adds_and_different_objects_all_land(live_cluster, fresh_id, n):
    for rnd in range(ROUNDS):
        rids = [fresh_id(f"race{i}") for i in range(n)]
        sets = [fresh_id(f"set{i}") for i in range(n)]
        errs = race([[f"primitive {rids[i]} ocf:pacemaker:Dummy meta target-role=Stopped",
                      f"property $id={sets[i]} attr{i}=v{rnd}"] for i in range(n)])
        for i in range(n):
            assert COMMITTED.search(errs[i]), f"round {rnd}: {errs[i]}"
            assert live_cluster.query(f"//primitive[@id='{rids[i]}']"), f"round {rnd}: {rids[i]} lost: {errs}"
            assert f'value="v{rnd}"' in live_cluster.query(f"//cluster_property_set[@id='{sets[i]}']/nvpair"), \
                f"round {rnd}: process {i}'s property lost: {errs}"


@pytest.mark.parametrize("n", [2, 4])
def test_live_same_attribute_one_wins_the_others_are_told(live_cluster, prop, n):
    for rnd in range(ROUNDS):
        errs = race([[f"property {prop}=p{i}r{rnd}"] for i in range(n)])
        winners = [i for i, e in enumerate(errs) if COMMITTED.search(e)]
        refused = [i for i, e in enumerate(errs) if REFUSED in e]
        assert len(winners) == 1 and len(refused) == n - 1, f"round {rnd}: {errs}"
        assert f'value="p{winners[0]}r{rnd}"' in live_cluster.query(f"//nvpair[@name='{prop}']")


def test_live_sigint_during_commit_says_what_happened(live_cluster, fresh_id):
    seed = int(os.environ.get("CLUSH_SIGINT_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    for t in range(TRIALS):
        rid = fresh_id(f"int{t}")
        p = ClushProc(argv=clush_live())
        p.send("configure", f"primitive {rid} ocf:pacemaker:Dummy meta target-role=Stopped")
        p.sync(timeout=120)
        delay = rng.uniform(0, 1.5)
        p.send("commit")
        time.sleep(delay)
        p.interrupt()
        rc = p.close()
        err = p.stderr
        applied = bool(live_cluster.query(f"//primitive[@id='{rid}']"))
        said_applied = "the change was applied" in err or "committed; CIB epoch now" in err
        said_nothing = "nothing was changed" in err
        where = f"trial {t} (seed {seed}, {delay:.2f} s, rc {rc})"
        assert said_applied != said_nothing, f"{where}: {err}"
        assert applied == said_applied, f"{where}: the CIB {'has' if applied else 'lacks'} {rid}: {err}"
        assert "Traceback" not in err
