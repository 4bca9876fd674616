"""The completion source of `clush __complete`: a new process per Tab, so ids are cached on disk.

``shell_source(options)`` builds a ``Providers`` from clush's options on the shell's command
line, with short timeouts and no prompts. The id lists are kept per CIB version in
$XDG_CACHE_HOME/clush/complete/ (parsing 16,000 primitives on every Tab would cost ten times
the whole time budget): a CIB file's version is its inode, mtime, ctime, size and <cib>
counters; the live CIB's is its counters (one `cibadmin --query --xpath /cib --no-children`)
and the CIB manager's sockets. Only the ids starting with the typed word become candidates.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from clushell.complete.base import Candidate
from clushell.complete.sources import Providers

if TYPE_CHECKING:
    from clushell.transport.base import Result, Runner

SHELL_QUERY_TIMEOUT = 2.0  # a Tab in the user's shell never waits longer for one tool


class _ClampedRunner:
    """A local Runner whose calls never wait longer than ``limit`` seconds (shell completion).

    The LocalRunner (and subprocess) is imported on the first call only: a Tab answered from
    the cache runs no tool.
    """

    where = "local"
    hostname = ""

    def __init__(self, base_env: dict[str, str], limit: float):
        self.base_env = base_env
        self.limit = limit
        self._runner: Runner | None = None

    @property
    def runner(self) -> Runner:
        if self._runner is None:
            from clushell.transport.local import LocalRunner

            self._runner = LocalRunner(self.base_env)
        return self._runner

    def run(self, argv: Sequence[str], *, stdin: bytes | str | None = None, env: Mapping[str, str] | None = None,
            timeout: float | None = None) -> Result:
        return self.runner.run(argv, stdin=stdin, env=env, timeout=min(timeout or self.limit, self.limit))

    def write_file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        self.runner.write_file(path, data, mode)

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()


def shell_source(options: dict[str, str]) -> Providers | None:
    """The provider for a shell completion request, or None when no target is at hand.

    Remote targets (--host) get no live data: a Tab must never wait for SSH.
    """
    if "--host" in options:
        return None
    path = options.get("--cib-file") or os.environ.get("CIB_file")
    if not path:
        from clushell.target import sandbox_path

        sockets = _cib_sockets()
        if sockets is not None:
            runner = _ClampedRunner({}, SHELL_QUERY_TIMEOUT)
            stamp = _live_stamp(runner, sockets)
            if stamp is None:  # the version is unknown: no cache, read it all
                return Providers(runner=runner, model_loader=lambda: _query_live(runner))
            return SnapshotProviders("live:", stamp, runner=runner, model_loader=lambda: _query_live(runner),
                                     current=lambda model: _model_stamp(model, sockets) == stamp)
        path = str(sandbox_path())
        if not os.path.exists(path):
            return None
    path = os.path.abspath(path)
    stamp = _file_stamp(path)
    if stamp is None:
        return None
    runner = _ClampedRunner({"CIB_file": path}, SHELL_QUERY_TIMEOUT)
    return SnapshotProviders(path, stamp, runner=runner, model_loader=lambda: _read_file(path),
                             current=lambda model: _file_stamp(path) == stamp)


# -- version stamps: a cache entry is used only for the very version it was made from ----------
_VERSION_ATTRS = ("admin_epoch", "epoch", "num_updates")


def _file_stamp(path: str) -> str | None:
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
    return f"file:{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_size}:{_header_version(head)}"


def _header_version(head: bytes) -> str:
    """admin_epoch:epoch:num_updates of the first ``<cib ...>`` tag in ``head`` ('' when not there)."""
    import re

    m = re.search(rb"<cib\b[^>]*>", head)
    if m is None:
        return ""
    tag = m.group(0)
    out = []
    for attr in _VERSION_ATTRS:
        v = re.search(rb"\s" + attr.encode() + rb"\s*=\s*[\"']([^\"']*)", tag)
        out.append(v.group(1).decode("ascii", "replace") if v else "")
    return ":".join(out)


def _live_stamp(runner: Any, sockets: str) -> str | None:
    """The running CIB's version without reading it: the ``<cib>`` element alone, and the CIB
    manager's listening sockets (a restarted or another cluster has other ones)."""
    try:
        res = runner.run(["cibadmin", "--query", "--local", "--xpath", "/cib", "--no-children"])
    except Exception:
        return None
    if not res.ok:
        return None
    version = _header_version(res.out.encode()[:4096])
    if not version or version == "::":
        return None
    return f"live:{sockets}:{version}"


def _model_stamp(model: Any, sockets: str) -> str:
    """The stamp of a CIB as read (its own counters): ids are cached only when it is still current."""
    return f"live:{sockets}:" + ":".join(model.root.get(a, "") for a in _VERSION_ATTRS)


class _Snapshot:
    """Candidate lists read back from the on-disk completion cache (no lxml needed)."""

    def __init__(self, raw: dict[str, Any]):
        self.lists = _LazyLists(raw)


