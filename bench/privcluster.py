"""A private live single-node Pacemaker cluster for benchmarks, in its own namespaces.

The shared test cluster (tests/realenv/cluster.py) is used by concurrent test runs; loading
16,000 primitives into it would slow every one of them. This cluster runs like the test one
(corosync -f + pacemakerd -f, one node "node1" on 127.0.0.1) but inside a network + mount +
UTS namespace of its own, as the 3-node lab does (tests/realenv/multinode.py): private /run,
/dev/shm, /etc/corosync and /var/lib/{corosync,pacemaker}; commands run in it through
``nsenter`` (``PrivateCluster.enter``). Only processes in our own namespace are ever
signalled; the namespace and its state directory are removed afterwards.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

NS = "clbench-n1"
BASE = Path("/tmp/clush-bench-cluster")  # not under /run: the node mounts its own /run
DAEMON_ENV = ["env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
              "PCMK_logfile=/var/log/pacemaker/pacemaker.log", "PCMK_logfacility=none"]
COROSYNC_CONF = """totem {
  version: 2
  cluster_name: clbench
  transport: knet
  crypto_cipher: none
  crypto_hash: none
}
nodelist {
  node {
    ring0_addr: 127.0.0.1
    name: node1
    nodeid: 1
  }
}
quorum {
  provider: corosync_votequorum
}
logging {
  to_logfile: yes
  logfile: /var/log/corosync/corosync.log
  to_stderr: no
  to_syslog: no
}
"""
# the anchor: private mounts for everything a node writes, its host name, then it waits
ANCHOR = """set -e
d=$1
mount --bind "$d/run" /run
mount -t tmpfs -o mode=1777,size=256m clbench-shm /dev/shm
mount --bind "$d/etc-corosync" /etc/corosync
mount --bind "$d/lib-corosync" /var/lib/corosync
mount --bind "$d/log-corosync" /var/log/corosync
mount --bind "$d/lib-pacemaker" /var/lib/pacemaker
mount --bind "$d/log-pacemaker" /var/log/pacemaker
hostname node1
touch /run/clbench-ready
exec sleep infinity
"""


def _run(argv: list[str], **kw) -> subprocess.CompletedProcess[str]:
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("check", False)
    kw.setdefault("timeout", 120)
    return subprocess.run(argv, **kw)


def _netns_inode(name: str) -> str:
    return f"net:[{os.stat(f'/run/netns/{name}').st_ino}]"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def available() -> str | None:
    """Why the private cluster cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root (namespaces)"
    for tool in ("corosync", "pacemakerd", "cibadmin", "crm_mon", "ip", "nsenter", "unshare"):
        if not shutil.which(tool):
            return f"{tool} is not installed"
    return None


class Unsettled(RuntimeError):
    """The bench cluster did not settle after a change."""


