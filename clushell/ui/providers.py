"""Live data for completion: object ids, run states, agents, parameters, properties, IPVS.

``Providers(session)`` serves the REPL: ids come from the configure workspace's pending
model when the level is loaded (what the user sees, pending edits included), otherwise
from one CIB read cached for a few seconds. Agent lists and metadata come from
``clushell.pacemaker.ra`` (memory + disk cache; one fetch per agent, failures remembered).
``shell_source(options)`` builds the same provider for ``clush __complete`` from the
options on the shell's command line, with short timeouts and no prompts.

Every method returns plain ``Candidate`` lists and may raise; the engine turns any
failure into "no candidates".
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any

from clushell.ui.complete import Candidate

CIB_TTL = 5.0  # seconds a CIB read for completion outside configure stays fresh
STATE_TTL = 3.0  # seconds a crm_mon answer stays fresh


class ModelIndex:
    """Candidate lists by kind (resources, primitives, free primitives, nodes, tags...) of one CibModel."""

    def __init__(self, model: Any):
        self.lists: dict[str, list[Candidate]] = {k: [] for k in (
            "resource", "primitive", "group", "template", "free", "top", "promotable", "stonith", "node", "tag",
            "constraint", "object", "clone")}
        self.metas: dict[str, str] = {}  # resource id -> agent or kind, shown beside the id
        self.id_sets: dict[str, set[str]] | None = None
        conf = model.configuration
        resources = conf.find("resources")
        if resources is not None:
            self._resources(resources, None)
        for node in model.nodes.values():
            name = node.get("uname") or node.get("id")
            self.lists["node"].append(Candidate(name, f"node {node.get('type', 'member')}".strip()))
        for el in model.objects():
            kind = model.kind_of(el)
            if el.tag in ("primitive", "group", "clone", "master", "bundle", "template"):
                kind = _RES_KIND.get(el.tag, kind)
            ident = model.object_id(el)
            if kind == "node":
                ident = el.get("uname") or ident
            self.lists["object"].append(Candidate(ident, self.metas.get(ident, kind or "")))
            if kind == "tag":
                self.lists["tag"].append(Candidate(ident, "tag"))
            elif kind in ("location", "colocation", "order", "rsc_ticket"):
                self.lists["constraint"].append(Candidate(ident, kind))

    def _resources(self, parent: Any, container: str | None) -> None:
        for el in parent:
            tag = el.tag
            if not isinstance(tag, str) or tag not in _RES_KIND:
                continue
            ident = el.get("id", "")
            if tag in ("primitive", "template"):
                cls, prov, typ = el.get("class", ""), el.get("provider"), el.get("type", "")
                meta = f"{cls}:{prov}:{typ}" if prov else (f"{cls}:{typ}" if cls else f"@{el.get('template', '')}")
            else:
                meta = _RES_KIND[tag]
            self.metas[ident] = meta
            cand = Candidate(ident, meta)
            if tag == "template":
                self.lists["template"].append(cand)
                continue
            self.lists["resource"].append(cand)
            if tag == "primitive":
                self.lists["primitive"].append(cand)
                if container is None:
                    self.lists["free"].append(cand)
                if el.get("class") == "stonith":
                    self.lists["stonith"].append(cand)
            elif tag == "group":
                self.lists["group"].append(cand)
            elif tag in ("clone", "master"):
                self.lists["clone"].append(cand)
                if tag == "master" or _meta(el, "promotable") == "true":
                    self.lists["promotable"].append(cand)
            if container is None:
                self.lists["top"].append(cand)
            if tag != "primitive":
                self._resources(el, ident)


_RES_KIND = {"primitive": "primitive", "group": "group", "clone": "clone", "master": "ms", "bundle": "bundle",
             "template": "rsc_template"}


def _meta(el: Any, name: str) -> str | None:
    for nv in el.iterfind("meta_attributes/nvpair"):
        if nv.get("name") == name:
            return nv.get("value")
    return None


class Providers:
    """The completion source of one session (REPL) or one shell completion request."""

    def __init__(self, session: Any = None, *, runner: Any = None, model_loader: Any = None):
        self.session = session
        self._runner = runner
        self._loader = model_loader
        self._lock = threading.Lock()
        self._own: tuple[float, Any] | None = None  # (time read, model) when outside configure
        self._index: tuple[tuple, ModelIndex] | None = None
        self._states: tuple[float, dict[str, bool]] | None = None
        self._failed_agents: set[str] = set()
        self._ipvs: tuple[float, Any] | None = None
        self._warm_after = 0.0  # monotonic time before which no background read starts

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def runner(self) -> Any:
        return self._runner if self._runner is not None else self.session.runner

    def model(self) -> Any:
        """The configuration to complete from: pending edits first, else a fresh-enough read."""
        if self.session is not None:
            ws = self.session.get_state("configure")
            if ws is not None and getattr(ws, "view", None) is not None:
                return ws.view
        with self._lock:
            if self._own is not None and time.monotonic() - self._own[0] < CIB_TTL:
                return self._own[1]
            model = self._load_model()
            self._own = (time.monotonic(), model)
            return model

    def _load_model(self) -> Any:
        if self._loader is not None:
            return self._loader()
        from clushell.cib.model import CibModel
        from clushell.pacemaker import cibio

        return CibModel.from_xml(cibio.query(self.runner))

    def index(self, model: Any = None) -> ModelIndex:
        model = self.model() if model is None else model
        key = _signature(model)
        cached = self._index
        if cached is not None and cached[0] == key:
            return cached[1]
        idx = ModelIndex(model)
        self._index = (key, idx)
        return idx

    def cached_ids(self, on_ready: Any = None) -> dict[str, set[str]] | None:
        """Ids by kind when they are at hand without any I/O (for the inline check), else None.

        When nothing is loaded yet, one background read starts and ``on_ready()`` is called
        when it is done (the lexer redraws then); the caller never waits.
        """
        if self.session is None:
            return None
        ws = self.session.get_state("configure")
        if ws is not None and getattr(ws, "view", None) is not None:
            model = ws.view
        elif self._own is not None:
            model = self._own[1]  # even when stale: the lexer must never read the CIB
        else:
            self._warm(on_ready)
            return None
        try:
            idx = self.index(model)
        except Exception:
            return None
        if idx.id_sets is None:
            idx.id_sets = {k: {c.text for c in v} for k, v in idx.lists.items()}
        return idx.id_sets

    def _warm(self, on_ready: Any) -> None:
        now = time.monotonic()
        if now < self._warm_after:
            return  # one read in flight, or the last one failed a moment ago
        self._warm_after = now + 3600.0

        def read() -> None:
            try:
                self.model()
                self._warm_after = 0.0
            except Exception:
                self._warm_after = time.monotonic() + CIB_TTL
                return
            if on_ready is not None:
                on_ready()

        threading.Thread(target=read, name="clush-ids", daemon=True).start()

    # -- ids ---------------------------------------------------------------------------------
    def ids(self, kind: str) -> list[Candidate]:
        return list(self.index().lists.get(kind, []))

    def run_states(self) -> dict[str, bool]:
        """Configured resource id -> running anywhere (from crm_mon; cached briefly)."""
        cached = self._states
        if cached is not None and time.monotonic() - cached[0] < STATE_TTL:
            return cached[1]
        from clushell.pacemaker import mon

        status = mon.parse(mon.fetch_xml(self.runner))
        states: dict[str, bool] = {}

        def walk(items: list[Any]) -> bool:
            any_active = False
            for item in items:
                if hasattr(item, "children"):
                    active = walk(item.children)
                else:
                    active = bool(item.active)
                key = item.base_id if hasattr(item, "base_id") else item.id
                states[key] = states.get(key, False) or active
                any_active = any_active or active
            return any_active

        walk(status.resources)
        self._states = (time.monotonic(), states)
        return states

    def resources_by_state(self, running: bool) -> list[Candidate]:
        """``resource start`` offers stopped resources, ``stop`` running ones (all when unknown)."""
        resources = self.ids("resource")
        try:
            states = self.run_states()
        except Exception:
            return resources
        return [c for c in resources if states.get(c.text, False) == running]

    # -- agents ------------------------------------------------------------------------------
    def ra_classes(self) -> list[str]:
        from clushell.pacemaker import ra

        return ra.classes(self.runner)

    def ra_providers(self) -> list[str]:
        from clushell.pacemaker import ra

        return ra.providers(self.runner)

    def ra_agents(self, cls: str, provider: str | None) -> list[str]:
        from clushell.pacemaker import ra

        return ra.agents(self.runner, cls, provider)

    def ra_info(self, spec: str) -> Any:
        """Agent metadata, or None; an agent that failed once is not asked again."""
        if spec in self._failed_agents:
            return None
        from clushell.pacemaker import ra

        try:
            return ra.metadata(self.runner, spec)
        except Exception:
            self._failed_agents.add(spec)
            return None

    # -- properties --------------------------------------------------------------------------
    def _options(self) -> dict[str, Any]:
        from clushell.pacemaker import ra

        return ra.cluster_options(self.runner)

    def properties(self) -> list[Candidate]:
        out = []
        for name, p in sorted(self._options().items()):
            desc = p.shortdesc.rstrip(".") if p.shortdesc else ""
            if p.default not in (None, ""):
                desc = f"{desc}; default {p.default}" if desc else f"default {p.default}"
            out.append(Candidate(f"{name}=", desc))
        return out

    def property_values(self, name: str) -> list[tuple[str, str]]:
        p = self._options().get(name)
        if p is None:
            return []
        if p.options:
            return [(v, "default" if v == p.default else "") for v in p.options]
        if p.type == "boolean":
            return [(v, "default" if v == p.default else "") for v in ("true", "false")]
        return [(p.default, "default")] if p.default else []

    # -- ipvs --------------------------------------------------------------------------------
    def _ipvs_tables(self) -> list[Any]:
        """The ipvs level's tables (staged edits included); before the level is used, one read of our own."""
        if self.session is None:
            return []
        st = self.session.get_state("ipvs")
        if st is None:
            cached = self._ipvs
            if cached is not None and time.monotonic() - cached[0] < CIB_TTL:
                st = cached[1]
            else:
                from clushell.commands.ipvs.targets import new_state

                # a private state: the completer thread must not create the level's own
                st = new_state(self.session, announce=False)
                self._ipvs = (time.monotonic(), st)
        return [st.view(name) for name in st.directors]

    def ipvs_services(self) -> list[Candidate]:
        out = []
        for table in self._ipvs_tables():
            for svc in table.sorted_services():
                out.append(Candidate(svc.text, f"{svc.sched}, {len(svc.reals)} real server(s)"))
        return out

    def ipvs_reals(self, service: str) -> list[Candidate]:
        out = []
        for table in self._ipvs_tables():
            for svc in table.sorted_services():
                if service and svc.text != service:
                    continue
                out += [Candidate(r.text, f"{r.method} weight {r.weight}") for r in svc.reals.values()]
        return out


