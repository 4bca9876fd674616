"""keepalived.conf <-> the table model (the LVS part: virtual_server, real_server).

Every line is accounted for: LVS keywords build the table, keepalived keywords that do
not change it (health checks, notifications, VRRP) are passed over, and anything else
(an unknown keyword, a stray line, a `//` that is not a comment) is a warning with
file:line. The normalisation keepalived applies itself (default protocol UDP, NAT,
wildcard-port persistence, DR/TUN ports) is copied so the table is what it would build.
"""

from __future__ import annotations

import glob
import os
import re
from typing import Any

from clushell.ipvs.checks import add_imported_real, apply_service_options
from clushell.ipvs.importnotes import Notes
from clushell.ipvs.model import (
    IpvsError,
    Real,
    Table,
    parse_service_spec,
    real_sort_key,
)
from clushell.ipvs.names import DEFAULT_PERSISTENCE
from clushell.ipvs.textio import read_text

#: top-level blocks that are keepalived's but not about the LVS table
TOP_IGNORED = {"global_defs", "vrrp_instance", "vrrp_sync_group", "vrrp_script", "vrrp_track_process",
               "static_ipaddress", "static_routes", "static_rules", "linkbeat_interfaces", "track_file",
               "track_process", "garp_group", "net_namespace", "net_namespace_ipvs", "instance", "use_pid_dir",
               "bfd_instance", "lvs_timeouts", "lvs_sync_daemon", "lvs_flush", "lvs_flush_onstop",
               "local_address_group"}
#: virtual_server keywords that do not change the table (health checking, quorum, notifications)
VS_IGNORED = {"delay_loop", "sorry_server", "sorry_server_inhibit", "sorry_server_lvs_method", "virtualhost", "alpha",
              "omega", "quorum", "quorum_up", "quorum_down", "hysteresis", "retry", "delay_before_retry", "warmup",
              "inhibit_on_failure", "ha_suspend", "smtp_alert", "connect_timeout", "nat_mask", "lvs_timeouts",
              "lb_timeouts", "notify_up", "notify_down", "lvs_flush_onstop", "real_server_group"}
#: real_server keywords that do not change the table
RS_IGNORED = {"inhibit_on_failure", "notify_up", "notify_down", "delay_loop", "alpha", "omega", "retry",
              "delay_before_retry", "warmup", "smtp_alert", "virtualhost", "connect_timeout", "connect_port",
              "bindto", "bind_port", "fwmark", "TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK", "SMTP_CHECK",
              "DNS_CHECK", "BFD_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK"}
SCHED_WORDS = ("ops", "sh-port", "sh-fallback", "mh-port", "mh-fallback", "flag-1", "flag-2", "flag-3")

def _at(where: str, fn: Any, *args: Any) -> Any:
    """Call fn; an IpvsError gets the file:line prefix."""
    try:
        return fn(*args)
    except IpvsError as exc:
        raise IpvsError(f"{where}: {exc.message}") from None


