"""Dead-server detection for one SSH connection, as ssh(1)'s ServerAliveInterval and ServerAliveCountMax.

paramiko's own keepalive only sends: when a node's link goes down, a command or an SFTP write in
flight would wait for TCP to give up (many minutes). Here the server is asked for an answer every
``interval`` seconds; when none has come for ``interval * count`` seconds the connection is
closed, so whatever waited on it fails at once with "connection lost".
"""

from __future__ import annotations

import threading
import time

import paramiko

DEFAULT_INTERVAL = 15.0
DEFAULT_COUNT = 3


def watch(transport: paramiko.Transport, interval: float = DEFAULT_INTERVAL, count: int = DEFAULT_COUNT) -> None:
    """Start asking; two daemon threads that end with the connection. ``interval`` <= 0: never."""
    if interval <= 0:
        return
    state = {"asked": 0.0}  # when the unanswered request was sent (0: none pending)

    def ask() -> None:
        while transport.is_active():
            state["asked"] = time.monotonic()
            try:
                transport.global_request("keepalive@openssh.com", wait=True)  # any answer will do
            except Exception:  # noqa: BLE001 - a failing connection is the watchdog's business
                return
            state["asked"] = 0.0
            time.sleep(interval)

    def guard() -> None:
        limit = interval * max(count, 1)
        while transport.is_active():
            time.sleep(min(interval, 1.0))
            asked = state["asked"]
            if asked and time.monotonic() - asked > limit:
                transport.close()
                return

    for fn, name in ((ask, "clush-ssh-alive"), (guard, "clush-ssh-guard")):
        threading.Thread(target=fn, name=name, daemon=True).start()


def settings(cfg: dict[str, object]) -> tuple[float, int]:
    """(interval, count) from an ~/.ssh/config entry: ServerAliveInterval (default 15 s), ServerAliveCountMax (3)."""
    def number(key: str, default: float) -> float:
        text = str(cfg.get(key, "")).strip()
        return float(text) if text.isdigit() else default

    return number("serveraliveinterval", DEFAULT_INTERVAL), int(number("serveralivecountmax", DEFAULT_COUNT))
