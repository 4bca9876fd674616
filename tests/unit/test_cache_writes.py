"""On-disk caches/state are replaced atomically through a unique temp file in the same directory."""

from __future__ import annotations

import json
import threading

from clushell.complete.snapshot import SnapshotProviders
from clushell.ipvs import drained


def test_snapshot_cache_concurrent_saves_leave_one_whole_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    provs = [SnapshotProviders("/var/lib/x/cib.xml", "1:2:3") for _ in range(8)]
    threads = [threading.Thread(target=p._save, args=(f"k{i}", list(range(2000)))) for i, p in enumerate(provs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    files = list((tmp_path / "clush" / "complete").iterdir())
    assert [f.suffix for f in files] == [".json"]  # no temp file left behind
    data = json.loads(files[0].read_text())
    assert data["stamp"] == "1:2:3"
    assert any(k.startswith("k") for k in data)


def test_snapshot_cache_unwritable_directory_is_only_slower(tmp_path, monkeypatch):
    (tmp_path / "clush").mkdir()
    (tmp_path / "clush" / "complete").write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    SnapshotProviders("/x.xml", "1")._save("ids", {})  # no exception
    assert (tmp_path / "clush" / "complete").read_text() == "not a directory"


def test_drained_weights_saved_without_leftover_temp(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    drained.remember("d1", "tcp 10.0.0.1:80", "10.0.0.2:80", 7)
    assert drained.recall("d1", "tcp 10.0.0.1:80", "10.0.0.2:80") == 7
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and p.name.endswith(".tmp")]
    assert leftovers == []
