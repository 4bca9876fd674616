"""The tables bench_configure.py prints (markdown, so a run can go into README as it is)."""

from __future__ import annotations

import math

OPS = ("show one", "show all", "add+commit", "set+commit")
TARGETS = {"show one": 1.0, "show all": 1.5}  # seconds at the biggest size
FLOOR_RATIO, PCS_RATIO, MEM_MB, ENGINE_P99_MS, SHELL_MS, LINEAR = 1.5, 1.5, 400.0, 10.0, 150.0, 4.0


def _s(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "—"
    if isinstance(x, float) and math.isnan(x):
        return "failed"
    return f"{x:.{digits}f}"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0 or math.isnan(a) or math.isnan(b):
        return "—"
    return f"{a / b:.2f}×"


def table(results: dict, sizes: list[int], args, notes: list[str]) -> str:
    out = []
    targets = [t for t in ("file", "live") if any(k[0] == t for k in results)]
    cap = f"> {args.tool_timeout:g}"
    out.append("| target | operation | N | clush s | clush CPU s | clush peak MB | floor s | floor CPU s "
               "| clush/floor | CPU clush/floor | pcs s | pcs/clush | crm s |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in targets:
        for op in OPS:
            for n in sizes:
                r = results.get((t, op, n))
                if not r:
                    continue
                floor, floor_cpu = _s(r.get("floor")), _s(r.get("floor_cpu"))
                if "floor_modify" in r:
                    floor += f" (--modify {_s(r['floor_modify'])})"
                    floor_cpu += f" ({_s(r['floor_modify_cpu'])})"
                crm = r.get("crm", "skip")
                crm_text = "—" if crm == "skip" else (cap if crm is None else _s(crm, 1))
                pcs = r.get("pcs", "skip")
                pcs_text = "—" if pcs == "skip" else (cap if pcs is None else _s(pcs))
                pcs = pcs if isinstance(pcs, float) else None
                out.append(f"| {t} | {op} | {n} | {_s(r['clush'])}{'' if r['ok'] else ' (failed)'} "
                           f"| {_s(r['clush_cpu'])} | {r['mb']:.0f} | {floor} | {floor_cpu} "
                           f"| {_ratio(r['clush'], r.get('floor'))} | {_ratio(r['clush_cpu'], r.get('floor_cpu'))} "
                           f"| {pcs_text} | {_ratio(pcs, r['clush'])} | {crm_text} |")
    out.append("")
    out.append("| target | N | id completion p99 ms (`show p08…`) | p99 ms, all ids (`show `) "
               "| `clush __complete` ms |")
    out.append("|---|---:|---:|---:|---:|")
    for t in targets:
        for n in sizes:
            c = results.get((t, "complete", n), {})
            out.append(f"| {t} | {n} | {_s(c.get('engine_prefix'))} | {_s(c.get('engine_all'))} "
                       f"| {_s(c.get('shell'), 0)} |")
    if len(sizes) > 1:
        lo, hi = min(sizes), max(sizes)
        out.append("")
        out.append(f"Growth {hi}/{lo} (linear: {hi / lo:g}):")
        out.append("")
        out.append("| target | figure | clush | clush CPU | clush MB | floor | floor CPU | pcs | crm |")
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for t in targets:
            for op in OPS:
                a, b = results.get((t, op, lo), {}), results.get((t, op, hi), {})
                cells = [_ratio(b.get(k), a.get(k)) if isinstance(a.get(k), float) and isinstance(b.get(k), float)
                         else "—" for k in ("clush", "clush_cpu", "mb", "floor", "floor_cpu", "pcs", "crm")]
                out.append(f"| {t} | {op} | " + " | ".join(cells) + " |")
            a, b = results.get((t, "complete", lo), {}), results.get((t, "complete", hi), {})
            for key, label in (("engine_prefix", "completion p99"), ("engine_all", "completion p99, all ids"),
                               ("shell", "clush __complete")):
                out.append(f"| {t} | {label} | {_ratio(b.get(key), a.get(key))} | | | | | | |")
    out.append("")
    out.extend(verdicts(results, sizes, targets))
    out.extend(f"note: {n}" for n in notes)
    return "\n".join(out)


def verdicts(results: dict, sizes: list[int], targets: list[str]) -> list[str]:
    hi, lo = max(sizes), min(sizes)
    lines = []

    def check(ok: bool, text: str) -> None:
        lines.append(f"{'met   ' if ok else 'MISSED'}  {text}")

    for t in targets:
        for op, limit in TARGETS.items():
            r = results.get((t, op, hi))
            if r:
                check(r["clush"] <= limit, f"{t} {op} at {hi}: {r['clush']:.2f} s <= {limit:g} s")
        for op in ("add+commit", "set+commit"):
            for n in sizes:
                r = results.get((t, op, n))
                if r and r.get("floor"):
                    check(r["clush"] <= FLOOR_RATIO * r["floor"],
                          f"{t} {op} at {n}: {r['clush'] / r['floor']:.2f}× floor <= {FLOOR_RATIO:g}× "
                          f"(CPU time: {r['clush_cpu'] / r['floor_cpu']:.2f}×)")
            r = results.get((t, op, lo))
            if r and isinstance(r.get("pcs"), float) and not math.isnan(r["pcs"]):
                check(r["pcs"] >= PCS_RATIO * r["clush"],
                      f"{t} {op} at {lo}: pcs/clush {r['pcs'] / r['clush']:.2f} >= {PCS_RATIO:g}")
        mb = max((results[(t, op, hi)]["mb"] for op in OPS if (t, op, hi) in results), default=None)
        if mb is not None:
            check(mb <= MEM_MB, f"{t} peak memory at {hi}: {mb:.0f} MB <= {MEM_MB:g} MB")
        c = results.get((t, "complete", hi), {})
        if "engine_prefix" in c:
            worst = max(c["engine_prefix"], c["engine_all"])
            check(worst <= ENGINE_P99_MS, f"{t} completion p99 at {hi}: {worst:.2f} ms <= {ENGINE_P99_MS:g} ms")
        if "shell" in c:
            check(c["shell"] <= SHELL_MS, f"{t} clush __complete at {hi}: {c['shell']:.0f} ms <= {SHELL_MS:g} ms")
        if len(sizes) > 1:
            worst = max((results[(t, op, hi)]["clush"] / results[(t, op, lo)]["clush"], op) for op in OPS
                        if (t, op, hi) in results and (t, op, lo) in results)
            check(worst[0] <= hi / lo, f"{t} growth {hi}/{lo}: worst {worst[0]:.2f} ({worst[1]}) <= {hi / lo:g}")
    return lines
