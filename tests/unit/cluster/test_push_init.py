"""push and init decisions with fake nodes: partial failures named, nothing written when a check fails."""

from __future__ import annotations

import pytest

from clushell.cluster import config, setup
from clushell.cluster.nodes import AUTHKEY, COROSYNC_CONF, NodeSet
from clushell.corosync.model import generate
from clushell.errors import ClushError, TransportError
from clushell.transport.base import Result

CONF = generate("web", [("n1", "10.0.0.1"), ("n2", "10.0.0.2"), ("n3", "10.0.0.3")])


class Node:
    """A fake node: files, whether corosync runs, and what its preflight script reports."""

    def __init__(self, name: str, *, files=None, running=True, down=False, facts=""):
        self.name, self.files, self.running, self.down = name, dict(files or {}), running, down
        self.facts = facts or f"@@uid 0\n@@addr 127.0.0.1\n@@addr {self.addr}\n@@resolves {self.addr}\n@@syslog\n"
        self.calls: list[list[str]] = []
        self.where = f"root@{name}"
        self.hostname = ""
        self.base_env: dict[str, str] = {}
        self.full = False  # the disk is full: corosync.conf cannot be written

    @property
    def addr(self) -> str:
        return f"10.0.0.{self.name[1:]}"

    def run(self, argv, *, stdin=None, env=None, timeout=None) -> Result:
        if self.down:
            raise TransportError(f"cannot connect to root@{self.name}:22: Connection refused")
        self.calls.append(list(argv))
        if argv[:2] == ["sh", "-c"]:
            script = argv[2]
            if "cat --" in script:
                return Result(0, self.files.get(argv[-1], "@@none\n"), "")
            if "cp -p" in script:
                if argv[-1] in self.files:
                    self.files[argv[-1] + ".bak"] = self.files[argv[-1]]
                return Result(0, "@@running\n" if self.running and "corosync-cfgtool -s" in script else "", "")
            if "@@uid" in script:
                return Result(0, self.facts + "@@end\n", "")
            if "ping" in script:
                return Result(0, "@@end\n", "")
        if argv[:3] == ["rm", "-f", "--"]:
            for path in argv[3:]:
                self.files.pop(path, None)
            return Result(0, "", "")
        if argv == ["corosync-cfgtool", "-s"]:
            return Result(0 if self.running else 1, "", "")
        if argv == ["corosync-cfgtool", "-R"]:
            return Result(0, "Reloading corosync.conf...\nDone\n", "")
        return Result(0, "", "")

    def write_file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        if self.full and path == COROSYNC_CONF:
            raise TransportError(f"{self.where}: cannot write {path}: No space left on device")
        self.files[path] = data if path == AUTHKEY else data.decode()

    def close(self) -> None:
        pass


def nodeset(*nodes: Node) -> NodeSet:
    by = {n.name: n for n in nodes}
    return NodeSet(list(by), lambda name: by[name])


def test_push_writes_keeps_bak_reloads_once() -> None:
    old = CONF.replace("crypto_hash: sha256", "crypto_hash: sha256\n\ttoken: 1000")
    ns = [Node(f"n{i}", files={COROSYNC_CONF: old}) for i in (1, 2, 3)]
    said: list[str] = []
    result = config.push(nodeset(*ns), CONF, said.append)
    assert result.updated == ["n1", "n2", "n3"] and not result.partial and result.reloaded_via == "n1"
    assert all(n.files[COROSYNC_CONF] == CONF and n.files[COROSYNC_CONF + ".bak"] == old for n in ns)
    assert sum(c == ["corosync-cfgtool", "-R"] for n in ns for c in n.calls) == 1
    # one command per node before the write: the .bak copy and whether corosync runs, together
    assert all(sum(c[:2] == ["sh", "-c"] and "cp -p" in c[2] for c in n.calls) == 1 for n in ns)
    assert not any(c == ["corosync-cfgtool", "-s"] for n in ns for c in n.calls)


def test_push_with_one_node_down_is_partial_and_names_it() -> None:
    ns = [Node("n1", files={COROSYNC_CONF: CONF}), Node("n2", down=True), Node("n3", files={COROSYNC_CONF: CONF})]
    result = config.push(nodeset(*ns), CONF.replace("version: 2", "version: 2\n\ttoken: 5000"), lambda s: None)
    assert result.partial and result.updated == ["n1", "n3"]
    assert result.failed == ["n2: cannot connect to root@n2:22: Connection refused"]
    assert COROSYNC_CONF not in ns[1].files


