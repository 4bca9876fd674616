"""What completion works with: a candidate, the live-data source interface, the cursor's context.

Standard library only: ``clush __complete`` imports this on every Tab.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, TypeVar

if TYPE_CHECKING:
    from clushell.commands.tree import Command, Level
    from clushell.pacemaker.ra import AgentInfo

T = TypeVar("T")


class Candidate(NamedTuple):
    """One completion: the text offered and what it is (a tuple: ``clush __complete`` makes
    tens of thousands from the id cache, and a frozen dataclass is several times slower to build)."""

    text: str
    meta: str = ""


class Source:
    """Live data for completion. This base knows nothing (only the tree's own words are offered);
    ``clushell.complete.sources.Providers`` reads the target. Methods may raise: the engine
    turns any failure into "no candidates".
    """

    def ids(self, kind: str) -> list[Candidate]:
        """Object ids of a kind: resource, primitive, group, template, free, top, promotable,
        stonith, node, tag, constraint, object, clone."""
        return []

    def ids_with_prefix(self, kind: str, prefix: str) -> list[Candidate]:
        """``ids(kind)`` that start with ``prefix``, in the same order (sources with many ids
        answer this without building every candidate)."""
        return [c for c in self.ids(kind) if c.text.startswith(prefix)]

    def resources_by_state(self, running: bool) -> list[Candidate]:
        return self.ids("resource")

    def ra_classes(self) -> list[str]:
        return []

    def ra_providers(self) -> list[str]:
        return []

    def ra_agents(self, cls: str, provider: str | None) -> list[str]:
        return []

    def ra_info(self, spec: str) -> AgentInfo | None:
        return None

    def properties(self) -> list[Candidate]:
        return []

    def property_values(self, name: str) -> list[tuple[str, str]]:
        return []

    def ipvs_services(self) -> list[Candidate]:
        return []

    def ipvs_reals(self, service: str) -> list[Candidate]:
        return []

    def known_hosts(self) -> list[Candidate]:
        """Hosts known without a cluster: the cluster.nodes preference and ~/.ssh/config Host names."""
        return []

    def shadow_names(self) -> list[str]:
        return []

    def cached_ids(self, on_ready: Callable[[], None] | None = None) -> dict[str, set[str]] | None:
        """Ids by kind when at hand without I/O (the REPL's inline check), else None."""
        return None


NO_SOURCE = Source()


@dataclass
class ArgContext:
    """Where the cursor is inside a command's arguments."""

    root: Level
    globals_: list[Command]
    level: Level
    path: tuple[str, ...]  # level names and the command name, e.g. ("resource", "start")
    command: Command
    args: list[str]  # complete arguments before the cursor
    current: str  # the partial word at the cursor
    source: Source = field(default=NO_SOURCE)

    def live(self, fn: Callable[[Source], T], default: T) -> T:
        """``fn(source)``; any failure means "no live data" (completion never raises)."""
        try:
            return fn(self.source)
        except Exception:
            return default

    def ids(self, kind: str) -> list[Candidate]:
        return self.live(lambda s: s.ids(kind), [])

    def ids_at_cursor(self, kind: str, prefix: str | None = None) -> list[Candidate]:
        """The ids of a kind that can stand at the cursor: those starting with ``prefix``
        (default: the word typed so far). Only for lists the engine filters by that prefix anyway."""
        prefix = self.current if prefix is None else prefix
        if not prefix:
            return self.ids(kind)
        return self.live(lambda s: s.ids_with_prefix(kind, prefix), [])

    def ra_info(self, spec: str) -> AgentInfo | None:
        return self.live(lambda s: s.ra_info(spec), None)