def _ka_tokens(text: str, path: str, notes: Notes, depth: int = 0) -> list[tuple[list[str], int, str]]:
    """Lines of words with comments stripped and `include` expanded: [(words, lineno, file)]."""
    out: list[tuple[list[str], int, str]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = re.split(r"[#!]", raw, maxsplit=1)[0]
        if "//" in line:
            before, _, after = line.partition("//")
            notes.warn(f"{path}:{lineno}", f"'//' does not start a comment in keepalived.conf (comments start with "
                       f"# or !); '//{after.rstrip()}' ignored")
            line = before
        # braces are words of their own
        words = re.findall(r'"[^"]*"|\'[^\']*\'|[{}]|[^\s{}]+', line)
        words = [w[1:-1] if w[:1] in "\"'" else w for w in words]
        if not words:
            continue
        if words[0] == "include" and len(words) > 1:
            if depth > 8:
                raise IpvsError(f"{path}:{lineno}: include nested too deeply")
            pattern = os.path.join(os.path.dirname(path), words[1])
            found = sorted(glob.glob(pattern))
            if not found:
                notes.warn(f"{path}:{lineno}", f"include {words[1]} matches no file")
            for inc in found:
                out.extend(_ka_tokens(read_text(inc), inc, notes, depth + 1))
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


def parse_keepalived(text: str, path: str = "keepalived.conf") -> tuple[Table, Notes]:
    table = Table()
    warnings = Notes()
    blocks = _ka_blocks(_ka_tokens(text, path, warnings))
    groups = {w[1]: _ka_group(c, warnings) for w, c, _ in blocks if w[0] == "virtual_server_group" and len(w) > 1}
    for words, children, where in blocks:
        if words[0] in TOP_IGNORED:
            warnings.ignore(words[0])
            continue
        if words[0] == "virtual_server_group" and len(words) > 1:
            continue
        if words[0] != "virtual_server" or len(words) < 2:
            what = "a virtual_server needs an address and port, 'fwmark N' or 'group NAME'" \
                if words[0] == "virtual_server" else f"unknown keyword '{words[0]}' at the top level"
            warnings.skip(where, f"{what}; skipped" + (" with its block" if children else ""))
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


def _ka_group(children: list, warnings: Notes) -> list[tuple[str, str, str]]:
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
            warnings.skip(where, f"group member {cw[0]} is not imported (only ADDR and a.b.c.d-e ranges are)")
        else:
            out.append(("ip", cw[0], port))
    return out


def _ka_virtual_server(table: Table, warnings: Notes, targets: list[tuple[str, str, str]], children: list,
                       where: str) -> None:
    svc_opts: dict[str, str] = {}
    method: dict[str, str] = {"method": "nat"}
    proto = None
    family = 4
    reals: list[tuple[list[str], list, str]] = []
    granularity = where
    for cw, cc, cwhere in children:
        key = cw[0]
        if key in ("lvs_sched", "lb_algo") and len(cw) > 1:
            svc_opts["sched"] = cw[1]
        elif key in ("lvs_method", "lb_kind"):
            method = _ka_method(cw, cwhere)
        elif key == "persistence_timeout":
            svc_opts["persistent"] = cw[1] if len(cw) > 1 else str(DEFAULT_PERSISTENCE)
        elif key == "persistence_granularity" and len(cw) > 1:
            svc_opts["netmask"] = cw[1]
            granularity = cwhere
        elif key == "persistence_engine" and len(cw) > 1:
            svc_opts["pe"] = cw[1]
        elif key == "protocol" and len(cw) > 1:
            proto = cw[1].lower()
        elif key == "ip_family" and len(cw) > 1:
            family = 6 if cw[1] == "inet6" else 4
        elif key in SCHED_WORDS:
            if key == "ops":
                svc_opts["ops"] = "yes"
            else:
                svc_opts["flags"] = ",".join(filter(None, [svc_opts.get("flags", ""), key]))
        elif key == "real_server":
            reals.append((cw, cc, cwhere))
        elif key in VS_IGNORED or key.endswith("_CHECK"):
            continue
        else:
            warnings.skip(cwhere, f"unknown keyword '{key}' in virtual_server; skipped")
    if "netmask" in svc_opts and "persistent" not in svc_opts:
        del svc_opts["netmask"]
        warnings.skip(granularity, "persistence_granularity without persistence_timeout does nothing; skipped")
    if proto is None and any(kind == "ip" for kind, _, _ in targets):
        warnings.warn(where, "no protocol given; keepalived uses UDP")
        proto = "udp"
    for kind, addr, extra in targets:
        if kind == "fwmark":
            fam = 6 if extra == "inet6" else family
            spec = f"fwm{'6' if fam == 6 else ''}:{addr}"
        else:
            spec = f"{proto}:[{addr}]:{extra}" if ":" in addr else f"{proto}:{addr}:{extra}"
        _ka_service(table, warnings, spec, dict(svc_opts), method, reals, where)


def _ka_service(table: Table, warnings: Notes, spec: str, svc_opts: dict[str, str], method: dict[str, str],
                reals: list, where: str) -> None:
    base = _at(where, parse_service_spec, spec)
    if base.proto != "fwm" and base.port == 0 and "persistent" not in svc_opts:
        svc_opts["persistent"] = str(DEFAULT_PERSISTENCE)
    if svc_opts.get("ops") and base.proto not in ("udp", "fwm"):
        svc_opts.pop("ops")
    if not reals:
        warnings.skip(where, f"{base.text} has no real_server; keepalived drops it")
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
            elif cw[0] not in RS_IGNORED and not cw[0].endswith("_CHECK"):
                warnings.skip(cwhere, f"unknown keyword '{cw[0]}' in real_server; skipped")
        if len(rw) < 2:
            raise IpvsError(f"{rwhere}: real_server needs an address")
        addr = rw[1]
        port = rw[2] if len(rw) > 2 else None
        if port is None:
            port = "0" if svc.proto == "fwm" else str(svc.port)
        rspec = f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"
        add_imported_real(svc, rspec, ropts, rwhere, warnings, noun="real_server", ignorer="keepalived",
                          said=f"{ropts['method'].upper()} real server {addr}", quiet_fwm_port=True)
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
