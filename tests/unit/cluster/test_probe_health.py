"""Probe parsing (corosync-cfgtool, corosync-quorumtool, crmadmin output) and the health verdicts."""

from __future__ import annotations

from clushell.cluster.health import checks
from clushell.cluster.probe import SCRIPT, NodeState, parse

QUORUM = """Quorum information
------------------
Quorum provider:  corosync_votequorum
Nodes:            3
Node ID:          1
Quorate:          Yes

Votequorum information
----------------------
Expected votes:   3
Highest expected: 3
Total votes:      3
Quorum:           2
Flags:            Quorate

Membership information
----------------------
    Nodeid      Votes Name
         1          1 n1 (local)
         2          1 n2
         3          1 n3
"""

CFGTOOL = """Local node ID 1, transport knet
LINK ID 0 udp
\taddr\t= 10.0.0.1
\tstatus:
\t\tnodeid:          1:\tlocalhost
\t\tnodeid:          2:\tconnected
\t\tnodeid:          3:\t{third}
"""


def output(conf: str = "a" * 64, dc: str = "n2", third: str = "connected", pcmk: str = "running") -> str:
    return "\n".join([
        "@@uid 0", "@@uname n1",
        f"@@sum {conf}  /etc/corosync/corosync.conf", f"@@sum {'b' * 64}  /etc/corosync/authkey",
        "@@svc corosync active", "@@svc pacemaker active",
        "@@cfgtool", CFGTOOL.format(third=third), "@@rc 0",
        "@@quorum", QUORUM, "@@rc 0",
        "@@pacemakerd", f"Status of pacemakerd: 'Pacemaker is {pcmk}' (last updated 2026-12-04 18:14:19Z)", "@@rc 0",
        "@@dc", f"Designated Controller is: {dc}", "@@rc 0", "@@end", ""])


def test_parse_a_healthy_node() -> None:
    st = parse("n1", output())
    assert st.reachable and st.root and st.uname == "n1"
    assert (st.corosync, st.pacemaker, st.quorate, st.votes, st.dc) == ("running", "running", True, "3/3", "n2")
    assert st.members == ["n1", "n2", "n3"] and st.links == []
    assert st.conf_sha256 == "a" * 64 and st.authkey_sha256 == "b" * 64


def test_parse_a_stopped_node() -> None:
    out = "\n".join(["@@uid 0", "@@uname n1", "@@svc corosync inactive", "@@svc pacemaker inactive",
                     "@@cfgtool", "Could not initialize corosync configuration API error 2", "@@rc 1",
                     "@@quorum", "Cannot initialize QUORUM service", "@@rc 1",
                     "@@pacemakerd", "error: Could not connect to launcher: Connection refused", "@@rc 102",
                     "@@dc", "error: Could not connect to controller: Connection refused", "@@rc 102", "@@end"])
    st = parse("n1", out)
    assert (st.corosync, st.pacemaker, st.quorate, st.dc, st.conf_sha256) == ("stopped", "stopped", None, "", "")


def test_the_probe_never_runs_pacemakerd_s() -> None:
    # Pacemaker 2.1.5: pacemakerd -s is --standby and would start a pacemakerd
    assert "pacemakerd -s" not in SCRIPT and "crmadmin -P" in SCRIPT


def test_health_all_good() -> None:
    states = [parse(n, output()) for n in ("n1", "n2", "n3")]
    for st, n in zip(states, ("n1", "n2", "n3"), strict=True):
        st.node = n
    verdicts = checks(states)
    assert all(c.ok for c in verdicts), verdicts
    assert {c.what for c in verdicts} >= {"reachable", "corosync.conf", "authkey", "corosync", "pacemaker",
                                          "quorum", "DC", "links"}


def test_health_names_the_node_whose_config_differs_and_other_faults() -> None:
    states = [parse("n1", output()), parse("n2", output()), parse("n3", output(conf="c" * 64, dc="n3",
                                                                              third="disconnected"))]
    for st, n in zip(states, ("n1", "n2", "n3"), strict=True):
        st.node = n
    by = {c.what: c for c in checks(states)}
    assert not by["corosync.conf"].ok
    assert by["corosync.conf"].detail == f"differs on n3 (sha256 {'c' * 12}) from n1, n2 (sha256 {'a' * 12})"
    assert by["authkey"].ok
    assert not by["DC"].ok and "n3 sees n3" in by["DC"].detail
    assert not by["links"].ok and "disconnected" in by["links"].detail


def test_health_unreachable_node() -> None:
    states = [parse("n1", output()), NodeState("n2", error="cannot connect to root@n2:22: Connection refused")]
    by = {c.what: c for c in checks(states)}
    assert not by["reachable"].ok and "n2 (cannot connect" in by["reachable"].detail
    assert by["corosync.conf"].ok  # judged on the nodes that answered


def _stub_tools(tmp_path, delay: float) -> dict[str, str]:
    """corosync-cfgtool, corosync-quorumtool and crmadmin stubs that each take ``delay`` seconds."""
    import os

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    texts = {"corosync-cfgtool": CFGTOOL.format(third="connected"), "corosync-quorumtool": QUORUM}
    for tool, text in texts.items():
        (bin_dir / tool).write_text(f"#!/bin/sh\nsleep {delay}\ncat <<'X'\n{text}X\n")
    (bin_dir / "crmadmin").write_text(
        f"#!/bin/sh\nsleep {delay}\n"
        "case \"$1\" in -P) echo \"Status of pacemakerd: 'Pacemaker is running' (last updated x)\";;\n"
        "  -D) echo 'Designated Controller is: n2';; esac\n")
    for f in bin_dir.iterdir():
        f.chmod(0o755)
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}", "LC_ALL": "C"}


def test_the_probe_script_runs_its_tools_at_once_and_parses(tmp_path) -> None:
    """The real script under /bin/sh: four 0.4 s tools take ~0.4 s, not 1.6 s; blocks stay in order."""
    import subprocess
    import time

    env = _stub_tools(tmp_path, 0.4)
    t0 = time.monotonic()
    res = subprocess.run(["sh", "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=30, check=False)
    took = time.monotonic() - t0
    assert res.returncode == 0, res.stderr
    assert took < 1.2, took
    st = parse("n1", res.stdout)
    assert st.root == (__import__("os").geteuid() == 0)
    assert st.uname == __import__("os").uname().nodename
    assert (st.corosync, st.pacemaker, st.quorate, st.votes, st.dc) == ("running", "running", True, "3/3", "n2")
    assert st.members == ["n1", "n2", "n3"]
    assert [ln for ln in res.stdout.splitlines() if ln in ("@@cfgtool", "@@quorum", "@@pacemakerd", "@@dc")] == \
        ["@@cfgtool", "@@quorum", "@@pacemakerd", "@@dc"]
    assert res.stdout.rstrip().endswith("@@end")


def test_the_probe_script_leaves_no_temp_files(tmp_path) -> None:
    import subprocess

    env = {**_stub_tools(tmp_path, 0), "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    res = subprocess.run(["sh", "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=30, check=False)
    assert "@@end" in res.stdout and list((tmp_path / "tmp").iterdir()) == []
    # no writable temp directory: the tools run one after another, same output
    env["TMPDIR"] = str(tmp_path / "missing")
    res2 = subprocess.run(["sh", "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=30, check=False)
    assert parse("n1", res2.stdout) == parse("n1", res.stdout)