def _signature(model: Any) -> tuple:
    """O(1) change detector for a model, cheap enough for every keystroke.

    Adding or deleting changes the index size; the index is a dict, so a rename (unregister
    + register) changes its last key; modgroup moves elements without re-indexing but
    changes the number of top-level resources.
    """
    conf = model.configuration
    sizes = tuple(len(sec) if sec is not None else -1 for sec in (conf.find("resources"), conf.find("constraints")))
    last = next(reversed(model.index), None) if model.index else None
    return (id(model), len(model.index), last, len(model.nodes), sizes)


# -- shell completion (clush __complete) --------------------------------------------------------
SHELL_QUERY_TIMEOUT = 2.0  # a Tab in the user's shell never waits longer for one tool


class _ClampedRunner:
    """A Runner whose calls never wait longer than ``limit`` seconds (shell completion)."""

    def __init__(self, runner: Any, limit: float):
        self.runner = runner
        self.limit = limit
        self.where = getattr(runner, "where", "local")

    def run(self, argv: Any, *, stdin: Any = None, env: Any = None, timeout: float | None = None) -> Any:
        return self.runner.run(argv, stdin=stdin, env=env, timeout=min(timeout or self.limit, self.limit))

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
            tmp = self.cache.with_suffix(f".{os.getpid()}")
            tmp.write_text(json.dumps(data))
            os.replace(tmp, self.cache)
        except OSError:
            pass  # no cache directory: only slower

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
