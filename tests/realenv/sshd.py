"""sshd on a free loopback port with generated host and client keys, for SSH tests.

The fixture also builds a temporary HOME whose ``.ssh/config`` maps host aliases to that
sshd, so ``HOME=sshd.home clush --host clushtest ...`` goes through the same resolution a user
gets (HostName 127.0.0.1, Port, User, IdentityFile; host key in ``.ssh/known_hosts``).

Aliases written to the config:
  ``clushtest``       User root
  ``clushtest-user``  User clushuser (non-root, member of haclient; created idempotently)
  ``clushtest-jump``  User root, through ``ProxyJump clushtest``
  ``clushtest-outsider``  User clushoutsider (non-root, NOT in haclient)

Use in a test module::

    from tests.realenv.sshd import sshd  # noqa: F401
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.realenv import require, unavailable

ALIAS = "clushtest"
USER_ALIAS = "clushtest-user"
JUMP_ALIAS = "clushtest-jump"
NONROOT_USER = "clushuser"
OUTSIDER_USER = "clushoutsider"  # not in haclient: the cluster refuses it
OUTSIDER_ALIAS = "clushtest-outsider"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _keygen(path: str) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "clush-test", "-f", path],
                   check=True, capture_output=True)


def _ensure_user(name: str, *, haclient: bool) -> None:
    """Create ``name`` idempotently; member of haclient or explicitly not."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        proc = subprocess.run(["useradd", "-m", "-s", "/bin/sh", name], capture_output=True, text=True, check=False)
        # rc 9 = created meanwhile by a parallel test run
        if proc.returncode not in (0, 9):
            raise RuntimeError(f"useradd {name}: {proc.stderr.strip()}") from None
    # "!" (locked) makes sshd refuse key logins without PAM; "*" = no password but not locked
    with open("/etc/shadow") as f:
        locked = any(line.startswith(f"{name}:!") for line in f)
    if locked:
        subprocess.run(["usermod", "-p", "*", name], check=True, capture_output=True)
    groups = subprocess.run(["id", "-nG", name], capture_output=True, text=True, check=True).stdout.split()
    if haclient and "haclient" not in groups:
        subprocess.run(["usermod", "-aG", "haclient", name], check=True, capture_output=True)
    if not haclient and "haclient" in groups:
        subprocess.run(["gpasswd", "-d", name, "haclient"], check=True, capture_output=True)


def ensure_nonroot_user() -> str:
    """Create (once) the non-root test users: one in group haclient, one outside; return the first."""
    _ensure_user(NONROOT_USER, haclient=True)
    _ensure_user(OUTSIDER_USER, haclient=False)
    return NONROOT_USER


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


@dataclass
class Sshd:
    """A running sshd and a HOME set up to reach it."""

    dir: str
    port: int
    proc: subprocess.Popen[bytes]
    home: str
    client_key: str
    host_key_line: str  # "ssh-ed25519 AAAA..."
    extra_homes: list[str] = field(default_factory=list)

    @property
    def alias(self) -> str:
        return ALIAS

    @property
    def user_alias(self) -> str:
        return USER_ALIAS

    def env(self, home: str | None = None) -> dict[str, str]:
        """Environment for running clush against this sshd (HOME decides the ssh config)."""
        env = {k: v for k, v in os.environ.items() if k not in ("CIB_file", "CIB_shadow", "SSH_AUTH_SOCK")}
        env["HOME"] = home or self.home
        return env

    def make_home(self, name: str, *, known_hosts: bool = True, user: str = "root") -> str:
        """Another HOME (e.g. without the host key) with the same aliases; ``user`` for ALIAS."""
        home = os.path.join(self.dir, name)
        ssh = os.path.join(home, ".ssh")
        os.makedirs(ssh, mode=0o700, exist_ok=True)
        with open(os.path.join(ssh, "config"), "w") as f:
            for alias, u in ((ALIAS, user), (USER_ALIAS, NONROOT_USER), (OUTSIDER_ALIAS, OUTSIDER_USER)):
                f.write(f"Host {alias}\n  HostName 127.0.0.1\n  Port {self.port}\n  User {u}\n"
                        f"  IdentityFile {self.client_key}\n\n")
            # reaches the same sshd through a ProxyJump hop over the first alias
            f.write(f"Host {JUMP_ALIAS}\n  HostName 127.0.0.1\n  Port {self.port}\n  User {user}\n"
                    f"  IdentityFile {self.client_key}\n  ProxyJump {ALIAS}\n\n")
        kh = os.path.join(ssh, "known_hosts")
        with open(kh, "w") as f:
            if known_hosts:
                f.write(f"[127.0.0.1]:{self.port} {self.host_key_line}\n")
        self.extra_homes.append(home)
        return home

    def session_pids(self) -> list[int]:
        """PIDs of sshd children serving connections (the listener's descendants)."""
        kids: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    # the field after the ")" that ends the command name: state, then ppid
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(entry))
        found: list[int] = []
        todo = list(kids.get(self.proc.pid, []))
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(kids.get(pid, []))
        return found

    def kill_sessions(self, *, commands_too: bool = False) -> int:
        """SIGKILL the sshd processes serving connections (cuts clients mid-command); returns how many.

        The commands those connections started keep running (as after a real network cut)
        unless ``commands_too``.
        """
        pids = [p for p in self.session_pids() if commands_too or _comm(p) == "sshd"]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return len(pids)


@pytest.fixture(scope="session")
def sshd() -> Iterator[Sshd]:
    """sshd on 127.0.0.1:<free port>, host+client keys, known_hosts and ~/.ssh/config in a temp HOME."""
    require("/usr/sbin/sshd", "ssh-keygen")
    if os.geteuid() != 0:
        unavailable("the sshd fixture needs root (it logs in as root and as a test user)")
    try:
        ensure_nonroot_user()
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        unavailable(f"cannot create the non-root test user: {exc}")
    # world-readable: sshd reads authorized keys with the logging-in user's privileges
    d = tempfile.mkdtemp(prefix="clush-sshd-")
    os.chmod(d, 0o755)
    _keygen(os.path.join(d, "hostkey"))
    _keygen(os.path.join(d, "clientkey"))
    keys = os.path.join(d, "authorized")
    os.makedirs(keys)
    os.chmod(keys, 0o755)
    client_pub = open(os.path.join(d, "clientkey.pub")).read()
    for user in ("root", NONROOT_USER, OUTSIDER_USER):
        path = os.path.join(keys, user)
        with open(path, "w") as f:
            f.write(client_pub)
        os.chmod(path, 0o644)
    port = _free_port()
    conf = os.path.join(d, "sshd_config")
    with open(conf, "w") as f:
        f.write(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/hostkey\n"
            f"AuthorizedKeysFile {keys}/%u\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
            f"PermitRootLogin prohibit-password\nPidFile {d}/sshd.pid\nStrictModes no\nUsePAM no\n"
            "MaxStartups 100:30:200\nMaxSessions 100\nLogLevel VERBOSE\nSubsystem sftp internal-sftp\n"
        )
    os.makedirs("/run/sshd", exist_ok=True)
    proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-f", conf, "-E", os.path.join(d, "sshd.log")],
                            stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log = open(os.path.join(d, "sshd.log")).read()[-2000:]
                unavailable(f"sshd did not start: {log}")
            time.sleep(0.1)
    host_pub = open(os.path.join(d, "hostkey.pub")).read().split()
    server = Sshd(d, port, proc, "", os.path.join(d, "clientkey"), f"{host_pub[0]} {host_pub[1]}")
    server.home = server.make_home("home")
    try:
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(d, ignore_errors=True)
