"""A real 3-node Pacemaker/Corosync cluster in network + mount + UTS namespaces.

Layout (nothing touches the host's network or its own cluster):

    netns clmn-sw: bridge br0 (no address, no route)
      ├─ clmn-n1  10.214.0.11  mnode1   corosync, pacemakerd (+children), sshd
      ├─ clmn-n2  10.214.0.12  mnode2
      ├─ clmn-n3  10.214.0.13  mnode3
      └─ clmn-cl  10.214.0.100          client side: clush --host mnodeN runs here

Each node is an *anchor* process (``ip netns exec NS unshare --mount --uts`` running
multinode/nsinit.sh) with private /run, /dev/shm, /etc/corosync, /var/lib/{corosync,
pacemaker} and logs; everything else enters it with ``nsenter -t ANCHOR -n -m -u``.
libqb's abstract sockets are per network namespace, so the lab and the host's single-node
cluster coexist. Inside each node /usr/bin/systemctl is multinode/systemctl (start/stop/
is-active of corosync and pacemaker without systemd). Fixture ``fresh_lab`` builds a second lab
(clfr-*, 10.215.0.0/24, fnode1..3) whose nodes have sshd and the packages but no corosync.conf
and nothing running: `cluster init` makes the cluster there (tests/real/test_cluster_build.py).
One lab per test session (fixture ``lab``); teardown signals only PIDs
whose network namespace is a lab namespace, deletes the namespaces and the state dir.
Recipe and timings: tests/realenv/multinode/README.md.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.realenv import require, unavailable

PREFIX = "clmn"
SUBNET = "10.214.0"
N = 3
BASE = Path("/tmp/clush-mn")  # not under /run: each node mounts its own /run
NSINIT = Path(__file__).resolve().parent / "multinode" / "nsinit.sh"
SYSTEMCTL = Path(__file__).resolve().parent / "multinode" / "systemctl"
# the fresh lab (fixture fresh_lab): sshd, packages and no corosync.conf, for `cluster init`
FRESH = {"prefix": "clfr", "subnet": "10.215.0", "node_prefix": "fnode"}
FRESH_BASE = Path("/tmp/clush-fr")
DAEMON_ENV = ["env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
              "PCMK_logfile=/var/log/pacemaker/pacemaker.log", "PCMK_logfacility=none"]
TOKEN_MS = 1500  # faster crash detection than the 3 s default, still calm on 2 busy cores

def _run(argv: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("check", False)
    kw.setdefault("timeout", 60)
    return subprocess.run(argv, **kw)


def _netns_inode(name: str) -> str:
    return f"net:[{os.stat(f'/run/netns/{name}').st_ino}]"


def _alive(pid: int) -> bool:
    """Exists and is not a zombie (reaping of orphans can be lazy)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class Lab:
    """Handle on the running lab: run things on nodes, read state, crash and restart nodes."""

    def __init__(self, base: Path, n: int = N, *, prefix: str = PREFIX, subnet: str = SUBNET,
                 node_prefix: str = "mnode", fresh: bool = False):
        self.base = base
        self.n = n
        self.prefix, self.subnet, self.node_prefix = prefix, subnet, node_prefix
        self.fresh = fresh  # nodes have sshd and the packages, but no corosync.conf and nothing running
        self.anchors: dict[str, int] = {}
        self.netns: dict[str, str] = {}  # node key -> expected net namespace id
        self.daemons: dict[str, dict[str, int]] = {}
        self.client_home = str(base / "client-home")

    # -- naming --------------------------------------------------------------------------
    def name(self, i: int) -> str:
        return f"{self.node_prefix}{i}"

    def addr(self, i: int) -> str:
        return f"{self.subnet}.{10 + i}"

    def key(self, i: int | str) -> str:
        return "cl" if i == "cl" else f"n{i}"

    def ns(self, i: int | str) -> str:
        return f"{self.prefix}-{self.key(i)}"

    def index(self, name: str) -> int:
        return int(name.removeprefix(self.node_prefix))

    # -- running things ------------------------------------------------------------------
    def anchor(self, i: int | str) -> int:
        key = self.key(i)
        pid = self.anchors[key]
        # never enter a PID that is no longer our anchor (a reused PID would be the host)
        if os.readlink(f"/proc/{pid}/ns/net") != self.netns[key]:
            raise RuntimeError(f"anchor of {key} is gone")
        return pid

    def enter(self, i: int | str) -> list[str]:
        return ["nsenter", "-t", str(self.anchor(i)), "-n", "-m", "-u", "--"]

    def on(self, i: int | str, argv: list[str], *, input: str | None = None, timeout: float = 60,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        full = {k: v for k, v in os.environ.items() if k not in ("CIB_file", "CIB_shadow")}
        full.update(env or {})
        return _run([*self.enter(i), *argv], input=input, timeout=timeout, env=full,
                    stdin=None if input is not None else subprocess.DEVNULL)

    def clush_on(self, i: int, *args: str, input: str | None = None, timeout: float = 120):
        """clush run *on* node i (it finds the node's cluster by itself)."""
        from tests.conftest import clush_argv

        return self.on(i, [*clush_argv(), *args], input=input, timeout=timeout)

    def clush_ssh(self, i: int, *args: str, input: str | None = None, timeout: float = 120):
        """clush run in the client namespace, reaching node i over SSH (--host mnodeI)."""
        from tests.conftest import clush_argv

        return self.on("cl", [*clush_argv(), "--host", self.name(i), *args], input=input, timeout=timeout,
                       env={"HOME": self.client_home})

    def clush_client(self, *args: str, input: str | None = None, timeout: float = 180):
        """clush run in the client namespace without --host (an admin workstation)."""
        from tests.conftest import clush_argv

        return self.on("cl", [*clush_argv(), *args], input=input, timeout=timeout,
                       env={"HOME": self.client_home, "XDG_CONFIG_HOME": f"{self.client_home}/.config",
                            "XDG_DATA_HOME": f"{self.client_home}/.local/share"})

    def spawn(self, i: int, name: str, argv: list[str]) -> int:
        log = open(self.base / self.key(i) / f"{name}.out", "ab")  # noqa: SIM115 - owned by the daemon
        proc = subprocess.Popen([*self.enter(i), *argv], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True)
        log.close()
        self.daemons.setdefault(self.key(i), {})[name] = proc.pid  # nsenter/env exec: same PID
        return proc.pid

    # -- state ---------------------------------------------------------------------------
    def mon(self, i: int) -> ET.Element | None:
        res = self.on(i, ["crm_mon", "-1", "--output-as=xml"], timeout=15)
        try:
            return ET.fromstring(res.stdout) if res.stdout.strip() else None
        except ET.ParseError:
            return None

    def where(self, rsc: str, i: int) -> set[str]:
        """Nodes where every member of group/primitive ``rsc`` is Started, as node i sees it."""
        root = self.mon(i)
        if root is None:
            return set()
        items = [r for g in root.iter("group") if g.get("id") == rsc for r in g.iter("resource")]
        items = items or [r for r in root.iter("resource") if r.get("id") == rsc]
        nodes: set[str] = set()
        for r in items:
            if r.get("role") != "Started":
                return set()
            nodes |= {n.get("name", "") for n in r.iter("node")}
        return nodes

    def state(self, i: int) -> tuple[str, int, bool]:
        """(DC name or '', members online, quorate) as node i sees it."""
        root = self.mon(i)
        if root is None:
            return "", 0, False
        dc = root.find("summary/current_dc")
        name = dc.get("name", "") if dc is not None and dc.get("present") == "true" else ""
        quorate = dc is not None and dc.get("with_quorum") == "true"
        online = sum(1 for n in root.iter("node") if n.get("online") == "true" and n.get("type") == "member")
        return name, online, quorate

    @staticmethod
    def wait(pred: Callable[[], Any], timeout: float = 90, step: float = 0.3, what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = pred()
            if value:
                return value
            time.sleep(step)
        raise AssertionError(f"{what} not reached within {timeout:g} s")

    # -- node life -----------------------------------------------------------------------
    def _signal(self, i: int, pid: int, sig: int) -> None:
        try:
            if os.readlink(f"/proc/{pid}/ns/net") == self.netns[self.key(i)]:
                os.kill(pid, sig)
        except (FileNotFoundError, ProcessLookupError):
            pass

    def crash(self, i: int) -> None:
        """SIGKILL the node's whole cluster stack (all its processes but anchor and sshd)."""
        keep = {self.anchors[self.key(i)], self.daemons[self.key(i)].get("sshd", -1)}
        for pid in self.ns_pids(self.ns(i)):
            if pid not in keep:
                self._signal(i, pid, signal.SIGKILL)
        # a crashed node leaves its agents' state behind; a real reboot would not
        for f in (self.base / self.key(i) / "run" / "resource-agents").glob("*"):
            f.unlink(missing_ok=True)

    def stop_stack(self, i: int, grace: float = 60.0) -> None:
        """Graceful stop: pacemakerd (moves resources away, stops its children), then corosync."""
        for name in ("pacemakerd", "corosync"):
            pid = self.daemons[self.key(i)].get(name)
            if pid is None or not _alive(pid):
                continue
            self._signal(i, pid, signal.SIGTERM)
            deadline = time.monotonic() + grace
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)

    def start_stack(self, i: int) -> None:
        self.spawn(i, "corosync", [*DAEMON_ENV, "corosync", "-f"])
        self.wait(lambda: self.on(i, ["corosync-quorumtool", "-s"], timeout=10).returncode != 1,
                  30, what=f"corosync on {self.name(i)}")
        self.spawn(i, "pacemakerd", [*DAEMON_ENV, "pacemakerd", "-f"])

    def restart_sshd(self, i: int, config: str | None = None) -> None:
        """Stop node i's sshd (its sessions stay) and start it again, with another sshd_config if given."""
        port_open = ["bash", "-c", f"exec 3<>/dev/tcp/{self.addr(i)}/22"]
        self._signal(i, self.daemons[self.key(i)]["sshd"], signal.SIGTERM)
        self.wait(lambda: self.on("cl", port_open, timeout=5).returncode != 0, 15, what=f"{self.name(i)} sshd down")
        default = str(self.base / self.key(i) / "ssh" / "sshd_config")
        self.spawn(i, "sshd", ["/usr/sbin/sshd", "-D", "-e", "-f", config or default])
        self.wait(lambda: self.on("cl", port_open, timeout=5).returncode == 0, 15, what=f"{self.name(i)} sshd up")

    @staticmethod
    def ns_pids(ns: str) -> list[int]:
        res = _run(["ip", "netns", "pids", ns], timeout=10)
        return [int(p) for p in res.stdout.split() if p.isdigit()]


# -- building the lab --------------------------------------------------------------------------
def _corosync_conf(n: int, subnet: str = SUBNET) -> str:
    nodes = "".join(f"  node {{\n    ring0_addr: {subnet}.{10 + i}\n    name: mnode{i}\n    nodeid: {i}\n  }}\n"
                    for i in range(1, n + 1))
    return (f"totem {{\n  version: 2\n  cluster_name: clmn\n  transport: knet\n  crypto_cipher: none\n"
            f"  crypto_hash: none\n  token: {TOKEN_MS}\n}}\n"
            "logging {\n  to_logfile: yes\n  logfile: /var/log/corosync/corosync.log\n  to_stderr: no\n"
            "  to_syslog: no\n}\n"
            "quorum {\n  provider: corosync_votequorum\n}\n"
            f"nodelist {{\n{nodes}}}\n")


def _hosts(lab: Lab) -> str:
    lines = ["127.0.0.1\tlocalhost"] + [f"{lab.addr(i)}\t{lab.name(i)}" for i in range(1, lab.n + 1)]
    return "\n".join(lines) + "\n"


def _prepare_node(lab: Lab, i: int, client_pub: str) -> None:
    d = lab.base / lab.key(i)
    for sub, mode in (("run", 0o755), ("run/sshd", 0o755), ("run/resource-agents", 0o1755), ("etc-corosync", 0o755),
                      ("lib-corosync", 0o755), ("log-corosync", 0o755), ("ssh", 0o755)):
        (d / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(d / sub, mode)
    for sub, mode in (("lib-pacemaker", 0o755), ("lib-pacemaker/cib", 0o750), ("lib-pacemaker/pengine", 0o750),
                      ("lib-pacemaker/blackbox", 0o750), ("lib-pacemaker/cores", 0o750),
                      ("log-pacemaker", 0o770), ("run/crm", 0o750)):
        (d / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(d / sub, mode)
        shutil.chown(d / sub, "hacluster", "haclient")
    (d / "hosts").write_text(_hosts(lab))
    if not lab.fresh:
        (d / "etc-corosync" / "corosync.conf").write_text(_corosync_conf(lab.n))
    # a short dc-deadtime: a fresh cluster otherwise waits 20 s before electing a DC
    cib = d / "lib-pacemaker" / "cib" / "cib.xml"
    cib.write_text(_run(["cibadmin", "--empty"]).stdout)
    env = dict(os.environ, CIB_file=str(cib))
    for name, value in (("dc-deadtime", "5s"), ("stonith-enabled", "false")):
        _run(["crm_attribute", "-t", "crm_config", "-n", name, "-v", value], env=env)
    shutil.chown(cib, "hacluster", "haclient")
    os.chmod(cib, 0o600)
    _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", lab.name(i), "-f", str(d / "ssh" / "hostkey")])
    (d / "ssh" / "authorized_keys").write_text(client_pub)
    (d / "ssh" / "sshd_config").write_text(
        f"ListenAddress {lab.addr(i)}:22\nHostKey {d}/ssh/hostkey\nPidFile /run/sshd.pid\n"
        f"AuthorizedKeysFile {d}/ssh/authorized_keys\nPermitRootLogin prohibit-password\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nUseDNS no\n"
        "StrictModes no\nMaxStartups 100:30:200\nSubsystem sftp internal-sftp\n")


def _client_home(lab: Lab) -> None:
    """HOME for clush in the client namespace: ssh config per node and their host keys."""
    ssh = Path(lab.client_home) / ".ssh"
    ssh.mkdir(parents=True, mode=0o700)
    key = lab.base / "clientkey"
    cfg, known = [], []
    for i in range(1, lab.n + 1):
        cfg.append(f"Host {lab.name(i)}\n  HostName {lab.addr(i)}\n  User root\n  IdentityFile {key}\n")
        pub = (lab.base / lab.key(i) / "ssh" / "hostkey.pub").read_text().split()
        known.append(f"{lab.addr(i)} {pub[0]} {pub[1]}")
    (ssh / "config").write_text("\n".join(cfg))
    (ssh / "known_hosts").write_text("\n".join(known) + "\n")


def _net(lab: Lab) -> None:
    sw = f"{lab.prefix}-sw"
    steps = [["ip", "netns", "add", sw], ["ip", "-n", sw, "link", "set", "lo", "up"],
             ["ip", "-n", sw, "link", "add", "br0", "type", "bridge", "forward_delay", "0", "stp_state", "0"],
             ["ip", "-n", sw, "link", "set", "br0", "up"]]
    legs = [(lab.ns(i), f"p{i}", lab.addr(i)) for i in range(1, lab.n + 1)] + [(lab.ns("cl"), "pcl",
                                                                                   f"{lab.subnet}.100")]
    for ns, port, addr in legs:
        steps += [["ip", "netns", "add", ns],
                  ["ip", "-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns],
                  ["ip", "-n", sw, "link", "set", port, "master", "br0", "up"],
                  ["ip", "-n", ns, "link", "set", "lo", "up"],
                  ["ip", "-n", ns, "addr", "add", f"{addr}/24", "dev", "eth0"],
                  ["ip", "-n", ns, "link", "set", "eth0", "up"]]
    for argv in steps:
        res = _run(argv)
        if res.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)}: {res.stderr.strip()}")


def _anchor(lab: Lab, key: str, ns: str, hostname: str, node_dir: Path) -> None:
    if key == "cl":
        # the client only needs its own network namespace
        argv = ["ip", "netns", "exec", ns, "unshare", "--uts", "--", "sh", "-c",
                f"hostname mn-client; touch {node_dir}/run/clmn-ready; exec sleep infinity"]
    else:
        argv = ["ip", "netns", "exec", ns, "unshare", "--mount", "--uts", "--propagation", "private", "--",
                "/bin/bash", str(NSINIT), str(node_dir), hostname, str(SYSTEMCTL)]
    out = open(node_dir / "anchor.out", "ab")  # noqa: SIM115
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
    out.close()
    lab.anchors[key] = proc.pid
    lab.netns[key] = _netns_inode(ns)


def _node_bashrc(lab: Lab, i: int) -> None:
    """root's ~/.bashrc as a cluster node has it (Debian's default), not this host's.

    sshd's bash reads it before every command; a development host's (pyenv init: ~150 ms of CPU)
    would be most of every SSH round trip to a lab node and is no part of a node.
    """
    rc = Path("/root/.bashrc")
    if not rc.exists():
        return
    skel = Path("/etc/skel/.bashrc")
    mine = lab.base / lab.key(i) / "bashrc"
    mine.write_text(skel.read_text() if skel.exists() else "")
    res = _run([*lab.enter(i), "mount", "--bind", str(mine), str(rc)])
    if res.returncode != 0:
        raise RuntimeError(f"{lab.name(i)}: bind {rc}: {res.stderr.strip()}")


def build(base: Path, n: int = N, **kw: Any) -> Lab:
    lab = Lab(base, n, **kw)
    base.mkdir(parents=True)
    os.chmod(base, 0o755)
    _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "clmn-client", "-f", str(base / "clientkey")])
    client_pub = (base / "clientkey.pub").read_text()
    for i in range(1, n + 1):
        _prepare_node(lab, i, client_pub)
    (base / "cl" / "run").mkdir(parents=True)
    _client_home(lab)
    _net(lab)
    for i in range(1, n + 1):
        _anchor(lab, lab.key(i), lab.ns(i), lab.name(i), base / lab.key(i))
    _anchor(lab, "cl", lab.ns("cl"), "mn-client", base / "cl")
    for key in [lab.key(i) for i in range(1, n + 1)] + ["cl"]:
        lab.wait(lambda k=key: (base / k / "run" / "clmn-ready").exists(), 15, 0.05, f"anchor {key}")
    for i in range(1, n + 1):
        _node_bashrc(lab, i)
        lab.spawn(i, "sshd", ["/usr/sbin/sshd", "-D", "-e", "-f", str(base / lab.key(i) / "ssh" / "sshd_config")])
        if not lab.fresh:
            lab.spawn(i, "corosync", [*DAEMON_ENV, "corosync", "-f"])
    if lab.fresh:
        for i in range(1, n + 1):
            lab.wait(lambda i=i: lab.on(i, ["bash", "-c", f"exec 3<>/dev/tcp/{lab.addr(i)}/22"], timeout=5)
                     .returncode == 0, 15, 0.1, f"sshd on {lab.name(i)}")
        return lab

    def members() -> bool:
        for i in range(1, n + 1):
            out = lab.on(i, ["corosync-quorumtool", "-s"], timeout=10).stdout
            votes = [ln.split()[-1] for ln in out.splitlines() if ln.startswith("Total votes:")]
            if votes != [str(n)]:
                return False
        return True

    lab.wait(members, 60, 0.3, "corosync membership")
    for i in range(1, n + 1):
        lab.spawn(i, "pacemakerd", [*DAEMON_ENV, "pacemakerd", "-f"])
    lab.wait(lambda: lab.state(1)[0] and lab.state(1)[1] == n, 120, 0.5, "a DC and all nodes online")
    return lab


