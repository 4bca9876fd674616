"""The IPVS table as data: services, real servers, and the checks ipvsadm would make.

Everything here is pure (no I/O). Addresses are normalised the way the kernel stores
them (IPv6 compressed, DR/TUN real ports rewritten to the service port), so that a
desired table and one read back from ``ipvsadm -Sn`` compare equal when they mean the
same thing.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field, replace

from clushell.errors import ClushError

SCHEDULERS = ("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos")
#: flags each scheduler accepts (flag-1..3 are the raw bits, accepted by every scheduler)
SCHED_FLAGS = {
    "sh": ("sh-fallback", "sh-port"),
    "mh": ("mh-fallback", "mh-port"),
}
RAW_FLAGS = ("flag-1", "flag-2", "flag-3")
PROTOCOLS = ("tcp", "udp", "sctp", "fwm")
METHODS = ("nat", "dr", "tun")
TUN_TYPES = ("ipip", "gue", "gre")
TUN_CSUM = ("nocsum", "csum", "remcsum")
PE_NAMES = ("sip",)
MAX_WEIGHT = 2147483647
MAX_TIMEOUT = 2678400  # 31 days: the kernel's limit for -p and --set
DEFAULT_PERSISTENCE = 360  # ipvsadm 1.31's real default (the man page says 300)
DEFAULT_SCHED = "wlc"
MAX_THRESHOLD = 4294967295  # u32 in the kernel; 1.31 accepts more than the 65535 the man page says


class IpvsError(ClushError):
    """A bad service, real server or option, found before anything runs."""


def _addr(text: str, what: str) -> tuple[int, str]:
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        raise IpvsError(f"bad {what} address '{text}'", token=text) from None
    return ip.version, str(ip)


def _port(text: str, what: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise IpvsError(f"bad {what} port '{text}' (0..65535)", token=text)
    return int(text)


def split_hostport(text: str, what: str, *, port_required: bool) -> tuple[int, str, int | None]:
    """'10.1.1.1:80', '[fd00::1]:80', '10.1.1.1' or 'fd00::1' -> (af, addr, port or None)."""
    if text.startswith("["):
        m = re.fullmatch(r"\[([^\]]+)\](?::(.*))?", text)
        if not m:
            raise IpvsError(f"bad {what} '{text}' (IPv6 is written [ADDR]:PORT)", token=text)
        af, addr = _addr(m.group(1), what)
        if af != 6:
            raise IpvsError(f"bad {what} '{text}': brackets are for IPv6 addresses only", token=text)
        port = None if m.group(2) is None else _port(m.group(2), what)
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
        af, addr = _addr(host, what)
        port = _port(port_text, what)
    elif ":" in text:
        af, addr = _addr(text, what)  # bare IPv6, no port
        port = None
    else:
        af, addr = _addr(text, what)
        port = None
    if port is None and port_required:
        raise IpvsError(f"bad {what} '{text}': a port is required (e.g. {what.split()[0]}:ADDR:PORT)", token=text)
    return af, addr, port


def join_hostport(af: int, addr: str, port: int) -> str:
    return f"[{addr}]:{port}" if af == 6 else f"{addr}:{port}"


@dataclass
class Real:
    """A real server of one service; (addr, port) is its identity inside the service."""

    addr: str
    port: int
    af: int = 4
    method: str = "dr"
    weight: int = 1
    upper: int = 0
    lower: int = 0
    tun_type: str | None = None
    tun_port: int = 0
    tun_csum: str | None = None  # None = nocsum

    @property
    def key(self) -> tuple[str, int]:
        return (self.addr, self.port)

    @property
    def text(self) -> str:
        return join_hostport(self.af, self.addr, self.port)

    def attrs(self) -> tuple:
        return (self.method, self.weight, self.upper, self.lower, self.tun_type, self.tun_port, self.tun_csum)


@dataclass
class Service:
    """A virtual service; ``key`` identifies it, everything else can be edited in place."""

    proto: str  # tcp udp sctp fwm
    af: int = 4
    addr: str = ""
    port: int = 0
    mark: int = 0
    sched: str = DEFAULT_SCHED
    flags: tuple[str, ...] = ()
    persistent: int | None = None
    netmask: str | None = None
    pe: str | None = None
    ops: bool = False
    reals: dict[tuple[str, int], Real] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        if self.proto == "fwm":
            return ("fwm", self.af, self.mark)
        return (self.proto, self.af, self.addr, self.port)

    @property
    def text(self) -> str:
        """The clush spelling: tcp:VIP:PORT, tcp:[v6]:PORT, fwm:MARK, fwm6:MARK."""
        if self.proto == "fwm":
            return f"fwm{'6' if self.af == 6 else ''}:{self.mark}"
        return f"{self.proto}:{join_hostport(self.af, self.addr, self.port)}"

    def attrs(self) -> tuple:
        return (self.sched, self.flags, self.persistent, self.netmask, self.pe, self.ops)

    def copy(self) -> Service:
        return replace(self, reals={k: replace(r) for k, r in self.reals.items()})


def sort_key(svc: Service) -> tuple:
    """The order ipvsadm lists services in: IPv4 TCP, UDP, SCTP, then IPv6, then fwmark."""
    if svc.proto == "fwm":
        return (2, 0, svc.mark, svc.af, 0)
    ip = ipaddress.ip_address(svc.addr)
    return (0 if svc.af == 4 else 1, PROTOCOLS.index(svc.proto), int(ip), svc.port, 0)


def real_sort_key(real: Real) -> tuple:
    return (real.af, int(ipaddress.ip_address(real.addr)), real.port)


@dataclass
class Table:
    """Services by key, in insertion order (``sorted_services`` gives ipvsadm's order)."""

    services: dict[tuple, Service] = field(default_factory=dict)

    def copy(self) -> Table:
        return Table({k: s.copy() for k, s in self.services.items()})

    def sorted_services(self) -> list[Service]:
        return sorted(self.services.values(), key=sort_key)

    def get(self, spec: str) -> Service:
        key = parse_service_spec(spec).key
        svc = self.services.get(key)
        if svc is None:
            raise IpvsError(f"no such service {spec}", token=spec)
        return svc

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        return canonical(self) == canonical(other)


def canonical(table: Table) -> list:
    """A comparable form of a table (order-independent)."""
    out = []
    for svc in table.sorted_services():
        reals = [(r.key, r.af, r.attrs()) for r in sorted(svc.reals.values(), key=real_sort_key)]
        out.append((svc.key, svc.attrs(), reals))
    return out


def key_text(key: tuple) -> str:
    """A service key back in the clush spelling (tcp:VIP:PORT, fwm:MARK, ...)."""
    if key[0] == "fwm":
        return Service("fwm", af=key[1], mark=key[2]).text
    return Service(key[0], af=key[1], addr=key[2], port=key[3]).text


def parse_service_spec(text: str) -> Service:
    """tcp:VIP:PORT, udp:.., sctp:.., tcp:[v6]:PORT, fwm:MARK, fwm6:MARK -> an empty Service."""
    proto, sep, rest = text.partition(":")
    proto = proto.lower()
    if not sep or not rest:
        raise IpvsError(
            f"bad service '{text}' (expected tcp:VIP:PORT, udp:VIP:PORT, sctp:VIP:PORT, fwm:MARK or fwm6:MARK)",
            token=text,
        )
    if proto in ("fwm", "fwm6"):
        if not rest.isdigit() or not 0 < int(rest) <= 0xFFFFFFFF:
            raise IpvsError(f"bad firewall mark '{rest}' in '{text}' (1..4294967295)", token=text)
        return Service("fwm", af=6 if proto == "fwm6" else 4, mark=int(rest))
    if proto not in ("tcp", "udp", "sctp"):
        raise IpvsError(f"bad service '{text}': unknown protocol '{proto}' (tcp, udp, sctp, fwm, fwm6)", token=text)
    try:
        af, addr, port = split_hostport(rest, f"{proto} service", port_required=True)
    except IpvsError as exc:
        raise IpvsError(exc.message, token=text) from None
    assert port is not None
    return Service(proto, af=af, addr=addr, port=port)


def parse_real_spec(svc: Service, text: str) -> tuple[int, str, int]:
    """RIP[:PORT] for ``svc`` -> (af, addr, port) with the port ipvsadm would store (before method rules)."""
    try:
        af, addr, port = split_hostport(text, "real server", port_required=False)
    except IpvsError as exc:
        raise IpvsError(exc.message, token=text) from None
    if port is None:
        port = 0 if svc.proto == "fwm" else svc.port
    return af, addr, port


def effective_real_port(svc: Service, method: str, port: int) -> int:
    """DR and TUN cannot map ports: ipvsadm silently uses the service port (not for fwmark)."""
    if method in ("dr", "tun") and svc.proto != "fwm":
        return svc.port
    return port


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
    new.port = effective_real_port(svc, new.method, new.port)
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
