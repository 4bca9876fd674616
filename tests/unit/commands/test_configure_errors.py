"""Bad input is refused before anything changes: one error line naming token and column.

Runs the real `clush` on CIB files (batch mode on stdin), plus the same statements
against the in-memory model to show it is left exactly as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from clushell.cib.build import apply_line
from clushell.cib.model import CibModel
from clushell.errors import ClushError
from tests.conftest import run_clush
from tests.paths import CONFORMANCE
from tests.realenv import require

BASE = CONFORMANCE / "scenarios" / "base.xml"
SETUP = """configure
property stonith-enabled=false
primitive d1 Dummy
primitive d2 Dummy
primitive d3 Dummy
primitive d4 Dummy
group g1 d1
clone c1 d3
commit
"""

# (statement, offending token, words the message must contain)
BAD = [
    ("primitive 123 Dummy", "123", "invalid object id"),
    ("primitive d2 Dummy", "d2", "existing primitive"),
    ("group g2 nope", "nope", "does not exist"),
    ("group g2 d2 d1", "d1", "already in group g1"),
    ("clone c2 c1", "c1", "cannot make a clone of clone"),
    ("clone c2 d3", "d3", "already in clone c1"),
    ("primitive d5 Dummy op monitor intervl=10", "intervl=10", "unknown op attribute"),
    ("location l1 d2 abc: node1", "abc:", "invalid score"),
    ("colocation cc bogus: d2 d4", "bogus:", "invalid score"),
    ("property no-quorum-policy=bogus", "no-quorum-policy=bogus", "no-quorum-policy"),
    ("colocation cc inf: d2 nope", "nope", "does not exist"),
    ("order o1 d2 d4:jump", "d4:jump", "invalid action"),
    ("location l2 nope 10: node1", "nope", "does not exist"),
    ("monitor nope 10s", "nope", "does not exist"),
    ("primitive d6 Dummy op monitor interval=10s depth=0 timeout=5s", "timeout=5s", "before any instance"),
    ("tag t1 d2 ghost", "ghost", "does not exist"),
    ("primitive bad.id: Dummy", "bad.id:", "invalid object id"),
    ('primitive d7 Dummy params fake="open', '"open', "unterminated"),
]


def _env(cib: Path) -> dict[str, str]:
    return {**os.environ, "CIB_file": str(cib)}


def _config(cib: Path) -> str:
    res = subprocess.run(["cibadmin", "-Q"], env=_env(cib), capture_output=True, text=True, check=True)
    return res.stdout


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("cibadmin", "crm_diff", "crm_verify")
    cib = tmp_path_factory.mktemp("errors") / "cib.xml"
    shutil.copy(BASE, cib)
    res = run_clush(input=SETUP, env={"CIB_file": str(cib)})
    assert res.returncode == 0, res.stderr
    return cib


@pytest.mark.parametrize(("line", "token", "words"), BAD, ids=[b[0] for b in BAD])
def test_clush_refuses_and_changes_nothing(populated: Path, tmp_path: Path, line: str, token: str, words: str) -> None:
    cib = tmp_path / "cib.xml"
    shutil.copy(populated, cib)
    before = _config(cib)
    res = run_clush(input=f"configure\nprimitive fine Dummy\n{line}\ncommit\n", env={"CIB_file": str(cib)})
    assert res.returncode == 1
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1, res.stderr
    assert "Traceback" not in res.stderr
    err = errors[0]
    col = line.index(token) + 1
    assert re.search(rf"<stdin>:3:{col}: ", err), err
    assert words in err, err
    assert _config(cib) == before  # not even the good statement before it was committed


@pytest.mark.parametrize(("line", "token", "words"), BAD[:-1], ids=[b[0] for b in BAD[:-1]])
def test_model_unchanged_after_error(line: str, token: str, words: str) -> None:
    from clushell.cib import apply_text

    model = CibModel.from_xml(BASE.read_bytes())
    apply_text(model, "\n".join(SETUP.splitlines()[1:-1]))
    before = model.to_xml()
    index = dict(model.index)
    with pytest.raises(ClushError) as exc:
        apply_line(model, line)
    assert exc.value.token == token or exc.value.token in token
    assert words in exc.value.message
    assert model.to_xml() == before
    assert model.index == index


VALUES = ["a b", 'say "hi"', "#not-a-comment", "k=v=w", "semi;colon", "$(touch /tmp/x)", "`id`", "Grüße ✓ 日本",
          "back\\slash", "'single'"]


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`") + '"'


def test_values_round_trip_through_clush_and_show(tmp_path: Path) -> None:
    require("cibadmin", "crm_diff", "crm_verify")
    cib = tmp_path / "cib.xml"
    shutil.copy(BASE, cib)
    params = " ".join(f"p{i}={_q(v)}" for i, v in enumerate(VALUES))
    # meta attributes: free-form names are not checked against the agent's parameters
    script = f"configure\nproperty stonith-enabled=false\nprimitive v1 Dummy meta {params}\ncommit force\n"
    res = run_clush(input=script, env={"CIB_file": str(cib)})
    assert res.returncode == 0, res.stderr
    model = CibModel.from_xml(_config(cib).encode())
    got = {nv.get("name"): nv.get("value") for nv in model.resource("v1").iter("nvpair")}
    assert [got[f"p{i}"] for i in range(len(VALUES))] == VALUES
    show = run_clush("configure", "show", "v1", env={"CIB_file": str(cib)})
    assert show.returncode == 0 and "primitive v1" in show.stdout, show.stderr
    again = tmp_path / "again.xml"
    shutil.copy(BASE, again)
    res = run_clush(input="configure\nproperty stonith-enabled=false\n" + show.stdout + "\ncommit force\n",
                    env={"CIB_file": str(again)})
    assert res.returncode == 0, res.stderr
    model2 = CibModel.from_xml(_config(again).encode())
    got2 = {nv.get("name"): nv.get("value") for nv in model2.resource("v1").iter("nvpair")}
    assert got2 == got
