"""show/save/diff/edit/delete/rename/modgroup/set/erase/load/refresh end to end.

Each command runs through the real `clush` console script on a CIB file; where crm has
the same command, the same script goes through `crm` on a copy of the same CIB and the
results must be equal (cibcmp rules) with byte-identical `show` text.
"""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import crm_oracle
from tests.unit.cib.test_edit import SETUP
from tests.unit.cib.test_roundtrip import clush

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def base_cib(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("view")
    return crm_oracle.new_cib(tmp, setup=SETUP)


def _pair(base: Path, tmp: Path) -> tuple[Path, Path]:
    ours, theirs = tmp / "ours.xml", tmp / "theirs.xml"
    shutil.copy(base, ours)
    shutil.copy(base, theirs)
    return ours, theirs


SESSION_CASES = {
    "delete": "delete d1",
    "rm-several": "rm d6 d7 tg2",
    "delete-member": "delete d5",
    "rename": "rename d7 d77",
    "rename-group": "rename g1 web",
    "modgroup": "modgroup g1 add d6 before d4\nmodgroup g1 remove d3",
    "set": "set d1.fake 7\nset d1.monitor.timeout 45s\nset d1.start.0.timeout 50s",
    "erase-nodes": "erase nodes",
    "erase": "erase\nproperty stonith-enabled=false",
    "mixed": "delete l3\nrename d2 dtwo\nset dtwo.target-role Stopped\nprimitive d9 Dummy\nmodgroup g1 add d9",
}


@pytest.mark.parametrize("case", sorted(SESSION_CASES))
def test_session_like_crm(case: str, base_cib: Path, tmp_path: Path) -> None:
    ours, theirs = _pair(base_cib, tmp_path)
    script = f"configure\n{SESSION_CASES[case]}\ncommit\n"
    res = crm_oracle.crm(theirs, script)
    assert res.returncode == 0, res.stderr.decode()
    mine = clush(ours, "-F", stdin=script.encode())
    assert mine.returncode == 0, mine.stderr.decode()
    for ln in SESSION_CASES[case].splitlines():
        if ln.startswith("rename "):  # clush also renames tag references (crmsh 4.4 does not)
            from tests.unit.cib.test_edit import _follow_tags

            _follow_tags(theirs, *ln.split()[1:])
    assert crm_oracle.canon(ours) == crm_oracle.canon(theirs)
    assert clush(ours, "configure", "show").stdout.decode() == crm_oracle.crm_show(theirs)


SHOW_ARGS = [
    (),
    ("d1",),
    ("d*",),
    ("g1", "d1"),
    ("n1",),
    ("type:primitive",),
    ("type:location",),
    ("type:order",),
    ("tag:tg1",),
    ("related:d1",),
    ("related:g1",),
    ("related:Dummy",),
    ("type:primitive", "and", "d*"),
    ("cib-bootstrap-options",),
    ("fencing_topology",),
    ("xml",),
    ("xml", "d3"),
    ("xml", "type:order"),
]


@pytest.mark.parametrize("args", SHOW_ARGS, ids=lambda a: " ".join(a) or "all")
def test_show_selectors_like_crm(args: tuple[str, ...], base_cib: Path) -> None:
    ours = clush(base_cib, "configure", "show", *args)
    assert ours.returncode == 0, ours.stderr.decode()
    assert ours.stdout.decode() == crm_oracle.crm_show(base_cib, *args)


def test_show_unknown_object_fails_with_one_line(base_cib: Path) -> None:
    res = clush(base_cib, "configure", "show", "d1", "nosuch")
    assert res.returncode == 1
    err = res.stderr.decode().strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ERROR:") and "object nosuch does not exist" in err[0]
    assert res.stdout == b""


def test_show_changed_and_diff(base_cib: Path, tmp_path: Path) -> None:
    ours, theirs = _pair(base_cib, tmp_path)
    script = "configure\nset d1.fake 9\nprimitive d9 Dummy\nshow changed\n"
    res = crm_oracle.crm(theirs, script)
    mine = clush(ours, "-F", stdin=script.encode())
    assert mine.returncode == 0, mine.stderr.decode()
    shown = [ln for ln in res.stdout.decode().splitlines(keepends=True) if not ln.startswith("\x1b")]
    assert mine.stdout.decode() == "".join(shown)
    refused = clush(ours, stdin=b"configure\nset d1.fake 10\nrefresh\n")
    assert refused.returncode == 1  # a script drops pending changes only when told to (-y)
    assert b"refresh would drop the pending changes" in refused.stderr
    diff = clush(ours, "-y", stdin=b"configure\nset d1.fake 10\ndiff\nrefresh\ndiff\n")
    lines = diff.stdout.decode().splitlines()
    assert lines[:2] == ["--- CIB (loaded)", "+++ CIB (pending)"]
    assert "-\tparams fake=9 \\" in lines and "+\tparams fake=10 \\" in lines
    assert lines.count("--- CIB (loaded)") == 1  # refresh dropped the change
    assert "fake=9" in clush(ours, "configure", "show", "d1").stdout.decode()


SESSION_SHOWS = {
    "id-refs": "primitive p4 Dummy params $id=shared fake=2 op monitor interval=10s\n"
    "primitive p5 Dummy params $id-ref=shared\n"
    "primitive p6 Dummy params rule $id=r1 #uname eq n1 x=1\n"
    "location l9 p4 rule $id-ref=r1\n"
    "show p4 p5 p6 l9\n",
    "delete-then-show": "delete d6\nshow related:d7 type:order\n",
}


@pytest.mark.parametrize("case", sorted(SESSION_SHOWS))
def test_show_within_a_session_like_crm(case: str, base_cib: Path, tmp_path: Path) -> None:
    ours, theirs = _pair(base_cib, tmp_path)
    script = f"configure\n{SESSION_SHOWS[case]}"
    res = crm_oracle.crm(theirs, script)
    mine = clush(ours, "-F", stdin=script.encode())
    assert mine.returncode == 0, mine.stderr.decode()
    shown = [ln for ln in res.stdout.decode().splitlines(keepends=True) if not ln.startswith("\x1b")]
    assert mine.stdout.decode() == "".join(shown)


def test_save_files_like_crm(base_cib: Path, tmp_path: Path) -> None:
    for args in ((), ("type:primitive",), ("xml", "g1")):
        mine, theirs = tmp_path / "mine.txt", tmp_path / "theirs.txt"
        assert clush(base_cib, "configure", "save", *args, str(mine)).returncode == 0
        crm_oracle.crm(base_cib, f"configure save {' '.join(args)} {theirs}\n")
        assert mine.read_text() == theirs.read_text()


LOAD_TEXT = """\
primitive d1 Dummy params fake=2 op monitor interval=10s timeout=20s op start timeout=30s interval=0
primitive new1 Dummy meta target-role=Stopped
location lnew new1 50: n2
property stonith-enabled=false no-quorum-policy=ignore
"""


@pytest.mark.parametrize("method", ["update", "push", "replace"])
def test_load_text_like_crm(method: str, base_cib: Path, tmp_path: Path) -> None:
    ours, theirs = _pair(base_cib, tmp_path)
    src = tmp_path / "in.crm"
    src.write_text(LOAD_TEXT)
    script = f"configure\nload {method} {src}\ncommit\n"
    res = crm_oracle.crm(theirs, script)
    assert res.returncode == 0, res.stderr.decode()
    mine = clush(ours, "-F", stdin=script.encode())
    assert mine.returncode == 0, mine.stderr.decode()
    assert crm_oracle.canon(ours) == crm_oracle.canon(theirs)
    assert clush(ours, "configure", "show").stdout.decode() == crm_oracle.crm_show(theirs)


def test_load_xml_update_like_crm(base_cib: Path, tmp_path: Path) -> None:
    ours, theirs = _pair(base_cib, tmp_path)
    src = tmp_path / "in.xml"
    src.write_text(
        '<cib><configuration><crm_config/><nodes/><resources>'
        '<primitive id="x1" class="ocf" provider="heartbeat" type="Dummy"/>'
        '<primitive id="d2" class="ocf" provider="heartbeat" type="Dummy"/>'
        '</resources><constraints/></configuration></cib>'
    )
    script = f"configure\nload xml update {src}\ncommit\n"
    assert crm_oracle.crm(theirs, script).returncode == 0
    mine = clush(ours, "-F", stdin=script.encode())
    assert mine.returncode == 0, mine.stderr.decode()
    assert crm_oracle.canon(ours) == crm_oracle.canon(theirs)


def test_load_syntax_error_changes_nothing(base_cib: Path, tmp_path: Path) -> None:
    ours = tmp_path / "ours.xml"
    shutil.copy(base_cib, ours)
    before = crm_oracle.canon(ours)
    src = tmp_path / "bad.crm"
    src.write_text("primitive ok1 Dummy\nprimitive 9bad Dummy\n")
    res = clush(ours, "configure", "load", "update", str(src))
    assert res.returncode == 1
    err = res.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "9bad" in err[0] and ":2:" in err[0]
    assert crm_oracle.canon(ours) == before


@pytest.mark.parametrize(
    "line, message",
    [
        ("delete nosuch", "object nosuch does not exist"),
        ("rename d1 d2", "already in use"),
        ("modgroup d1 add d6", "not a group"),
        ("set d1.nosuch 1", "Attribute not found"),
        ("set d1 1", "Invalid path"),
        ("load update /nonexistent/file", "cannot read /nonexistent/file"),
        ("load sideways x", "not one of"),
        ("erase things", "not one of"),
    ],
)
def test_errors_are_one_line_and_change_nothing(line: str, message: str, base_cib: Path, tmp_path: Path) -> None:
    ours = tmp_path / "ours.xml"
    shutil.copy(base_cib, ours)
    before = ours.read_bytes()
    res = clush(ours, "configure", *line.split())
    assert res.returncode != 0
    err = res.stderr.decode().strip().splitlines()
    assert len(err) == 1 and message in err[0], err
    assert ours.read_bytes() == before


def test_edit_refused_in_batch(base_cib: Path) -> None:
    res = clush(base_cib, stdin=b"configure\nedit d1\n")
    assert res.returncode == 1
    assert "edit not allowed in batch mode" in res.stderr.decode()


def _clush_on_pty(cib: Path, editor: Path, *args: str) -> tuple[int, str]:
    """One-shot clush with a terminal on stdin (edit needs one), a scripted $EDITOR."""
    master, slave = pty.openpty()
    env = {**os.environ, "CIB_file": str(cib), "EDITOR": f"{sys.executable} {editor}", "NO_COLOR": "1"}
    env.pop("VISUAL", None)
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "clush"), *args],
        stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    os.close(slave)
    out, err = proc.communicate(timeout=120)
    os.close(master)
    return proc.returncode, err.decode()


