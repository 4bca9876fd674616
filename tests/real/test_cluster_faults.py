"""Faults of the cluster and corosync levels on the 3-node fresh lab, and clush running on a node itself.

- a node whose SFTP rename fails after the temp file was written (its sshd refuses renames): the
  push names it and why, fails as partial, that node keeps its old corosync.conf and no temp file,
  the others have the new one;
- clush inside a node's namespaces with that node in the list: the node is reached through the
  local runner (its sshd never sees a connection from itself), the others over SSH.
"""

from __future__ import annotations

import json

import pytest

from tests.realenv.multinode import Lab

pytestmark = pytest.mark.multinode

CONF = "/etc/corosync/corosync.conf"


def _cat(lab: Lab, i: int, path: str = CONF) -> str:
    res = lab.on(i, ["cat", path], timeout=10)
    return res.stdout if res.returncode == 0 else ""


def _temps(lab: Lab, i: int) -> list[str]:
    return [n for n in lab.on(i, ["ls", "-A", "/etc/corosync"]).stdout.split() if "clush" in n]


@pytest.fixture(scope="module")
def formed(fresh_lab: Lab) -> Lab:
    """A running 3-node cluster (test_cluster_build's, or one made here)."""
    lab = fresh_lab
    if lab.state(1)[1:] != (3, True):
        res = lab.clush_client("cluster", "init", "web", *(lab.name(i) for i in range(1, 4)), "--force")
        assert res.returncode == 0, res.stderr
    lab.wait(lambda: lab.state(1)[0] and lab.state(1)[1:] == (3, True), 90, what="3 nodes online with a DC")
    return lab


def _heal(lab: Lab) -> None:
    res = lab.clush_ssh(1, input="corosync pull fnode1\ncorosync push\n")
    assert res.returncode == 0, res.stderr
    assert len({_cat(lab, i) for i in range(1, 4)}) == 1


def test_a_node_whose_rename_fails_mid_push_keeps_its_file(formed: Lab) -> None:
    lab = formed
    before = {i: _cat(lab, i) for i in range(1, 4)}
    new = "7200" if "\ttoken: 7100\n" in before[1] else "7100"
    plain = lab.base / "n3" / "ssh" / "sshd_config"
    norename = plain.with_name("sshd_config.norename")
    norename.write_text(plain.read_text().replace(
        "Subsystem sftp internal-sftp", "Subsystem sftp internal-sftp -P rename,posix-rename"))
    lab.restart_sshd(3, str(norename))  # open, write, fsync work; the rename over the old file is refused
    try:
        res = lab.clush_ssh(1, input=f"corosync set totem.token {new}\ncorosync push\n")
        assert res.returncode == 1, res.stderr
        errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
        assert len(errors) == 1, res.stderr
        assert "corosync.conf: 2 of 3 nodes done; failed: fnode3: " in errors[0]
        assert f"cannot write {CONF}" in errors[0] and "Traceback" not in res.stderr
        for i in (1, 2):
            assert f"\ttoken: {new}\n" in _cat(lab, i)
        assert _cat(lab, 3) == before[3] and _temps(lab, 3) == []
        assert f"\ttoken: {new}\n" not in _cat(lab, 3)
    finally:
        lab.restart_sshd(3)
    _heal(lab)


def test_another_clusters_node_or_a_bad_value_writes_nothing(formed: Lab) -> None:
    lab = formed
    before = {i: _cat(lab, i) for i in range(1, 4)}
    name = next(ln.split(":")[1].strip() for ln in before[3].splitlines() if "cluster_name:" in ln)
    path = lab.base / "n3" / "etc-corosync" / "corosync.conf"
    path.write_text(before[3].replace(f"cluster_name: {name}", "cluster_name: other"))
    try:
        res = lab.clush_ssh(1, input="corosync set totem.token 4800\ncorosync push\n")
        errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
        assert res.returncode == 1 and len(errors) == 1, res.stderr
        assert f"fnode3 belongs to cluster 'other', not '{name}'; nothing was written" in errors[0]
        assert [_cat(lab, i) for i in (1, 2)] == [before[1], before[2]] and "other" in _cat(lab, 3)
    finally:
        path.write_text(before[3])
    res = lab.clush_ssh(1, "corosync", "set", "totem.token", "soon")
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert res.returncode == 1 and len(errors) == 1 and "not a whole number" in errors[0], res.stderr
    assert [_cat(lab, i) for i in range(1, 4)] == [before[1], before[2], before[3]]


