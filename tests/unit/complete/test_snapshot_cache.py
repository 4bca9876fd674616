"""`clush __complete`'s on-disk id cache: keyed by the CIB's version, never stale, only slower when broken.

Pure Python (a fake runner stands for cibadmin): what the cache must guarantee, and that the
prefix lookups of the cache and of the REPL's index give what filtering the full list gives.
"""

from __future__ import annotations

import json
import os
import random
import threading
from pathlib import Path

import pytest

from clushell.cib.model import CibModel
from clushell.complete import snapshot
from clushell.complete.base import Candidate, Source
from clushell.complete.snapshot import SnapshotProviders, _candidates, _pack
from clushell.complete.sources import ModelIndex
from clushell.transport.base import Result


def cib(ids: list[str], epoch: int = 1, num_updates: int = 0) -> str:
    prims = "".join(f'<primitive id="{i}" class="ocf" provider="heartbeat" type="Dummy"/>' for i in ids)
    return (f'<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="{epoch}" '
            f'num_updates="{num_updates}" admin_epoch="0"><configuration><crm_config/><nodes/>'
            f"<resources>{prims}</resources><constraints/></configuration><status/></cib>")


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CIB_file", raising=False)
    return tmp_path / "cache"


class Loads:
    """A model loader that counts how often the CIB is read."""

    def __init__(self, path: Path):
        self.path, self.count = path, 0

    def __call__(self) -> CibModel:
        self.count += 1
        return CibModel.from_xml(self.path.read_bytes())


def texts(cands: list[Candidate]) -> list[str]:
    return [c.text for c in cands]


def file_source(path: Path) -> tuple[SnapshotProviders, Loads]:
    prov = snapshot.shell_source({"--cib-file": str(path)})
    assert isinstance(prov, SnapshotProviders)
    loads = Loads(path)
    prov._loader = loads
    return prov, loads


def test_second_tab_reads_the_cache_not_the_cib(tmp_path: Path, cache_home: Path) -> None:
    path = tmp_path / "cib.xml"
    path.write_text(cib(["a1", "a2", "b1"]))
    prov, loads = file_source(path)
    assert texts(prov.ids_with_prefix("resource", "a")) == ["a1", "a2"]
    prov, loads = file_source(path)
    assert texts(prov.ids_with_prefix("resource", "a")) == ["a1", "a2"]
    assert texts(prov.ids("primitive")) == ["a1", "a2", "b1"]
    assert loads.count == 0


def test_a_changed_file_is_read_again(tmp_path: Path, cache_home: Path) -> None:
    path = tmp_path / "cib.xml"
    path.write_text(cib(["a1"]))
    file_source(path)[0].ids("resource")
    tmp = tmp_path / "new.xml"
    tmp.write_text(cib(["a1", "a2"], epoch=2))
    os.replace(tmp, path)  # as clush and editors write: a new inode
    assert texts(file_source(path)[0].ids("resource")) == ["a1", "a2"]


def test_an_in_place_rewrite_with_the_same_size_and_mtime_is_seen(tmp_path: Path, cache_home: Path) -> None:
    path = tmp_path / "cib.xml"
    path.write_text(cib(["a1"], epoch=1))
    st = path.stat()
    file_source(path)[0].ids("resource")
    path.write_text(cib(["b1"], epoch=2))  # same length, same inode
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert texts(file_source(path)[0].ids("resource")) == ["b1"]


def test_a_version_read_while_the_file_changed_is_not_cached(tmp_path: Path, cache_home: Path) -> None:
    path = tmp_path / "cib.xml"
    path.write_text(cib(["a1"]))
    prov, _ = file_source(path)

    def changed_while_reading() -> CibModel:
        model = CibModel.from_xml(path.read_bytes())
        tmp = tmp_path / "new.xml"
        tmp.write_text(cib(["a1", "a2"], epoch=2))
        os.replace(tmp, path)
        return model

    prov._loader = changed_while_reading
    assert texts(prov.ids("resource")) == ["a1"]  # what it read (this Tab)
    assert "ids" not in json.loads(Path(prov.cache).read_text()) if Path(prov.cache).exists() else True
    assert texts(file_source(path)[0].ids("resource")) == ["a1", "a2"]


