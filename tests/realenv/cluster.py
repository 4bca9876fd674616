"""The live single-node Pacemaker cluster (corosync -f + pacemakerd -f on 127.0.0.1).

Several engineers and test runs share this machine, so start-up is serialised with an fcntl
lock and an already running cluster is reused.  Only a cluster this process started is
stopped, by the PIDs it started, and only when no other test process still uses it
(every user holds a shared lock on ``users.lock`` for the whole session).

Use in a test module::

    from tests.realenv.cluster import fresh_id, live_cluster  # noqa: F401

    def test_x(live_cluster, fresh_id):
        rid = fresh_id("vip")          # unique id, removed from the CIB after the test
        ...
        live_cluster.wait_role(rid, "Started")

Tests must only remove what they created; never erase the configuration.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from xml.etree import ElementTree as ET

import pytest

from tests.realenv import require, unavailable

STATE_DIR = "/run/clush-test-cluster"
NODE = "node1"
START_TIMEOUT = 120.0

COROSYNC_CONF = """\
totem {
  version: 2
  cluster_name: testcl
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
  logfile: %(dir)s/corosync.log
  to_stderr: no
  to_syslog: no
}
"""


def _run(argv: list[str], stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, input=stdin, capture_output=True, text=True, timeout=timeout, check=False,
        env=_clean_env(),
    )


def _clean_env() -> dict[str, str]:
    # a CIB_file/CIB_shadow left in the environment would silently redirect every tool
    env = {k: v for k, v in os.environ.items() if k not in ("CIB_file", "CIB_shadow")}
    env["LC_ALL"] = "C"
    return env


def current_dc() -> str | None:
    """Name of the DC if a cluster is up and has elected one, else None."""
    try:
        proc = _run(["crm_mon", "-1", "--output-as=xml"], timeout=15)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    try:
        dc = ET.fromstring(proc.stdout).find("summary/current_dc")
    except ET.ParseError:
        return None
    if dc is None or dc.get("present") != "true":
        return None
    return dc.get("name")


class LiveCluster:
    """Handle on the running cluster, with helpers for tests."""

    def __init__(self, node: str, started_pids: list[int]):
        self.node = node
        self.started_pids = started_pids  # empty when an existing cluster was reused
        self._counter = itertools.count(1)

    # -- reading -------------------------------------------------------------------------
    def run(self, argv: list[str], stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run a Pacemaker tool against the live cluster (never a CIB file)."""
        return _run(argv, stdin=stdin, timeout=timeout)

    def cib_version(self) -> tuple[int, int, int]:
        """(admin_epoch, epoch, num_updates) of the live CIB."""
        proc = self.run(["cibadmin", "-Q", "-n", "--xpath", "/cib"])
        assert proc.returncode == 0, proc.stderr
        root = ET.fromstring(proc.stdout)
        return tuple(int(root.get(a, "0")) for a in ("admin_epoch", "epoch", "num_updates"))  # type: ignore[return-value]

    def cib_epoch(self) -> int:
        return self.cib_version()[1]

    def query(self, xpath: str | None = None) -> str:
        """``cibadmin -Q`` (optionally with --xpath); '' when nothing matches."""
        argv = ["cibadmin", "-Q"] + (["--xpath", xpath] if xpath else [])
        proc = self.run(argv)
        if proc.returncode == 105:
            return ""
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def status(self) -> ET.Element:
        proc = self.run(["crm_mon", "-1", "--output-as=xml"])
        assert proc.returncode == 0, proc.stderr
        return ET.fromstring(proc.stdout)

    def roles(self) -> dict[str, str]:
        """resource id -> role as crm_mon reports it (Started, Stopped, ...)."""
        return {r.get("id", ""): r.get("role", "") for r in self.status().iter("resource")}

    def wait_role(self, rid: str, role: str = "Started", timeout: float = 60) -> None:
        """Wait until crm_mon reports resource ``rid`` in ``role``; fail with the last state seen."""
        deadline = time.monotonic() + timeout
        seen = None
        while time.monotonic() < deadline:
            seen = self.roles().get(rid)
            if seen == role:
                return
            time.sleep(0.5)
        raise AssertionError(f"resource {rid} is {seen!r}, not {role!r} after {timeout:g} s")

    def wait_idle(self, timeout: float = 60) -> None:
        """Wait until the cluster has no pending actions (crm_resource --wait)."""
        proc = self.run(["crm_resource", "--wait", "--timeout", f"{int(timeout)}s"], timeout=timeout + 15)
        assert proc.returncode == 0, f"cluster not idle after {timeout:g} s: {proc.stdout}{proc.stderr}"

    # -- test ids and clean-up -----------------------------------------------------------
    def unique_id(self, prefix: str = "t") -> str:
        return f"{prefix}-{os.getpid()}-{next(self._counter)}-{uuid.uuid4().hex[:6]}"

    def remove(self, *ids: str) -> None:
        """Delete configuration elements with these ids (constraints first), best effort."""
        for rid in ids:
            for xp in (
                f"//constraints/*[@rsc='{rid}' or @with-rsc='{rid}' or @first='{rid}' or @then='{rid}']",
                f"//constraints//resource_ref[@id='{rid}']/ancestor::*[parent::constraints]",
                f"/cib/configuration//*[@id='{rid}']",
            ):
                for _ in range(20):  # -D --xpath removes one match per call
                    if not self.query(xp):
                        break
                    self.run(["cibadmin", "-D", "--xpath", xp])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_pid(pid: int, grace: float) -> None:
    if not _pid_alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = 0 if _pid_alive(pid) else pid
        if done == pid or not _pid_alive(pid):
            return
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)