class _LazyLists(dict):
    """Builds the Candidate list of a kind only when it is asked for."""

    def __init__(self, raw: dict[str, Any]):
        super().__init__()
        self.raw = raw

    def get(self, kind: str, default: Any = None) -> Any:
        if kind not in self and kind in self.raw:
            self[kind] = _candidates(self.raw[kind])
        return super().get(kind, default)


# a kind's list is one string: 'text meta' entries ended by DEL; JSON leaves both characters
# as they are (an escaped one would make loading several times slower)
_END = "\x7f"


def _pack(cands: list[Candidate]) -> str | list[list[str]]:
    """One kind's list for the cache: one string, or pairs when a text holds a blank or a DEL
    (or a meta a DEL)."""
    if any(" " in c.text or _END in c.text or _END in c.meta or not c.text for c in cands):
        return [[c.text, c.meta] for c in cands]
    return "".join(f"{c.text} {c.meta}{_END}" for c in cands)


def _candidates(packed: str | list[list[str]], prefix: str = "") -> list[Candidate]:
    if isinstance(packed, list):
        return [Candidate(t, m) for t, m in packed if t.startswith(prefix)]
    if not prefix:
        return [Candidate(*entry.split(" ", 1)) for entry in packed.split(_END)[:-1]]
    import re

    # every entry follows a DEL: the pattern starts with a literal the regex engine looks for quickly
    found = re.findall(f"{_END}({re.escape(prefix)}[^ {_END}]*) ([^{_END}]*)", _END + packed)
    return [Candidate(t, m) for t, m in found]


class SnapshotProviders(Providers):
    """Shell completion: ids and run states cached on disk per CIB version.

    Every Tab is a new process; parsing a 16,000-primitive CIB each time would cost ten times
    the whole time budget, so the lists are kept in $XDG_CACHE_HOME/clush/complete/, one file
    per CIB file (or one for the live CIB), stamped with the version they were made from
    (``_file_stamp``, ``_live_stamp``). They are saved only when ``current(model)`` says the
    version read is still the stamped one, so an entry never stands for another version.
    """

    def __init__(self, path: str, stamp: str, *, current: Callable[[Any], bool] | None = None, **kw: Any):
        super().__init__(**kw)
        import zlib

        from clushell import paths

        # one file per CIB path; the version stamp inside says whether it is still current
        # (zlib, not hashlib: its import alone is a tenth of the Tab; a name shared by two
        # paths only makes them take turns, the stamp holds the file's device and inode)
        raw = path.encode("utf-8", "surrogateescape")
        name = f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}"
        self.cache = paths.cache_dir() / "complete" / f"{name}.json"
        self.stamp = stamp
        self._current = current
        self._data: dict[str, Any] | None = None

    def _load_cache(self) -> dict[str, Any]:
        if self._data is None:
            try:
                self._data = json.loads(self.cache.read_bytes())
            except (OSError, ValueError):
                self._data = {}
            if not isinstance(self._data, dict) or self._data.get("stamp") != self.stamp:
                self._data = {"stamp": self.stamp}
        return self._data

    def _save(self, key: str, value: Any) -> None:
        data = self._load_cache()
        data[key] = value
        try:
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            # a unique temp name: pids repeat across containers sharing a home directory
            fd, tmp = tempfile.mkstemp(dir=self.cache.parent, prefix=f".{self.cache.name}.", suffix=".tmp")
        except OSError:
            return  # no cache directory: only slower
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(json.dumps(data, ensure_ascii=False))
            os.replace(tmp, self.cache)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def _packed(self) -> dict[str, Any]:
        """The id lists of the stamped version: from the cache, else read (and cached if still current)."""
        data = self._load_cache()
        packed = data.get("ids")
        if isinstance(packed, dict):
            return packed
        model = self.model()
        idx = super().index(model)
        packed = {k: _pack(v) for k, v in idx.lists.items()}
        if self._current is None or self._current(model):
            self._save("ids", packed)
        else:
            data["ids"] = packed  # this process only: the CIB changed while it was read
        return packed

    def index(self, model: Any = None) -> Any:
        if model is not None:
            return super().index(model)
        return _Snapshot(self._packed())

    def ids(self, kind: str) -> list[Candidate]:
        packed = self._packed().get(kind)
        return [] if packed is None else _candidates(packed)

    def ids_with_prefix(self, kind: str, prefix: str) -> list[Candidate]:
        packed = self._packed().get(kind)
        return [] if packed is None else _candidates(packed, prefix)

    def run_states(self) -> dict[str, bool]:
        data = self._load_cache()
        if data.get("states") is None:
            if "states" in data:
                raise RuntimeError("crm_mon failed on this file version before")
            try:
                states = super().run_states()
            except Exception:
                self._save("states", None)  # too slow or failing: do not wait again for this version
                raise
            self._save("states", states)
        return data["states"]


def _cib_sockets() -> str | None:
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


def _read_file(path: str) -> Any:
    from clushell.cib.model import CibModel

    with open(path, "rb") as f:
        return CibModel.from_xml(f.read())


def _query_live(runner: Any) -> Any:
    from clushell.cib.model import CibModel

    res = runner.run(["cibadmin", "--query", "--local"])
    if not res.ok:
        raise RuntimeError(res.first_error_line())
    return CibModel.from_xml(res.out.encode())