def test_edit_through_editor_keeps_unchanged_ids(base_cib: Path, tmp_path: Path) -> None:
    ours = tmp_path / "ours.xml"
    shutil.copy(base_cib, ours)
    editor = tmp_path / "ed.py"
    # change d1's fake param, drop d7 (its hanging constraints go), add a primitive
    editor.write_text(
        "import sys\n"
        "p = sys.argv[1]\n"
        "t = open(p).read()\n"
        "t = t.replace('fake=1', 'fake=2').replace('primitive d7 Dummy\\n', '')\n"
        "t += 'primitive d8 Dummy\\n'\n"
        "open(p, 'w').write(t)\n"
    )
    rc, err = _clush_on_pty(ours, editor, "configure", "edit", "d1", "d7")
    assert rc == 0, err
    shown = clush(ours, "configure", "show").stdout.decode()
    assert "params fake=2" in shown and "primitive d8 Dummy" in shown and "d7" not in shown
    xml = ours.read_text()
    assert 'id="d1-instance_attributes-fake"' in xml and 'id="d1-monitor-10s"' in xml


def test_edit_syntax_error_without_retry_changes_nothing(base_cib: Path, tmp_path: Path) -> None:
    ours = tmp_path / "ours.xml"
    shutil.copy(base_cib, ours)
    before = ours.read_bytes()
    editor = tmp_path / "ed.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a').write('primitive 9x Dummy\\n')\n")
    rc, err = _clush_on_pty(ours, editor, "-F", "configure", "edit", "d1")
    assert rc != 0
    assert "9x" in err
    assert ours.read_bytes() == before