def test_an_entry_of_another_version_is_never_used(tmp_path: Path, cache_home: Path) -> None:
    old = SnapshotProviders("/cib.xml", "v1")
    old._save("ids", {"resource": _pack([Candidate("stale", "primitive")])})
    new = SnapshotProviders("/cib.xml", "v2", model_loader=lambda: CibModel.from_xml(cib(["fresh"])))
    assert texts(new.ids("resource")) == ["fresh"]
    assert json.loads(Path(new.cache).read_text())["stamp"] == "v2"


def test_concurrent_writers_of_two_versions_never_mix(cache_home: Path) -> None:
    models = {v: CibModel.from_xml(cib([f"{v}-{i}" for i in range(300)])) for v in ("v1", "v2")}
    errors: list[str] = []

    def tab(version: str) -> None:
        for _ in range(15):
            prov = SnapshotProviders("/same/cib.xml", version, model_loader=lambda: models[version])
            got = texts(prov.ids("resource"))
            if got != [f"{version}-{i}" for i in range(300)]:
                errors.append(f"{version}: {got[:3]}")

    threads = [threading.Thread(target=tab, args=(v,)) for v in ("v1", "v2") * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    files = list((cache_home / "clush" / "complete").iterdir())
    assert len(files) == 1 and not files[0].name.endswith(".tmp")


@pytest.mark.parametrize("breakage", ["file-for-dir", "garbage", "wrong-shape"])
def test_a_broken_cache_only_costs_time(tmp_path: Path, cache_home: Path, breakage: str) -> None:
    path = tmp_path / "cib.xml"
    path.write_text(cib(["a1", "a2"]))
    prov, loads = file_source(path)
    if breakage == "file-for-dir":
        cache_home.mkdir(parents=True)
        (cache_home / "clush").write_text("not a directory")
    else:
        Path(prov.cache).parent.mkdir(parents=True)
        Path(prov.cache).write_text("{not json" if breakage == "garbage" else "[1, 2]")
    assert texts(prov.ids_with_prefix("resource", "a2")) == ["a2"]
    assert loads.count == 1


def test_unreadable_cache_file_is_read_around(tmp_path: Path, cache_home: Path, monkeypatch) -> None:
    path = tmp_path / "cib.xml"
    path.write_text(cib(["a1"]))
    prov, loads = file_source(path)

    import builtins

    real = builtins.open

    def refuse(file, *a, **kw):
        if str(file).endswith(".json"):
            raise PermissionError(13, "Permission denied")
        return real(file, *a, **kw)

    monkeypatch.setattr(builtins, "open", refuse)
    assert texts(prov.ids("resource")) == ["a1"]


class FakeCib:
    """cibadmin of a live cluster: the <cib> element alone, or the whole CIB."""

    def __init__(self, ids: list[str], epoch: int = 1, num_updates: int = 0):
        self.set(ids, epoch, num_updates)
        self.calls: list[list[str]] = []

    def set(self, ids: list[str], epoch: int, num_updates: int) -> None:
        self.xml = cib(ids, epoch, num_updates)

    def run(self, argv, **kw) -> Result:
        self.calls.append(list(argv))
        if "--no-children" in argv:
            return Result(0, self.xml[: self.xml.index(">")] + "/>", "")
        return Result(0, self.xml, "")


def live_source(fake: FakeCib, monkeypatch) -> SnapshotProviders:
    monkeypatch.setattr(snapshot, "cib_sockets", lambda: "4711")
    monkeypatch.setattr(snapshot._ClampedRunner, "run", lambda self, argv, **kw: fake.run(argv, **kw))
    prov = snapshot.shell_source({})
    assert isinstance(prov, SnapshotProviders)
    return prov


def test_live_ids_are_cached_by_the_cib_version(cache_home: Path, monkeypatch) -> None:
    fake = FakeCib(["a1", "a2"])
    assert texts(live_source(fake, monkeypatch).ids("resource")) == ["a1", "a2"]
    fake.calls.clear()
    assert texts(live_source(fake, monkeypatch).ids_with_prefix("resource", "a2")) == ["a2"]
    assert all("--no-children" in c for c in fake.calls)  # the version only, not the CIB
    fake.set(["a1", "a2"], 1, 7)  # a status update (num_updates only): the ids are still the cached ones
    fake.calls.clear()
    assert texts(live_source(fake, monkeypatch).ids("resource")) == ["a1", "a2"]
    assert all("--no-children" in c for c in fake.calls)
    fake.set(["a1", "a2", "n2"], 2, 0)  # a configuration change: read again
    assert texts(live_source(fake, monkeypatch).ids("resource"))[-1] == "n2"
    assert any("--no-children" not in c for c in fake.calls)


def test_live_cib_read_at_another_version_is_not_cached(cache_home: Path, monkeypatch) -> None:
    fake = FakeCib(["a1"])
    prov = live_source(fake, monkeypatch)
    fake.set(["a1", "a2"], 2, 0)  # changed between the version query and the read
    assert texts(prov.ids("resource")) == ["a1", "a2"]
    fake.set(["a1"], 1, 0)  # the stamped version again: must not find a2 under it
    assert texts(live_source(fake, monkeypatch).ids("resource")) == ["a1"]


def test_live_version_unknown_means_no_cache(cache_home: Path, monkeypatch) -> None:
    monkeypatch.setattr(snapshot, "cib_sockets", lambda: "4711")
    monkeypatch.setattr(snapshot._ClampedRunner, "run", lambda self, argv, **kw: Result(1, "", "no"))
    prov = snapshot.shell_source({})
    assert prov is not None and not isinstance(prov, SnapshotProviders)


# -- prefix lookups give what filtering the whole list gives --------------------------------------
ALPHABET = ["a", "b", "p0", "p08", "-", ".", "_", "é", "\U0010ffff", "x y", "[", "*", "\\", "\x7f", "\t"]


def random_ids(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 5))) for _ in range(n)]


