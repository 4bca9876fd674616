"""Tables for `show`, `stats`, `rate` and `conns`: rich on a colour terminal, plain text otherwise."""

from __future__ import annotations

from typing import Any

from clushell.ipvs.ipvsadm import Conn, Row
from clushell.ipvs.model import Service, Table, key_text, real_sort_key

SHOW_HEADER = ("SERVICE / REAL", "SCHED / METHOD", "WEIGHT", "UPPER", "LOWER", "ACTIVE", "INACTIVE", "PERSIST",
               "OPTIONS")


NUMERIC = ("WEIGHT", "UPPER", "LOWER", "ACTIVE", "INACTIVE", "PERSIST", "CONNS", "INPKTS", "OUTPKTS", "INBYTES",
           "OUTBYTES", "CPS", "INPPS", "OUTPPS", "INBPS", "OUTBPS")


def service_options(svc: Service) -> str:
    parts = []
    if svc.persistent is not None:
        parts.append(f"persistent={svc.persistent}")
    if svc.netmask:
        parts.append(f"netmask={svc.netmask}")
    if svc.flags:
        parts.append(f"flags={','.join(svc.flags)}")
    if svc.pe:
        parts.append(f"pe={svc.pe}")
    if svc.ops:
        parts.append("ops")
    return " ".join(parts)


def show_rows(table: Table, counters: dict[tuple, tuple[str, ...]], only: tuple | None = None) -> list[tuple]:
    """Rows of the show table; counters map (service key, real key) -> (active, inactive, templates)."""
    rows: list[tuple] = []
    for svc in table.sorted_services():
        if only is not None and svc.key != only:
            continue
        rows.append((svc.text, svc.sched, "", "", "", "", "", "", service_options(svc)))
        for real in sorted(svc.reals.values(), key=real_sort_key):
            act, inact, persist = counters.get((svc.key, real.key), ("-", "-", "-"))
            method = real.method
            if real.method == "tun":
                method = f"tun:{real.tun_type or 'ipip'}"
                if real.tun_type == "gue":
                    method += f":{real.tun_port}"
                if real.tun_csum:
                    method += f":{real.tun_csum}"
            rows.append(("  -> " + real.text, method, str(real.weight), str(real.upper), str(real.lower),
                         act, inact, persist, ""))
    return rows


def counters_from(rows: list[Row]) -> dict[tuple, tuple[str, ...]]:
    """-Ln --persistent-conn rows (Weight PersistConn ActiveConn InActConn) ->
    {(svc key, real key): (active, inactive, persistence templates)}."""
    out = {}
    for row in rows:
        if row.real is not None and len(row.values) >= 4:
            out[(row.service, row.real)] = (row.values[2], row.values[3], row.values[1])
    return out


def print_table(out: Any, header: tuple, rows: list[tuple], title: str = "") -> None:
    """A rich table when colour is on (a terminal, no NO_COLOR), aligned plain text otherwise."""
    if out.color:
        from rich.table import Table as RichTable

        t = RichTable(title=title or None, show_lines=False, header_style="bold")
        for h in header:
            t.add_column(h, justify="right" if h in NUMERIC else "left")
        for r in rows:
            t.add_row(*r, style=None if r[0].startswith("  ->") else "bold")  # services stand out
        out.console().print(t)
        return
    if title:
        out.print(title)
    out.print(plain_table(header, rows))


def plain_table(header: tuple, rows: list[tuple]) -> str:
    widths = [len(h) for h in header]
    for r in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, r, strict=True)]
    lines = []
    for r in [header, *rows]:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines)


def stats_rows(rows: list[Row], only: tuple | None = None) -> list[tuple]:
    out = []
    for row in rows:
        if only is not None and row.service != only:
            continue
        name = key_text(row.service) if row.real is None else "  -> " + row.real_text
        out.append((name, *row.values[:5]))
    return out


def conn_rows(conns: list[Conn]) -> list[tuple]:
    return [(c.proto, c.expire, c.state, c.source, c.virtual, c.destination) for c in conns]
