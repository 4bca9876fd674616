"""Live data for completion: object ids, run states, agents, parameters, properties, IPVS, shadows.

``Providers(session)`` serves the REPL: ids come from the configure workspace's pending
model when the level is loaded (what the user sees, pending edits included), otherwise
from one CIB read cached for a few seconds. Agent lists and metadata come from
``clushell.pacemaker.ra`` (memory + disk cache; one fetch per agent, failures remembered).
``shell_source(options)`` builds the same provider for ``clush __complete`` from the
options on the shell's command line, with short timeouts and no prompts.

Every method returns plain ``Candidate`` lists and may raise; the engine turns any
failure into "no candidates". Run states ("what runs where") come from pacemaker/mon.py.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from clushell.complete.base import Candidate, Source

if TYPE_CHECKING:
    from clushell.cib.model import CibModel
    from clushell.pacemaker.ra import AgentInfo
    from clushell.session import Session
    from clushell.transport.base import Runner

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
        self._sorted: dict[str, tuple[list[str], list[int]]] = {}  # kind -> texts sorted, their positions
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

    def with_prefix(self, kind: str, prefix: str) -> list[Candidate]:
        """The candidates of a kind starting with ``prefix``, in list order (bisect in a sorted copy)."""
        cands = self.lists.get(kind, [])
        if not prefix:
            return list(cands)
        found = self._sorted.get(kind)
        if found is None:
            order = sorted(range(len(cands)), key=lambda i: cands[i].text)
            found = self._sorted[kind] = ([cands[i].text for i in order], order)
        texts, order = found
        lo = bisect.bisect_left(texts, prefix)
        if ord(prefix[-1]) < 0x10FFFF:  # the texts starting with prefix sort below its successor
            hi = bisect.bisect_left(texts, prefix[:-1] + chr(ord(prefix[-1]) + 1), lo)
        else:
            hi = lo
            while hi < len(texts) and texts[hi].startswith(prefix):
                hi += 1
        return [cands[i] for i in sorted(order[lo:hi])]

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


class Providers(Source):
    """The completion source of one session (REPL) or one shell completion request."""

    def __init__(self, session: Session | None = None, *, runner: Runner | None = None,
                 model_loader: Callable[[], CibModel] | None = None):
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
    def runner(self) -> Runner:
        if self._runner is not None:
            return self._runner
        assert self.session is not None
        return self.session.runner

    def model(self) -> CibModel:
        """The configuration to complete from: pending edits first, else a fresh-enough read."""
        if self.session is not None:
            from clushell.session import StateKey

            ws = self.session.get_state(StateKey.CONFIGURE)
            if ws is not None:
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

    def cached_ids(self, on_ready: Callable[[], None] | None = None) -> dict[str, set[str]] | None:
        """Ids by kind when they are at hand without any I/O (for the inline check), else None.

        When nothing is loaded yet, one background read starts and ``on_ready()`` is called
        when it is done (the lexer redraws then); the caller never waits.
        """
        if self.session is None:
            return None
        from clushell.session import StateKey

        ws = self.session.get_state(StateKey.CONFIGURE)
        if ws is not None:
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

    def _warm(self, on_ready: Callable[[], None] | None) -> None:
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

    def ids_with_prefix(self, kind: str, prefix: str) -> list[Candidate]:
        return self.index().with_prefix(kind, prefix)

    def run_states(self) -> dict[str, bool]:
        """Configured resource id -> running anywhere (from crm_mon; cached briefly)."""
        cached = self._states
        if cached is not None and time.monotonic() - cached[0] < STATE_TTL:
            return cached[1]
        from clushell.pacemaker import mon

        states = mon.run_states(mon.fetch(self.runner))
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

    def ra_info(self, spec: str) -> AgentInfo | None:
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
        from clushell.session import StateKey

        st = self.session.get_state(StateKey.IPVS)
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

    # -- hosts (a workstation without a cluster still knows some) ---------------------------
    def known_hosts(self) -> list[Candidate]:
        from clushell.config import Config

        config = self.session.config if self.session is not None and self.session.config is not None else Config()
        out = [Candidate(n, "cluster.nodes") for n in config.get("cluster.nodes").split()]
        return out + [Candidate(h, "~/.ssh/config") for h in ssh_config_hosts() if h not in {c.text for c in out}]


def ssh_config_hosts(path: str = "~/.ssh/config") -> list[str]:
    """The literal names of ``Host`` lines (patterns with * ? ! are not host names)."""
    import os
    import re

    try:
        with open(os.path.expanduser(path), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    out: list[str] = []
    for line in lines:
        m = re.match(r"\s*host(?:\s+|\s*=\s*)(.*)", line, re.IGNORECASE)
        if m:
            out += [h for h in m.group(1).split() if not any(c in h for c in "*?!") and h not in out]
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


def shadow_names() -> list[str]:
    """Shadow CIBs in the store (local files: cheap enough for every Tab)."""
    from clushell.pacemaker.shadow import names

    try:
        return names()
    except OSError:
        return []
