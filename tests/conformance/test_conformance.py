"""Every case in tests/data/conformance through the real `clush` on stdin, judged by cibcmp.py.

crmsh-cibtests/NNN.input run on a copy of crmsh-cibtests/shadow.base, scenarios/*.input on
a copy of scenarios/base.xml; the resulting `cibadmin -Q` must equal NNN.exp.xml.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cib_query, run_clush
from tests.paths import CONFORMANCE
from tests.realenv import require

CONF = CONFORMANCE


def _cases() -> list[tuple[str, Path, Path]]:
    cases = []
    for sub, base in (("crmsh-cibtests", "shadow.base"), ("scenarios", "base.xml")):
        folder = CONF / sub
        for inp in sorted(folder.glob("*.input")):
            cases.append((f"{sub}/{inp.stem}", inp, folder / base))
    return cases


CASES = _cases()


def cibcmp(expected: Path, actual: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CONF / "cibcmp.py"), str(expected), str(actual)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_cases_found() -> None:
    if not CONF.is_dir():
        pytest.fail(f"conformance data missing at {CONF}")
    names = [c[0] for c in CASES]
    assert len(names) >= 10, names


@pytest.mark.parametrize(("name", "inp", "base"), CASES, ids=[c[0] for c in CASES])
def test_conformance(name: str, inp: Path, base: Path, tmp_path: Path) -> None:
    require("cibadmin", "crm_diff", "crm_verify")
    work = tmp_path / "cib.xml"
    shutil.copy(base, work)
    res = run_clush(input=inp.read_text(), env={"CIB_file": str(work)})
    assert res.returncode == 0, f"clush rc={res.returncode}\nstdout:\n{res.stdout}\nstderr:\n{res.stderr}"
    out = tmp_path / "out.xml"
    out.write_text(cib_query(work))
    expected = inp.with_name(inp.stem + ".exp.xml")
    cmp = cibcmp(expected, out)
    assert cmp.returncode == 0, f"{name}: CIB differs from {expected.name}:\n{cmp.stdout}\nclush stderr:\n{res.stderr}"
