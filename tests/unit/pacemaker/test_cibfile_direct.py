"""cibfile.read_direct: a local CIB file in the usual form is read as it is; a file cut short
(a cibadmin rewriting it in place) is left to cibadmin."""

from __future__ import annotations

from pathlib import Path

from clushell.pacemaker.cibfile import read_direct
from clushell.transport.local import LocalRunner

CIB = (b'<cib epoch="3" num_updates="1" admin_epoch="0" validate-with="none">'
       b"<configuration><resources/></configuration><status/></cib>")


def _read(tmp_path: Path, data: bytes) -> bytes | None:
    path = tmp_path / "cib.xml"
    path.write_bytes(data)
    return read_direct(LocalRunner({"CIB_file": str(path)}))


def test_usual_file_is_read_as_it_is(tmp_path: Path) -> None:
    assert _read(tmp_path, CIB) == CIB
    assert _read(tmp_path, CIB + b"\n\n") == CIB + b"\n\n"
    padded = CIB.replace(b"<resources/>", b"<resources>" + b" " * 10000 + b"</resources>")
    assert _read(tmp_path, padded) == padded  # the end is found in the file's tail


def test_cut_or_empty_file_is_left_to_cibadmin(tmp_path: Path) -> None:
    assert _read(tmp_path, CIB[:-3]) is None
    assert _read(tmp_path, CIB[: len(CIB) // 2]) is None
    assert _read(tmp_path, b"") is None


def test_missing_status_is_added_as_cibadmin_does(tmp_path: Path) -> None:
    assert _read(tmp_path, CIB.replace(b"<status/>", b"")) == CIB
