"""crm_simulate what-if parsing and rendering (real crm_simulate on the demo CIB)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clushell.pacemaker import simulate
from clushell.transport.local import LocalRunner
from tests.realenv import require


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    require("crm_simulate", "cibadmin")
    from clushell.sandbox import demo_cib

    path = tmp_path / "demo.xml"
    path.write_text(demo_cib())
    return path


def test_down_node_moves_group(demo: Path) -> None:
    runner = LocalRunner({"CIB_file": str(demo)})
    sim = simulate.run(runner, str(demo), ["-d", "node1"])
    assert [str(a) for a in sim.actions] == ["start vip on node2", "start webserver on node2"]
    assert sim.modifications == ["modify node: action=Offline node=node1"]
    assert sim.after is not None and sim.after.placement("webservice") == [("node2", "Started")]
    text = simulate.render(sim)
    assert "Pretending:" in text and "Transition summary:" in text and "Resources would run:" in text


def test_scores_and_apply(demo: Path) -> None:
    runner = LocalRunner({"CIB_file": str(demo)})
    sim = simulate.run(runner, str(demo), scores=True)
    assert ("vip", "node1", "100") in sim.scores  # stickiness where it runs
    assert sim.actions == []
    assert runner.run(["crm_attribute", "-N", "node1", "-n", "standby", "-v", "on"]).ok
    sim = simulate.run(runner, str(demo), apply=True)
    assert [str(a) for a in sim.actions] == ["move vip node1 -> node2", "move webserver node1 -> node2"]
    assert sim.applied and "carried out on the sandbox file" in simulate.render(sim)
    from clushell.pacemaker import mon

    assert mon.fetch(runner).placement("webservice") == [("node2", "Started")]  # the file changed


@pytest.mark.parametrize("attrs, text", [
    ({"role": "Unpromoted", "next-role": "Promoted", "source": "node2"},
     "promote s:1 on node2 (Unpromoted -> Promoted)"),
    ({"source": "node1", "dest": "node2"}, "promote s:1 node1 -> node2"),
    ({}, "promote s:1"),
])
def test_action_text(attrs: dict[str, str], text: str) -> None:
    assert str(simulate.Action("promote", "s:1", attrs)) == text
