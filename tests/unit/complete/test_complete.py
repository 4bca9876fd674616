"""Completion engine on a real CIB file with the installed resource agents (no terminal involved)."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest

from clushell.commands.root import GLOBALS, build_tree
from clushell.commands.tree import Arg, Kind, command
from clushell.complete.engine import ArgContext, Candidate, arg_at, complete_line, kind_candidates, split_current
from clushell.complete.sources import Providers
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session
from tests.realenv import require

CONFIG = """\
node node1
node node2
primitive d1 ocf:heartbeat:Dummy
primitive d2 ocf:pacemaker:Dummy params state=/tmp/d2.state op monitor interval=10s
primitive d3 ocf:heartbeat:Dummy
primitive free1 ocf:heartbeat:Dummy
primitive fence1 stonith:fence_dummy
primitive st1 ocf:pacemaker:Stateful
group g1 d1 d3
clone c2 d2
ms ms1 st1
location l1 g1 100: node1
property stonith-enabled=false
tag t1 d1 d3
rsc_template tpl1 ocf:heartbeat:Dummy
"""


def populate(path: Path) -> None:
    env = dict(os.environ, CIB_file=str(path))
    text = "configure\n" + CONFIG.replace("primitive fence1 stonith:fence_dummy\n", "") + "commit\n"
    res = subprocess.run([*_clush(), "-F"], input=text, capture_output=True, text=True, env=env, check=False)
    assert res.returncode == 0, res.stderr


def _clush() -> list[str]:
    from tests.conftest import clush_argv

    return clush_argv()


@pytest.fixture(scope="module")
def populated(tmp_path_factory) -> Path:
    require("cibadmin", "crm_resource")
    path = tmp_path_factory.mktemp("cib") / "cib.xml"
    path.write_text(subprocess.run(["cibadmin", "--empty"], capture_output=True, text=True, check=True).stdout)
    populate(path)
    return path


@pytest.fixture
def comp(populated):
    session = Session(Options(cib_file=str(populated)), build_tree(),
                      Output(color=False, stdout=io.StringIO(), stderr=io.StringIO()))
    Dispatcher(session, GLOBALS)
    providers = Providers(session)

    def run(text: str, at: str = "") -> list[Candidate]:
        if at:
            assert session.dispatcher.run_line(at)
        return complete_line(session, text, providers)

    run.session = session  # type: ignore[attr-defined]
    return run


def texts(cands: list[Candidate]) -> list[str]:
    return [c.text for c in cands]


# -- the tree ---------------------------------------------------------------------------------------
def test_root_words_levels_and_globals(comp) -> None:
    got = texts(comp(""))
    root = build_tree()
    for name in root.names():
        assert name in got
    for g in GLOBALS:
        assert g.name in got
    assert len(got) == len(set(got))


def test_prefix_filters_and_help_is_meta(comp) -> None:
    got = comp("conf")
    assert texts(got) == ["configure"]
    assert got[0].meta == build_tree().level("configure").help


def test_level_words_after_level_and_inside(comp) -> None:
    inside = texts(comp("", at="cd configure"))
    for name in build_tree().level("configure").names():
        assert name in inside
    assert "primitive" in texts(comp("configure pri"))


def test_nothing_after_unknown_word(comp) -> None:
    assert comp("nosuchcommand ") == []
    assert comp("configure nosuch ") == []


def test_help_topics_walk_the_tree(comp) -> None:
    assert "configure" in texts(comp("help con"))
    assert "primitive" in texts(comp("help configure pri"))
    assert comp("help version ") == []


def test_split_current_handles_quotes() -> None:
    assert split_current('configure show "a b') == (["configure", "show"], "a b")
    assert split_current("configure ") == (["configure"], "")


# -- ids by kind -------------------------------------------------------------------------------
def test_show_selectors(comp) -> None:
    got = texts(comp("configure show "))
    for ident in ("d1", "d2", "g1", "c2", "ms1", "l1", "t1", "cib-bootstrap-options", "node1"):
        assert ident in got
    for sel in ("xml", "changed", "type:", "tag:", "related:"):
        assert sel in got
    assert set(texts(comp("configure show type:g"))) == {"type:group"}
    assert texts(comp("configure show tag:")) == ["tag:t1"]
    assert "related:d1" in texts(comp("configure show related:d"))


def test_id_descriptions_name_the_agent(comp) -> None:
    got = {c.text: c.meta for c in comp("configure delete ")}
    assert got["d2"] == "ocf:pacemaker:Dummy"
    assert got["g1"] == "group"
    assert got["l1"] == "location"


def test_group_offers_free_primitives_only(comp) -> None:
    got = texts(comp("configure group g9 "))
    assert "free1" in got
    for taken in ("d1", "d2", "d3", "st1", "g1"):
        assert taken not in got
    assert "meta" in got
    assert "free1" not in texts(comp("configure group g9 free1 "))


def test_clone_offers_top_level_resources(comp) -> None:
    got = texts(comp("configure clone c9 "))
    assert "g1" in got and "free1" in got
    assert "d1" not in got and "d2" not in got


def test_modgroup_groups_and_keywords(comp) -> None:
    assert texts(comp("configure modgroup ")) == ["g1"]
    assert texts(comp("configure modgroup g1 ")) == ["add", "remove"]


def test_location_resources_scores_nodes(comp) -> None:
    assert "g1" in texts(comp("configure location l9 "))
    scores = texts(comp("configure location l9 g1 "))
    assert "inf:" in scores and "-inf:" in scores and "rule" in scores
    assert texts(comp("configure location l9 g1 inf: ")) == ["node1", "node2"]


def test_colocation_roles_after_rsc_colon(comp) -> None:
    assert "inf:" in texts(comp("configure colocation c9 "))
    assert "ms1" in texts(comp("configure colocation c9 inf: "))
    roles = texts(comp("configure colocation c9 inf: g1 ms1:"))
    assert roles == ["ms1:Started", "ms1:Stopped", "ms1:Promoted", "ms1:Unpromoted"]


def test_order_kinds_and_actions(comp) -> None:
    got = texts(comp("configure order o9 "))
    assert got[:3] == ["Mandatory:", "Optional:", "Serialize:"]
    assert texts(comp("configure order o9 Mandatory: d1:st")) == ["d1:start", "d1:stop"]
    assert "g1" not in texts(comp("configure order o9 Mandatory: g1 "))


# -- agents and parameters ----------------------------------------------------------------------
def test_agent_classes_providers_types(comp) -> None:
    classes = texts(comp("configure primitive p9 "))
    assert "ocf:" in classes and "stonith:" in classes
    assert "ocf:heartbeat:" in texts(comp("configure primitive p9 ocf:"))
    assert "ocf:pacemaker:" in texts(comp("configure primitive p9 ocf:"))
    assert "ocf:heartbeat:IPaddr2" in texts(comp("configure primitive p9 ocf:heartbeat:IP"))
    assert all(t.startswith("stonith:") for t in texts(comp("configure primitive p9 stonith:")))


def test_after_agent_sections(comp) -> None:
    assert texts(comp("configure primitive p9 ocf:heartbeat:Dummy ")) == ["params", "meta", "utilization", "op"]


def test_params_with_descriptions_given_removed(comp) -> None:
    got = {c.text: c.meta for c in comp("configure primitive p9 ocf:heartbeat:IPaddr2 params ")}
    assert "ip=" in got and "cidr_netmask=" in got and "nic=" in got
    assert "required" in got["ip="]
    again = texts(comp("configure primitive p9 ocf:heartbeat:IPaddr2 params ip=10.0.0.9 "))
    assert "ip=" not in again and "nic=" in again


def test_op_actions_and_advised_values(comp) -> None:
    actions = texts(comp("configure primitive p9 ocf:pacemaker:Dummy op "))
    assert "monitor" in actions and "start" in actions and "stop" in actions
    advised = comp("configure primitive p9 ocf:pacemaker:Dummy op monitor ")
    names = texts(advised)
    assert any(t.startswith("interval=") and t != "interval=" for t in names)
    assert any(t.startswith("timeout=") for t in names)
    assert texts(comp("configure primitive p9 ocf:pacemaker:Dummy op monitor role=P")) == ["role=Promoted"]


def test_meta_attributes_and_values(comp) -> None:
    got = texts(comp("configure primitive p9 ocf:pacemaker:Dummy meta "))
    assert "target-role=" in got and "migration-threshold=" in got
    assert texts(comp("configure primitive p9 ocf:pacemaker:Dummy meta target-role=S")) == [
        "target-role=Started", "target-role=Stopped"]
    assert "clone-max=" in texts(comp("configure clone c9 g1 meta "))


def test_properties_and_values(comp) -> None:
    props = {c.text: c.meta for c in comp("configure property ")}
    assert "no-quorum-policy=" in props and "stonith-enabled=" in props
    assert props["no-quorum-policy="]
    values = texts(comp("configure property no-quorum-policy="))
    assert "no-quorum-policy=stop" in values and "no-quorum-policy=ignore" in values
    assert "no-quorum-policy=" not in texts(comp("configure property no-quorum-policy=stop "))


def test_rsc_and_op_defaults(comp) -> None:
    assert "resource-stickiness=" in texts(comp("configure rsc_defaults "))
    assert "timeout=" in texts(comp("configure op_defaults "))


# -- commands of other levels --------------------------------------------------------------------
def test_resource_start_offers_stopped_only(comp) -> None:
    got = texts(comp("resource start "))
    # nothing runs on a CIB file without status: every resource is stopped
    assert "g1" in got and "d2" in got
    assert texts(comp("resource stop ")) == []


def test_resource_promote_offers_promotable(comp) -> None:
    assert texts(comp("resource promote ")) == ["ms1"]


def test_files_for_file_arguments(comp, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "one.crm").write_text("")
    (tmp_path / "sub").mkdir()
    got = texts(comp(f"configure load replace {tmp_path}/"))
    assert f"{tmp_path}/one.crm" in got and f"{tmp_path}/sub/" in got
    monkeypatch.chdir(tmp_path)
    assert texts(comp("configure save o")) == ["one.crm"]


def test_declared_kinds_generic(populated) -> None:
    """Kinds through a command declared here: keyword, score, node, repeat minus given."""

    @command("demo", "Demo.", Arg("n", Kind.NODE, "node"), Arg("s", Kind.SCORE, "score"),
             Arg("k", Kind.KEYWORD, "k", choices=("a", "b"), repeat=True))
    def demo(ctx, args):
        pass

    session = Session(Options(cib_file=str(populated)), build_tree(),
                      Output(color=False, stdout=io.StringIO(), stderr=io.StringIO()))
    root = build_tree()
    prov = Providers(session)

    def at(args: list[str]) -> list[str]:
        ctx = ArgContext(root, GLOBALS, root, ("demo",), demo, args, "", prov)
        return [c.text for a in arg_at(demo.args, len(args)) for c in kind_candidates(ctx, a)]

    assert at([]) == ["node1", "node2"]
    assert "inf:" in at(["node1"])
    assert at(["node1", "inf:", "a"]) == ["b"]


def test_arg_positions_with_optional_and_repeat() -> None:
    args = (Arg("sel", Kind.SELECTOR, "s", optional=True, repeat=True), Arg("file", Kind.FILE, "f"))
    assert [a.name for a in arg_at(args, 0)] == ["sel", "file"]
    assert [a.name for a in arg_at(args, 3)] == ["sel", "file"]
    fixed = (Arg("a", Kind.ID, "a"), Arg("b", Kind.NEW_ID, "b"))
    assert [a.name for a in arg_at(fixed, 1)] == ["b"]
    assert arg_at(fixed, 2) == []


def test_pending_edits_are_completed(comp) -> None:
    """Inside configure, ids come from the pending workspace (uncommitted objects included)."""
    comp("", at="cd configure")
    assert comp.session.dispatcher.run_line("primitive newone ocf:heartbeat:Dummy")
    assert "newone" in texts(comp("show new"))
    assert comp.session.dispatcher.run_line("rename newone renamed")
    got = texts(comp("show "))
    assert "renamed" in got and "newone" not in got
    comp.session.get_state("configure").discard()


def test_source_failure_means_no_candidates(tmp_path: Path) -> None:
    session = Session(Options(cib_file=str(tmp_path / "missing.xml")), build_tree(),
                      Output(color=False, stdout=io.StringIO(), stderr=io.StringIO()))
    assert complete_line(session, "configure show ", Providers(session))[:1] == [
        Candidate("xml", "show as XML")]


def test_resource_attribute_names(comp) -> None:
    params = {c.text: c.meta for c in comp("resource param d2 set ")}
    assert "state" in params and "fake" in params
    assert "default" in params["state"]
    assert "target-role" in texts(comp("resource meta d2 set t"))
    assert texts(comp("resource meta d2 ")) == ["set", "delete", "show"]


def test_other_levels_use_the_same_kinds(comp) -> None:
    assert "ocf:heartbeat:IPaddr2" in texts(comp("ra info ocf:heartbeat:IP"))
    assert "ocf" in texts(comp("ra list "))
    assert texts(comp("cd conf")) == ["configure"]
    assert texts(comp("node standby ")) == ["node1", "node2"]
    assert texts(comp("resource move g1 ")) == ["node1", "node2"]
    assert "g1" in texts(comp("resource move "))


def test_renamed_group_member_is_seen(comp) -> None:
    comp("", at="cd configure")
    assert "d3" in texts(comp("show d"))
    assert comp.session.dispatcher.run_line("rename d3 d3renamed")
    got = texts(comp("show d"))
    assert "d3renamed" in got and "d3" not in got
    comp.session.get_state("configure").discard()


def test_load_xml_then_method_and_node_statement(comp) -> None:
    assert texts(comp("configure load ")) == ["xml", "replace", "update", "push"]
    assert texts(comp("configure load xml ")) == ["replace", "update", "push"]
    assert texts(comp("configure node ")) == ["node1", "node2"]
    assert texts(comp("configure node node1 ")) == ["attributes", "utilization"]


def test_modgroup_moves_are_seen(comp) -> None:
    comp("", at="cd configure")
    assert "d1" not in texts(comp("group g8 "))
    assert comp.session.dispatcher.run_line("modgroup g1 remove d1")
    assert "d1" in texts(comp("group g8 "))
    comp.session.get_state("configure").discard()


def test_templates_and_fencing_topology(comp) -> None:
    assert "@tpl1" in texts(comp("configure primitive p9 "))
    assert texts(comp("configure primitive p9 @")) == ["@tpl1"]
    assert "tpl1" not in texts(comp("resource start "))
    got = texts(comp("configure fencing_topology "))
    assert "node1:" in got and "node2:" in got


WORDS = ["configure", "show", "primitive", "p9", "ocf:", "ocf:heartbeat:IPaddr2", "params", "ip=", "op",
         "monitor", "meta", "location", "inf:", "g1", "ms1:", "colocation", "order", "property", "resource",
         "start", "help", "cd", "..", "'", '"', "\\", "=", ":", "xml", "type:", "ipvs", "real", "@x", "-", "#"]


def test_never_raises_on_any_line(comp) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    line = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=4)), max_size=7).map(" ".join)

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(line, st.booleans())
    def check(text: str, space: bool) -> None:
        got = comp(text + (" " if space else ""))
        assert all(isinstance(c, Candidate) and isinstance(c.text, str) for c in got)

    check()


def test_shadow_names(comp, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CIB_shadow_dir", str(tmp_path))
    (tmp_path / "shadow.test1").write_text("<cib/>")
    (tmp_path / "shadow.other").write_text("<cib/>")
    assert texts(comp("cib use ")) == ["other", "test1", "live"]
    assert texts(comp("cib delete t")) == ["test1"]
