"""Runner over SSH (paramiko): one connection per host, reused by every command.

Safety rules this module keeps:
- argv is quoted with shlex.join for the remote POSIX shell, so nothing a user typed is ever
  interpreted by it; data (XML) travels on stdin, never in the command line;
- host keys are checked against ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts; an unknown
  key is refused with its fingerprint unless the user accepts it explicitly, a changed key is
  always refused;
- a dropped connection is reopened once, but only before a command was sent: a command in
  flight when the connection died is reported as failed, never retried.
"""

from __future__ import annotations

import base64
import hashlib
import os
import select
import shlex
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import paramiko

from clushell import values
from clushell.errors import ToolMissing, TransportError
from clushell.transport import sshalive, sshconf
from clushell.transport.base import Result

CONNECT_TIMEOUT = 15.0
COMMAND_TIMEOUT = 120.0
SYSTEM_KNOWN_HOSTS = "/etc/ssh/ssh_known_hosts"
# A fixed /bin/sh script: the remote user's PATH often lacks the sbin directories where
# Pacemaker's tools live.  Everything else arrives as positional parameters, so whatever the
# login shell is (sh, bash, zsh, fish, csh), it only sees single-quoted words.
WRAPPER = 'PATH="$PATH:/usr/sbin:/sbin:/usr/local/sbin"; export PATH; exec env "$@"'

#: asked when a host key is unknown: (host, key type, fingerprint) -> accept?
ConfirmHook = Callable[[str, str, str], bool]


class HostKeyError(TransportError):
    """The server's host key is unknown or changed; carries what the user needs to decide."""

    def __init__(self, message: str, *, host: str, key_type: str, fingerprint: str, changed: bool):
        super().__init__(message)
        self.host = host
        self.key_type = key_type
        self.fingerprint = fingerprint
        self.changed = changed


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH-style SHA256 fingerprint (what `ssh-keygen -lf` prints)."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def parse_host_spec(spec: str) -> tuple[str | None, str, int | None]:
    """``[USER@]HOST[:PORT]`` (``[v6addr]:PORT`` for IPv6) -> (user, host, port)."""
    user = None
    if "@" in spec:
        user, spec = spec.rsplit("@", 1)
        if not user:
            raise TransportError(f"--host: empty user name in '{user}@{spec}'")
    port: int | None = None
    if spec.startswith("["):
        host, _, rest = spec[1:].partition("]")
        if rest.startswith(":"):
            port = _port(rest[1:], spec)
    elif spec.count(":") == 1:
        host, p = spec.split(":")
        port = _port(p, spec)
    else:
        host = spec
    if not host:
        raise TransportError(f"--host: no host name in '{spec}'")
    problem = values.host_name(host) if not spec.startswith("[") else values.xml_text(host)
    if problem:  # the resolver would fail with a codec error
        raise TransportError(f"--host: {problem}: {values.show(host)}")
    return user, host, port