class PrivateCluster:
    """``with PrivateCluster() as c: c.run(["cibadmin", "-Q"])``; ``c.enter`` prefixes any argv."""

    def __init__(self, base: Path = BASE):
        self.base = base
        self.anchor = 0
        self.netns = ""
        self._lock = None

    def __enter__(self) -> PrivateCluster:
        self.base.parent.mkdir(parents=True, exist_ok=True)
        self._lock = open(f"{self.base}.lock", "w")  # noqa: SIM115 - one bench cluster at a time
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        teardown(self.base)  # leftovers of a killed run
        try:
            self._build()
        except BaseException:
            teardown(self.base)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        teardown(self.base)
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()

    @property
    def enter(self) -> list[str]:
        # never enter a PID that is no longer our anchor (a reused PID would be the host)
        if os.readlink(f"/proc/{self.anchor}/ns/net") != self.netns:
            raise RuntimeError("the bench cluster's anchor is gone")
        return ["nsenter", "-t", str(self.anchor), "-n", "-m", "-u", "--"]

    def run(self, argv: list[str], **kw) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("CIB_file", "CIB_shadow")}
        env["LC_ALL"] = "C"
        kw.setdefault("env", env)
        return _run([*self.enter, *argv], **kw)

    def dc(self) -> str:
        res = self.run(["crm_mon", "-1", "--output-as=xml"], timeout=30)
        try:
            dc = ET.fromstring(res.stdout).find("summary/current_dc") if res.returncode == 0 else None
        except ET.ParseError:
            return ""
        return dc.get("name", "") if dc is not None and dc.get("present") == "true" else ""

    def wait_idle(self, timeout: float = 300) -> None:
        """Until the controller is idle again (the scheduler has handled the last change).

        Unsettled when it is not within ``timeout``: at 16,000 primitives Pacemaker 2.1.5 does not
        hold here (with the default PCMK_ipc_buffer the CIB reaches neither the controller nor the
        fencer; with a bigger one the fencer is too slow to answer pacemakerd, which restarts it and
        then the others, over and over)."""
        time.sleep(0.2)  # a change just made may not have reached the controller yet
        deadline = time.monotonic() + timeout
        while True:
            if time.monotonic() > deadline:
                raise Unsettled(f"the cluster's controller was not idle within {timeout:g} s "
                                "(see the pacemaker log in the bench cluster's directory)")
            try:
                res = self.run(["crmadmin", "-q", "-S", "node1"], timeout=60)
            except subprocess.TimeoutExpired:  # a controller busy with a big CIB answers late
                continue
            if "S_IDLE" in res.stdout + res.stderr:
                break
            time.sleep(0.2)
        # the controller is idle, but the CIB manager may still be busy for a second after a change
        # (status clean-up, its disk write): a tool's first request would wait behind that, so the
        # next timed run (clush or the floor) starts only once a tiny query is answered at once
        for _ in range(100):
            start = time.monotonic()
            self.run(["cibadmin", "--query", "--no-children", "--xpath", "/cib"], timeout=60)
            if time.monotonic() - start < 0.1:
                return
            time.sleep(0.1)

    def load(self, cib_xml: str) -> None:
        """Replace the live configuration with the one of ``cib_xml``; wait until it settled."""
        path = self.base / "load.xml"
        path.write_text(cib_xml)
        # cibadmin's own 30 s wait is too short for 16,000 primitives on a busy machine
        res = self.run(["cibadmin", "--replace", "--timeout", "1800", "--scope", "configuration",
                        "--xml-file", str(path)], timeout=1900)
        if res.returncode != 0:
            raise RuntimeError(f"cannot load the bench CIB: {res.stderr.strip()}")
        self.wait_idle()

    def _build(self) -> None:
        d = self.base
        for sub, mode in (("run", 0o755), ("run/resource-agents", 0o1755), ("etc-corosync", 0o755),
                          ("lib-corosync", 0o755), ("log-corosync", 0o755)):
            (d / sub).mkdir(parents=True, exist_ok=True)
            os.chmod(d / sub, mode)
        for sub in ("lib-pacemaker", "lib-pacemaker/cib", "lib-pacemaker/pengine", "lib-pacemaker/blackbox",
                    "lib-pacemaker/cores", "log-pacemaker", "run/crm"):
            (d / sub).mkdir(parents=True, exist_ok=True)
            os.chmod(d / sub, 0o770 if sub == "log-pacemaker" else 0o750)
            shutil.chown(d / sub, "hacluster", "haclient")
        (d / "etc-corosync" / "corosync.conf").write_text(COROSYNC_CONF)
        (d / "etc-corosync" / "uidgid.d").mkdir(exist_ok=True)  # pcs config reads it
        cib = d / "lib-pacemaker" / "cib" / "cib.xml"
        cib.write_text(_run(["cibadmin", "--empty"]).stdout)
        env = dict(os.environ, CIB_file=str(cib))
        # a short dc-deadtime (a fresh cluster waits 20 s before electing itself); no fencing; no
        # start-up probes (16,000 probes of stopped resources would load the shared machine)
        for name, value in (("dc-deadtime", "5s"), ("stonith-enabled", "false"), ("enable-startup-probes", "false")):
            _run(["crm_attribute", "-t", "crm_config", "-n", name, "-v", value], env=env)
        shutil.chown(cib, "hacluster", "haclient")
        os.chmod(cib, 0o600)
        res = _run(["ip", "netns", "add", NS])
        if res.returncode != 0:
            raise RuntimeError(f"ip netns add {NS}: {res.stderr.strip()}")
        _run(["ip", "-n", NS, "link", "set", "lo", "up"])
        out = open(d / "anchor.out", "ab")  # noqa: SIM115
        proc = subprocess.Popen(["ip", "netns", "exec", NS, "unshare", "--mount", "--uts", "--propagation", "private",
                                 "--", "/bin/bash", "-c", ANCHOR, "anchor", str(d)],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
        out.close()
        self.anchor, self.netns = proc.pid, _netns_inode(NS)
        _wait(lambda: (d / "run" / "clbench-ready").exists(), 15, "the namespace anchor")
        self._spawn("corosync", [*DAEMON_ENV, "corosync", "-f"])
        _wait(lambda: self.run(["corosync-quorumtool", "-s"], timeout=10).returncode == 0, 60, "corosync")
        self._spawn("pacemakerd", [*DAEMON_ENV, "pacemakerd", "-f"])
        _wait(self.dc, 120, "a DC")

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = open(self.base / f"{name}.out", "ab")  # noqa: SIM115 - owned by the daemon
        subprocess.Popen([*self.enter, *argv], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                         start_new_session=True)
        log.close()


def _wait(pred, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.3)
    raise RuntimeError(f"{what} not up within {timeout:g} s")


def _ns_pids() -> list[int]:
    res = _run(["ip", "netns", "pids", NS], timeout=10)
    return [int(p) for p in res.stdout.split() if p.isdigit()]


def teardown(base: Path) -> None:
    """Stop every process in our namespace (pacemakerd, corosync, then the rest), delete it and the state."""
    if NS in _run(["ip", "netns", "list"]).stdout.split():
        inode = _netns_inode(NS)

        def ours(pid: int) -> bool:
            try:
                return os.readlink(f"/proc/{pid}/ns/net") == inode and pid != os.getpid()
            except OSError:
                return False

        def named(name: str) -> list[int]:
            found = []
            for pid in _ns_pids():
                try:
                    if Path(f"/proc/{pid}/comm").read_text().strip() == name and ours(pid):
                        found.append(pid)
                except OSError:
                    pass
            return found

        for name, grace in (("pacemakerd", 60.0), ("corosync", 10.0)):
            pids = named(name)
            for pid in pids:
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + grace
            while any(_alive(p) for p in pids) and time.monotonic() < deadline:
                time.sleep(0.2)
        for _round in range(10):
            left = [p for p in _ns_pids() if ours(p)]
            if not left:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.3)
        _run(["ip", "netns", "del", NS])
    shutil.rmtree(base, ignore_errors=True)
