"""Issue 14 class 8: `configure default-timeouts` and `configure graph` as crm 4.4.1 does them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import crm_oracle
from tests.conformance.crmdiff import PRE, assert_same, base_cib, both, cases, run_clush_on
from tests.conftest import run_clush

pytestmark = pytest.mark.crmsh

SETUP = PRE + """primitive d1 Dummy op monitor interval=10s op stop timeout=5s
primitive d2 Dummy
primitive d3 Dummy meta allow-migrate=true op migrate_to timeout=1s interval=0
primitive s1 ocf:pacemaker:Stateful
primitive s2 ocf:pacemaker:Stateful op monitor interval=10s
ms m1 s1
clone c2 s2 meta promotable=true
rsc_template tpl Dummy
primitive t1 @tpl
group g1 d2
"""

TIMEOUTS = {
    "existing-ops": "default-timeouts d1",
    "no-ops": "default-timeouts d2",
    "migrate": "default-timeouts d3",
    "ms": "default-timeouts s1",
    "promotable-clone": "default-timeouts s2",
    "template": "default-timeouts t1",
    "twice": "default-timeouts d1\ndefault-timeouts d1",
}


@pytest.mark.parametrize("name", cases(TIMEOUTS, {}))
def test_default_timeouts_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    assert_same(both(tmp_path, TIMEOUTS[name], setup=SETUP))


def test_default_timeouts_each_primitive_its_own_ops(tmp_path: Path) -> None:
    """crm 4.4.1 shares the list of missing ops between the ids of one line (d2 gets no stop
    because d1 has one); clush treats each primitive alone: the same as two commands."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = both(tmp_path / "a", "default-timeouts d1 d2", setup=SETUP)
    two = both(tmp_path / "b", "default-timeouts d1\ndefault-timeouts d2", setup=SETUP)
    assert one.clush.rc == 0, one.clush.err
    assert crm_oracle.canon(one.clush.cib) == crm_oracle.canon(two.crm.cib)
    assert crm_oracle.canon(one.crm.cib) != crm_oracle.canon(two.crm.cib)  # crm's slip, still there


def test_default_timeouts_refuses_unknown_ids_and_changes_nothing(tmp_path: Path) -> None:
    cib = base_cib(tmp_path, "c.xml", SETUP)
    before = crm_oracle.canon(cib)
    for script, message in (("default-timeouts d1 nosuch", "object nosuch does not exist"),
                            ("default-timeouts g1", "g1 is not a primitive")):
        run = run_clush_on(cib, f"configure\n{script}\ncommit\n")
        assert run.rc != 0
        assert len(run.errors()) == 1 and message in run.errors()[0], run.err
        assert crm_oracle.canon(cib) == before


GRAPH_SETUP = PRE + """node node1
node node2
primitive a Dummy
primitive b Dummy
primitive c Dummy
primitive st stonith:fence_dummy
primitive s1 ocf:pacemaker:Stateful
primitive l-s lsb:foo
rsc_template tpl Dummy
primitive t1 @tpl
primitive _u Dummy
group g1 a b
clone cl c
ms m1 s1
location l1 g1 100: node1
location l2 cl rule 50: #uname eq node2
location l3 l-s rule -inf: #uname eq node1
location l4 _u inf: node2
colocation co1 inf: cl g1
order o1 Mandatory: m1:promote g1
order o2 Optional: t1 ( a b )
order o3 Mandatory: _u [ st l-s ] t1
"""


def test_graph_is_crms_dot_text(tmp_path: Path) -> None:
    cib = base_cib(tmp_path, "g.xml", GRAPH_SETUP)
    want = tmp_path / "crm.dot"
    crm = crm_oracle.crm(cib, f"configure graph dot {want}\n")
    assert crm.returncode == 0 and want.exists(), crm.stderr
    got = run_clush("configure", "graph", env={"CIB_file": str(cib)})
    assert got.returncode == 0, got.stderr
    assert got.stdout == want.read_text()
    mine = tmp_path / "clush.dot"
    saved = run_clush("configure", "graph", "dot", str(mine), env={"CIB_file": str(cib)})
    assert saved.returncode == 0 and not saved.stdout, saved.stderr
    assert mine.read_text() == want.read_text()


def test_graph_image_needs_dot_or_renders(tmp_path: Path) -> None:
    cib = base_cib(tmp_path, "g.xml", GRAPH_SETUP)
    out = tmp_path / "g.svg"
    res = run_clush("configure", "graph", "dot", str(out), "svg", env={"CIB_file": str(cib)})
    if shutil.which("dot"):
        assert res.returncode == 0, res.stderr
        assert out.read_text().lstrip().startswith(("<?xml", "<svg"))
    else:
        assert res.returncode != 0
        assert res.stderr.strip().count("\n") == 0
        assert "Graphviz's dot, which is not installed" in res.stderr
        assert not out.exists()


@pytest.mark.parametrize("args", ["stonith-enabled", "-t stonith-enabled", "no-quorum-policy",
                                  "--true maintenance-mode", "-t nosuch", "stonith-enabled no-quorum-policy"])
def test_get_property_prints_what_crm_prints(args: str, tmp_path: Path) -> None:
    cib = base_cib(tmp_path, "p.xml", PRE)
    crm = crm_oracle.crm(cib, f"configure get_property {args}\n")
    ours = run_clush("configure", "get_property", *args.split(), env={"CIB_file": str(cib)})
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == crm.stdout.decode()


def test_get_property_unknown_is_one_error(tmp_path: Path) -> None:
    cib = base_cib(tmp_path, "p.xml", PRE)
    ours = run_clush("configure", "get_property", "nosuch", env={"CIB_file": str(cib)})
    assert ours.returncode != 0
    assert ours.stderr.count("ERROR") == 1 and "nosuch: property not set" in ours.stderr
