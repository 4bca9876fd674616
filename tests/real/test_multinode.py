"""The seed's failover experiment on a real 3-node cluster (namespaces; see tests/realenv/multinode.py).

clush runs on a node and over SSH from the client namespace: it commits the web service
group, standby moves it, online leaves it (stickiness), a crashed node's resources fail
over, and status shows online/standby/OFFLINE, quorum and the DC as they are.
"""

from __future__ import annotations

import json

import pytest

from tests.realenv.multinode import Lab

pytestmark = pytest.mark.multinode

WEB = """configure
rsc_defaults resource-stickiness=100
primitive vip ocf:heartbeat:Dummy op monitor interval=5s timeout=20s
primitive webserver ocf:heartbeat:Dummy op monitor interval=5s timeout=20s
group webservice vip webserver
commit
"""


def _status(lab: Lab, i: int) -> dict:
    res = lab.clush_on(i, "status", "json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def _states(doc: dict) -> dict[str, str]:
    return {n["name"]: n["state"] for n in doc["nodes"]}


@pytest.fixture(scope="module")
def web(lab: Lab) -> str:
    """The web service committed by clush on node 1; returns the node it started on."""
    res = lab.clush_on(1, input=WEB)
    assert res.returncode == 0, res.stderr
    nodes = lab.wait(lambda: lab.where("webservice", 1), 60, what="webservice started")
    assert len(nodes) == 1
    return next(iter(nodes))


def test_all_nodes_online_with_dc_and_quorum(lab: Lab) -> None:
    doc = _status(lab, 2)
    assert _states(doc) == {"mnode1": "online", "mnode2": "online", "mnode3": "online"}
    assert doc["summary"]["quorum"] is True and doc["summary"]["dc"] in _states(doc)
    text = lab.clush_on(3, "status").stdout
    assert "partition with quorum" in text
    dc = doc["summary"]["dc"]
    assert any(line.split()[:3] == [dc, "online", "DC"] for line in text.splitlines())


def test_standby_moves_group_and_online_keeps_it(lab: Lab, web: str) -> None:
    here = lab.where("webservice", 1)
    assert len(here) == 1
    running = next(iter(here))
    other = next(i for i in range(1, lab.n + 1) if lab.name(i) != running)
    # over SSH from the client namespace, to a node that is not the one running the group
    res = lab.clush_ssh(other, "node", "standby", running, "-w")
    assert res.returncode == 0, res.stderr
    moved = lab.wait(lambda: lab.where("webservice", other) - {running}, 60, what="group moved")
    assert "vip: Started " + running in res.stdout
    doc = _status(lab, other)
    assert _states(doc)[running] == "standby"
    new_home = next(iter(moved))
    res = lab.clush_ssh(other, "node", "online", running, "-w")
    assert res.returncode == 0, res.stderr
    assert _states(_status(lab, other))[running] == "online"
    assert lab.where("webservice", other) == {new_home}  # resource-stickiness keeps it there


def test_crash_fails_over_and_status_shows_offline(lab: Lab, web: str) -> None:
    running = next(iter(lab.wait(lambda: lab.where("webservice", 1), 60, what="group running")))
    victim = lab.index(running)
    witness = next(i for i in range(1, lab.n + 1) if i != victim)
    old_dc = _status(lab, witness)["summary"]["dc"]
    lab.crash(victim)
    try:
        survivors = lab.wait(lambda: lab.where("webservice", witness) - {running}, 90, what="failover")
        assert running not in survivors
        doc = lab.wait(lambda: (d := _status(lab, witness)) and _states(d)[running] == "offline" and d,
                       60, what="crashed node shown offline")
        assert doc["summary"]["quorum"] is True  # 2 of 3 votes
        assert doc["summary"]["dc"] and doc["summary"]["dc"] != running
        if old_dc != running:
            assert doc["summary"]["dc"] == old_dc
        text = lab.clush_on(witness, "status").stdout
        assert f"{running}  OFFLINE" in text and "partition with quorum" in text
    finally:
        lab.start_stack(victim)
        lab.wait(lambda: _states(_status(lab, witness)).get(running) == "online", 120, what="node rejoined")


def test_quorum_loss_stops_the_group_and_status_says_so(lab: Lab, web: str) -> None:
    """Stopping two of three nodes leaves the last one without quorum: it stops the group."""
    keep = 1
    gone = [i for i in range(1, lab.n + 1) if i != keep]
    try:
        for i in gone:
            lab.stop_stack(i)
        doc = lab.wait(lambda: (d := _status(lab, keep)) and d["summary"]["quorum"] is False and d, 60,
                       what="quorum lost")
        assert {lab.name(i) for i in gone} == {n for n, s in _states(doc).items() if s == "offline"}
        assert doc["summary"]["dc"] == lab.name(keep)
        lab.wait(lambda: not lab.where("webservice", keep), 60, what="group stopped without quorum")
        text = lab.clush_on(keep, "status").stdout
        assert "partition WITHOUT quorum" in text
        assert all(f"{lab.name(i)}  OFFLINE" in text for i in gone)
    finally:
        for i in gone:
            lab.start_stack(i)
        lab.wait(lambda: lab.state(keep)[1:] == (lab.n, True), 120, what="all nodes back with quorum")
    lab.wait(lambda: lab.where("webservice", keep), 60, what="group started again")
