"""Resource agents: listing, metadata and short-form names, via crm_resource on the target.

Stable API (used by verify, `ra info` and completion); every function takes the session's
Runner, so it works the same locally, on a CIB file and over SSH:

    classes(runner) -> list[str]                       ocf, lsb, service, stonith, ...
    providers(runner, agent=None) -> list[str]         OCF providers (of one agent type)
    agents(runner, cls, provider=None) -> list[str]    agent types of a class[:provider]
    metadata(runner, spec) -> AgentInfo                parsed metadata; UnknownAgent if none
    resolve(runner, spec) -> str                       "IPaddr2" -> "ocf:heartbeat:IPaddr2"
    cluster_options(runner) -> dict[str, Parameter]    properties the cluster knows

Answers are cached per host in memory and on disk (``$XDG_CACHE_HOME/clush/<host>/ra``): an
entry is reused while the agent script's mtime is unchanged (local agents) or for ``TTL``
seconds (remote hosts, listings).
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from clushell.cib.durations import seconds
from clushell.errors import ClushError, ToolMissing

if TYPE_CHECKING:  # (not imported at run time: a Tab's parameter completion reads the cache only)
    from pathlib import Path
    from xml.etree import ElementTree as ET

    from clushell.transport.base import Runner

TTL = 24 * 3600.0
OCF_ROOT = "/usr/lib/ocf/resource.d"
DAEMON_DIRS = ("/usr/lib/pacemaker", "/usr/libexec/pacemaker")
# daemons whose metadata lists the cluster options (crm_attribute --list-options is newer than 2.1.5)
OPTION_DAEMONS = ("pacemaker-schedulerd", "pacemaker-controld", "pacemaker-based", "pacemaker-fenced")


class UnknownAgent(ClushError):
    """No metadata for this resource agent on the target."""


@dataclass(frozen=True)
class Parameter:
    name: str
    required: bool = False
    unique: bool = False
    type: str = "string"
    default: str | None = None
    shortdesc: str = ""
    longdesc: str = ""
    options: tuple[str, ...] = ()  # allowed values of a "select" parameter
    deprecated: bool = False
    reloadable: bool = False


@dataclass(frozen=True)
class Action:
    name: str
    timeout: str | None = None
    interval: str | None = None
    depth: str | None = None
    role: str | None = None
    start_delay: str | None = None

    @property
    def timeout_seconds(self) -> float | None:
        return seconds(self.timeout)


@dataclass(frozen=True)
class AgentInfo:
    spec: str  # class:provider:type, or class:type
    version: str = ""
    shortdesc: str = ""
    longdesc: str = ""
    parameters: tuple[Parameter, ...] = ()
    actions: tuple[Action, ...] = ()
    _by_name: dict[str, Parameter] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({p.name: p for p in self.parameters})

    def param(self, name: str) -> Parameter | None:
        return self._by_name.get(name)

    def required(self) -> list[Parameter]:
        return [p for p in self.parameters if p.required]

    def action(self, name: str, role: str | None = None) -> Action | None:
        """The advised action ``name`` (for ``role`` if the agent distinguishes roles)."""
        found = [a for a in self.actions if a.name == name]
        for a in found:
            if role and a.role and _role(a.role) == _role(role):
                return a
        plain = [a for a in found if not a.role]
        return (plain or found or [None])[0]


def _role(role: str) -> str:
    return {"master": "promoted", "slave": "unpromoted"}.get(role.lower(), role.lower())


def _text(el: ET.Element | None) -> str:
    return " ".join((el.text or "").split()) if el is not None else ""


def parse_metadata(spec: str, xml: str) -> AgentInfo:
    """Parse OCF-style metadata (agents and Pacemaker daemons share the format)."""
    from xml.etree import ElementTree as ET

    try:
        root = ET.fromstring(xml.encode())
    except ET.ParseError as exc:
        raise UnknownAgent(f"{spec}: metadata is not valid XML ({exc})") from None
    params = []
    for p in root.iterfind("parameters/parameter"):
        content = p.find("content")
        params.append(Parameter(
            name=p.get("name", ""),
            required=p.get("required") == "1",
            unique=p.get("unique") == "1",
            type=content.get("type", "string") if content is not None else "string",
            default=content.get("default") if content is not None else None,
            shortdesc=_text(p.find("shortdesc")),
            longdesc=_text(p.find("longdesc")),
            options=tuple(o.get("value", "") for o in content.iterfind("option")) if content is not None else (),
            deprecated=p.get("deprecated") not in (None, "0") or p.find("deprecated") is not None,
            reloadable=p.get("reloadable") == "1",
        ))
    actions = tuple(
        Action(a.get("name", ""), a.get("timeout"), a.get("interval"), a.get("depth"), a.get("role"),
               a.get("start-delay"))
        for a in root.iterfind("actions/action")
    )
    return AgentInfo(spec, root.findtext("version", "").strip(), _text(root.find("shortdesc")),
                     _text(root.find("longdesc")), tuple(params), actions)


class Catalog:
    """Metadata and listings for one host, cached in memory and on disk."""

    def __init__(self, runner: Runner, cache_root: str | Path | None = None, ttl: float = TTL):
        self.runner = runner
        self.local = runner.where == "local"
        host = re.sub(r"[^A-Za-z0-9_.@-]", "_", runner.where)
        if cache_root is None:
            from clushell import paths

            cache_root = paths.cache_dir_name()
        self.dir = os.path.join(cache_root, host, "ra")
        self.ttl = ttl
        self.mem: dict[str, object] = {}
        self.parsed: dict[str, AgentInfo] = {}  # this session only: agents do not change under us

    # -- cache --------------------------------------------------------------------------
    def _agent_file(self, spec: str) -> str | None:
        parts = spec.split(":")
        if not self.local:
            return None
        if parts[0] == "ocf" and len(parts) == 3:
            return os.path.join(OCF_ROOT, parts[1], parts[2])
        if parts[0] == "lsb":
            return os.path.join("/etc/init.d", parts[-1])
        return None

    def _stamp(self, key: str) -> float | None:
        if not key.startswith("meta:"):
            # local listings follow the agent directories (installing an agent changes their mtime)
            return self._dirs_stamp() if self.local and key != "cluster-options" else None
        path = self._agent_file(key[5:])
        try:
            return os.stat(path).st_mtime if path else None
        except OSError:
            return None

    @staticmethod
    def _dirs_stamp() -> float | None:
        try:
            dirs = [OCF_ROOT, *(os.path.join(OCF_ROOT, d) for d in os.listdir(OCF_ROOT)), "/etc/init.d"]
        except OSError:
            return None
        return max((os.stat(d).st_mtime for d in dirs if os.path.isdir(d)), default=None)

    def _load(self, key: str) -> object | None:
        if key in self.mem:
            return self.mem[key]
        try:
            with open(os.path.join(self.dir, _fname(key)), encoding="utf-8") as f:
                entry = json.loads(f.read())
        except (OSError, ValueError):
            return None
        stamp = self._stamp(key)
        fresh = entry.get("stamp") == stamp if stamp is not None else time.time() - entry.get("at", 0) < self.ttl
        if not fresh:
            return None
        self.mem[key] = entry["value"]
        return entry["value"]

    def _store(self, key: str, value: object) -> None:
        self.mem[key] = value
        try:
            import tempfile  # here: a cache hit writes nothing

            os.makedirs(self.dir, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=f".{_fname(key)}.", suffix=".tmp")
            with os.fdopen(fd, "w") as f:
                f.write(json.dumps({"at": time.time(), "stamp": self._stamp(key), "value": value}))
            os.replace(tmp, os.path.join(self.dir, _fname(key)))
        except OSError:
            pass  # a read-only cache directory only costs speed

    def _lines(self, key: str, argv: list[str], *, missing_ok: bool = True) -> list[str]:
        cached = self._load(key)
        if isinstance(cached, list):
            return cached
        res = self.runner.run(argv, timeout=30)
        if not res.ok and not missing_ok:
            raise ClushError(f"{' '.join(argv)}: {res.first_error_line()}")
        value = [ln.strip() for ln in res.out.splitlines() if ln.strip()] if res.ok else []
        self._store(key, value)
        return value

    # -- listings -----------------------------------------------------------------------
    def classes(self) -> list[str]:
        return self._lines("classes", ["crm_resource", "--list-standards"], missing_ok=False)

    def providers(self, agent: str | None = None) -> list[str]:
        if agent:
            return self._lines(f"alternatives:{agent}", ["crm_resource", "--list-ocf-alternatives", agent])
        return self._lines("providers", ["crm_resource", "--list-ocf-providers"])

    def agents(self, cls: str, provider: str | None = None) -> list[str]:
        what = f"{cls}:{provider}" if provider else cls
        return self._lines(f"agents:{what}", ["crm_resource", "--list-agents", what])

    # -- metadata -----------------------------------------------------------------------
    def resolve(self, spec: str) -> str:
        """Full agent name the way crmsh completes it: ``IPaddr2`` -> ``ocf:heartbeat:IPaddr2``."""
        parts = spec.split(":")
        if len(parts) == 3 or any(not p for p in parts) or len(parts) > 3:
            return spec
        if len(parts) == 1:
            cls, typ = "ocf", parts[0]
        else:
            cls, typ = parts
        if cls != "ocf":
            return f"{cls}:{typ}"
        found = self.providers(typ)
        if not found or "heartbeat" in found:
            provider = "heartbeat"
        else:
            provider = "pacemaker" if "pacemaker" in found else found[0]
        return f"ocf:{provider}:{typ}"

    def metadata(self, spec: str) -> AgentInfo:
        if spec in self.parsed:
            return self.parsed[spec]
        full = self.resolve(spec)
        key = f"meta:{full}"
        cached = self._load(key)
        if not isinstance(cached, str):
            res = self.runner.run(["crm_resource", "--show-metadata", full], timeout=60)
            if not res.ok or not res.out.strip():
                raise UnknownAgent(f"unknown resource agent {full} on {self.runner.where}: {res.first_error_line()}")
            cached = res.out
            self._store(key, cached)
        info = self.parsed[spec] = parse_metadata(full, cached)
        return info

    def cluster_options(self) -> dict[str, Parameter]:
        """Every cluster property the target's Pacemaker knows, with type, default and choices."""
        key = "cluster-options"
        cached = self._load(key)
        if not isinstance(cached, list):
            cached = []
            for daemon in OPTION_DAEMONS:
                for d in DAEMON_DIRS:
                    try:
                        res = self.runner.run([f"{d}/{daemon}", "metadata"], timeout=30)
                    except ToolMissing:
                        continue  # Debian keeps the daemons in /usr/lib, RHEL in /usr/libexec
                    if res.ok and res.out.strip():
                        cached.append(res.out)
                        break
            if not cached:
                raise ClushError(f"cannot read the cluster option list on {self.runner.where}")
            self._store(key, cached)
        options: dict[str, Parameter] = {}
        for xml in cached:
            for p in parse_metadata("cluster", xml).parameters:
                options.setdefault(p.name, p)
        return options


def _fname(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", key) + ".json"


_catalogs: dict[int, Catalog] = {}


def catalog(runner: Runner) -> Catalog:
    """The Catalog for this runner (one per runner object, i.e. per host and session)."""
    cat = _catalogs.get(id(runner))
    if cat is None or cat.runner is not runner:
        cat = _catalogs[id(runner)] = Catalog(runner)
    return cat


def classes(runner: Runner) -> list[str]:
    return catalog(runner).classes()


def providers(runner: Runner, agent: str | None = None) -> list[str]:
    return catalog(runner).providers(agent)


def agents(runner: Runner, cls: str, provider: str | None = None) -> list[str]:
    return catalog(runner).agents(cls, provider)


def metadata(runner: Runner, spec: str) -> AgentInfo:
    return catalog(runner).metadata(spec)


def resolve(runner: Runner, spec: str) -> str:
    return catalog(runner).resolve(spec)


def cluster_options(runner: Runner) -> dict[str, Parameter]:
    return catalog(runner).cluster_options()
