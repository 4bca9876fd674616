#!/usr/bin/env python3
"""Regenerate the render goldens with crmsh (the oracle): NAME.crm -> NAME.cib.xml + NAME.show.

usage: make_golden.py [NAME...]     (needs `crm`, `cibadmin`; run from anywhere)

Each NAME.crm is fed to `crm -F` in configure mode on a copy of conformance/scenarios/base.xml
(NAME.load files are loaded with `load update` instead, which keeps comments; NAME.in.xml
files are CIBs written by other tools, used as they are); the resulting
CIB and `crm configure show` text are stored next to it. test_render.py compares clush's
renderer with the stored text and re-checks the text against crm when it is installed.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = HERE.parent / "conformance" / "scenarios" / "base.xml"


def make(src: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cib = Path(tmp) / "cib.xml"
        shutil.copy(src if src.name.endswith(".in.xml") else BASE, cib)
        env = {**os.environ, "CIB_file": str(cib), "LC_ALL": "C"}
        if src.suffix == ".load":
            script = f"configure\nload update {src}\ncommit\n"
        elif src.name.endswith(".in.xml"):
            script = ""
        else:
            script = "configure\n" + src.read_text() + "commit\n"
        if script:
            subprocess.run(["crm", "-F"], input=script.encode(), env=env, capture_output=True, check=False)
        xml = subprocess.run(["cibadmin", "-Q"], env=env, capture_output=True, check=True).stdout
        show = subprocess.run(["crm", "configure", "show"], env=env, capture_output=True, check=True).stdout
    stem = src.name.split(".")[0]
    (HERE / f"{stem}.cib.xml").write_bytes(xml)
    (HERE / f"{stem}.show").write_bytes(show)
    print(f"{src.name}: {len(show.splitlines())} lines")


def main() -> None:
    names = sys.argv[1:]
    for src in sorted(HERE.glob("*.crm")) + sorted(HERE.glob("*.load")) + sorted(HERE.glob("*.in.xml")):
        if not names or src.name.split(".")[0] in names:
            make(src)


if __name__ == "__main__":
    main()
