"""keepalived.conf and ldirectord.cf <-> the table model.

Only the LVS part is read (virtual_server / real_server, virtual= / real=); health
checks and notification settings are skipped with no effect on the table. The
normalisation keepalived and ldirectord apply themselves (default protocol, method,
scheduler, port rules) is copied so the imported table is what the daemon would build.
"""

from __future__ import annotations

import glob
import os
import re
from typing import Any

from clushell.ipvs.model import (
    DEFAULT_PERSISTENCE,
    IpvsError,
    Real,
    Service,
    Table,
    apply_real_options,
    apply_service_options,
    parse_service_spec,
    real_sort_key,
)

# ---------------------------------------------------------------- keepalived


def _at(where: str, fn: Any, *args: Any) -> Any:
    """Call fn; an IpvsError gets the file:line prefix."""
    try:
        return fn(*args)
    except IpvsError as exc:
        raise IpvsError(f"{where}: {exc.message}") from None


def _ka_tokens(text: str, path: str, depth: int = 0) -> list[tuple[list[str], int, str]]:
    """Lines of words with comments stripped and `include` expanded: [(words, lineno, file)]."""
    out: list[tuple[list[str], int, str]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = re.split(r"[#!]", raw, maxsplit=1)[0]
        # braces are words of their own
        words = re.findall(r'"[^"]*"|\'[^\']*\'|[{}]|[^\s{}]+', line)
        words = [w[1:-1] if w[:1] in "\"'" else w for w in words]
        if not words:
            continue
        if words[0] == "include" and len(words) > 1:
            if depth > 8:
                raise IpvsError(f"{path}:{lineno}: include nested too deeply")
            pattern = os.path.join(os.path.dirname(path), words[1])
            for inc in sorted(glob.glob(pattern)):
                with open(inc, encoding="utf-8") as fh:
                    out.extend(_ka_tokens(fh.read(), inc, depth + 1))
            continue
        out.append((words, lineno, path))
    return out


def _ka_blocks(items: list[tuple[list[str], int, str]]) -> list:
    """Nest lines into (words, children, where) following { }."""
    root: list = []
    stack = [root]
    for words, lineno, path in items:
        where = f"{path}:{lineno}"
        buf: list[str] = []
        for w in words:
            if w == "{":
                node = (buf, [], where)
                stack[-1].append(node)
                stack.append(node[1])
                buf = []
            elif w == "}":
                if buf:
                    stack[-1].append((buf, [], where))
                    buf = []
                if len(stack) == 1:
                    raise IpvsError(f"{where}: unbalanced '}}'")
                stack.pop()
            else:
                buf.append(w)
        if buf:
            stack[-1].append((buf, [], where))
    if len(stack) != 1:
        raise IpvsError(f"{path}: missing '}}' at end of file")
    return root


_KA_METHODS = {"NAT": "nat", "DR": "dr", "TUN": "tun"}


def _ka_method(words: list[str], where: str) -> dict[str, str]:
    if len(words) < 2 or words[1].upper() not in _KA_METHODS:
        raise IpvsError(f"{where}: bad lvs_method (NAT, DR or TUN)")
    opts = {"method": _KA_METHODS[words[1].upper()]}
    rest = words[2:]
    while rest:
        w = rest.pop(0)
        if w == "type" and rest:
            opts["tun-type"] = rest.pop(0)
        elif w == "port" and rest:
            opts["tun-port"] = rest.pop(0)
        elif w in ("nocsum", "csum", "remcsum"):
            opts["tun-csum"] = w
    return opts


def parse_keepalived(text: str, path: str = "keepalived.conf") -> tuple[Table, list[str]]:
    table = Table()
    warnings: list[str] = []
    blocks = _ka_blocks(_ka_tokens(text, path))
    groups = {w[1]: _ka_group(c, warnings) for w, c, _ in blocks if w[0] == "virtual_server_group" and len(w) > 1}
    for words, children, where in blocks:
        if words[0] != "virtual_server" or len(words) < 2:
            continue
        if words[1] == "group":
            if len(words) < 3 or words[2] not in groups:
                raise IpvsError(f"{where}: unknown virtual_server_group {words[2] if len(words) > 2 else ''}".rstrip())
            targets = groups[words[2]]
        elif words[1] == "fwmark":
            targets = [("fwmark", words[2] if len(words) > 2 else "", "")]
        else:
            targets = [("ip", words[1], words[2] if len(words) > 2 else "0")]
        _ka_virtual_server(table, warnings, targets, children, where)
    return table, warnings


def _ka_group(children: list, warnings: list[str]) -> list[tuple[str, str, str]]:
    """virtual_server_group members -> [("ip", addr, port) | ("fwmark", mark, family)]."""
    out = []
    for cw, _cc, where in children:
        if cw[0] == "fwmark" and len(cw) > 1:
            out.append(("fwmark", cw[1], cw[2] if len(cw) > 2 else ""))
            continue
        port = cw[1] if len(cw) > 1 else "0"
        m = re.fullmatch(r"(\d+\.\d+\.\d+\.)(\d+)-(\d+)", cw[0])
        if m:
            out.extend(("ip", f"{m.group(1)}{n}", port) for n in range(int(m.group(2)), int(m.group(3)) + 1))
        elif "/" in cw[0] or "-" in cw[0]:
            warnings.append(f"{where}: group member {cw[0]} is not imported (only ADDR and a.b.c.d-e ranges are)")
        else:
            out.append(("ip", cw[0], port))
    return out


def _ka_virtual_server(table: Table, warnings: list[str], targets: list[tuple[str, str, str]], children: list,
                       where: str) -> None:
    svc_opts: dict[str, str] = {}
    method: dict[str, str] = {"method": "nat"}
    proto = None
    family = 4
    reals: list[tuple[list[str], list, str]] = []
    for cw, cc, cwhere in children:
        key = cw[0]
        if key in ("lvs_sched", "lb_algo") and len(cw) > 1:
            svc_opts["sched"] = cw[1]
        elif key in ("lvs_method", "lb_kind"):
            method = _ka_method(cw, cwhere)
        elif key == "persistence_timeout":
            svc_opts["persistent"] = cw[1] if len(cw) > 1 else str(DEFAULT_PERSISTENCE)
        elif key in ("persistence_granularity",):
            svc_opts["netmask"] = cw[1]
        elif key == "persistence_engine" and len(cw) > 1:
            svc_opts["pe"] = cw[1]
        elif key == "protocol" and len(cw) > 1:
            proto = cw[1].lower()
        elif key == "ip_family" and len(cw) > 1:
            family = 6 if cw[1] == "inet6" else 4
        elif key in ("ops", "sh-port", "sh-fallback", "mh-port", "mh-fallback", "flag-1", "flag-2", "flag-3"):
            if key == "ops":
                svc_opts["ops"] = "yes"
            else:
                svc_opts["flags"] = ",".join(filter(None, [svc_opts.get("flags", ""), key]))
        elif key == "real_server":
            reals.append((cw, cc, cwhere))
    if proto is None and any(kind == "ip" for kind, _, _ in targets):
        warnings.append(f"{where}: no protocol given; keepalived uses UDP")
        proto = "udp"
    for kind, addr, extra in targets:
        if kind == "fwmark":
            fam = 6 if extra == "inet6" else family
            spec = f"fwm{'6' if fam == 6 else ''}:{addr}"
        else:
            spec = f"{proto}:[{addr}]:{extra}" if ":" in addr else f"{proto}:{addr}:{extra}"
        _ka_service(table, warnings, spec, dict(svc_opts), method, reals, where)


def _ka_service(table: Table, warnings: list[str], spec: str, svc_opts: dict[str, str], method: dict[str, str],
                reals: list, where: str) -> None:
    base = _at(where, parse_service_spec, spec)
    if base.proto != "fwm" and base.port == 0 and "persistent" not in svc_opts:
        svc_opts["persistent"] = str(DEFAULT_PERSISTENCE)
    if svc_opts.get("ops") and base.proto not in ("udp", "fwm"):
        svc_opts.pop("ops")
    if not reals:
        warnings.append(f"{where}: {base.text} has no real_server; keepalived drops it")
        return
    if base.key in table.services:
        raise IpvsError(f"{where}: {base.text} defined twice")
    try:
        svc = apply_service_options(base, svc_opts)
    except IpvsError as exc:
        raise IpvsError(f"{where}: {exc.message}") from None
    for rw, rc, rwhere in reals:
        ropts = dict(method)
        for cw, _cc, cwhere in rc:
            if cw[0] == "weight" and len(cw) > 1:
                ropts["weight"] = cw[1]
            elif cw[0] == "uthreshold" and len(cw) > 1:
                ropts["upper"] = cw[1]
            elif cw[0] == "lthreshold" and len(cw) > 1:
                ropts["lower"] = cw[1]
            elif cw[0] in ("lvs_method", "lb_kind"):
                ropts = {k: v for k, v in ropts.items() if not k.startswith(("method", "tun"))}
                ropts.update(_ka_method(cw, cwhere))
        if len(rw) < 2:
            raise IpvsError(f"{rwhere}: real_server needs an address")
        addr = rw[1]
        port = rw[2] if len(rw) > 2 else None
        if port is None:
            port = "0" if svc.proto == "fwm" else str(svc.port)
        rspec = f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"
        try:
            from clushell.ipvs.model import parse_real_spec

            af, raddr, rport = parse_real_spec(svc, rspec)
            if svc.proto == "fwm" and ropts["method"] in ("dr", "tun"):
                rport = 0
            real = apply_real_options(svc, Real(raddr, rport, af=af), ropts)
        except IpvsError as exc:
            raise IpvsError(f"{rwhere}: {exc.message}") from None
        if real.key in svc.reals:
            warnings.append(f"{rwhere}: duplicate real_server {real.text} dropped")
            continue
        svc.reals[real.key] = real
    table.services[svc.key] = svc


def _ka_method_text(real: Real) -> str:
    text = {"nat": "NAT", "dr": "DR", "tun": "TUN"}[real.method]
    if real.method == "tun" and real.tun_type and real.tun_type != "ipip":
        text += f" type {real.tun_type}"
        if real.tun_type == "gue":
            text += f" port {real.tun_port}"
        text += f" {real.tun_csum or 'nocsum'}"
    return text


def export_keepalived(table: Table) -> str:
    out = []
    for svc in table.sorted_services():
        if svc.proto == "fwm":
            out.append(f"virtual_server fwmark {svc.mark} {{")
        else:
            out.append(f"virtual_server {svc.addr} {svc.port} {{")
        out.append(f"    lvs_sched {svc.sched}")
        out.extend(f"    {flag}" for flag in svc.flags)
        reals = sorted(svc.reals.values(), key=real_sort_key)
        methods = {_ka_method_text(r) for r in reals}
        common = methods.pop() if len(methods) == 1 else None
        if common:
            out.append(f"    lvs_method {common}")
        if svc.proto == "fwm":
            if svc.af == 6:
                out.append("    ip_family inet6")
        else:
            out.append(f"    protocol {svc.proto.upper()}")
        if svc.persistent is not None:
            out.append(f"    persistence_timeout {svc.persistent}")
            if svc.netmask:
                out.append(f"    persistence_granularity {svc.netmask}")
        if svc.pe:
            out.append(f"    persistence_engine {svc.pe}")
        if svc.ops:
            out.append("    ops")
        for r in reals:
            out.append(f"    real_server {r.addr} {r.port} {{")
            out.append(f"        weight {r.weight}")
            if not common:
                out.append(f"        lvs_method {_ka_method_text(r)}")
            if r.upper:
                out.append(f"        uthreshold {r.upper}")
            if r.lower:
                out.append(f"        lthreshold {r.lower}")
            out.append("    }")
        out.append("}")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- ldirectord

_LD_METHODS = {"gate": "dr", "masq": "nat", "ipip": "tun"}
_LD_WORDS = {"dr": "gate", "nat": "masq", "tun": "ipip"}


def parse_ldirectord(text: str, path: str = "ldirectord.cf") -> tuple[Table, list[str]]:
    table = Table()
    warnings: list[str] = []
    blocks: list[tuple[str, str, list[tuple[str, str, str]]]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        key, sep, value = line.strip().partition("=")
        if not sep:
            raise IpvsError(f"{where}: expected key = value")
        key, value = key.strip().lower(), value.strip()
        indented = line[:1] in (" ", "\t")
        if key in ("virtual", "virtual6") and not indented:
            blocks.append((value, where, []))
        elif indented and blocks:
            blocks[-1][2].append((key, value, where))
    for vip, where, body in blocks:
        opts = {k: (v, w) for k, v, w in body if k not in ("real", "real6")}
        proto = opts.get("protocol", ("", ""))[0].lower()
        if vip.isdigit():
            spec = f"fwm:{vip}"
        else:
            if not proto:
                proto = "udp" if vip.endswith(":53") else "tcp"
            spec = f"{proto}:{vip}"
        base = _at(where, parse_service_spec, spec)
        svc_opts = {"sched": opts.get("scheduler", ("wrr", ""))[0]}
        if "persistent" in opts:
            svc_opts["persistent"] = opts["persistent"][0]
            if "netmask" in opts:
                svc_opts["netmask"] = opts["netmask"][0]
        if opts.get("ops", ("no", ""))[0] == "yes":
            svc_opts["ops"] = "yes"
        if "schedflags" in opts:
            svc_opts["flags"] = opts["schedflags"][0]
        try:
            svc = apply_service_options(base, svc_opts)
        except IpvsError as exc:
            raise IpvsError(f"{where}: {exc.message}") from None
        for key, value, rwhere in body:
            if key not in ("real", "real6"):
                continue
            words = value.split()
            if len(words) < 2 or words[1] not in _LD_METHODS:
                raise IpvsError(f"{rwhere}: real = ADDR[:PORT] gate|masq|ipip [WEIGHT]")
            ropts = {"method": _LD_METHODS[words[1]]}
            if len(words) > 2 and words[2].isdigit():
                ropts["weight"] = words[2]
            for extra in words[2:]:
                m = re.fullmatch(r"<([ul]):(\d+)>", extra.strip('"'))
                if m:
                    ropts["upper" if m.group(1) == "u" else "lower"] = m.group(2)
            from clushell.ipvs.model import parse_real_spec

            try:
                af, raddr, rport = parse_real_spec(svc, words[0])
                real = apply_real_options(svc, Real(raddr, rport, af=af), ropts)
            except IpvsError as exc:
                raise IpvsError(f"{rwhere}: {exc.message}") from None
            svc.reals[real.key] = real
        if svc.key in table.services:
            raise IpvsError(f"{where}: {svc.text} defined twice")
        table.services[svc.key] = svc
    return table, warnings


def export_ldirectord(table: Table) -> tuple[str, list[str]]:
    out = ["# written by clush: LVS part only; add health checks (checktype=connect, ...) as needed", ""]
    warnings = []
    for svc in table.sorted_services():
        if svc.proto == "fwm":
            out.append(f"virtual={svc.mark}")
        elif svc.af == 6:
            out.append(f"virtual6=[{svc.addr}]:{svc.port}")
        else:
            out.append(f"virtual={svc.addr}:{svc.port}")
        for r in sorted(svc.reals.values(), key=real_sort_key):
            if r.method == "tun" and r.tun_type not in (None, "ipip"):
                what = f"{svc.text} {r.text}"
                warnings.append(f"{what}: ldirectord cannot express a {r.tun_type} tunnel; written as ipip")
            extra = f' "<u:{r.upper}>"' if r.upper else ""
            extra += f' "<l:{r.lower}>"' if r.lower else ""
            kw = "real6" if r.af == 6 else "real"
            out.append(f"\t{kw}={r.text} {_LD_WORDS[r.method]} {r.weight}{extra}")
        out.append(f"\tscheduler={svc.sched}")
        out.append(f"\tprotocol={svc.proto}")
        if svc.persistent is not None:
            out.append(f"\tpersistent={svc.persistent}")
            if svc.netmask:
                out.append(f"\tnetmask={svc.netmask}")
        if svc.flags:
            out.append(f"\tschedflags={','.join(svc.flags)}")
        if svc.ops:
            out.append("\tops=yes")
        out.append("\tchecktype=on")
        out.append("")
    return "\n".join(out), warnings


# ---------------------------------------------------------------- entry points


def import_file(fmt: str, path: str) -> tuple[Table, list[str]]:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise IpvsError(f"cannot read {path}: {exc.strerror}", token=path) from None
    if fmt == "keepalived":
        return parse_keepalived(text, path)
    return parse_ldirectord(text, path)


def export_text(fmt: str, table: Table) -> tuple[str, list[str]]:
    from clushell.ipvs.ipvsadm import save_lines

    if fmt == "keepalived":
        return export_keepalived(table), []
    if fmt == "ldirectord":
        return export_ldirectord(table)
    return "".join(line + "\n" for line in save_lines(table)), []


__all__ = ["Service", "export_text", "import_file", "parse_keepalived", "parse_ldirectord"]
