"""Status rendering on recorded crm_mon XML (golden text), JSON shape and colour styles.

The recordings in tests/data/crm_mon/ come from real crm_mon runs on CIB files driven by
crm_simulate (see make_recordings.py). Regenerate the golden text after an intended
change of the layout with:  python -m tests.unit.pacemaker.test_status_view --regen
"""

from __future__ import annotations

import json
import sys

import pytest

from clushell.pacemaker import mon, status_text
from clushell.pacemaker.status_text import ViewOptions
from tests.paths import DATA as TEST_DATA

DATA = TEST_DATA / "crm_mon"
CASES = sorted(p.stem for p in DATA.glob("*.xml"))
VIEWS = {"": [], "-full": ["full"]}


def _render(case: str, words: list[str]) -> str:
    st = mon.parse((DATA / f"{case}.xml").read_text())
    return status_text.render_plain(st, ViewOptions.from_words(words))


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, view: str) -> None:
    golden = DATA / f"{case}{view}.txt"
    assert golden.exists(), f"missing golden {golden.name}; run python -m tests.unit.pacemaker.test_status_view --regen"
    assert _render(case, VIEWS[view]) == golden.read_text()


def test_recordings_cover_the_states() -> None:
    """The recorded outputs really contain what the golden tests claim to cover."""
    states = {n.state for c in CASES for n in mon.parse((DATA / f"{c}.xml").read_text()).nodes}
    assert {"online", "standby", "maintenance", "offline", "unclean"} <= states
    parsed = [mon.parse((DATA / f"{c}.xml").read_text()) for c in CASES]
    kinds = {r.kind for st in parsed for r in st.resources}
    assert {"group", "clone", "primitive"} <= kinds
    assert any(getattr(r, "promotable", False) for st in parsed for r in st.resources)
    assert any(st.failures for st in parsed) and any(st.tickets for st in parsed)
    assert any(not p.managed for st in parsed for p in st.primitives())


def test_standby_group_moved() -> None:
    st = mon.parse((DATA / "group-standby.xml").read_text())
    assert st.node("node1").state == "standby"
    assert st.placement("webservice") == [("node2", "Started")]
    text = _render("group-standby", [])
    assert "node1  standby" in text and "vip" in text and "Started node2" in text


def test_promotable_roles() -> None:
    st = mon.parse((DATA / "clones.xml").read_text())
    roles = sorted(st.placement("state-clone"))
    assert ("node2", "Promoted") in roles and ("node1", "Unpromoted") in roles
    text = _render("clones", [])
    assert "promotable clone state-clone [state]" in text
    assert "    Promoted: node2" in text and "    Unpromoted: node1 node3" in text
    assert "uniq:0" in text and "uniq:1" in text


def test_failed_action_and_failcount() -> None:
    st = mon.parse((DATA / "failed.xml").read_text())
    assert st.failures[0].resource == "app" and st.failures[0].task == "monitor"
    assert [(c.resource, c.node, c.fail_count) for c in st.failcounts] == [("app", "node1", 1)]
    full = _render("failed", ["full"])
    assert "app on node1: fail-count=1" in full
    assert "cli-ban-app-on-node2: app avoids node2" in full
    assert "spare" in full and "Stopped (disabled)" in full


def test_blocked_failed_resource() -> None:
    st = mon.parse((DATA / "blocked.xml").read_text())
    app = st.find("app")
    assert app.failed and app.blocked and st.summary.resources_blocked == 1
    text = _render("blocked", [])
    assert "FAILED node1" in text and "(blocked)" in text and "1 BLOCKED" in text
    styles = {t.plain[s.start:s.end]: str(s.style) for t in [status_text.render_rich(st)] for s in t.spans}
    assert styles["FAILED"] == "bold red"


def test_json_shape() -> None:
    st = mon.parse((DATA / "offline-tickets.xml").read_text())
    doc = json.loads(json.dumps(st.to_json()))
    assert set(doc) == {"summary", "nodes", "resources", "failures", "failcounts", "bans", "tickets", "fencing"}
    assert doc["summary"]["nodes_configured"] == 3
    node3 = next(n for n in doc["nodes"] if n["name"] == "node3")
    assert node3["state"] == "offline" and node3["online"] is False
    group = doc["resources"][0]
    assert group["kind"] == "group" and [c["id"] for c in group["children"]] == ["vip", "webserver"]
    assert group["children"][0]["nodes"] == ["node1"]
    assert {t["id"]: t["status"] for t in doc["tickets"]} == {"ticketA": "granted", "ticketB": "revoked"}


def test_colour_styles_mean_state() -> None:
    st = mon.parse((DATA / "offline-tickets.xml").read_text())
    text = status_text.render_rich(st)
    styles = {text.plain[s.start:s.end]: str(s.style) for s in text.spans}
    assert styles["Started"] == "green"
    assert styles["OFFLINE"] == "red"
    assert styles["online"] == "green"


def test_not_xml_is_one_line_error() -> None:
    from clushell.errors import ClushError

    with pytest.raises(ClushError, match="not XML"):
        mon.parse("crm_mon: Connection to cluster failed")


def regen() -> None:
    for case in CASES:
        for view, words in VIEWS.items():
            (DATA / f"{case}{view}.txt").write_text(_render(case, words))
            print(f"wrote {case}{view}.txt")


if __name__ == "__main__":
    if "--regen" in sys.argv:
        regen()
