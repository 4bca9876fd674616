"""Issue 14: a load/script error names file:line:column exactly once (never 'column N: load: f:2:N')."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run_clush

DUMMY = "ocf:pacemaker:Dummy"
# statement 2 of the file fails; the column is that of the offending word on that line
BAD = {
    "missing-resource": ("location l1 nosuch 100: node1", 13),
    "missing-in-order": ("order o1 Mandatory: p1 nosuch", 24),
    "missing-in-group": ("group g p1 nosuch", 12),
    "parse-error": (f"primitive p2 {DUMMY} params =x", 41),
    "bad-duration": (f"primitive p2 {DUMMY} op monitor interval=bogus", 45),
}


def _one_position(stderr: str, name: str, column: int) -> None:
    errors = [ln for ln in stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1, stderr
    assert f"{name}:2:{column}: " in errors[0], errors[0]
    assert "column" not in errors[0], errors[0]
    # the column of the file appears once: no second ':N:' of the command line before it
    assert len(re.findall(rf":{column}\b", errors[0])) == 1, errors[0]


@pytest.mark.parametrize("how", ["update", "replace"])
@pytest.mark.parametrize("case", sorted(BAD))
def test_load_one_shot(case: str, how: str, cib: Path, tmp_path: Path) -> None:
    stmt, column = BAD[case]
    f = tmp_path / "in.crm"
    f.write_text(f"primitive p1 {DUMMY}\n{stmt}\n")
    before = cib.read_text()
    res = run_clush("-F", "configure", "load", how, str(f), env={"CIB_file": str(cib)})
    assert res.returncode == 1
    _one_position(res.stderr, str(f), column)
    assert cib.read_text() == before


@pytest.mark.parametrize("case", sorted(BAD))
def test_load_in_a_script(case: str, cib: Path, tmp_path: Path) -> None:
    stmt, column = BAD[case]
    f = tmp_path / "in.crm"
    f.write_text(f"primitive p1 {DUMMY}\n{stmt}\n")
    res = run_clush(input=f"configure\nload update {f}\n", env={"CIB_file": str(cib)})
    assert res.returncode == 1
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1, res.stderr
    # where the script's line is, then where in the file
    assert errors[0].startswith(f"ERROR: <stdin>:2: load: {f}:2:{column}: "), errors[0]


def test_load_from_stdin(cib: Path) -> None:
    stmt, column = BAD["missing-resource"]
    res = run_clush("configure", "load", "update", "-", input=f"primitive p1 {DUMMY}\n{stmt}\n",
                    env={"CIB_file": str(cib)})
    assert res.returncode == 1
    _one_position(res.stderr, "<stdin>", column)


@pytest.mark.parametrize("case", sorted(BAD))
def test_script_statement(case: str, cib: Path, tmp_path: Path) -> None:
    stmt, column = BAD[case]
    script = tmp_path / "s.clush"
    script.write_text(f"configure\n{stmt}\n")
    res = run_clush("-f", str(script), env={"CIB_file": str(cib)})
    assert res.returncode == 1
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1, res.stderr
    assert re.match(rf"ERROR: {re.escape(str(script))}:2:\d+: ", errors[0]), errors[0]
    assert "column" not in errors[0]


XML_BAD = {
    # statement -> (column, what is said)
    'xml <primitive id="p" class="ocf"': (34, "invalid XML: attributes construct error"),
    "xml '<primitive id=\"p\" class=\"ocf\"'": (35, "invalid XML: attributes construct error"),
    'xml <a id="x"/><b id="y"/>': (16, "invalid XML: Extra content at the end of the document"),
    'xml <foo id="x"/>': (1, "<foo> is not a configuration object"),
    'xml <primitive id="1p" class="ocf" provider="pacemaker" type="Dummy"/>': (1, "<primitive> id '1p' is not valid"),
    'xml <primitive class="ocf" provider="pacemaker" type="Dummy"/>': (1, "<primitive> has no id attribute"),
}


@pytest.mark.parametrize("stmt", sorted(XML_BAD))
def test_xml_statement_error_is_one_position(stmt: str, cib: Path) -> None:
    column, said = XML_BAD[stmt]
    res = run_clush(input=f"configure\n{stmt}\n", env={"CIB_file": str(cib)})
    assert res.returncode == 1
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1, res.stderr
    assert errors[0].startswith(f"ERROR: <stdin>:2:{column}: xml: {said}"), errors[0]
    assert "xml: xml:" not in errors[0] and "<string>" not in errors[0] and "line 1" not in errors[0]


@pytest.mark.parametrize("how", ["xml update", "update", "xml replace"])
def test_load_of_bad_xml_names_file_line_column(how: str, cib: Path, tmp_path: Path) -> None:
    f = tmp_path / "in.xml"
    f.write_text('<configuration><resources>\n<primitive id="p" class="ocf"\n')
    before = cib.read_text()
    res = run_clush("-F", "configure", "load", *how.split(), str(f), env={"CIB_file": str(cib)})
    assert res.returncode == 1
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1, res.stderr
    assert f"{f}:3:1: not well-formed XML: " in errors[0] and "<string>" not in errors[0], errors[0]
    assert cib.read_text() == before


def test_load_of_xml_without_configuration_says_what_it_has(cib: Path, tmp_path: Path) -> None:
    f = tmp_path / "in.xml"
    f.write_text("<foo/>\n")
    res = run_clush("-F", "configure", "load", "xml", "update", str(f), env={"CIB_file": str(cib)})
    assert res.returncode == 1
    assert f"load: {f}: the XML has no <configuration> element (its root is <foo>)" in res.stderr


@pytest.mark.parametrize("how", ["update", "replace", "push"])
def test_error_in_a_continued_statement_names_the_physical_line(how: str, cib: Path, tmp_path: Path) -> None:
    f = tmp_path / "in.crm"
    f.write_text(f"primitive p1 {DUMMY} \\\n  params a=x\nlocation l1 p1 \\\n    100: \\\n  node1 bogus\n"
                 f"primitive p2 {DUMMY} \\\n\tparams =x\n")
    res = run_clush("-F", "configure", "load", how, str(f), env={"CIB_file": str(cib)})
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert res.returncode == 1 and len(errors) == 1, res.stderr
    assert f"{f}:5:9: " in errors[0], errors[0]  # 'bogus' on the fifth line, not column 30 of line 3


@pytest.mark.parametrize("mode", ["-f", "stdin"])
def test_script_error_in_a_continued_line_names_the_physical_line(mode: str, cib: Path, tmp_path: Path) -> None:
    text = f"configure\nprimitive p1 \\\n   {DUMMY} \\\n  params \\\n    a=1 =x\n location l1 nosuch \\\n   100: n1\n"
    script = tmp_path / "s.clush"
    script.write_text(text)
    name = str(script) if mode == "-f" else "<stdin>"
    res = (run_clush("-f", str(script), env={"CIB_file": str(cib)}) if mode == "-f"
           else run_clush(input=text, env={"CIB_file": str(cib)}))
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert res.returncode == 1 and len(errors) == 1, res.stderr
    assert errors[0].startswith(f"ERROR: {name}:5:9: primitive: missing name before '='"), errors[0]
    res = run_clush("--continue-on-error", input=text, env={"CIB_file": str(cib)})
    assert "ERROR: <stdin>:6:14: location: " in res.stderr, res.stderr  # leading blank kept in the count
