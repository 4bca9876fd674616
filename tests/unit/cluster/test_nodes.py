"""NodeSet: one runner per node, reused; every node at once; outcomes in node order; failures named."""

from __future__ import annotations

import threading
import time

import pytest

from clushell.cluster.nodes import NodeSet, failures, host_spec, names_from_cluster, read_conf
from clushell.errors import ClushError, TransportError
from clushell.transport.base import Result


class FakeRunner:
    def __init__(self, name: str, files: dict[str, str] | None = None, delay: float = 0.0, down: bool = False):
        self.where = f"root@{name}"
        self.hostname = ""
        self.base_env: dict[str, str] = {}
        self.name, self.files, self.delay, self.down = name, files or {}, delay, down
        self.calls: list[list[str]] = []
        self.closed = False

    def run(self, argv, *, stdin=None, env=None, timeout=None) -> Result:
        self.calls.append(list(argv))
        if self.down:
            raise TransportError(f"cannot connect to root@{self.name}:22: Connection refused")
        time.sleep(self.delay)
        if argv[:2] == ["sh", "-c"] and "cat --" in argv[2]:
            path = argv[-1]
            return Result(0, self.files.get(path, "@@none\n"), "")
        if argv == ["crm_node", "-l"]:
            return Result(0, "1 a member\n2 b member\n", "")
        return Result(0, self.name + "\n", "")

    def write_file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        self.files[path] = data.decode()

    def close(self) -> None:
        self.closed = True


def test_each_runs_in_parallel_and_keeps_node_order() -> None:
    made: list[str] = []
    runners = {n: FakeRunner(n, delay=0.3) for n in ("n1", "n2", "n3")}

    def make(name: str) -> FakeRunner:
        made.append(name)
        return runners[name]

    nodes = NodeSet(["n1", "n2", "n3"], make)
    t0 = time.monotonic()
    out = nodes.each(lambda n, r: r.run(["uname", "-n"]).out.strip())
    assert time.monotonic() - t0 < 0.8  # three 0.3 s calls at once, not one after another
    assert [(o.node, o.value) for o in out] == [("n1", "n1"), ("n2", "n2"), ("n3", "n3")]
    nodes.each(lambda n, r: r.run(["true"]))
    assert sorted(made) == ["n1", "n2", "n3"]  # one runner per node, reused
    nodes.close()
    assert all(r.closed for r in runners.values())


def test_a_failing_node_is_an_outcome_not_an_exception() -> None:
    nodes = NodeSet(["n1", "n2"], lambda n: FakeRunner(n, down=(n == "n2")))
    out = nodes.each(lambda n, r: r.run(["true"]).rc)
    assert out[0].ok and out[0].value == 0
    assert not out[1].ok
    assert failures(out) == ["n2: cannot connect to root@n2:22: Connection refused"]


def test_threads_do_not_share_runners() -> None:
    seen: dict[str, set[int]] = {}
    lock = threading.Lock()

    def fn(node: str, runner: FakeRunner) -> None:
        with lock:
            seen.setdefault(node, set()).add(id(runner))

    nodes = NodeSet(["a", "b"], FakeRunner)
    nodes.each(fn)
    nodes.each(fn)
    assert all(len(ids) == 1 for ids in seen.values()) and len({i for s in seen.values() for i in s}) == 2


def test_duplicate_or_no_nodes_refused() -> None:
    with pytest.raises(ClushError, match="named twice"):
        NodeSet(["a", "a"], FakeRunner)
    with pytest.raises(ClushError, match="no nodes"):
        NodeSet([], FakeRunner)


def test_names_from_corosync_conf_else_crm_node() -> None:
    conf = "nodelist {\n node {\n  ring0_addr: 10.0.0.1\n  name: x1\n  nodeid: 1\n }\n}\n"
    assert names_from_cluster(FakeRunner("h", {"/etc/corosync/corosync.conf": conf})) == ["x1"]
    assert names_from_cluster(FakeRunner("h")) == ["a", "b"]


def test_read_conf_reports_syntax_errors_with_node_line_and_column() -> None:
    r = FakeRunner("n3", {"/etc/corosync/corosync.conf": "totem {\n  version 2\n}\n"})
    with pytest.raises(ClushError, match=r"^n3:/etc/corosync/corosync.conf: line 2, column 3: not a section"):
        read_conf(r, "n3")
    assert read_conf(FakeRunner("n4"), "n4") is None


def test_host_spec() -> None:
    assert host_spec("n1", None) == "n1" and host_spec("n1", "admin") == "admin@n1"
    assert host_spec("root@n1", "admin") == "root@n1"


def test_runners_are_made_at_the_same_time_and_once_per_node() -> None:
    """Making a runner (reading ssh config, ...) for one node does not wait for another node's."""
    made: list[str] = []

    def make(name: str) -> FakeRunner:
        made.append(name)
        time.sleep(0.3)
        return FakeRunner(name)

    nodes = NodeSet(["n1", "n2", "n3"], make)
    t0 = time.monotonic()
    nodes.each(lambda n, r: r.run(["true"]))
    assert time.monotonic() - t0 < 0.8
    nodes.each(lambda n, r: r.run(["true"]))
    assert sorted(made) == ["n1", "n2", "n3"]
