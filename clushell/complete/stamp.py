"""Version stamps of a completion target: a cached id list stands only for the very version it
was made from.

A CIB file's stamp is its identity (device, inode, mtime, ctime, size) and the counters in its
``<cib>`` tag. The live CIB's is the CIB manager's listening sockets (another ones after a
restart) and the counters of ``cibadmin --query --xpath /cib --no-children``: that read is
started by ``start_live_read`` before `clush __complete` imports the command tree, so the
two overlap. Nothing but the standard library's os (and cibsocket), for the same reason.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from clushell.pacemaker.cibsocket import cib_sockets

if TYPE_CHECKING:
    from clushell.transport.prefetch import Prefetch

VERSION_ATTRS = ("admin_epoch", "epoch", "num_updates")
LIVE_STAMP_ARGV = ("cibadmin", "--query", "--local", "--xpath", "/cib", "--no-children")

_live_read: Prefetch | None = None  # started by start_live_read, taken by live_stamp


def start_live_read(words: Sequence[str]) -> None:
    """Start the live stamp's read now, when this Tab may need it: the words before the cursor
    hold a level and a command (so an argument is completed), no other target is named, and
    the local CIB manager is there."""
    global _live_read
    if sum(1 for w in words if not w.startswith("-")) < 2:
        return
    if any(w.startswith(("--host", "--cib-file")) for w in words):
        return
    if "CIB_file" in os.environ or "CIB_shadow" in os.environ or cib_sockets() is None:
        return
    from clushell.transport.prefetch import Prefetch

    try:
        _live_read = Prefetch(LIVE_STAMP_ARGV, os.environ)
    except OSError:  # no cibadmin here: the stamp is unknown, as it would be anyway
        _live_read = None


def discard_live_read() -> None:
    """Kill and reap a read nobody took (the Tab needed no live data)."""
    global _live_read
    if _live_read is not None:
        _live_read.discard()
        _live_read = None


def live_stamp(runner: Any, sockets: str, timeout: float) -> str | None:
    """The running CIB's version without reading it: the ``<cib>`` element alone (the read
    started early when there is one), and the CIB manager's sockets."""
    global _live_read
    pre, _live_read = _live_read, None
    try:
        if pre is not None and pre.matches(LIVE_STAMP_ARGV, runner.base_env, None, None):
            res = pre.result(timeout)
        else:
            if pre is not None:
                pre.discard()
            res = runner.run(list(LIVE_STAMP_ARGV))
    except Exception:
        return None
    if not res.ok:
        return None
    version = header_version(res.out.encode()[:4096])
    if not version or version == "::":
        return None
    return f"live:{sockets}:{version}"


def without_status(stamp: str) -> str:
    """A live stamp without num_updates, for what comes from the configuration alone (the id
    lists): num_updates moves with every status update of a busy cluster (monitor results,
    transient attributes), and a stamp with it would send nearly every Tab to read the whole CIB."""
    return stamp.rsplit(":", 1)[0]


def model_stamp(model: Any, sockets: str) -> str:
    """The stamp of a CIB as read (its own counters): ids are cached only when it is still current."""
    return f"live:{sockets}:" + ":".join(model.root.get(a, "") for a in VERSION_ATTRS)


def file_stamp(path: str) -> str | None:
    """The file's identity and version: device, inode, mtime, ctime, size and the <cib> counters.

    Writers replace the file (a new inode) or at least change mtime/size; the counters in the
    ``<cib>`` tag catch an in-place rewrite within one timestamp tick.
    """
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            head = f.read(4096)
    except OSError:
        return None
    return f"file:{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_size}:{header_version(head)}"


def header_version(head: bytes) -> str:
    """admin_epoch:epoch:num_updates of the first ``<cib ...>`` tag in ``head`` ('' when not there)."""
    import re

    m = re.search(rb"<cib\b[^>]*>", head)
    if m is None:
        return ""
    tag = m.group(0)
    out = []
    for attr in VERSION_ATTRS:
        v = re.search(rb"\s" + attr.encode() + rb"\s*=\s*[\"']([^\"']*)", tag)
        out.append(v.group(1).decode("ascii", "replace") if v else "")
    return ":".join(out)