def _port(text: str, spec: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise TransportError(f"--host: bad port '{text}' in '{spec}'")
    return int(text)


def remote_command(argv: Sequence[str], env: Mapping[str, str]) -> str:
    """The one line the remote login shell sees: ``/bin/sh -c WRAPPER clush K=V... argv...``, quoted."""
    return shlex.join(["/bin/sh", "-c", WRAPPER, "clush", *(f"{k}={v}" for k, v in env.items()), *argv])


class _Policy(paramiko.MissingHostKeyPolicy):
    """Refuse unknown host keys unless accepted by flag or by the confirm hook."""

    def __init__(self, runner: SshRunner):
        self.runner = runner

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        fp = fingerprint(key)
        r = self.runner
        if r.accept_new_host_key or r._confirm(hostname, key.get_name(), fp):
            client.get_host_keys().add(hostname, key.get_name(), key)
            r._remember_host_key(hostname, key)
            return
        raise HostKeyError(
            f"host key of {hostname} is not known ({key.get_name()} {fp}); check it and rerun with "
            "--accept-new-host-key to trust it",
            host=hostname, key_type=key.get_name(), fingerprint=fp, changed=False,
        )


class _Client(paramiko.SSHClient):
    """An SSHClient on the process's shared known hosts (only ever looked up, never written)."""

    def __init__(self, known: paramiko.HostKeys):
        super().__init__()
        self._system_host_keys = known


class SshRunner:
    """Runs argv on a remote host over one reused SSH connection."""

    def __init__(
        self,
        host_spec: str,
        *,
        cib_file: str | None = None,
        accept_new_host_key: bool = False,
        confirm_host_key: ConfirmHook | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
        command_timeout: float = COMMAND_TIMEOUT,
        base_env: Mapping[str, str] | None = None,
        ask: Callable[[str], str] | None = None,
    ):
        self.host_spec = host_spec
        self.accept_new_host_key = accept_new_host_key
        self.confirm_host_key = confirm_host_key
        self.ask = ask  # the session's yes/no question (interactive only): answer "y" accepts
        self.connect_timeout = connect_timeout
        self.command_timeout = command_timeout
        self.base_env = dict(base_env or {})
        if cib_file:
            self.base_env["CIB_file"] = cib_file
        self.user_given, self.alias, self.port_given = parse_host_spec(host_spec)
        self.cfg = sshconf.ssh_config(self.alias)  # parsed once per process
        self.hostname: str = self.cfg.get("hostname", self.alias)
        self.user: str = self.user_given or self.cfg.get("user") or sshconf.local_user()
        self.port: int = self.port_given or int(self.cfg.get("port", 22))
        if str(self.cfg.get("connecttimeout", "")).isdigit() and connect_timeout == CONNECT_TIMEOUT:
            self.connect_timeout = float(self.cfg["connecttimeout"])
        self.where = f"{self.user}@{self.alias}"
        self._client: paramiko.SSHClient | None = None
        self._jump: SshRunner | None = None
        self.connects = 0  # how many connections were opened (tests check reuse)

    # -- configuration -----------------------------------------------------------------
    def _known_hosts_files(self) -> list[str]:
        files = self.cfg.get("userknownhostsfile", "~/.ssh/known_hosts").split()
        return [os.path.expanduser(f) for f in files]

    def _confirm(self, hostname: str, key_type: str, fp: str) -> bool:
        if self.confirm_host_key is not None:
            return self.confirm_host_key(hostname, key_type, fp)
        if self.ask is not None:
            question = f"host key of {hostname} is not known ({key_type} {fp}); trust it and remember it"
            return self.ask(question).lower().startswith("y")
        return False

    def _remember_host_key(self, hostname: str, key: paramiko.PKey) -> None:
        path = self._known_hosts_files()[0]
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with open(path, "a") as f:
            f.write(f"{hostname} {key.get_name()} {key.get_base64()}\n")

    # -- connection --------------------------------------------------------------------
    def _connect(self) -> paramiko.SSHClient:
        # known hosts and key files are parsed once per process and shared by every connection
        client = _Client(sshconf.known_hosts([SYSTEM_KNOWN_HOSTS, *self._known_hosts_files()]))
        client.set_missing_host_key_policy(_Policy(self))
        keys = [os.path.expanduser(k) for k in self.cfg.get("identityfile", [])]
        loaded, files = sshconf.private_keys(keys)
        target = f"{self.user}@{self.hostname}:{self.port}"
        try:
            client.connect(
                self.hostname, port=self.port, username=self.user,
                pkey=loaded[0][1] if loaded else None,  # the others only if the first is refused
                key_filename=[path for path, _ in loaded[1:]] + files or None,
                timeout=self.connect_timeout, banner_timeout=self.connect_timeout,
                auth_timeout=self.connect_timeout, sock=self._proxy_sock(),
                allow_agent=True, look_for_keys=not keys,
            )
        except HostKeyError:
            client.close()
            raise
        except paramiko.BadHostKeyException as exc:
            client.close()
            fp = fingerprint(exc.key)
            # known_hosts names a host on another port "[HOST]:PORT"; that is what ssh-keygen -R takes
            known = self.hostname if self.port == 22 else f"[{self.hostname}]:{self.port}"
            raise HostKeyError(
                f"host key of {known} has CHANGED (now {exc.key.get_name()} {fp}); refusing to connect "
                f"(if the change is expected: ssh-keygen -R '{known}')",
                host=exc.hostname, key_type=exc.key.get_name(), fingerprint=fp, changed=True,
            ) from None
        except paramiko.AuthenticationException as exc:
            client.close()
            raise TransportError(f"{target}: permission denied ({exc})") from None
        except (paramiko.SSHException, OSError, EOFError) as exc:
            client.close()
            # NoValidConnectionsError wraps one socket error per address tried
            inner = list(getattr(exc, "errors", {}).values())
            reason = (getattr(inner[0] if inner else exc, "strerror", None) or str(exc) or type(exc).__name__)
            raise TransportError(f"cannot connect to {target}: {reason}") from None
        transport = client.get_transport()
        assert transport is not None
        sshalive.watch(transport, *sshalive.settings(self.cfg))  # a dead server fails what waits on it
        self.connects += 1
        return client

    def _proxy_sock(self) -> Any:
        """A socket through ProxyJump (one hop, via our own runner) or ProxyCommand, else None."""
        jump = self.cfg.get("proxyjump")
        if jump and jump.lower() != "none":
            first = jump.split(",")[0]
            if self._jump is None:
                self._jump = SshRunner(first, accept_new_host_key=self.accept_new_host_key, ask=self.ask,
                                       confirm_host_key=self.confirm_host_key, connect_timeout=self.connect_timeout)
            transport = self._jump._transport()
            try:
                return transport.open_channel("direct-tcpip", (self.hostname, self.port), ("127.0.0.1", 0),
                                              timeout=self.connect_timeout)
            except (paramiko.SSHException, OSError) as exc:
                raise TransportError(f"ProxyJump {first}: cannot reach {self.hostname}:{self.port}: {exc}") from None
        command = self.cfg.get("proxycommand")
        if command and command.lower() != "none":
            return paramiko.ProxyCommand(command)
        return None

    def _transport(self) -> paramiko.Transport:
        """The live transport, (re)connecting when there is none or it died."""
        if self._client is not None:
            transport = self._client.get_transport()
            if transport is not None and transport.is_active():
                return transport
            self._drop()
        self._client = self._connect()
        transport = self._client.get_transport()
        assert transport is not None
        return transport

    def _drop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def connect(self) -> None:
        """Open the connection now (so host key or login problems show up early)."""
        self._transport()

    def close(self) -> None:
        self._drop()
        if self._jump is not None:
            self._jump.close()
            self._jump = None

    # -- running -----------------------------------------------------------------------
    def _open_channel(self) -> paramiko.Channel:
        # reopening is safe here: nothing has been sent to the remote side yet
        for attempt in (1, 2):
            transport = self._transport()
            try:
                return transport.open_session(timeout=self.connect_timeout)
            except (paramiko.SSHException, OSError, EOFError) as exc:
                self._drop()
                if attempt == 2:
                    raise TransportError(f"{self.where}: connection lost and could not be reopened: {exc}") from None
        raise AssertionError("unreachable")

    def run(
        self,
        argv: Sequence[str],
        *,
        stdin: bytes | str | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Result:
        if not argv:
            raise TransportError("nothing to run")
        full_env = {**self.base_env, **(env or {}), "LC_ALL": "C"}
        command = remote_command(argv, full_env)
        data = stdin.encode() if isinstance(stdin, str) else stdin
        limit = timeout or self.command_timeout
        chan = self._open_channel()
        try:
            out, err, rc = self._exchange(chan, command, data, limit, argv[0])
        finally:
            chan.close()
        text = err.decode("utf-8", "replace")
        if rc == 127 and "No such file or directory" in text and argv[0] in text:
            raise ToolMissing(f"{argv[0]}: command not found on {self.where}")
        return Result(rc, out.decode("utf-8", "replace"), text)

    def write_file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        """Atomic replace over SFTP (see Runner.write_file and transport/sftp.py)."""
        from clushell.transport.sftp import write_file

        transport = None
        try:
            transport = self._transport()
            write_file(transport, self.where, path, data, mode)
        except TransportError:
            if transport is not None and not transport.is_active():  # dropped (or silent) mid-write
                self._drop()
                raise TransportError(f"{self.where}: connection lost while writing {path}; "
                                     "the file there is the old one or the new one, never half") from None
            raise
        except (paramiko.SSHException, OSError, EOFError) as exc:
            self._drop()
            raise TransportError(f"{self.where}: cannot write {path}: {exc}") from None

    def _exchange(self, chan: paramiko.Channel, command: str, data: bytes | None,
                  limit: float, tool: str) -> tuple[bytes, bytes, int]:
        deadline = time.monotonic() + limit
        lost = (f"{self.where}: connection lost while {tool} was running; it may or may not have taken "
                "effect (not retried)")
        out, err = bytearray(), bytearray()
        try:
            chan.settimeout(limit)
            chan.exec_command(command)
            if data:
                chan.sendall(data)
            chan.shutdown_write()
            chan.settimeout(0.0)
            eof = False
            while not (eof and chan.exit_status_ready()):
                if time.monotonic() > deadline:
                    self._drop()  # the remote process may still run; a fresh connection is cleaner
                    raise TransportError(f"{tool} on {self.where}: no answer within {limit:g} s")
                if eof:  # only the exit status is missing now
                    chan.status_event.wait(0.05)
                else:
                    select.select([chan], [], [], 0.05)
                while chan.recv_stderr_ready():
                    err += chan.recv_stderr(65536)
                if chan.recv_ready():
                    chunk = chan.recv(65536)
                    eof = not chunk
                    out += chunk
                elif chan.eof_received:
                    eof = True
                transport = chan.get_transport()
                if chan.closed or transport is None or not transport.is_active():
                    if not chan.exit_status_ready():
                        self._drop()
                        raise TransportError(lost)
                    eof = True
            while chan.recv_stderr_ready():
                err += chan.recv_stderr(65536)
            while chan.recv_ready():
                out += chan.recv(65536)
            rc = chan.recv_exit_status()
        except (paramiko.SSHException, OSError, EOFError):
            self._drop()
            raise TransportError(lost) from None
        if rc < 0:  # closed without an exit status: the server side died
            self._drop()
            raise TransportError(lost)
        return bytes(out), bytes(err), rc