def test_show_is_highlighted_only_on_a_terminal(base_cib: Path) -> None:
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(CIB_file=str(base_cib), TERM="xterm")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "clush"), "configure", "show", "d1"],
        stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    coloured = b"".join(chunks).decode()
    assert "\x1b[" in coloured
    plain = clush(base_cib, "configure", "show", "d1").stdout.decode()
    assert "\x1b[" not in plain
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured).replace("\r\n", "\n") == plain


def test_edit_xml_through_editor(base_cib: Path, tmp_path: Path) -> None:
    ours = tmp_path / "ours.xml"
    shutil.copy(base_cib, ours)
    editor = tmp_path / "ed.py"
    editor.write_text(
        "import sys\n"
        "p = sys.argv[1]\n"
        "t = open(p).read()\n"
        "t = t.replace('name=\"target-role\" value=\"Started\"', 'name=\"target-role\" value=\"Stopped\"')\n"
        "open(p, 'w').write(t)\n"
    )
    rc, err = _clush_on_pty(ours, editor, "configure", "edit", "xml", "d2")
    assert rc == 0, err
    shown = clush(ours, "configure", "show", "d2").stdout.decode()
    assert shown == "primitive d2 Dummy \\\n\tmeta target-role=Stopped\n"


def test_edit_unchanged_text_changes_nothing(base_cib: Path, tmp_path: Path) -> None:
    ours = tmp_path / "ours.xml"
    shutil.copy(base_cib, ours)
    before = ours.read_bytes()
    editor = tmp_path / "ed.py"
    editor.write_text("import sys\n")
    rc, err = _clush_on_pty(ours, editor, "configure", "edit")
    assert rc == 0, err
    assert ours.read_bytes() == before


