"""NODE and HOST arguments complete on a workstation without a cluster: cluster.nodes and ~/.ssh/config."""

from __future__ import annotations

from pathlib import Path

import pytest

from clushell.commands.tree import Arg, Kind, Level, command
from clushell.complete.base import Candidate, Source
from clushell.complete.engine import complete_words
from clushell.complete.sources import Providers, ssh_config_hosts

SSH_CONFIG = """\
Host web1 web2 *.lab !bad
  HostName 10.0.0.1
Host=db1
  host   db?
Match host x
Host *
"""


def _noop(ctx, args):
    return None


ROOT = Level("root", "Root.", commands=[
    command("show", "Show.", Arg("node", Kind.NODE, "node"))(_noop),
    command("join", "Join.", Arg("host", Kind.HOST, "host"))(_noop),
])


class Workstation(Source):
    """No CIB nodes reachable; only hosts known from the preferences and ~/.ssh/config."""

    def __init__(self, cib_nodes: list[str] = ()):
        self.cib_nodes = list(cib_nodes)

    def ids(self, kind: str) -> list[Candidate]:
        return [Candidate(n, "node") for n in self.cib_nodes] if kind == "node" else []

    def known_hosts(self) -> list[Candidate]:
        return [Candidate("root@n1:2222", "cluster.nodes"), Candidate("[fd00::5]:22", "cluster.nodes"),
                Candidate("web1", "~/.ssh/config")]


def texts(words: list[str], source: Source) -> list[str]:
    return [c.text for c in complete_words(ROOT, [], [ROOT], words, "", source)]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".ssh").mkdir()
    (tmp_path / ".ssh" / "config").write_text(SSH_CONFIG)
    (tmp_path / "clush.conf").write_text("[cluster]\nnodes = root@n1 n2:2222 web1\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CLUSH_CONFIG", str(tmp_path / "clush.conf"))
    return tmp_path


def test_ssh_config_host_names_without_patterns(home: Path) -> None:
    assert ssh_config_hosts() == ["web1", "web2", "db1"]
    assert ssh_config_hosts(str(home / "missing")) == []


def test_providers_offer_cluster_nodes_then_ssh_hosts(home: Path) -> None:
    got = [(c.text, c.meta) for c in Providers().known_hosts()]
    assert got == [("root@n1", "cluster.nodes"), ("n2:2222", "cluster.nodes"), ("web1", "cluster.nodes"),
                   ("web2", "~/.ssh/config"), ("db1", "~/.ssh/config")]


def test_node_argument_offers_known_hosts_by_name_after_cib_nodes() -> None:
    assert texts(["show"], Workstation()) == ["n1", "fd00::5", "web1"]
    assert texts(["show"], Workstation(["web1", "n9"])) == ["web1", "n9", "n1", "fd00::5"]


def test_host_argument_offers_entries_as_written() -> None:
    assert texts(["join"], Workstation()) == ["root@n1:2222", "[fd00::5]:22", "web1"]
