"""The local cluster's CIB without sending the whole document through the CIB manager's IPC.

``cibadmin --query`` costs ~0.7 s at 4000 primitives, most of it in the CIB manager (the whole
document serialised and bzip2-compressed for IPC; cibadmin then inflates and prints it). The CIB
manager also keeps the configuration on disk: ``cib.xml``, replaced by rename after changes, with
no status section. Every configuration change bumps the epoch, so when that file's admin_epoch and
epoch are the running CIB's, its configuration is the running one. The running ``<cib>`` element
(``--no-children``) and the status section are small and come through cibadmin, so the document
is the one ``cibadmin --query`` gives (up to whitespace).

The file is read through ``/proc/PID/root`` of the CIB manager that answers in this network
namespace (the one cibadmin talks to), so a cluster in other namespaces is never mixed up with
this one. Anything unusual (not root, another CIB_* target, the file behind or not in the form the
CIB manager writes): None, and the caller reads the whole CIB through cibadmin.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # (not typing's: the read-ahead asks reads() before Python imports typing or re)
if TYPE_CHECKING:
    import re

    from clushell.transport.base import Runner

DISK_CIB = "var/lib/pacemaker/cib/cib.xml"  # under the CIB manager's root
HEAD_ARGV = ("cibadmin", "--query", "--no-children", "--xpath", "/cib")
STATUS_ARGV = ("cibadmin", "--query", "--scope", "status")
_TOOL_TARGETS = ("CIB_file", "CIB_shadow", "CIB_port", "CIB_server")  # cibadmin would read elsewhere
_TAG = rb"""\A\s*<cib\b(?:[^>"']|"[^"]*"|'[^']*')*>"""  # the <cib ...> start tag
_SAME = ("admin_epoch", "epoch", "validate-with")  # what must agree between the file and the live CIB


def may_use(runner: Runner | None = None) -> bool:
    """The local cluster, as root (the file is the CIB manager's, mode 0600); no runner: this
    process's environment alone (the read-ahead, before there is a runner)."""
    env = runner.base_env if runner is not None else {}
    return ((runner is None or runner.where == "local") and os.geteuid() == 0
            and not any(env.get(k) or os.environ.get(k) for k in _TOOL_TARGETS))


def reads() -> tuple[tuple[str, ...], ...]:
    """The cibadmin calls :func:`read` makes on the cluster here, when it will make them (for the
    read-ahead at process start: clushell.target); () when the whole CIB will be read instead."""
    return (HEAD_ARGV, STATUS_ARGV) if may_use() and _disk_path() is not None else ()


def read(runner: Runner) -> bytes | None:
    """The running CIB assembled from its ``<cib>`` element, the configuration on disk and the
    status section; None when that cannot be done exactly (see the module's text)."""
    if not may_use(runner):
        return None
    path = _disk_path()
    if path is None:
        return None
    head = runner.run(list(HEAD_ARGV), timeout=60)
    if not head.ok:
        return None
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    conf = _configuration(data)
    start = _cib_tag(head.out.encode())
    if conf is None or start is None or not head.out.rstrip().endswith("/>"):
        return None
    live_tag = start.group(0)
    file_tag = _cib_tag(data)
    if file_tag is None or any(_attr(live_tag, a) != _attr(file_tag.group(0), a) or _attr(live_tag, a) is None
                               for a in _SAME):
        return None  # the file is behind (or ahead of) the running CIB: read it all
    status = runner.run(list(STATUS_ARGV), timeout=60)
    text = status.out.strip().encode()
    if not status.ok or not text.startswith(b"<status") or not (text.endswith(b"</status>") or text.endswith(b"/>")):
        return None
    open_tag = live_tag.rstrip(b">").rstrip().rstrip(b"/") + b">"
    return b"".join((open_tag, b"\n  ", conf, b"\n  ", text, b"\n</cib>\n"))


def _configuration(data: bytes) -> bytes | None:
    """``<configuration>...</configuration>`` of a file holding ``<cib>`` with only that child."""
    tag = _cib_tag(data)
    if tag is None:
        return None
    start = data.find(b"<configuration>", tag.end())
    end = data.rfind(b"</configuration>")
    if start < 0 or end < start or data[tag.end():start].strip():
        return None
    end += len(b"</configuration>")
    if data[end:].strip() != b"</cib>":
        return None
    return data[start:end]


def _cib_tag(data: bytes) -> re.Match[bytes] | None:
    import re

    return re.match(_TAG, data)


def _attr(tag: bytes, name: str) -> bytes | None:
    import re

    m = re.search(rb"\s" + name.encode() + rb'="([^"]*)"', tag)
    return m.group(1) if m else None


_found: dict[str, str] = {}  # network namespace -> the CIB manager's PID found there (one scan per process)


def _disk_path() -> str | None:
    """cib.xml as the CIB manager of this network namespace sees it, if exactly one runs here."""
    try:
        ours = os.readlink("/proc/self/ns/net")
    except OSError:
        return None
    pid = _found.get(ours)
    if pid is None or _comm(pid) != b"pacemaker-based":  # not found yet, or it has gone since
        pid = _scan(ours)
        if pid is None:
            _found.pop(ours, None)
            return None
        _found[ours] = pid
    return f"/proc/{pid}/root/{DISK_CIB}"


def _comm(pid: str) -> bytes:
    try:
        with open(f"/proc/{pid}/comm", "rb") as f:
            return f.read().strip()
    except OSError:
        return b""


def _scan(ours: str) -> str | None:
    try:
        found = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                if _comm(pid) == b"pacemaker-based" and os.readlink(f"/proc/{pid}/ns/net") == ours:
                    found.append(pid)
            except OSError:  # gone meanwhile, or not ours to look at
                continue
    except OSError:
        return None
    if len(found) > 1:  # the CIB manager forks to write the file: that child has the same name
        found = [pid for pid in found if _parent(pid) not in found]
    return found[0] if len(found) == 1 else None


def _parent(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[1].decode()
    except (OSError, IndexError):
        return ""
