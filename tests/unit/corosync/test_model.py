"""corosync.conf model: dotted get/set with validation, the nodelist, two_node, init configs."""

from __future__ import annotations

from pathlib import Path

import pytest

from clushell.corosync import keys
from clushell.corosync.model import CorosyncConf, generate
from clushell.errors import ClushError

DATA = Path(__file__).resolve().parents[2] / "data" / "corosync"


def lab() -> CorosyncConf:
    return CorosyncConf((DATA / "lab-3node.conf").read_text())


def test_get_dotted_and_repeated() -> None:
    conf = lab()
    assert conf.get("totem.token") == ["1500"]
    assert conf.get("nodelist.node.name") == ["mnode1", "mnode2", "mnode3"]
    assert conf.cluster_name == "clmn"
    assert conf.logfiles() == ["/var/log/corosync/corosync.log"]
    with pytest.raises(ClushError, match="not set"):
        conf.get("totem.consensus")
    with pytest.raises(ClushError, match="is a section"):
        conf.get("nodelist.node")
    with pytest.raises(ClushError, match="dotted key"):
        conf.get("totem")


def test_set_changes_one_line_and_validates() -> None:
    conf = lab()
    before = conf.render()
    conf.set("totem.token", "5000")
    diff = [(a, b) for a, b in zip(before.splitlines(), conf.render().splitlines(), strict=True) if a != b]
    assert diff == [("  token: 1500", "  token: 5000")]
    with pytest.raises(ClushError, match="not a whole number"):
        conf.set("totem.token", "5s")
    with pytest.raises(ClushError, match=r"unknown key 'totem.tokn' \(did you mean token\?\)"):
        conf.set("totem.tokn", "5000")
    with pytest.raises(ClushError, match="not one of knet, udp, udpu"):
        conf.set("totem.transport", "tcp")
    with pytest.raises(ClushError, match="not 0 or 1"):
        conf.set("quorum.wait_for_all", "yes")
    with pytest.raises(ClushError, match="unknown section"):
        conf.set("totme.token", "1")
    with pytest.raises(ClushError, match="cluster add/remove"):
        conf.set("nodelist.node.name", "x")


def test_set_creates_missing_sections_and_force_allows_unknown() -> None:
    conf = CorosyncConf("totem {\n\tversion: 2\n}\n")
    conf.set("quorum.device.net.host", "qnetd1")
    assert "quorum {\n\tdevice {\n\t\tnet {\n\t\t\thost: qnetd1\n\t\t}\n\t}\n}\n" in conf.render()
    conf.set("totem.future_key", "1", force=True)
    assert conf.get("totem.future_key") == ["1"]


def test_set_two_node_on_three_nodes_is_refused() -> None:
    with pytest.raises(ClushError, match="two_node is 1 but the nodelist has 3 nodes"):
        lab().set("quorum.two_node", "1")


def test_add_node_next_id_and_duplicates() -> None:
    conf = lab()
    node = conf.add_node("mnode4", ["10.214.0.14"])
    assert node.nodeid == 4
    assert [n.name for n in conf.nodes()] == ["mnode1", "mnode2", "mnode3", "mnode4"]
    assert "  node {\n    ring0_addr: 10.214.0.14\n    name: mnode4\n    nodeid: 4\n  }\n}\n" in conf.render()
    with pytest.raises(ClushError, match="already in the nodelist"):
        conf.add_node("mnode4", ["10.214.0.15"])
    with pytest.raises(ClushError, match="already used by node mnode2"):
        conf.add_node("mnode5", ["10.214.0.12"])
    with pytest.raises(ClushError, match="nodeid 2 is already used"):
        conf.add_node("mnode5", ["10.214.0.15"], nodeid=2)
    with pytest.raises(ClushError, match="not an address"):
        conf.add_node("mnode5", ["10.214.0.15 x"])


def test_two_node_follows_the_node_count() -> None:
    conf = lab()
    conf.remove_node("mnode3")
    assert conf.get("quorum.two_node") == ["1"]
    conf.add_node("mnode3", ["10.214.0.13"])
    with pytest.raises(ClushError):
        conf.get("quorum.two_node")
    with pytest.raises(ClushError, match="not in the nodelist"):
        conf.remove_node("nosuch")


def test_check_finds_duplicates_in_a_hand_edited_file() -> None:
    text = (DATA / "man-nodelist-3.conf").read_text().replace("nodeid: 3", "nodeid: 2")
    with pytest.raises(ClushError, match="nodeid 2 is used by node2 and NEW"):
        CorosyncConf(text).check()
    text = (DATA / "man-nodelist-3.conf").read_text().replace("10.24.38.108", "10.24.38.101")
    with pytest.raises(ClushError, match="address 10.24.38.101 is used by node1 and NEW"):
        CorosyncConf(text).check()


def test_votequorum_example_without_names_or_ids() -> None:
    conf = CorosyncConf((DATA / "man-votequorum-3node.conf").read_text())
    assert [n.name for n in conf.nodes()] == ["192.168.1.1", "192.168.1.2", "192.168.1.3"]
    with pytest.raises(ClushError, match="every node needs a nodeid"):
        conf.check()


def test_generate_three_nodes_knet_crypto() -> None:
    text = generate("web", [("n1", "10.0.0.1"), ("n2", "10.0.0.2"), ("n3", "10.0.0.3")], token=3000)
    conf = CorosyncConf(text)
    assert conf.render() == text
    assert conf.get("totem.version") == ["2"] and conf.get("totem.transport") == ["knet"]
    assert conf.get("totem.crypto_cipher") == ["aes256"] and conf.get("totem.crypto_hash") == ["sha256"]
    assert conf.get("totem.token") == ["3000"] and conf.cluster_name == "web"
    assert [(n.name, n.nodeid, n.addrs) for n in conf.nodes()] == [
        ("n1", 1, ("10.0.0.1",)), ("n2", 2, ("10.0.0.2",)), ("n3", 3, ("10.0.0.3",))]
    assert conf.get("quorum.provider") == ["corosync_votequorum"]
    assert conf.get_one("quorum.two_node") is None
    assert conf.uses_crypto()
    for path, item in conf.doc.walk():
        assert keys.check(".".join(path[:-1]), path[-1], item.value) is None


def test_generate_two_nodes_sets_two_node_and_checks_input() -> None:
    conf = CorosyncConf(generate("c", [("a", "fd00::1"), ("b", "fd00::2")], crypto=False, syslog=False))
    assert conf.get("quorum.two_node") == ["1"] and conf.get("totem.ip_version") == ["ipv6"]
    assert not conf.uses_crypto() and conf.get("logging.to_syslog") == ["no"]
    with pytest.raises(ClushError, match="used by a and b"):
        generate("c", [("a", "10.0.0.1"), ("b", "10.0.0.1")])
    with pytest.raises(ClushError, match="bad cluster name"):
        generate("my cluster", [("a", "10.0.0.1")])


def test_every_known_key_has_a_section() -> None:
    paths = keys.all_paths()
    assert "totem.token" in paths and "quorum.two_node" in paths and "nodelist.node.ring0_addr" in paths
    assert keys.keys_of("quorum")[:2] == ["allow_downscale", "auto_tie_breaker"]


def test_refused_set_leaves_the_model_unchanged() -> None:
    conf = lab()
    before = conf.render()
    with pytest.raises(ClushError):
        conf.set("quorum.two_node", "1")
    assert conf.render() == before
