"""cluster and corosync levels on 3 fresh namespace nodes (sshd, packages, no corosync.conf), over SSH.

From the client namespace: init forms the cluster, a corosync.conf change reaches every node and
corosync reloads it, nodes stop and start, run reports a failing node, a push with one node
unreachable leaves that node's file alone and health spots the difference, remove/add.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.realenv.multinode import Lab

pytestmark = pytest.mark.multinode

CONF = "/etc/corosync/corosync.conf"


def _cat(lab: Lab, i: int, path: str = CONF) -> str:
    res = lab.on(i, ["cat", path], timeout=10)
    return res.stdout if res.returncode == 0 else ""


def _status(lab: Lab) -> dict[str, dict]:
    res = lab.clush_ssh(1, "cluster", "status", "--json")
    assert res.returncode == 0, res.stderr
    return {d["node"]: d for d in json.loads(res.stdout)}


def test_init_check_failure_changes_nothing(fresh_lab: Lab) -> None:
    lab = fresh_lab
    names = [lab.name(i) for i in range(1, 4)]
    res = lab.clush_client("cluster", "init", "web", *names, "addrs=10.215.0.11,10.215.0.99,10.215.0.13")
    assert res.returncode != 0
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1 and "nothing was changed" in errors[0]
    assert "fnode2: address 10.215.0.99 is not configured on the node" in errors[0]
    assert all(_cat(lab, i) == "" for i in range(1, 4))
    assert all(lab.on(i, ["ls", "/etc/corosync"]).stdout.strip() == "" for i in range(1, 4))
    assert "Traceback" not in res.stderr


def _errors(res) -> list[str]:
    return [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]


def _nothing_anywhere(lab: Lab) -> bool:
    return all(lab.on(i, ["ls", "-A", "/etc/corosync"]).stdout.strip() == "" for i in range(1, 4))


def test_init_refuses_a_changed_or_unknown_host_key_and_changes_nothing(fresh_lab: Lab) -> None:
    import subprocess

    lab = fresh_lab
    names = [lab.name(i) for i in range(1, 4)]
    key = lab.base / "n2" / "ssh" / "hostkey"
    known = lab.base / "client-home" / ".ssh" / "known_hosts"
    saved = {p: p.read_bytes() for p in (key, key.with_name("hostkey.pub"), known)}
    for p in (key, key.with_name("hostkey.pub")):
        p.unlink()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    lab.restart_sshd(2)  # fnode2 now shows a host key the client has never seen for it
    try:
        res = lab.clush_client("cluster", "init", "web", *names)
        assert res.returncode != 0 and len(_errors(res)) == 1, res.stderr
        line = _errors(res)[0]
        assert "nothing was changed" in line and "fnode2: host key of 10.215.0.12 has CHANGED" in line
        assert "ssh-keygen -R '10.215.0.12'" in line and "fnode1" not in line and "fnode3" not in line
        assert _nothing_anywhere(lab) and "Traceback" not in res.stderr
        # unknown (no line for it in known_hosts): refused with the fingerprint, and not learned
        known.write_text("".join(ln for ln in saved[known].decode().splitlines(keepends=True)
                                 if not ln.startswith("10.215.0.12 ")))
        before = known.read_text()
        res = lab.clush_client("cluster", "init", "web", *names)
        assert res.returncode != 0 and len(_errors(res)) == 1, res.stderr
        line = _errors(res)[0]
        assert "fnode2: host key of 10.215.0.12 is not known (ssh-ed25519 SHA256:" in line
        assert "--accept-new-host-key" in line and known.read_text() == before
        assert _nothing_anywhere(lab)
    finally:
        for p, data in saved.items():
            p.write_bytes(data)
        lab.restart_sshd(2)


def test_init_unresolvable_node_or_one_node_under_two_names_is_one_line(fresh_lab: Lab) -> None:
    lab = fresh_lab
    res = lab.clush_client("cluster", "init", "web", "fnode1", "nosuch.invalid")
    assert res.returncode != 0 and len(_errors(res)) == 1, res.stderr
    line = _errors(res)[0]
    assert "nothing was changed" in line and "nosuch.invalid: cannot connect to root@nosuch.invalid:22" in line
    # fnode1b is fnode1 again (another ~/.ssh/config alias): its address is taken
    cfg = lab.base / "client-home" / ".ssh" / "config"
    saved = cfg.read_text()
    alias = f"\nHost fnode1b\n  HostName {lab.addr(1)}\n  User root\n  IdentityFile {lab.base}/clientkey\n"
    cfg.write_text(saved + alias)
    try:
        res = lab.clush_client("cluster", "init", "web", "fnode1", "fnode1b", "fnode2")
    finally:
        cfg.write_text(saved)
    assert res.returncode != 0 and len(_errors(res)) == 1, res.stderr
    assert "fnode1b: address 10.215.0.11 is also fnode1's" in _errors(res)[0]
    assert _nothing_anywhere(lab) and "Traceback" not in res.stderr


@pytest.fixture(scope="module")
def cluster(fresh_lab: Lab) -> Lab:
    lab = fresh_lab
    res = lab.clush_client("cluster", "init", "web", *(lab.name(i) for i in range(1, 4)), "token=2000")
    assert res.returncode == 0, res.stderr
    assert "cluster web: 3 nodes online" in res.stderr
    return lab


def test_init_forms_a_three_node_cluster(cluster: Lab) -> None:
    lab = cluster
    dc, online, quorate = lab.wait(lambda: s if (s := lab.state(2))[0] and s[1] == 3 else None, 60,
                                   what="DC and 3 online")
    assert quorate and dc in {lab.name(i) for i in range(1, 4)}
    confs = {_cat(lab, i) for i in range(1, 4)}
    assert len(confs) == 1
    conf = confs.pop()
    assert "transport: knet" in conf and "cluster_name: web" in conf and "crypto_cipher: aes256" in conf
    assert "two_node" not in conf and "token: 2000" in conf
    for i in range(1, 4):
        st = lab.on(i, ["stat", "-c", "%a %U %s", "/etc/corosync/authkey"]).stdout.split()
        assert st == ["400", "root", "128"]
        assert lab.on(i, ["sh", "-c", "ls -a /etc/corosync | grep -c clush || true"]).stdout.strip() == "0"
    keys = {lab.on(i, ["sha256sum", "/etc/corosync/authkey"]).stdout.split()[0] for i in range(1, 4)}
    assert len(keys) == 1
    doc = _status(lab)
    assert all(d["corosync"] == "running" and d["quorate"] and d["dc"] == dc for d in doc.values())
    # a second init is refused: the nodes are in a cluster now
    res = lab.clush_client("cluster", "init", "web", lab.name(1), lab.name(2))
    assert res.returncode != 0 and "corosync is running" in res.stderr


def test_set_and_push_reach_every_node_and_corosync_reloads(cluster: Lab) -> None:
    lab = cluster
    before = _cat(lab, 1)
    res = lab.clush_ssh(1, input="corosync set totem.token 5000\ncorosync push\n")
    assert res.returncode == 0, res.stderr
    assert "corosync-cfgtool -R" in res.stderr
    for i in range(1, 4):
        text = _cat(lab, i)
        assert "token: 5000" in text and text.replace("token: 5000", "token: 2000") == before
        assert _cat(lab, i, CONF + ".bak") == before
        runtime = lab.on(i, ["corosync-cmapctl", "-g", "totem.token"]).stdout
        assert runtime.strip().endswith("= 5000"), runtime
    bad = lab.clush_ssh(1, "corosync", "set", "totem.tokn", "1")
    assert bad.returncode != 0 and "unknown key 'totem.tokn' (did you mean token?)" in bad.stderr


def test_stop_and_start_one_node(cluster: Lab) -> None:
    lab = cluster
    res = lab.clush_ssh(1, "cluster", "stop", lab.name(2), "-w")
    assert res.returncode == 0, res.stderr
    assert "fnode2: offline" in res.stderr
    doc = _status(lab)
    assert doc["fnode2"]["corosync"] == "stopped" and doc["fnode2"]["pacemaker"] == "stopped"
    assert doc["fnode1"]["quorate"] and doc["fnode1"]["votes"] == "2/3"
    res = lab.clush_ssh(2, "cluster", "start", "-w")  # no name: the node --host reaches, as crm does
    assert res.returncode == 0, res.stderr
    assert re.search(r"fnode2: online \(DC fnode\d\)", res.stderr)
    assert lab.state(2)[1:] == (3, True)


def test_run_prints_per_node_in_order_and_fails_when_one_fails(cluster: Lab) -> None:
    lab = cluster
    res = lab.clush_ssh(1, "cluster", "run", "uname -n")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == ["[fnode1] ok", "fnode1", "[fnode2] ok", "fnode2", "[fnode3] ok", "fnode3"]
    res = lab.clush_ssh(1, "cluster", "run", "--", "sh", "-c", 'test "$(uname -n)" != fnode2')
    assert res.returncode != 0
    assert "[fnode2] FAILED (exit 1)" in res.stdout and "[fnode1] ok" in res.stdout
    assert "failed on 1 of 3 nodes: fnode2" in res.stderr
    # an argv, not a shell line: the ';' is an argument of echo
    res = lab.clush_ssh(1, "cluster", "run", "@fnode3", "--", "echo", "a;", "uname")
    assert res.stdout.splitlines() == ["[fnode3] ok", "a; uname"]


def test_push_with_a_node_unreachable_keeps_its_file_and_health_spots_it(cluster: Lab) -> None:
    lab = cluster
    before3 = _cat(lab, 3)
    lab._signal(3, lab.daemons["n3"]["sshd"], 15)
    lab.wait(lambda: lab.on("cl", ["bash", "-c", f"exec 3<>/dev/tcp/{lab.addr(3)}/22"], timeout=5).returncode != 0,
             15, what="sshd on fnode3 stopped")
    try:
        res = lab.clush_ssh(1, input="corosync set totem.token 6000\ncorosync push\n")
        assert res.returncode != 0
        errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
        assert len(errors) == 1, res.stderr
        assert "2 of 3 nodes done" in errors[0] and "fnode3" in errors[0] and "Connection refused" in errors[0]
        assert "token: 6000" in _cat(lab, 1) and "token: 6000" in _cat(lab, 2)
        assert _cat(lab, 3) == before3
        assert lab.on(3, ["sh", "-c", "ls -a /etc/corosync | grep -c clush || true"]).stdout.strip() == "0"
    finally:
        lab.spawn(3, "sshd", ["/usr/sbin/sshd", "-D", "-e", "-f", str(lab.base / "n3" / "ssh" / "sshd_config")])
        lab.wait(lambda: lab.on("cl", ["bash", "-c", f"exec 3<>/dev/tcp/{lab.addr(3)}/22"],
                                timeout=5).returncode == 0, 15, what="sshd on fnode3 back")
    res = lab.clush_ssh(1, "cluster", "health")
    assert res.returncode != 0
    line = next(ln for ln in res.stdout.splitlines() if "corosync.conf" in ln)
    assert line.startswith("FAIL") and "differs on fnode3" in line and "from fnode1, fnode2" in line
    assert any(ln.startswith("ok") and "DC" in ln for ln in res.stdout.splitlines())
    res = lab.clush_ssh(1, "corosync", "diff")
    assert "-\ttoken: 6000" in res.stdout and "+\ttoken: 5000" in res.stdout
    # heal: push again, then everything is equal
    res = lab.clush_ssh(1, input="corosync pull fnode1\ncorosync push\n")
    assert res.returncode == 0, res.stderr
    res = lab.clush_ssh(1, "cluster", "health")
    assert res.returncode == 0, res.stdout + res.stderr
    assert all(ln.startswith("ok") for ln in res.stdout.splitlines())


def test_remove_to_two_nodes_then_add_back(cluster: Lab) -> None:
    lab = cluster
    res = lab.clush_ssh(1, "cluster", "remove", "fnode3")
    assert res.returncode == 0, res.stderr
    for i in (1, 2):
        text = _cat(lab, i)
        assert "fnode3" not in text and "two_node: 1" in text
    assert _cat(lab, 3) == "" and _cat(lab, 3, CONF + ".bak")
    assert 'uname="fnode3"' not in lab.on(1, ["cibadmin", "-Q", "-o", "nodes"]).stdout
    assert lab.wait(lambda: "fnode3" not in lab.on(1, ["crm_mon", "-1", "--output-as=xml"]).stdout, 30,
                    what="fnode3 gone from crm_mon")
    assert lab.wait(lambda: lab.state(1)[1:] == (2, True), 30, what="2 nodes with quorum")
    res = lab.clush_ssh(1, "cluster", "add", "fnode3")
    assert res.returncode == 0, res.stderr
    assert "fnode3: online" in res.stderr
    assert len({_cat(lab, i) for i in range(1, 4)}) == 1 and "two_node" not in _cat(lab, 1)
    assert lab.wait(lambda: lab.state(3)[1:] == (3, True), 60, what="3 nodes again")


def test_ctrl_c_cancels_run_on_every_node(cluster: Lab) -> None:
    import signal
    import subprocess
    import time

    from tests.conftest import clush_argv

    lab = cluster
    marker = "4242.5"  # an unusual sleep length, to find the remote processes

    def sleepers() -> list[int]:
        return [p for i in range(1, 4) for p in lab.ns_pids(lab.ns(i))
                if lab.on(i, ["cat", f"/proc/{p}/cmdline"]).stdout.replace("\0", " ").strip() == f"sleep {marker}"]

    proc = subprocess.Popen([*lab.enter("cl"), *clush_argv(), "--host", lab.name(1), "cluster", "run", "sleep", marker],
                            env={**__import__("os").environ, "HOME": lab.client_home}, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lab.wait(lambda: len(sleepers()) == 3, 30, what="sleep running on 3 nodes")
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode != 0 and "Traceback" not in err
        lab.wait(lambda: not sleepers(), 10, what="remote commands ended")
        assert time.monotonic() - t0 < 10
    finally:
        if proc.poll() is None:
            proc.kill()


def test_nodes_from_the_preference_and_bad_input_is_one_line(cluster: Lab) -> None:
    lab = cluster
    conf = lab.base / "client-home" / ".config" / "clush" / "clush.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text("[cluster]\nnodes = fnode1 fnode2 fnode3\n")
    try:
        res = lab.clush_client("cluster", "status", "--json")  # no --host: the preference names the nodes
        assert res.returncode == 0, res.stderr
        assert [d["node"] for d in json.loads(res.stdout)] == ["fnode1", "fnode2", "fnode3"]
    finally:
        conf.unlink()
    res = lab.clush_client("cluster", "status")
    assert res.returncode != 0 and "which nodes?" in res.stderr
    res = lab.clush_ssh(1, "cluster", "stop", "nosuch")
    assert res.returncode != 0 and "nosuch is not a node of this cluster" in res.stderr
    # a corosync.conf with a syntax error: node, file, line and column
    good = _cat(lab, 3)
    path = lab.base / "n3" / "etc-corosync" / "corosync.conf"
    path.write_text(good.replace("\tversion: 2", "\tversion 2", 1))
    try:
        res = lab.clush_ssh(1, "corosync", "show", "fnode3")
        errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
        assert res.returncode != 0 and len(errors) == 1
        assert "fnode3:/etc/corosync/corosync.conf: line 3, column 2: not a section" in errors[0]
    finally:
        path.write_text(good)


def test_edit_is_checked_and_a_one_shot_pushes(cluster: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    lab = cluster
    before = _cat(lab, 2)
    editor = "sed -i -e 's/^\\tversion: 2/\\tversion 2/'"  # a syntax error
    monkeypatch.setenv("EDITOR", editor)
    monkeypatch.setenv("VISUAL", editor)
    res = lab.clush_ssh(1, "corosync", "edit")
    assert res.returncode != 0 and "edited corosync.conf: line 3, column 2" in res.stderr
    assert all(_cat(lab, i) == before for i in range(1, 4))
    editor = "sed -i -e 's/^\\ttoken: [0-9]*/\\ttoken: 4000/'"
    monkeypatch.setenv("EDITOR", editor)
    monkeypatch.setenv("VISUAL", editor)
    res = lab.clush_ssh(1, "corosync", "edit")  # one-shot: the end of the run pushes
    assert res.returncode == 0, res.stderr
    assert all("\ttoken: 4000\n" in _cat(lab, i) for i in range(1, 4))
    assert lab.on(2, ["corosync-cmapctl", "-g", "totem.token"]).stdout.strip().endswith("= 4000")


def test_corosync_status_reload_and_log(cluster: Lab) -> None:
    lab = cluster
    res = lab.clush_ssh(1, "corosync", "status")
    assert res.returncode == 0, res.stderr
    assert [ln for ln in res.stdout.splitlines() if ln.startswith("[")] == ["[fnode1] ok", "[fnode2] ok", "[fnode3] ok"]
    assert res.stdout.count("Quorate:          Yes") == 3 and "transport knet" in res.stdout
    res = lab.clush_ssh(2, "corosync", "reload")
    assert res.returncode == 0 and "re-read its configuration (via fnode" in res.stderr
    res = lab.clush_ssh(1, "corosync", "log", "fnode2", "lines=5")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("[fnode2]\n==> /var/log/corosync/corosync.log <==\n")
    assert "==> /var/log/pacemaker/pacemaker.log <==" in res.stdout
    assert len(res.stdout.splitlines()) == 1 + 2 * (1 + 5)
