"""What must be equal or true on every node of a cluster, one verdict per line (from the probes)."""

from __future__ import annotations

from dataclasses import dataclass

from clushell.cluster.probe import NodeState


@dataclass(frozen=True)
class Check:
    ok: bool
    what: str
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "check": self.what, "detail": self.detail}


def _same(states: list[NodeState], attr: str, label: str) -> Check:
    groups: dict[str, list[str]] = {}
    for st in states:
        groups.setdefault(getattr(st, attr) or "(missing)", []).append(st.node)
    if len(groups) == 1:
        value = next(iter(groups))
        if value == "(missing)":
            return Check(False, label, f"missing on every node ({', '.join(s.node for s in states)})")
        return Check(True, label, f"identical on {len(states)} nodes (sha256 {value[:12]})")
    # the biggest group is the reference; name every node that differs from it
    ref = max(groups.items(), key=lambda kv: (len(kv[1]), kv[0] != "(missing)"))
    odd = [f"{n} ({'missing' if v == '(missing)' else 'sha256 ' + v[:12]})"
           for v, names in groups.items() if v != ref[0] for n in names]
    return Check(False, label, f"differs on {', '.join(odd)} from {', '.join(ref[1])} (sha256 {ref[0][:12]})")


def checks(states: list[NodeState]) -> list[Check]:
    out: list[Check] = []
    down = [f"{s.node} ({s.error})" for s in states if not s.reachable or s.error]
    out.append(Check(not down, "reachable",
                     "all nodes answer over SSH" if not down else "no answer: " + "; ".join(down)))
    up = [s for s in states if s.reachable and not s.error]
    if not up:
        return out
    notroot = [s.node for s in up if not s.root]
    if notroot:
        out.append(Check(False, "root", "not root on " + ", ".join(notroot)))
    missing = [f"{s.node}: {', '.join(s.missing)}" for s in up if [m for m in s.missing if m != "systemctl"]]
    out.append(Check(not missing, "packages", "corosync and pacemaker tools installed" if not missing
                     else "missing " + "; ".join(missing)))
    out.append(_same(up, "conf_sha256", "corosync.conf"))
    out.append(_same(up, "authkey_sha256", "authkey"))
    for svc in ("corosync", "pacemaker"):
        bad = [f"{s.node} ({getattr(s, svc)})" for s in up if getattr(s, svc) != "running"]
        out.append(Check(not bad, svc, "running on every node" if not bad else "not running on " + ", ".join(bad)))
    noq = [s.node for s in up if s.quorate is False]
    unknown = [s.node for s in up if s.quorate is None]
    detail = "every node is in a quorate partition" if not (noq or unknown) else \
        "; ".join(p for p in (f"no quorum on {', '.join(noq)}" if noq else "",
                              f"unknown on {', '.join(unknown)}" if unknown else "") if p)
    out.append(Check(not noq and not unknown, "quorum", detail))
    dcs = {s.dc for s in up if s.dc}
    no_dc = [s.node for s in up if not s.dc]
    if len(dcs) == 1 and not no_dc:
        out.append(Check(True, "DC", f"{dcs.pop()}, seen by every node"))
    else:
        seen = ", ".join(f"{s.node} sees {s.dc or 'none'}" for s in up)
        out.append(Check(False, "DC", f"not one DC for all: {seen}"))
    links = [f"{s.node}: {ln}" for s in up for ln in s.links]
    out.append(Check(not links, "links", "no faulty corosync link" if not links else "; ".join(links)))
    members = {tuple(sorted(s.members)) for s in up if s.members}
    if len(members) > 1:
        out.append(Check(False, "membership", "nodes disagree: " + " / ".join(",".join(m) for m in members)))
    return out