def teardown(base: Path, prefix: str = PREFIX) -> None:
    """Stop everything in the lab namespaces (PID by PID), delete them and the state dir."""
    namespaces = [ns for ns in _run(["ip", "netns", "list"]).stdout.split() if ns.startswith(f"{prefix}-")]
    inodes = {}
    for ns in namespaces:
        try:
            inodes[_netns_inode(ns)] = ns
        except OSError:
            pass

    def ours(pid: int) -> bool:
        try:
            return os.readlink(f"/proc/{pid}/ns/net") in inodes
        except OSError:
            return False

    def pids_named(names: tuple[str, ...]) -> list[int]:
        found = []
        for ns in namespaces:
            for pid in Lab.ns_pids(ns):
                try:
                    comm = Path(f"/proc/{pid}/comm").read_text().strip()
                except OSError:
                    continue
                if comm in names and ours(pid):
                    found.append(pid)
        return found

    # graceful first: pacemakerd stops its children, then corosync
    for names, grace in ((("pacemakerd",), 20.0), (("corosync",), 5.0)):
        pids = pids_named(names)
        for pid in pids:
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
    for _round in range(10):
        left = [p for ns in namespaces for p in Lab.ns_pids(ns) if ours(p) and p != os.getpid()]
        if not left:
            break
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.3)
    for ns in namespaces:
        _run(["ip", "netns", "del", ns])
    shutil.rmtree(base, ignore_errors=True)