LOAD_UPDATES = {
    "comments": "# the web server\nprimitive d3 Dummy params fake=3\n# new one\nprimitive w1 Dummy\n",
    "member-in-group": "primitive d4 Dummy meta target-role=Stopped\n",
    "group-members": "group g1 d3 d4 d6 meta target-role=Started\n",
    "new-group": "group gnew d6 d7\n",
    "property-merge": "property no-quorum-policy=freeze\nrsc_defaults resource-stickiness=5\n",
    "constraint-change": "colocation c2 -inf: d1 d6\norder o9 Optional: d6 d7\n",
}


@pytest.mark.parametrize("case", sorted(LOAD_UPDATES))
def test_load_update_cases_like_crm(case: str, base_cib: Path, tmp_path: Path) -> None:
    ours, theirs = _pair(base_cib, tmp_path)
    src = tmp_path / "in.crm"
    src.write_text(LOAD_UPDATES[case])
    script = f"configure\nload update {src}\ncommit\n"
    res = crm_oracle.crm(theirs, script)
    assert res.returncode == 0, res.stderr.decode()
    mine = clush(ours, "-F", stdin=script.encode())
    assert mine.returncode == 0, mine.stderr.decode()
    assert crm_oracle.canon(ours) == crm_oracle.canon(theirs)
    assert clush(ours, "configure", "show").stdout.decode() == crm_oracle.crm_show(theirs)


