"""Desired table vs current table -> the minimal ordered list of ipvsadm steps.

Order (capacity never drops): new services with their reals, service edits, new reals,
real edits, drains (weight 0), an optional wait, real deletes, service deletes.
-E and -e always carry the full desired spec because ipvsadm resets what they omit.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from clushell.ipvs import ipvsadm as fmt
from clushell.ipvs.model import Real, Service, Table, real_sort_key

PHASES = ("add-service", "edit-service", "add-real", "edit-real", "drain", "wait", "delete-real", "delete-service")


@dataclass(frozen=True)
class Step:
    """One ipvsadm invocation (``args`` without the program name), or a wait."""

    phase: str
    args: tuple[str, ...]
    what: str  # short human description, e.g. "drain tcp:10.1.1.1:80 10.0.0.2:80"

    @property
    def line(self) -> str:
        if self.phase == "wait":
            return f"@@sleep {self.args[0]}"
        return " ".join(self.args)

    @property
    def command(self) -> str:
        return f"sleep {self.args[0]}" if self.phase == "wait" else "ipvsadm " + " ".join(self.args)


def diff(
    desired: Table,
    current: Table,
    *,
    no_drain: Collection[tuple] = (),
    drain_wait: int = 0,
) -> list[Step]:
    """Steps that turn ``current`` into ``desired``.

    ``no_drain`` holds service keys and (service key, real key) pairs that the user
    deleted with --now: they are removed without a weight-0 step first.
    """
    buckets: dict[str, list[Step]] = {p: [] for p in PHASES}
    for svc in desired.sorted_services():
        cur = current.services.get(svc.key)
        if cur is None:
            buckets["add-service"].append(Step("add-service", tuple(fmt.add_service(svc)), f"add {svc.text}"))
            for real in _sorted(svc):
                buckets["add-service"].append(_add_real(svc, real))
            continue
        if svc.attrs() != cur.attrs():
            buckets["edit-service"].append(Step("edit-service", tuple(fmt.edit_service(svc)), f"edit {svc.text}"))
        for real in _sorted(svc):
            old = cur.reals.get(real.key)
            if old is None:
                buckets["add-real"].append(_add_real(svc, real))
            elif old.af != real.af or old.attrs() != real.attrs():
                phase = "drain" if real.weight == 0 and old.weight != 0 and _same_but_weight(old, real) else "edit-real"
                verb = "drain" if phase == "drain" else "edit"
                buckets[phase].append(Step(phase, tuple(fmt.edit_real(svc, real)), f"{verb} {svc.text} {real.text}"))
        for old in _sorted(cur):
            if old.key not in svc.reals:
                _remove_real(buckets, cur, old, (svc.key, old.key) in no_drain)
    for cur in current.sorted_services():
        if cur.key in desired.services:
            continue
        now = cur.key in no_drain
        for old in _sorted(cur):
            if not now and old.weight != 0:
                buckets["drain"].append(_drain(cur, old))
        buckets["delete-service"].append(Step("delete-service", tuple(fmt.delete_service(cur)), f"delete {cur.text}"))
    if drain_wait and buckets["drain"] and (buckets["delete-real"] or buckets["delete-service"]):
        buckets["wait"].append(Step("wait", (str(drain_wait),), f"wait {drain_wait}s for drained connections"))
    return [step for phase in PHASES for step in buckets[phase]]


def _sorted(svc: Service) -> list[Real]:
    return sorted(svc.reals.values(), key=real_sort_key)


def _same_but_weight(old: Real, new: Real) -> bool:
    return replace(old, weight=new.weight).attrs() == new.attrs()


def _add_real(svc: Service, real: Real) -> Step:
    return Step("add-real", tuple(fmt.add_real(svc, real)), f"add {svc.text} {real.text}")


def _drain(svc: Service, real: Real) -> Step:
    return Step("drain", tuple(fmt.edit_real(svc, replace(real, weight=0))), f"drain {svc.text} {real.text}")


def _remove_real(buckets: dict[str, list[Step]], svc: Service, old: Real, now: bool) -> None:
    if not now and old.weight != 0:
        buckets["drain"].append(_drain(svc, old))
    step = Step("delete-real", tuple(fmt.delete_real(svc, old)), f"delete {svc.text} {old.text}")
    buckets["delete-real"].append(step)


def count_ipvsadm(steps: list[Step]) -> int:
    return sum(1 for s in steps if s.phase != "wait")


def table_diff(current: Table, desired: Table, *, from_name: str = "current", to_name: str = "desired") -> str:
    """A unified diff of the two tables in save format (thresholds included)."""
    import difflib

    a = [line + "\n" for line in fmt.save_lines(current)]
    b = [line + "\n" for line in fmt.save_lines(desired)]
    return "".join(difflib.unified_diff(a, b, from_name, to_name, n=1))
