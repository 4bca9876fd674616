"""ldirectord.cf <-> the table model (virtual=/real= blocks).

ldirectord reads a block as the indented lines under ``virtual=``; an unindented line is
global and ends the block. Lines ldirectord would read differently from what they look
like (an unindented ``real=``, an unknown key, ``//`` taken for a comment) are warnings
with file:line, never silently dropped.
"""

from __future__ import annotations

import re

from clushell.ipvs.checks import add_imported_real, apply_service_options
from clushell.ipvs.importnotes import Notes
from clushell.ipvs.model import (
    IpvsError,
    Table,
    parse_service_spec,
    real_sort_key,
)

#: global directives (ldirectord(8)); several may also stand inside a virtual block
GLOBAL_KEYS = {"checktimeout", "negotiatetimeout", "connecttimeout", "checkinterval", "failurecount", "fallback",
               "fallback6", "fallbackcommand", "fork", "autoreload", "callback", "logfile", "emailalert",
               "emailalertfreq", "emailalertstatus", "emailalertfrom", "quiescent", "cleanstop", "maintenancedir",
               "smtp", "execute", "supervised", "readdquiescent"}
#: keys of a virtual block that do not change the table (checks, alerts)
VIRTUAL_IGNORED = GLOBAL_KEYS | {"checktype", "checkcommand", "checkport", "request", "receive", "httpmethod",
                                 "virtualhost", "login", "passwd", "database", "secret", "service", "monitorfile"}
VIRTUAL_KEYS = {"real", "real6", "scheduler", "persistent", "netmask", "protocol", "ops", "schedflags"}

_LD_METHODS = {"gate": "dr", "masq": "nat", "ipip": "tun"}
_LD_WORDS = {"dr": "gate", "nat": "masq", "tun": "ipip"}


def parse_ldirectord(text: str, path: str = "ldirectord.cf") -> tuple[Table, Notes]:
    table = Table()
    warnings = Notes()
    blocks: list[tuple[str, str, list[tuple[str, str, str]]]] = []
    open_block = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        where = f"{path}:{lineno}"
        line = raw.split("#", 1)[0].rstrip()
        if "//" in line and "://" not in line:
            before, _, after = line.partition("//")
            warnings.warn(where, f"'//' does not start a comment in ldirectord.cf (comments start with #); "
                          f"'//{after.rstrip()}' ignored")
            line = before.rstrip()
        if not line.strip():
            continue
        key, sep, value = line.strip().partition("=")
        if not sep:
            warnings.skip(where, f"'{line.strip()[:40]}' is not key=value; skipped")
            continue
        key, value = key.strip().lower(), value.strip()
        indented = line[:1] in (" ", "\t")
        if key in ("virtual", "virtual6"):
            if indented:
                warnings.warn(where, f"{key}= is indented; ldirectord starts a new virtual block here anyway")
            blocks.append((value, where, []))
            open_block = True
        elif indented and open_block:
            if key in VIRTUAL_KEYS:
                blocks[-1][2].append((key, value, where))
            elif key not in VIRTUAL_IGNORED:
                warnings.skip(where, f"unknown key '{key}' in the virtual block; skipped")
        elif indented:
            warnings.skip(where, f"indented {key}= before any virtual=; skipped")
        else:
            open_block = False  # an unindented line is global and ends the virtual block
            if key in VIRTUAL_KEYS and key not in GLOBAL_KEYS:
                warnings.skip(where, f"{key}= is not indented: ldirectord reads it as a global directive (which "
                              "ends the virtual= block above) and ignores it; indent it under its virtual=")
            elif key not in GLOBAL_KEYS:
                warnings.skip(where, f"unknown global key '{key}'; skipped")
    for vip, where, body in blocks:
        opts = {k: (v, w) for k, v, w in body if k not in ("real", "real6")}
        proto = opts.get("protocol", ("", ""))[0].lower()
        if vip.isdigit():
            spec = f"fwm:{vip}"
        else:
            if not proto:
                proto = "udp" if vip.endswith(":53") else "tcp"
            spec = f"{proto}:{vip}"
        try:
            base = parse_service_spec(spec)
        except IpvsError as exc:
            raise IpvsError(f"{where}: {exc.message}") from None
        svc_opts = {"sched": opts.get("scheduler", ("wrr", ""))[0]}
        if "persistent" in opts:
            svc_opts["persistent"] = opts["persistent"][0]
            if "netmask" in opts:
                svc_opts["netmask"] = opts["netmask"][0]
        elif "netmask" in opts:
            warnings.skip(opts["netmask"][1], "netmask= without persistent= does nothing; skipped")
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
            add_imported_real(svc, words[0], ropts, rwhere, warnings, noun="real", ignorer="ipvsadm",
                              said=f"{words[1]} real server {words[0]}")
        if not svc.reals:
            warnings.warn(where, f"{svc.text} has no real= line (ldirectord sets up the service with no real "
                          "servers)")
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