def test_clush_on_a_node_uses_the_local_runner_for_itself(formed: Lab) -> None:
    from tests.conftest import clush_argv

    lab = formed
    me = lab.addr(1)

    def accepted(i: int) -> int:
        """SSH logins on node i that came from node 1."""
        log = (lab.base / lab.key(i) / "sshd.out").read_text(errors="replace")
        return sum(1 for ln in log.splitlines() if "Accepted publickey" in ln and f" from {me} " in ln)

    def clush(*args: str, stdin: str | None = None):
        return lab.on(1, [*clush_argv(), *args], input=stdin, timeout=180, env={"HOME": lab.client_home})

    on_self, on_two = accepted(1), accepted(2)
    res = clush("cluster", "status", "--json")
    assert res.returncode == 0, res.stderr
    doc = {d["node"]: d for d in json.loads(res.stdout)}
    assert list(doc) == ["fnode1", "fnode2", "fnode3"]
    assert all(d["reachable"] and d["corosync"] == "running" and d["uname"] == n for n, d in doc.items())
    res = clush("cluster", "run", "uname", "-n")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == ["[fnode1] ok", "fnode1", "[fnode2] ok", "fnode2", "[fnode3] ok", "fnode3"]
    before = _cat(lab, 1)
    res = clush(stdin="corosync set totem.token 4600\ncorosync push\n")
    assert res.returncode == 0, res.stderr
    assert all("\ttoken: 4600\n" in _cat(lab, i) for i in range(1, 4))
    assert _cat(lab, 1, CONF + ".bak") == before and _temps(lab, 1) == []
    assert lab.on(1, ["corosync-cmapctl", "-g", "totem.token"]).stdout.strip().endswith("= 4600")
    assert accepted(1) == on_self  # never over SSH to itself
    assert accepted(2) > on_two  # the others over SSH


def test_a_node_whose_link_goes_down_mid_push_is_named_and_keeps_its_file(formed: Lab) -> None:
    """fnode3's link goes down when the file transfer starts (after the .bak copy): no hang, one line, old file."""
    import time

    lab = formed
    before = {i: _cat(lab, i) for i in range(1, 4)}
    new = "7400" if "\ttoken: 7300\n" in before[1] else "7300"
    script = lab.base / "n3" / "linkdown.sh"
    script.write_text("#!/bin/sh\nip link set eth0 down\nexec /usr/lib/openssh/sftp-server\n")
    script.chmod(0o755)
    plain = lab.base / "n3" / "ssh" / "sshd_config"
    linkdown = plain.with_name("sshd_config.linkdown")
    linkdown.write_text(plain.read_text().replace("Subsystem sftp internal-sftp", f"Subsystem sftp {script}"))
    ssh_config = lab.base / "client-home" / ".ssh" / "config"
    saved = ssh_config.read_text()
    ssh_config.write_text(saved + "\nHost fnode3\n  ServerAliveInterval 1\n  ServerAliveCountMax 3\n")
    lab.restart_sshd(3, str(linkdown))
    try:
        t0 = time.monotonic()
        res = lab.clush_ssh(1, input=f"corosync set totem.token {new}\ncorosync push\n", timeout=150)
        took = time.monotonic() - t0
    finally:
        ssh_config.write_text(saved)
        lab.on(3, ["ip", "link", "set", "eth0", "up"])
        lab.restart_sshd(3)
    assert res.returncode == 1, res.stderr
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1, res.stderr
    assert "corosync.conf: 2 of 3 nodes done; failed: fnode3: " in errors[0]
    assert f"connection lost while writing {CONF}" in errors[0] and "Traceback" not in res.stderr
    assert took < 60, took  # ServerAliveInterval 1 x ServerAliveCountMax 3, not TCP's many minutes
    assert all(f"\ttoken: {new}\n" in _cat(lab, i) for i in (1, 2))
    assert _cat(lab, 3) == before[3] and _temps(lab, 3) == []
    lab.wait(lambda: lab.state(1)[1:] == (3, True), 120, what="fnode3 back in the membership")
    _heal(lab)
