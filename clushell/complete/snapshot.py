"""The completion source of `clush __complete`: a new process per Tab, so ids are cached on disk.

``shell_source(options)`` builds a ``Providers`` from clush's options on the shell's command
line, with short timeouts and no prompts. On a CIB file, the id lists are kept per file
version in $XDG_CACHE_HOME/clush/complete/ (parsing 4000 primitives on every Tab would cost
more than the whole time budget).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from clushell.complete.base import Candidate
from clushell.complete.sources import Providers

if TYPE_CHECKING:
    from clushell.transport.base import Result, Runner

SHELL_QUERY_TIMEOUT = 2.0  # a Tab in the user's shell never waits longer for one tool


class _ClampedRunner:
    """A Runner whose calls never wait longer than ``limit`` seconds (shell completion)."""

    def __init__(self, runner: Runner, limit: float):
        self.runner = runner
        self.limit = limit
        self.where = runner.where
        self.hostname = runner.hostname
        self.base_env = runner.base_env

    def run(self, argv: Sequence[str], *, stdin: bytes | str | None = None, env: Mapping[str, str] | None = None,
            timeout: float | None = None) -> Result:
        return self.runner.run(argv, stdin=stdin, env=env, timeout=min(timeout or self.limit, self.limit))

    def write_file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        self.runner.write_file(path, data, mode)

    def close(self) -> None:
        self.runner.close()


def shell_source(options: dict[str, str]) -> Providers | None:
    """The provider for a shell completion request, or None when no target is at hand.

    Remote targets (--host) get no live data: a Tab must never wait for SSH.
    """
    if "--host" in options:
        return None
    from clushell.transport.local import LocalRunner

    path = options.get("--cib-file") or os.environ.get("CIB_file")
    if not path:
        from clushell.target import sandbox_path

        if _cib_socket_listens():
            runner = _ClampedRunner(LocalRunner({}), SHELL_QUERY_TIMEOUT)
            return Providers(runner=runner, model_loader=lambda: _query_live(runner))
        path = str(sandbox_path())
        if not os.path.exists(path):
            return None
    path = os.path.abspath(path)
    try:
        st = os.stat(path)
    except OSError:
        return None
    stamp = f"{st.st_mtime_ns}:{st.st_size}"
    runner = _ClampedRunner(LocalRunner({"CIB_file": path}), SHELL_QUERY_TIMEOUT)
    return SnapshotProviders(path, stamp, runner=runner, model_loader=lambda: _read_file(path))


class _Snapshot:
    """Candidate lists read back from the on-disk completion cache (no lxml needed)."""

    def __init__(self, raw: dict[str, list[list[str]]]):
        self.lists = _LazyLists(raw)


class _LazyLists(dict):
    """Builds the Candidate list of a kind only when it is asked for."""

    def __init__(self, raw: dict[str, list[list[str]]]):
        super().__init__()
        self.raw = raw

    def get(self, kind: str, default: Any = None) -> Any:
        if kind not in self and kind in self.raw:
            self[kind] = [Candidate(t, m) for t, m in self.raw[kind]]
        return super().get(kind, default)


class SnapshotProviders(Providers):
    """Shell completion on a CIB file: ids and run states cached on disk per file version.

    Every Tab is a new process; parsing a 4000-primitive CIB each time would cost more than
    the whole time budget, so the lists are kept in $XDG_CACHE_HOME/clush/complete/.
    """

    def __init__(self, path: str, stamp: str, **kw: Any):
        super().__init__(**kw)
        import hashlib

        from clushell import paths

        # one file per CIB path; the version stamp inside says whether it is still current
        name = hashlib.sha1(path.encode()).hexdigest()[:20]
        self.cache = paths.cache_dir() / "complete" / f"{name}.json"
        self.stamp = stamp
        self._data: dict[str, Any] | None = None

    def _load_cache(self) -> dict[str, Any]:
        if self._data is None:
            try:
                self._data = json.loads(self.cache.read_text())
            except (OSError, ValueError):
                self._data = {}
            if self._data.get("stamp") != self.stamp:
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
            with os.fdopen(fd, "w") as f:
                f.write(json.dumps(data))
            os.replace(tmp, self.cache)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def index(self, model: Any = None) -> Any:
        data = self._load_cache()
        if "ids" not in data:
            idx = super().index(model)
            self._save("ids", {k: [[c.text, c.meta] for c in v] for k, v in idx.lists.items()})
            return idx
        return _Snapshot(data["ids"])

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


def _cib_socket_listens() -> bool:
    """True when the local CIB manager's abstract socket exists (names are '@'-padded)."""
    try:
        with open("/proc/net/unix", encoding="ascii", errors="replace") as f:
            return any(line.split()[-1].rstrip("@") in ("@cib_rw", "@cib_ro") for line in f if line.strip())
    except (OSError, IndexError):
        return False


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
