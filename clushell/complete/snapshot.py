"""The completion source of `clush __complete`: a new process per Tab, so ids are cached on disk.

``shell_source(options)`` builds a ``Providers`` from clush's options on the shell's command
line, with short timeouts and no prompts. The id lists are kept per CIB version in
$XDG_CACHE_HOME/clush/complete/ (parsing 16,000 primitives on every Tab would cost ten times
the whole time budget), stamped with the version they were made from (clushell.complete.stamp).
Only the ids starting with the typed word become candidates.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from clushell.complete.base import Candidate
from clushell.complete.sources import Providers
from clushell.complete.stamp import cib_sockets, file_stamp, live_stamp, model_stamp, without_status

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
        sockets = cib_sockets()
        if sockets is not None:
            runner = _ClampedRunner({}, SHELL_QUERY_TIMEOUT)
            stamp = live_stamp(runner, sockets, SHELL_QUERY_TIMEOUT)
            if stamp is None:  # the version is unknown: no cache, read it all
                return Providers(runner=runner, model_loader=lambda: _query_live(runner))
            ids_stamp = without_status(stamp)
            return SnapshotProviders("live:", ids_stamp, states_stamp=stamp, runner=runner,
                                     model_loader=lambda: _query_live(runner),
                                     current=lambda model: without_status(model_stamp(model, sockets)) == ids_stamp)
        from clushell import paths

        path = paths.sandbox_file()
        if not os.path.exists(path):
            return None
    path = os.path.abspath(path)
    stamp = file_stamp(path)
    if stamp is None:
        return None
    runner = _ClampedRunner({"CIB_file": path}, SHELL_QUERY_TIMEOUT)
    return SnapshotProviders(path, stamp, runner=runner, model_loader=lambda: _read_file(path),
                             current=lambda model: file_stamp(path) == stamp)


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
    import re
    from itertools import starmap

    # every entry follows a DEL: the pattern starts with a literal the regex engine looks for quickly
    found = re.findall(f"{_END}({re.escape(prefix)}[^ {_END}]*) ([^{_END}]*)", _END + packed)
    return list(starmap(Candidate, found))


class SnapshotProviders(Providers):
    """Shell completion: ids and run states cached on disk per CIB version.

    Every Tab is a new process; parsing a 16,000-primitive CIB each time would cost ten times
    the whole time budget, so the lists are kept in $XDG_CACHE_HOME/clush/complete/, one file
    per CIB file (or one for the live CIB), stamped with the version they were made from
    (clushell.complete.stamp). They are saved only when ``current(model)`` says the
    version read is still the stamped one, so an entry never stands for another version.
    """

    def __init__(self, path: str, stamp: str, *, states_stamp: str | None = None,
                 current: Callable[[Any], bool] | None = None, **kw: Any):
        super().__init__(**kw)
        import zlib

        from clushell import paths

        # one file per CIB path; the version stamp inside says whether it is still current
        # (zlib, not hashlib: its import alone is a tenth of the Tab; a name shared by two
        # paths only makes them take turns, the stamp holds the file's device and inode)
        raw = path.encode("utf-8", "surrogateescape")
        name = f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}"
        self.cache = os.path.join(paths.cache_dir_name(), "complete", f"{name}.json")
        # stamp: the version the id lists stand for (the configuration's, on a live cluster);
        # states_stamp: the one run states stand for (status included)
        self.stamp, self.states_stamp = stamp, states_stamp or stamp
        self._current = current
        self._data: dict[str, Any] | None = None

    def _load_cache(self) -> dict[str, Any]:
        if self._data is None:
            try:
                with open(self.cache, "rb") as f:
                    self._data = json.loads(f.read())
            except (OSError, ValueError):
                self._data = {}
            if not isinstance(self._data, dict) or self._data.get("stamp") != self.stamp:
                self._data = {"stamp": self.stamp}
        return self._data

    def _save(self, key: str, value: Any) -> None:
        import contextlib
        import tempfile  # here: a Tab answered from the cache never writes it

        data = self._load_cache()
        data[key] = value
        folder, name = os.path.split(self.cache)
        try:
            os.makedirs(folder, exist_ok=True)
            # a unique temp name: pids repeat across containers sharing a home directory
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
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
        entry = data.get("states")
        if isinstance(entry, dict) and entry.get("stamp") == self.states_stamp:
            if entry.get("value") is None:
                raise RuntimeError("crm_mon failed on this version before")
            return entry["value"]
        try:
            states = super().run_states()
        except Exception:
            # too slow or failing: do not wait again for this version
            self._save("states", {"stamp": self.states_stamp, "value": None})
            raise
        self._save("states", {"stamp": self.states_stamp, "value": states})
        return states


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
