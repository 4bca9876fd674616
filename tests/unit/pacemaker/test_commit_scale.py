"""The shortcuts that keep commit fast on big CIBs give exactly what the long way gives."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from lxml import etree

from clushell.cib.build import apply_line
from clushell.cib.model import CibModel
from clushell.errors import ClushError
from clushell.pacemaker import ra, verify
from clushell.pacemaker.workspace import Workspace
from clushell.transport.base import Result
from clushell.transport.local import LocalRunner
from tests.paths import BENCH
from tests.realenv import require

sys.path.insert(0, str(BENCH))
import gen_cib  # noqa: E402

EDITS = {
    "nothing": [],
    "one value": ["@p00030-instance_attributes-state"],
    "new primitive": ["primitive fresh Dummy"],
    "new group of free primitives": ["group gx p00030 p00031"],
    "clone of a group": ["clone c1 g00003"],
    "clone of a primitive and a tag": ["clone c2 p00032", "tag t1 p00033 g00004"],
    "value inside a group": ["@p00005-instance_attributes-state"],
    "deleted constraint and an order": ["-loc-g00002", "primitive fresh9 Dummy", "order o1 Mandatory: p00034 fresh9"],
}


def _long_way(original: CibModel, pending: CibModel) -> list[str]:
    """Every object (nested resources too) serialised on both sides and compared."""
    def objs(model: CibModel) -> dict[str, bytes]:
        return {f"{model.kind_of(el) or el.tag}:{model.object_id(el)}": etree.tostring(el) for el in model.objects()}

    old, new = objs(original), objs(pending)
    return sorted(k.split(":", 1)[1] for k in old.keys() | new.keys() if old.get(k) != new.get(k))


@pytest.mark.parametrize("name", list(EDITS))
def test_changed_ids_equal_the_object_by_object_comparison(name: str) -> None:
    xml = gen_cib.build(40).encode()
    ws = Workspace(CibModel.from_xml(xml), None, xml)
    for edit in EDITS[name]:
        if edit.startswith("@"):
            ws.pending.by_id(edit[1:]).set("value", "/run/changed")
        elif edit.startswith("-"):
            el = ws.pending.by_id(edit[1:])
            el.getparent().remove(el)
        else:
            apply_line(ws.pending, edit)
    expected = _long_way(ws.original, ws.pending)
    assert ws.changed_ids() == expected
    assert bool(expected) == (name != "nothing")


def _empty_cib() -> bytes:
    require("cibadmin")
    return subprocess.run(["cibadmin", "--empty"], capture_output=True, check=True).stdout


class _BlockingVerify:
    """A local runner whose crm_verify only answers once our own checks have started."""

    where = "local"
    base_env: dict[str, str] = {}

    def __init__(self, checks_started: threading.Event, rc: int = 0, err: str = ""):
        self.checks_started, self.rc, self.err = checks_started, rc, err
        self.overlapped: bool | None = None

    def run(self, argv, *, stdin=None, env=None, timeout=None) -> Result:
        if argv[0] != "crm_verify":  # agent metadata: the real thing
            return LocalRunner().run(argv, stdin=stdin, env=env, timeout=timeout)
        self.overlapped = self.checks_started.wait(20)
        return Result(self.rc, "", self.err)


def test_crm_verify_runs_while_our_checks_do(monkeypatch: pytest.MonkeyPatch) -> None:
    started = threading.Event()

    def options(runner):
        started.set()
        raise ClushError("no option list here")

    monkeypatch.setattr(ra, "cluster_options", options)
    runner = _BlockingVerify(started)
    assert verify.verify_cib(runner, _empty_cib()) == []
    assert runner.overlapped


def test_our_schema_check_runs_only_when_crm_verify_finds_the_cib_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    started = threading.Event()
    started.set()
    monkeypatch.setattr(ra, "cluster_options", lambda runner: None)
    calls = []
    real = verify.relaxng_findings
    monkeypatch.setattr(verify, "relaxng_findings", lambda root: calls.append(root) or real(root))
    assert verify.verify_cib(_BlockingVerify(started), _empty_cib()) == [] and calls == []
    doc = etree.fromstring(_empty_cib())
    doc.find("configuration/resources").append(etree.fromstring(
        '<primitive id="s1" class="ocf" provider="pacemaker" type="Dummy" colour="red"/>'))
    rng = "Relax-NG validity error : Invalid attribute colour for element primitive"
    findings = verify.verify_cib(_BlockingVerify(started, 78, rng), etree.tostring(doc))
    assert len(calls) == 1
    # ours names the object and attribute; crm_verify's raw line is not repeated
    assert [(f.object_id, f.attribute) for f in findings if f.is_error] == [("s1", "colour")]


@pytest.mark.parametrize("release", [False, True])
def test_findings_are_the_same_when_the_tree_is_dropped_while_crm_verify_runs(monkeypatch: pytest.MonkeyPatch,
                                                                              release: bool) -> None:
    """verify_cib(released=...) drops its tree after our checks (the caller's commit may use the
    memory) and parses it again only to name what crm_verify found: the same findings."""
    started = threading.Event()
    started.set()
    monkeypatch.setattr(ra, "cluster_options", lambda runner: None)
    doc = etree.fromstring(_empty_cib())
    doc.find("configuration/resources").append(etree.fromstring(
        '<primitive id="s2" class="ocf" provider="pacemaker" type="Dummy" colour="red"/>'))
    rng = "Relax-NG validity error : Invalid attribute colour for element primitive"
    said: list[str] = []
    findings = verify.verify_cib(_BlockingVerify(started, 78, rng), etree.tostring(doc),
                                 released=(lambda: said.append("released")) if release else None)
    assert said == (["released"] if release else [])
    assert [(f.object_id, f.attribute) for f in findings if f.is_error] == [("s2", "colour")]
