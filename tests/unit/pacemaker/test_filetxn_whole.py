"""A CIB-file transaction installs only a whole CIB (well-formed, <cib> with a <configuration>)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clushell.errors import ClushError
from clushell.pacemaker import filetxn
from clushell.transport.local import LocalRunner

OLD = b'<cib epoch="1" num_updates="0" admin_epoch="0"><configuration><resources/></configuration><status/></cib>'

BAD = {
    "empty": (b"", "Document is empty"),
    "cut short": (b'<cib epoch="2"><configuration><resources>', "Premature end of data"),
    "trailing content": (b"<cib><configuration/></cib><cib/>", "Extra content at the end"),
    "another root": (b"<other><configuration/></other>", "the result has no configuration"),
    "no configuration": (b"<cib><status/></cib>", "the result has no configuration"),
    "configuration not a child of the root": (b"<cib><status><configuration/></status></cib>",
                                              "the result has no configuration"),
}

GOOD = {
    "usual": b'<cib epoch="2"><configuration><resources/></configuration><status/></cib>',
    "status first": b"<cib><status><node_state id='1'><lrm/></node_state></status><configuration/></cib>",
    "declaration and comments": b'<?xml version="1.0"?>\n<!-- c --><cib><!-- x --><configuration/></cib>\n',
}


def write_in_transaction(cib: Path, data: bytes) -> None:
    runner = LocalRunner({"CIB_file": str(cib)})
    with filetxn.transaction(runner, str(cib)) as txn:
        assert txn is not None and runner.base_env["CIB_file"] == txn.copy
        Path(txn.copy).write_bytes(data)  # what a tool killed half-way (or a good one) leaves


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_copy_that_is_not_a_whole_cib_is_never_installed(tmp_path: Path, case: str) -> None:
    cib = tmp_path / "cib.xml"
    cib.write_bytes(OLD)
    data, why = BAD[case]
    with pytest.raises(ClushError, match=why) as err:
        write_in_transaction(cib, data)
    assert f"writing CIB file {cib} failed" in err.value.message and "nothing was changed" in err.value.message
    assert cib.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cib.xml.lock", "cib.xml"]  # no copy left


@pytest.mark.parametrize("case", sorted(GOOD))
def test_a_whole_cib_is_installed(tmp_path: Path, case: str) -> None:
    cib = tmp_path / "cib.xml"
    cib.write_bytes(OLD)
    write_in_transaction(cib, GOOD[case])
    assert cib.read_bytes() == GOOD[case]


def test_same_size_different_content_is_installed_and_unchanged_is_not_rewritten(tmp_path: Path) -> None:
    cib = tmp_path / "cib.xml"
    cib.write_bytes(OLD)
    same_size = OLD.replace(b'epoch="1"', b'epoch="2"')
    write_in_transaction(cib, same_size)
    assert cib.read_bytes() == same_size
    inode = cib.stat().st_ino
    write_in_transaction(cib, same_size)  # nothing changed: the file is left as it is
    assert cib.stat().st_ino == inode