@pytest.mark.parametrize("seed", range(20))
def test_prefix_lookups_equal_filtering(seed: int) -> None:
    rng = random.Random(seed)
    ids = random_ids(rng, 200)
    if seed % 2:  # no blanks or DELs: the one-string form of the cache
        ids = [i.replace(" ", "").replace("\x7f", "") or "z" for i in ids]
    cands = [Candidate(i, rng.choice(["primitive", "ocf:heartbeat:Dummy", "", "a b"])) for i in ids]
    packed = _pack(cands)
    assert isinstance(packed, str) == bool(seed % 2)
    assert _candidates(packed) == cands
    index = ModelIndex(CibModel.empty())
    index.lists["object"] = cands
    for prefix in ["", *rng.sample(ids, 10), *(i[:1] for i in ids[:10]), "p", "zzz", "\U0010ffff"]:
        want = [c for c in cands if c.text.startswith(prefix)]
        assert _candidates(packed, prefix) == want, prefix
        assert index.with_prefix("object", prefix) == want, prefix
        assert Source.ids_with_prefix(_Listed(cands), "object", prefix) == want


class _Listed(Source):
    def __init__(self, cands: list[Candidate]):
        self.cands = cands

    def ids(self, kind: str) -> list[Candidate]:
        return list(self.cands)


def test_live_run_states_follow_status_updates(cache_home: Path, monkeypatch) -> None:
    """Run states come from the status: they are cached for the full version (num_updates too),
    while the ids stay cached across status updates."""
    from clushell.complete.sources import Providers

    asked: list[int] = []
    monkeypatch.setattr(Providers, "run_states", lambda self: asked.append(1) or {"a1": len(asked) % 2 == 1})
    fake = FakeCib(["a1"])
    assert texts(live_source(fake, monkeypatch).ids("resource")) == ["a1"]  # cached for the configuration
    assert live_source(fake, monkeypatch).run_states() == {"a1": True}
    assert live_source(fake, monkeypatch).run_states() == {"a1": True} and len(asked) == 1
    fake.set(["a1"], 1, 5)  # a status update: the states are asked again, the ids are not read
    fake.calls.clear()
    prov = live_source(fake, monkeypatch)
    assert prov.run_states() == {"a1": False} and len(asked) == 2
    assert texts(prov.ids("resource")) == ["a1"] and all("--no-children" in c for c in fake.calls)
