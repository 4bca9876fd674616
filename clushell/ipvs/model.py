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
from clushell.ipvs.names import DEFAULT_SCHED, PROTOCOLS


class IpvsError(ClushError):
    """A bad service, real server or option, found before anything runs."""


def _addr(text: str, what: str) -> tuple[int, str]:
    if "%" in text:  # Python accepts fe80::1%eth0; the kernel refuses it only at commit
        raise IpvsError(f"bad {what} address '{text}': IPVS takes no zone (%{text.partition('%')[2]}); "
                        "use a global address", token=text)
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
