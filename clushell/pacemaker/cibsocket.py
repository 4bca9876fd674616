"""Whether the local CIB manager is there: its abstract IPC sockets in /proc/net/unix.

Standard library ``os`` only, and never blocks: `clush __complete` asks it on every Tab, and
clush itself when it picks its target.
"""

from __future__ import annotations


def cib_sockets() -> str | None:
    """None when the local CIB manager's abstract socket does not exist (names are '@'-padded),
    else the inodes of its listening sockets (they change when the manager restarts)."""
    try:
        with open("/proc/net/unix", encoding="ascii", errors="replace") as f:
            lines = [line.split() for line in f]
    except OSError:
        return None
    found = [p for p in lines if len(p) >= 8 and p[-1].rstrip("@") in ("@cib_rw", "@cib_ro")]
    if not found:
        return None
    return ",".join(sorted(p[6] for p in found if p[3] == "00010000"))  # listening only: clients come and go