def _start_cluster() -> list[int]:
    os.makedirs(STATE_DIR, exist_ok=True)
    conf = os.path.join(STATE_DIR, "corosync.conf")
    with open(conf, "w") as f:
        f.write(COROSYNC_CONF % {"dir": STATE_DIR})
    log = open(os.path.join(STATE_DIR, "daemons.log"), "ab")  # noqa: SIM115 - lives as long as the daemons
    pids: list[int] = []
    coro = subprocess.Popen(["corosync", "-f", "-c", conf], stdout=log, stderr=log,
                            stdin=subprocess.DEVNULL, start_new_session=True, env=_clean_env())
    pids.append(coro.pid)
    time.sleep(1.0)
    if coro.poll() is not None:
        raise RuntimeError(f"corosync exited with {coro.returncode}; see {STATE_DIR}/daemons.log")
    pcmk = subprocess.Popen(["pacemakerd", "-f"], stdout=log, stderr=log,
                            stdin=subprocess.DEVNULL, start_new_session=True, env=_clean_env())
    pids.insert(0, pcmk.pid)  # stop order: pacemakerd first, then corosync
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if current_dc():
            break
        if pcmk.poll() is not None:
            raise RuntimeError(f"pacemakerd exited with {pcmk.returncode}; see {STATE_DIR}/daemons.log")
        time.sleep(1.0)
    else:
        for pid in pids:
            _stop_pid(pid, 30)
        raise RuntimeError(f"no DC elected within {START_TIMEOUT:g} s")
    return pids


def _ensure_stonith_disabled() -> None:
    proc = _run(["crm_attribute", "-t", "crm_config", "-n", "stonith-enabled", "-G", "-q"])
    if proc.stdout.strip() != "false":
        _run(["crm_attribute", "-t", "crm_config", "-n", "stonith-enabled", "-v", "false"])


@pytest.fixture(scope="session")
def live_cluster() -> Iterator[LiveCluster]:
    """The live single-node cluster, started on first use or reused if already running."""
    require("corosync", "pacemakerd", "crm_mon", "cibadmin")
    if os.geteuid() != 0:
        unavailable("the live cluster needs root")
    os.makedirs(STATE_DIR, exist_ok=True)
    start_lock = open(os.path.join(STATE_DIR, "start.lock"), "w")  # noqa: SIM115
    users_lock = open(os.path.join(STATE_DIR, "users.lock"), "w")  # noqa: SIM115
    fcntl.flock(start_lock, fcntl.LOCK_EX)
    try:
        pids: list[int] = []
        if not current_dc():
            try:
                pids = _start_cluster()
            except (OSError, RuntimeError) as exc:
                unavailable(f"cannot start the live cluster: {exc}")
        _ensure_stonith_disabled()
        fcntl.flock(users_lock, fcntl.LOCK_SH)
    finally:
        fcntl.flock(start_lock, fcntl.LOCK_UN)
    cluster = LiveCluster(current_dc() or NODE, pids)
    try:
        yield cluster
    finally:
        fcntl.flock(users_lock, fcntl.LOCK_UN)
        keep = os.environ.get("CLUSH_KEEP_CLUSTER", "") not in ("", "0")
        if pids and not keep:
            fcntl.flock(start_lock, fcntl.LOCK_EX)
            try:
                # another test process still using it keeps it alive (it will be reused later)
                fcntl.flock(users_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                for pid in pids:
                    _stop_pid(pid, 90)
                fcntl.flock(users_lock, fcntl.LOCK_UN)
            except BlockingIOError:
                pass
            finally:
                fcntl.flock(start_lock, fcntl.LOCK_UN)
        users_lock.close()
        start_lock.close()


@pytest.fixture
def fresh_id(live_cluster: LiveCluster) -> Iterator[Callable[[str], str]]:
    """Factory of unique ids; everything created under them is removed after the test."""
    made: list[str] = []

    def make(prefix: str = "t") -> str:
        rid = live_cluster.unique_id(prefix)
        made.append(rid)
        return rid

    yield make
    live_cluster.remove(*made)
