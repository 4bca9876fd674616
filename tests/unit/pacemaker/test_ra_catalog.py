"""Resource-agent listings, metadata and their per-host cache (real crm_resource)."""

from __future__ import annotations

import pytest

from clushell.pacemaker import ra
from clushell.transport.local import LocalRunner
from tests.realenv import require


class Counting:
    """A runner that counts calls (and can pretend to be a remote host)."""

    def __init__(self, where: str = "local"):
        self.inner = LocalRunner()
        self.where = where
        self.base_env: dict[str, str] = {}
        self.calls: list[list[str]] = []

    def run(self, argv, **kw):
        self.calls.append(list(argv))
        return self.inner.run(argv, **kw)

    def close(self) -> None:
        pass


@pytest.fixture(autouse=True)
def _tools():
    require("crm_resource")


def test_listings(tmp_path):
    cat = ra.Catalog(LocalRunner(), tmp_path)
    assert {"ocf", "lsb", "stonith"} <= set(cat.classes())
    assert {"heartbeat", "pacemaker"} <= set(cat.providers())
    assert "Dummy" in cat.agents("ocf", "pacemaker") and "IPaddr2" in cat.agents("ocf", "heartbeat")
    assert cat.providers("IPaddr2") == ["heartbeat"]
    assert cat.agents("ocf", "nosuchprovider") == []


def test_short_forms_resolve_like_crmsh(tmp_path):
    cat = ra.Catalog(LocalRunner(), tmp_path)
    assert cat.resolve("IPaddr2") == "ocf:heartbeat:IPaddr2"
    assert cat.resolve("Dummy") == "ocf:heartbeat:Dummy"  # both providers have it: heartbeat first
    assert cat.resolve("ocf:HealthCPU") == "ocf:pacemaker:HealthCPU"  # only pacemaker has it
    assert cat.resolve("ocf:pacemaker:Dummy") == "ocf:pacemaker:Dummy"
    assert cat.resolve("lsb:dbus") == "lsb:dbus"
    assert cat.resolve("NoSuchAgent") == "ocf:heartbeat:NoSuchAgent"


def test_metadata_parsed(tmp_path):
    info = ra.Catalog(LocalRunner(), tmp_path).metadata("IPaddr2")
    assert info.spec == "ocf:heartbeat:IPaddr2"
    ip = info.param("ip")
    assert ip.required and ip.unique and ip.type == "string" and ip.shortdesc
    assert [p.name for p in info.required()] == ["ip"]
    mon = info.action("monitor")
    assert mon.interval == "10s" and mon.timeout_seconds == 20.0
    stateful = ra.Catalog(LocalRunner(), tmp_path).metadata("ocf:pacemaker:Stateful")
    assert stateful.action("monitor", "Promoted").role in ("Promoted", "Master")
    assert stateful.action("monitor", "Master").interval == stateful.action("monitor", "Promoted").interval


def test_unknown_agent_is_one_clear_error(tmp_path):
    with pytest.raises(ra.UnknownAgent, match="unknown resource agent ocf:heartbeat:NoSuchAgent on local"):
        ra.Catalog(LocalRunner(), tmp_path).metadata("NoSuchAgent")


def test_cluster_options(tmp_path):
    opts = ra.Catalog(LocalRunner(), tmp_path).cluster_options()
    assert opts["no-quorum-policy"].options == ("stop", "freeze", "ignore", "demote", "suicide")
    assert opts["stonith-enabled"].type == "boolean" and "cluster-recheck-interval" in opts


def test_disk_cache_survives_a_new_session(tmp_path):
    first = Counting()
    ra.Catalog(first, tmp_path).metadata("ocf:pacemaker:Dummy")
    assert len(first.calls) == 1
    second = Counting()
    info = ra.Catalog(second, tmp_path).metadata("ocf:pacemaker:Dummy")
    assert second.calls == [] and info.param("fake") is not None
    assert (tmp_path / "local" / "ra").is_dir()


def test_cache_is_per_host_and_expires(tmp_path):
    remote = Counting("root@node9")
    ra.Catalog(remote, tmp_path, ttl=3600).metadata("ocf:pacemaker:Dummy")
    assert (tmp_path / "root@node9" / "ra").is_dir()
    again = Counting("root@node9")
    ra.Catalog(again, tmp_path, ttl=3600).metadata("ocf:pacemaker:Dummy")
    assert again.calls == []
    expired = Counting("root@node9")
    ra.Catalog(expired, tmp_path, ttl=0).metadata("ocf:pacemaker:Dummy")
    assert len(expired.calls) == 1


def test_local_agent_change_invalidates(tmp_path, monkeypatch):
    runner = Counting()
    cat = ra.Catalog(runner, tmp_path)
    cat.metadata("ocf:pacemaker:Dummy")
    fresh = ra.Catalog(Counting(), tmp_path)
    monkeypatch.setattr(fresh, "_stamp", lambda key: 1.0)  # as if the agent script was replaced
    fresh.metadata("ocf:pacemaker:Dummy")
    assert len(fresh.runner.calls) == 1


def test_module_functions_share_one_catalog_per_runner():
    runner = Counting()
    assert ra.catalog(runner) is ra.catalog(runner)
    ra.metadata(runner, "ocf:pacemaker:Dummy")
    ra.metadata(runner, "ocf:pacemaker:Dummy")
    assert sum(c[:2] == ["crm_resource", "--show-metadata"] for c in runner.calls) <= 1


@pytest.mark.parametrize("text,secs", [("20s", 20), ("20", 20), ("1m", 60), ("500ms", 0.5), ("PT1M30S", 90),
                                       ("2h", 7200), ("bogus", None), (None, None)])
def test_durations(text, secs):
    from clushell.cib.durations import seconds

    assert seconds(text) == secs


def test_cluster_options_found_in_either_daemon_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(ra, "DAEMON_DIRS", ("/nonexistent/libexec/pacemaker", "/usr/lib/pacemaker"))
    assert "no-quorum-policy" in ra.Catalog(LocalRunner(), tmp_path).cluster_options()