NODE_SETUP = (
    "node n1 attributes a=1 b=2 utilization cpu=2\nnode 2: n2\nprimitive d1 Dummy\nproperty stonith-enabled=false"
)
NODE_LOADS = {
    "node-update": "node n1 attributes standby=on\n",
    "node-id-form": "node 2: n2 attributes x=1\n",
    "new-node": "node n3\n",
    "xml-statement": 'xml <primitive id="x9" class="ocf" provider="heartbeat" type="Dummy"/>\n',
    "tag-and-ticket": "tag tt d1\nrsc_ticket rt t1: d1\n",
}


@pytest.fixture(scope="module")
def node_cib(tmp_path_factory) -> Path:
    return crm_oracle.new_cib(tmp_path_factory.mktemp("nodes"), setup=NODE_SETUP)


@pytest.mark.parametrize("method", ["update", "push"])
@pytest.mark.parametrize("case", sorted(NODE_LOADS))
def test_load_nodes_and_more_like_crm(case: str, method: str, node_cib: Path, tmp_path: Path) -> None:
    ours, theirs = _pair(node_cib, tmp_path)
    src = tmp_path / "in.crm"
    src.write_text(NODE_LOADS[case])
    script = f"configure\nload {method} {src}\ncommit\n"
    assert crm_oracle.crm(theirs, script).returncode == 0
    mine = clush(ours, "-F", stdin=script.encode())
    assert mine.returncode == 0, mine.stderr.decode()
    assert crm_oracle.canon(ours) == crm_oracle.canon(theirs)


EDITS = {
    "param-delete-add": (("d1", "d7"), "t = t.replace('fake=1', 'fake=2').replace('primitive d7 Dummy\\n', '')\n"
                         "t += 'primitive d8 Dummy\\n'\n"),
    "group-members": (("g1",), "t = t.replace('group g1 d3 d4', 'group g1 d4 d3 meta target-role=Stopped')\n"),
    "constraint-score": (("c1", "o1"), "t = t.replace('inf: d1 d2', '500: d1 d2').replace('d1 d2 d6', 'd2 d6')\n"),
    "comment": (("d2",), "t = '# the second one\\n' + t\n"),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_edit_like_crm(case: str, base_cib: Path, tmp_path: Path) -> None:
    """The same $EDITOR change through `crm configure edit` and `clush configure edit`."""
    crm_oracle.realenv.require("crm")
    ids, change = EDITS[case]
    ours, theirs = _pair(base_cib, tmp_path)
    editor = tmp_path / "ed.py"
    editor.write_text(f"import sys\np = sys.argv[1]\nt = open(p).read()\n{change}open(p, 'w').write(t)\n")
    rc, err = _on_pty(["crm", "-F", "configure", "edit", *ids], theirs, editor)
    assert rc == 0, err
    rc, err = _on_pty([str(Path(sys.executable).parent / "clush"), "-F", "configure", "edit", *ids], ours, editor)
    assert rc == 0, err
    assert crm_oracle.canon(ours) == crm_oracle.canon(theirs)
    assert clush(ours, "configure", "show").stdout.decode() == crm_oracle.crm_show(theirs)


def _on_pty(argv: list[str], cib: Path, editor: Path) -> tuple[int, str]:
    master, slave = pty.openpty()
    env = {**os.environ, "CIB_file": str(cib), "EDITOR": f"{sys.executable} {editor}", "NO_COLOR": "1"}
    env.pop("VISUAL", None)
    proc = subprocess.Popen(argv, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    _, err = proc.communicate(timeout=120)
    os.close(master)
    return proc.returncode, err.decode()


def test_load_dash_in_a_script_reads_the_rest_of_stdin(base_cib: Path, tmp_path: Path) -> None:
    ours, theirs = _pair(base_cib, tmp_path)
    script = "configure\nload update -\nprimitive zz Dummy\nprimitive zy Dummy meta target-role=Stopped\n"
    assert crm_oracle.crm(theirs, script).returncode == 0
    mine = clush(ours, "-F", stdin=script.encode())
    assert mine.returncode == 0, mine.stderr.decode()
    assert crm_oracle.canon(ours) == crm_oracle.canon(theirs)