def test_push_refuses_a_node_of_another_cluster_and_writes_nothing() -> None:
    other = CONF.replace("cluster_name: web", "cluster_name: db")
    ns = [Node("n1", files={COROSYNC_CONF: CONF}), Node("n2", files={COROSYNC_CONF: other})]
    with pytest.raises(ClushError, match="n2 belongs to cluster 'db', not 'web'; nothing was written"):
        config.push(nodeset(*ns), CONF, lambda s: None)
    assert ns[0].files[COROSYNC_CONF] == CONF and ns[1].files[COROSYNC_CONF] == other
    assert config.push(nodeset(*ns), CONF, lambda s: None, force=True).updated == ["n1", "n2"]


def test_push_refuses_a_broken_config() -> None:
    with pytest.raises(ClushError, match="two_node is 1 but the nodelist has 3 nodes"):
        config.push(nodeset(Node("n1")), CONF.replace("provider: corosync_votequorum",
                                                      "provider: corosync_votequorum\n\ttwo_node: 1"), print)


def test_init_check_failures_change_nothing_anywhere() -> None:
    ns = [Node("n1", running=False), Node("n2", running=False, facts="@@uid 1000\n@@missing pacemakerd\n"),
          Node("n3", running=False, files={COROSYNC_CONF: CONF}, facts="@@uid 0\n@@conf\n@@addr 10.0.0.3\n")]
    with pytest.raises(ClushError) as err:
        setup.init(nodeset(*ns), "web", lambda s: None, addrs={}, ssh_hosts={})
    msg = str(err.value)
    assert msg.startswith("nothing was changed: ")
    assert "n2: not logged in as root (uid 1000)" in msg and "n2: not installed: pacemakerd" in msg
    assert "n3: /etc/corosync/corosync.conf exists; --force replaces it" in msg
    assert "n2: cannot tell its cluster address" in msg
    assert all(not any(p in n.files for p in (AUTHKEY,)) for n in ns) and COROSYNC_CONF not in ns[0].files


def test_init_writes_same_conf_and_a_fresh_128_byte_key_everywhere() -> None:
    ns = [Node(f"n{i}", running=False) for i in (1, 2)]
    said: list[str] = []
    text = setup.init(nodeset(*ns), "web", said.append, addrs={}, ssh_hosts={"n1": "10.0.0.1"}, start=False)
    assert "two_node: 1" in text and "ring0_addr: 10.0.0.2" in text and "to_syslog: yes" in text
    keys = {n.files[AUTHKEY] for n in ns}
    assert len(keys) == 1 and len(keys.pop()) == 128
    assert all(n.files[COROSYNC_CONF] == text for n in ns)
    assert not any(isinstance(s, bytes) or "\\x" in s for s in said)  # the key is never said


def test_init_given_address_must_be_on_the_node() -> None:
    ns = [Node("n1", running=False), Node("n2", running=False)]
    with pytest.raises(ClushError, match="n2: address 10.9.9.9 is not configured on the node"):
        setup.init(nodeset(*ns), "web", print, addrs={"n1": "10.0.0.1", "n2": "10.9.9.9"}, ssh_hosts={})



def test_init_write_failure_takes_back_the_files_written_elsewhere() -> None:
    ns = [Node("n1", running=False), Node("n2", running=False)]
    ns[1].full = True
    with pytest.raises(ClushError, match="n2: root@n2: cannot write .*No space left.*files were removed again"):
        setup.init(nodeset(*ns), "web", print, addrs={}, ssh_hosts={}, start=False)
    assert ns[0].files == {} and ns[1].files == {}


def test_remove_refuses_the_last_quorum_giving_node_without_force() -> None:
    from clushell.cluster import membership

    ns = [Node("n1", files={COROSYNC_CONF: CONF}), Node("n2", files={COROSYNC_CONF: CONF}, running=False),
          Node("n3", files={COROSYNC_CONF: CONF}, running=False)]
    with pytest.raises(ClushError, match="no other node runs corosync: n1 is the last quorum-giving node"):
        membership.remove(nodeset(*ns), "n1", print, force=False)
    assert all(n.files[COROSYNC_CONF] == CONF for n in ns)
    with pytest.raises(ClushError, match="nosuch is not in the nodelist of n1"):
        membership.remove(nodeset(*ns), "nosuch", print, force=False)


def test_remove_one_of_three_leaves_two_node_and_forgets_it() -> None:
    from clushell.cluster import membership

    ns = [Node(f"n{i}", files={COROSYNC_CONF: CONF}) for i in (1, 2, 3)]
    said: list[str] = []
    assert membership.remove(nodeset(*ns), "n3", said.append, force=False) == []
    for n in ns[:2]:
        assert "name: n3" not in n.files[COROSYNC_CONF] and "two_node: 1" in n.files[COROSYNC_CONF]
    assert ["crm_node", "--force", "-R", "n3"] in ns[0].calls
    assert any(c[:2] == ["sh", "-c"] and "systemctl stop pacemaker" in c[2] for c in ns[2].calls)
    assert ns[2].files[COROSYNC_CONF] == CONF  # never written: it is not in the new nodelist