def _session_lab(base: Path, what: str, **kw: Any) -> Iterator[Lab]:
    require("corosync", "pacemakerd", "crm_mon", "cibadmin", "ip", "nsenter", "unshare", "/usr/sbin/sshd")
    if os.geteuid() != 0:
        unavailable("the namespace cluster needs root")
    prefix = kw.get("prefix", PREFIX)
    base.parent.mkdir(parents=True, exist_ok=True)
    lock = open(f"{base}.lock", "w")  # noqa: SIM115 - one lab of each kind on this machine at a time
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        teardown(base, prefix)  # leftovers of a killed run
        try:
            built = build(base, **kw)
        except (RuntimeError, AssertionError, OSError, subprocess.SubprocessError) as exc:
            teardown(base, prefix)
            unavailable(f"cannot build the {what}: {exc}")
        try:
            yield built
        finally:
            teardown(base, prefix)
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    """The 3-node namespace cluster, built once per test session and always torn down."""
    yield from _session_lab(BASE, "3-node namespace cluster")


@pytest.fixture(scope="session")
def fresh_lab() -> Iterator[Lab]:
    """3 namespace nodes with sshd, the packages and a systemctl, but no corosync.conf and nothing running."""
    require("corosync-cfgtool", "corosync-quorumtool", "crm_node")
    yield from _session_lab(FRESH_BASE, "3 fresh namespace nodes", fresh=True, **FRESH)
