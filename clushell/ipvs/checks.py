"""Options applied to services and real servers, checked as ipvsadm and the kernel would
(and a little more: what ipvsadm would silently change is refused at staging time)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace

from clushell.ipvs.importnotes import Notes
from clushell.ipvs.model import IpvsError, Real, Service, _port, effective_real_port, join_hostport, parse_real_spec
from clushell.ipvs.names import (
    DEFAULT_PERSISTENCE,
    MAX_THRESHOLD,
    MAX_TIMEOUT,
    MAX_WEIGHT,
    METHODS,
    PE_NAMES,
    RAW_FLAGS,
    SCHED_FLAGS,
    SCHEDULERS,
    TUN_CSUM,
    TUN_TYPES,
)


def _int(key: str, value: str, lo: int, hi: int) -> int:
    if not re.fullmatch(r"-?\d+", value) or not lo <= int(value) <= hi:
        raise IpvsError(f"bad {key}={value} ({lo}..{hi})", token=f"{key}={value}")
    return int(value)


def check_weight(value: str) -> int:
    """A weight as typed (weight=N) -> int, or the one-line error ipvsadm would give."""
    return _int("weight", value, 0, MAX_WEIGHT)


def _netmask(svc: Service, value: str) -> str | None:
    if svc.af == 6:
        n = _int("netmask", value, 1, 128)
        return None if n == 128 else str(n)
    try:
        mask = ipaddress.IPv4Network(f"0.0.0.0/{value}").netmask
    except ValueError:
        raise IpvsError(f"bad netmask={value} (a dotted IPv4 netmask)", token=f"netmask={value}") from None
    return None if str(mask) == "255.255.255.255" else str(mask)


SERVICE_KEYS = ("sched", "scheduler", "persistent", "netmask", "flags", "pe", "ops")
REAL_KEYS = ("method", "weight", "upper", "lower", "tun-type", "tun-port", "tun-csum")


def split_options(tokens: list[str], allowed: tuple[str, ...]) -> dict[str, str]:
    """key=value tokens (a bare word means key=yes, e.g. ``ops``) -> dict; unknown keys rejected."""
    out: dict[str, str] = {}
    for tok in tokens:
        key, sep, value = tok.partition("=")
        key = key.lower().replace("_", "-")
        if key not in allowed:
            raise IpvsError(f"unknown option '{key}' (expected one of: {', '.join(allowed)})", token=tok)
        if sep and not value:
            raise IpvsError(f"option {key}= needs a value", token=tok)
        if key in out:
            raise IpvsError(f"option {key} given twice", token=tok)
        out[key] = value if sep else "yes"
    return out


def _yes(key: str, value: str) -> bool:
    if value.lower() in ("yes", "true", "on", "1"):
        return True
    if value.lower() in ("no", "false", "off", "0"):
        return False
    raise IpvsError(f"bad {key}={value} (yes or no)", token=f"{key}={value}")


def apply_service_options(svc: Service, opts: dict[str, str]) -> Service:
    """Merge options into a copy of ``svc`` and check the result as ipvsadm and the kernel would."""
    new = svc.copy()
    for key, value in opts.items():
        if key in ("sched", "scheduler"):
            if value not in SCHEDULERS:
                raise IpvsError(f"unknown scheduler '{value}' (one of {' '.join(SCHEDULERS)})", token=f"{key}={value}")
            new.sched = value
        elif key == "persistent":
            if value.lower() in ("no", "off", "none"):
                new.persistent = None
            elif value.lower() in ("yes", "on"):
                new.persistent = DEFAULT_PERSISTENCE
            else:
                new.persistent = _int("persistent", value, 1, MAX_TIMEOUT)
        elif key == "netmask":
            new.netmask = _netmask(new, value)
        elif key == "flags":
            words = [] if value.lower() in ("none", "") else value.split(",")
            for w in words:
                if w not in RAW_FLAGS + SCHED_FLAGS["sh"] + SCHED_FLAGS["mh"]:
                    raise IpvsError(f"unknown scheduler flag '{w}'", token=f"flags={value}")
            new.flags = tuple(sorted(set(words)))
        elif key == "pe":
            if value.lower() in ("none", "no"):
                new.pe = None
            elif value not in PE_NAMES:
                raise IpvsError(f"unknown persistence engine '{value}' (sip)", token=f"pe={value}")
            else:
                new.pe = value
        elif key == "ops":
            new.ops = _yes("ops", value)
    if "netmask" in opts and new.persistent is None and opts["netmask"].lower() not in ("none", "no"):
        # the kernel keeps a mask without persistence but never uses it
        raise IpvsError(f"{new.text}: netmask={opts['netmask']} needs persistence (add persistent=N)",
                        token=f"netmask={opts['netmask']}")
    check_service(new)
    return new


def check_service(svc: Service) -> None:
    for flag in svc.flags:
        if flag not in RAW_FLAGS and flag not in SCHED_FLAGS.get(svc.sched, ()):
            raise IpvsError(f"{svc.text}: scheduler flag '{flag}' needs scheduler {flag[:2]}", token=flag)
    if svc.proto != "fwm" and svc.port == 0 and svc.persistent is None:
        raise IpvsError(f"{svc.text}: port 0 needs persistence (add persistent=N)", token=svc.text)
    if svc.ops and svc.proto not in ("udp", "fwm"):
        raise IpvsError(f"{svc.text}: one-packet scheduling (ops) is only for udp and fwm services", token="ops")
    if svc.persistent is None:
        svc.netmask = None  # the kernel ignores a mask without persistence


def new_real(svc: Service, spec: str, opts: dict[str, str]) -> Real:
    af, addr, port = parse_real_spec(svc, spec)
    real = Real(addr, port, af=af)
    real = apply_real_options(svc, real, opts)
    return real


def apply_real_options(svc: Service, real: Real, opts: dict[str, str]) -> Real:
    """Merge options into a copy of ``real`` and check the result."""
    new = replace(real)
    for key, value in opts.items():
        if key == "method":
            parts = value.lower().split(":")
            if parts[0] in ("gate", "route", "g"):
                parts[0] = "dr"
            elif parts[0] in ("masq", "m"):
                parts[0] = "nat"
            elif parts[0] in ("ipip", "i", "tunnel"):
                parts[0] = "tun"
            if parts[0] not in METHODS:
                raise IpvsError(f"bad method={value} (nat, dr or tun)", token=f"method={value}")
            new.method = parts[0]
            if len(parts) > 1 and parts[0] == "tun":  # tun:gue:6080:csum shorthand
                new.tun_type = parts[1]
                rest = parts[2:]
                if rest and rest[0].isdigit():
                    new.tun_port = _port(rest.pop(0), "tunnel")
                if rest:
                    new.tun_csum = None if rest[0] == "nocsum" else rest[0]
            elif len(parts) > 1:
                raise IpvsError(f"bad method={value}: tunnel options need method=tun", token=f"method={value}")
        elif key == "weight":
            new.weight = _int("weight", value, 0, MAX_WEIGHT)
        elif key == "upper":
            new.upper = _int("upper", value, 0, MAX_THRESHOLD)
        elif key == "lower":
            new.lower = _int("lower", value, 0, MAX_THRESHOLD)
        elif key == "tun-type":
            new.tun_type = value
        elif key == "tun-port":
            new.tun_port = _port(value, "tunnel")
        elif key == "tun-csum":
            new.tun_csum = None if value == "nocsum" else value
    if new.method != "tun":
        tun_given = [k for k in ("tun-type", "tun-port", "tun-csum") if k in opts]
        if tun_given:
            k = tun_given[0]
            raise IpvsError(f"{k} needs method=tun", token=f"{k}={opts[k]}")
        new.tun_type, new.tun_port, new.tun_csum = None, 0, None
    check_real(svc, new)
    if effective_real_port(svc, new.method, new.port) != new.port:
        # ipvsadm would silently use the service port: say so instead of staging another server
        method = new.method.upper()
        raise IpvsError(f"{svc.text}: a {method} real server uses the service port {svc.port}, not {new.port} "
                        f"(write {join_hostport(new.af, new.addr, svc.port)}, or use method=nat to map ports)",
                        token=f"{join_hostport(new.af, new.addr, new.port)}")
    return new


def check_real(svc: Service, real: Real) -> None:
    where = f"{svc.text} {real.text}"
    if real.method == "tun":
        real.tun_type = real.tun_type or "ipip"
        if real.tun_type not in TUN_TYPES:
            raise IpvsError(f"{where}: bad tunnel type '{real.tun_type}' (ipip, gue, gre)", token=real.tun_type)
        if real.tun_type == "gue" and not real.tun_port:
            raise IpvsError(f"{where}: a gue tunnel needs tun-port=N", token="tun-type=gue")
        if real.tun_type != "gue" and real.tun_port:
            raise IpvsError(f"{where}: tun-port is only for gue tunnels", token="tun-port")
        if real.tun_csum is not None and real.tun_csum not in TUN_CSUM[1:]:
            raise IpvsError(f"{where}: bad tun-csum '{real.tun_csum}' (nocsum, csum, remcsum)", token="tun-csum")
        if real.tun_csum == "remcsum" and real.tun_type != "gue":
            raise IpvsError(f"{where}: remcsum is only for gue tunnels", token="tun-csum")
        if real.tun_type == "ipip" and real.tun_csum:
            raise IpvsError(f"{where}: checksum options are for gue and gre tunnels", token="tun-csum")
    if real.lower and real.upper and real.lower > real.upper:
        raise IpvsError(f"{where}: lower={real.lower} is greater than upper={real.upper}", token=f"lower={real.lower}")
    if real.lower and not real.upper:
        raise IpvsError(f"{where}: lower={real.lower} needs an upper threshold", token=f"lower={real.lower}")
    svc_af = svc.af
    if real.af != svc_af and real.method != "tun":
        raise IpvsError(f"{where}: a real of another address family needs method=tun", token=real.text)


def daemon_args(state: str, iface: str, opts: dict[str, str]) -> list[str]:
    """ipvsadm --start-daemon arguments, checked: ipvsadm takes '-x' as an interface and port 99999 as 34463."""
    import ipaddress

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,14}", iface):
        raise IpvsError(f"bad interface name '{iface}' (the multicast interface, e.g. eth0)", token=iface)
    argv = ["--start-daemon", state, "--mcast-interface", iface]
    limits = {"syncid": (0, 255), "maxlen": (1, 65507), "port": (1, 65535), "ttl": (1, 255)}
    flags = {"syncid": "--syncid", "maxlen": "--sync-maxlen", "group": "--mcast-group", "port": "--mcast-port",
             "ttl": "--mcast-ttl"}
    for key, value in opts.items():
        if key == "group":
            try:
                group = ipaddress.ip_address(value)
            except ValueError:
                group = None
            if group is None or not group.is_multicast:
                raise IpvsError(f"bad group={value} (a multicast address, e.g. 224.0.0.81)", token=f"group={value}")
        else:
            lo, hi = limits[key]
            _int(key, value, lo, hi)
        argv += [flags[key], value]
    return argv


def add_imported_real(svc: Service, spec: str, opts: dict[str, str], where: str, notes: Notes, *,
                      said: str, ignorer: str, noun: str, quiet_fwm_port: bool = False) -> None:
    """Add one real server read from another tool's file to ``svc``, as that tool would set it up.

    A DR/TUN port that differs from the service's is a warning (the kernel uses the service
    port), a duplicate is skipped with a warning, anything else wrong is an error at ``where``.
    ``said`` is how the file named the server, ``ignorer`` the tool that ignores the port;
    ``quiet_fwm_port``: the file format has a port on fwmark DR/TUN servers that means nothing.
    """
    try:
        af, addr, port = parse_real_spec(svc, spec)
        if quiet_fwm_port and svc.proto == "fwm" and opts["method"] in ("dr", "tun"):
            port = 0
        if effective_real_port(svc, opts["method"], port) != port:
            notes.warn(where, f"{said} uses the service port {svc.port}; {ignorer} ignores port {port}")
            port = svc.port
        real = apply_real_options(svc, Real(addr, port, af=af), opts)
    except IpvsError as exc:
        raise IpvsError(f"{where}: {exc.message}") from None
    if real.key in svc.reals:
        notes.skip(where, f"duplicate {noun} {real.text}; skipped")
        return
    svc.reals[real.key] = real
