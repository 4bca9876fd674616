"""Run one configure script through Debian's `crm` (the oracle) and through `clush`.

Both run in batch mode with -F on copies of one CIB file. The helpers return what each
printed and where its CIB is, and compare the results the conformance way (cibcmp, ids
included), `configure show`, and the shape of errors.
"""

from __future__ import annotations

import difflib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import crm_oracle
from tests.conftest import run_clush
from tests.realenv import require

PRE = "property stonith-enabled=false\n"
#: how crm says it refused a statement (it goes on with the others)
_CRM_REJECTS = ("syntax", "parsing", "No such command", "not supported", "Cannot create", "Traceback")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(text: str | bytes) -> str:
    """Output without colour codes."""
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return _ANSI.sub("", text)


@dataclass
class Run:
    """What one tool did: exit code, output, and the CIB file it worked on."""

    rc: int
    out: str
    err: str
    cib: Path

    def errors(self) -> list[str]:
        return [ln for ln in (self.out + self.err).splitlines() if "ERROR" in ln]


@dataclass
class Pair:
    crm: Run
    clush: Run


def run_crm(cib: Path, script: str, *, force: bool = True) -> Run:
    res = crm_oracle.crm(cib, script, force=force)
    return Run(res.returncode, plain(res.stdout), plain(res.stderr), cib)


def run_clush_on(cib: Path, script: str, *args: str, force: bool = True) -> Run:
    argv = ["-F", *args] if force else list(args)
    res = run_clush(*argv, input=script, env={"CIB_file": str(cib), "LC_ALL": "C.UTF-8"})
    return Run(res.returncode, res.stdout, res.stderr, cib)


def base_cib(tmp: Path, name: str, setup: str = "", xml: Path | None = None) -> Path:
    """A copy of ``xml`` (default: the empty base CIB), populated by crm with ``setup``."""
    require("crm", "cibadmin", "crm_diff", "crm_verify")
    cib = tmp / name
    shutil.copy(xml or crm_oracle.BASE, cib)
    if setup:
        res = crm_oracle.crm(cib, "configure\n" + setup + "\ncommit\n")
        assert res.returncode == 0, plain(res.stderr)
    return cib


def both(
    tmp: Path, script: str, *, setup: str = "", xml: Path | None = None, level: str = "configure", force: bool = True
) -> Pair:
    """``script`` (statements of ``level``) through crm and clush (both with -F unless ``force`` is
    false) on two copies of one CIB."""
    a = base_cib(tmp, "crm.xml", setup, xml)
    b = tmp / "clush.xml"
    shutil.copy(a, b)
    tail = "commit\nquit\n" if level == "configure" else "quit\n"
    text = f"{level}\n{script.strip()}\n{tail}"
    return Pair(run_crm(a, text, force=force), run_clush_on(b, text, force=force))


def cib_diff(a: Path, b: Path) -> str:
    want, got = crm_oracle.canon(a), crm_oracle.canon(b)
    return "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "crm", "clush"))


def show(tool: str, cib: Path, *args: str) -> str:
    if tool == "crm":
        return crm_oracle.crm_show(cib, *args)
    res = run_clush("configure", "show", *args, env={"CIB_file": str(cib)})
    assert res.returncode == 0, res.stderr
    return res.stdout


def show_diff(pair: Pair, *args: str) -> str:
    want, got = show("crm", pair.crm.cib, *args), show("clush", pair.clush.cib, *args)
    return "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "crm", "clush"))


def assert_same(pair: Pair, *, show_too: bool = True) -> None:
    """Both succeeded, and left the same CIB (and the same `configure show`)."""
    assert pair.crm.rc == 0, f"crm failed on the script itself:\n{pair.crm.err}"
    assert not [e for e in pair.crm.errors() if any(w in e for w in _CRM_REJECTS)], pair.crm.err
    assert pair.clush.rc == 0, f"clush rc={pair.clush.rc}\n{pair.clush.err}"
    diff = cib_diff(pair.crm.cib, pair.clush.cib)
    if diff:
        pytest.fail(f"CIBs differ\n{diff}")
    if show_too:
        diff = show_diff(pair)
        if diff:
            pytest.fail(f"`configure show` differs\n{diff}")


#: attributes of <cib> that say when and by whom, not what
_VERSION_ATTRS = ("epoch", "num_updates", "admin_epoch", "cib-last-written", "update-origin", "update-client",
                  "update-user", "crm_feature_set")


def cib_text(cib: Path) -> str:
    """``cibadmin -Q`` of a CIB file, pretty printed, without the version bookkeeping of <cib>:
    sibling order and every id count (stricter than cibcmp); attributes are sorted (their order
    means nothing to Pacemaker)."""
    import subprocess

    from lxml import etree

    res = subprocess.run(["cibadmin", "-Q"], env=crm_oracle.env_for(cib), capture_output=True, check=True)
    root = etree.fromstring(res.stdout, etree.XMLParser(remove_blank_text=True))
    for name in _VERSION_ATTRS:
        root.attrib.pop(name, None)
    for el in root.iter():
        if isinstance(el.tag, str) and len(el.attrib) > 1:
            items = sorted(el.attrib.items())
            el.attrib.clear()
            el.attrib.update(items)
    return etree.tostring(root, pretty_print=True).decode()


def assert_identical_xml(pair: Pair) -> None:
    """`cibadmin -Q` of both results reads the same, sibling order included."""
    want, got = cib_text(pair.crm.cib), cib_text(pair.clush.cib)
    diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "crm", "clush"))
    if diff:
        pytest.fail(f"cibadmin -Q differs\n{diff}")


def assert_round_trip(cib: Path, tmp: Path) -> None:
    """clush's `save` of ``cib`` loads back (load replace) to the same CIB."""
    copy = tmp / "roundtrip.xml"
    shutil.copy(cib, copy)
    saved = run_clush("configure", "save", "-", env={"CIB_file": str(copy)})
    assert saved.returncode == 0, saved.stderr
    loaded = run_clush("-F", "configure", "load", "replace", "-", input=saved.stdout, env={"CIB_file": str(copy)})
    assert loaded.returncode == 0, f"{loaded.stderr}\n--- saved text:\n{saved.stdout}"
    diff = cib_diff(cib, copy)
    if diff:
        pytest.fail(f"save -> load replace changed the CIB\n{diff}\n--- saved text:\n{saved.stdout}")


def assert_rejected(pair: Pair) -> None:
    """crm refuses the statement (an ERROR, nothing created), clush too, with one ERROR line."""
    assert pair.crm.errors(), f"crm accepted it:\n{pair.crm.err}"
    assert pair.clush.rc != 0
    errors = pair.clush.errors()
    assert len(errors) == 1, pair.clush.err
    assert "Traceback" not in pair.clush.err
    assert not cib_diff(pair.crm.cib, pair.clush.cib), cib_diff(pair.crm.cib, pair.clush.cib)


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


def cases(table: dict[str, str], failing: dict[str, str]) -> list:
    """pytest params for ``table``; those named in ``failing`` are strict xfails with its reason."""
    return [
        pytest.param(name, marks=xfail(failing[name])) if name in failing else pytest.param(name)
        for name in sorted(table)
    ]
