"""What runs where, from recorded crm_mon output (tests/data/crm_mon)."""

from __future__ import annotations

from clushell.pacemaker import mon
from tests.paths import DATA


def states(case: str) -> dict[str, bool]:
    return mon.run_states(mon.parse((DATA / "crm_mon" / f"{case}.xml").read_text()))


def test_clones_and_their_primitives_run():
    got = states("clones")
    assert got["ping-clone"] and got["ping"]
    assert got["state-clone"] and got["uniq-clone"] and got["uniq"]


def test_empty_cluster_runs_nothing():
    assert states("empty") == {}
