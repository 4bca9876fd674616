"""ipvsadm 1.31 argv <-> model: command formatting, rules-file parsing, list-output parsing.

The formatter writes every option out (ipvsadm -E/-e reset what they are not told), and
the rules parser reads the same -A/-a lines that ``ipvsadm -Sn`` prints, so the table
read back from a director and a file the user loads go through one code path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clushell.ipvs.checks import apply_real_options, apply_service_options
from clushell.ipvs.model import (
    IpvsError,
    Real,
    Service,
    Table,
    effective_real_port,
    join_hostport,
    parse_real_spec,
    real_sort_key,
    split_hostport,
)
from clushell.ipvs.names import DEFAULT_PERSISTENCE

METHOD_FLAG = {"nat": "-m", "dr": "-g", "tun": "-i"}
FLAG_METHOD = {"-m": "nat", "--masquerading": "nat", "-g": "dr", "--gatewaying": "dr", "-i": "tun", "--ipip": "tun"}
PROTO_OPT = {"tcp": "-t", "udp": "-u", "sctp": "--sctp-service", "fwm": "-f"}
OPT_PROTO = {
    "-t": "tcp",
    "--tcp-service": "tcp",
    "-u": "udp",
    "--udp-service": "udp",
    "--sctp-service": "sctp",
    "-f": "fwm",
    "--fwmark-service": "fwm",
}


# ---------------------------------------------------------------- formatting


def service_id(svc: Service) -> list[str]:
    if svc.proto == "fwm":
        return ["-f", str(svc.mark), *(["-6"] if svc.af == 6 else [])]
    return [PROTO_OPT[svc.proto], join_hostport(svc.af, svc.addr, svc.port)]


def service_opts(svc: Service) -> list[str]:
    out = ["-s", svc.sched]
    if svc.flags:
        out += ["-b", ",".join(svc.flags)]
    if svc.persistent is not None:
        out += ["-p", str(svc.persistent)]
        if svc.netmask is not None:
            out += ["-M", svc.netmask]
    if svc.pe:
        out += ["--pe", svc.pe]
    if svc.ops:
        out.append("-o")
    return out


def real_opts(real: Real, *, thresholds: bool = True) -> list[str]:
    out = [METHOD_FLAG[real.method], "-w", str(real.weight)]
    if thresholds and (real.upper or real.lower):
        out += ["-x", str(real.upper), "-y", str(real.lower)]
    if real.method == "tun":
        out += ["--tun-type", real.tun_type or "ipip"]
        if real.tun_type == "gue":
            out += ["--tun-port", str(real.tun_port)]
        if real.tun_type in ("gue", "gre"):
            out.append(f"--tun-{real.tun_csum or 'nocsum'}")
    return out


def add_service(svc: Service) -> list[str]:
    return ["-A", *service_id(svc), *service_opts(svc)]


def edit_service(svc: Service) -> list[str]:
    return ["-E", *service_id(svc), *service_opts(svc)]


def delete_service(svc: Service) -> list[str]:
    return ["-D", *service_id(svc)]


def add_real(svc: Service, real: Real) -> list[str]:
    return ["-a", *service_id(svc), "-r", real.text, *real_opts(real)]


def edit_real(svc: Service, real: Real) -> list[str]:
    # -e resets unset thresholds to 0 anyway, so always send them when set
    return ["-e", *service_id(svc), "-r", real.text, *real_opts(real)]


def delete_real(svc: Service, real: Real) -> list[str]:
    return ["-d", *service_id(svc), "-r", real.text]


def save_lines(table: Table, *, thresholds: bool = True) -> list[str]:
    """The table as -R input in ``ipvsadm -Sn`` order; -x/-y kept (ipvsadm -Sn drops them)."""
    lines = []
    for svc in table.sorted_services():
        lines.append(" ".join(add_service(svc)))
        for real in sorted(svc.reals.values(), key=real_sort_key):
            lines.append(" ".join(["-a", *service_id(svc), "-r", real.text, *real_opts(real, thresholds=thresholds)]))
    return lines


# ---------------------------------------------------------------- rules (-Sn / -R input) parsing


@dataclass
class Rule:
    """One parsed -A / -a line."""

    op: str
    svc: Service
    svc_opts: dict[str, str] = field(default_factory=dict)
    real_spec: str | None = None
    real_opts: dict[str, str] = field(default_factory=dict)


_WITH_VALUE = {
    "-s": "sched",
    "--scheduler": "sched",
    "-b": "flags",
    "--sched-flags": "flags",
    "-M": "netmask",
    "--netmask": "netmask",
    "--pe": "pe",
    "-w": "weight",
    "--weight": "weight",
    "-x": "upper",
    "--u-threshold": "upper",
    "-y": "lower",
    "--l-threshold": "lower",
    "--tun-type": "tun-type",
    "--tun-port": "tun-port",
}
_CSUM = {"--tun-nocsum": "nocsum", "--tun-csum": "csum", "--tun-remcsum": "remcsum"}


def parse_rule(words: list[str]) -> Rule:
    """Parse one ipvsadm -A/-a argv (as printed by -Sn) into a Rule; errors name the word."""
    if words and words[0] == "ipvsadm":
        words = words[1:]
    if not words or words[0] not in ("-A", "--add-service", "-a", "--add-server"):
        raise IpvsError(f"expected an -A or -a line, got '{' '.join(words)}'", token=words[0] if words else None)
    op = "A" if words[0] in ("-A", "--add-service") else "a"
    proto = addr = real = None
    v6 = False
    sopts: dict[str, str] = {}
    ropts: dict[str, str] = {}
    i = 1
    while i < len(words):
        w = words[i]
        if w in OPT_PROTO:
            if i + 1 >= len(words):
                raise IpvsError(f"{w} needs a value", token=w)
            proto, addr = OPT_PROTO[w], words[i + 1]
            i += 2
            continue
        if w in ("-r", "--real-server"):
            if i + 1 >= len(words):
                raise IpvsError(f"{w} needs a value", token=w)
            real = words[i + 1]
            i += 2
            continue
        if w in _WITH_VALUE:
            if i + 1 >= len(words):
                raise IpvsError(f"{w} needs a value", token=w)
            key = _WITH_VALUE[w]
            (ropts if key in ("weight", "upper", "lower", "tun-type", "tun-port") else sopts)[key] = words[i + 1]
            i += 2
            continue
        if w in ("-p", "--persistent"):
            if i + 1 < len(words) and words[i + 1].isdigit():
                sopts["persistent"] = words[i + 1]
                i += 2
            else:
                sopts["persistent"] = str(DEFAULT_PERSISTENCE)
                i += 1
            continue
        if w in FLAG_METHOD:
            if "method" in ropts:
                raise IpvsError("multiple forwarding methods given", token=w)
            ropts["method"] = FLAG_METHOD[w]
        elif w in _CSUM:
            ropts["tun-csum"] = _CSUM[w]
        elif w in ("-o", "--ops"):
            sopts["ops"] = "yes"
        elif w in ("-6", "--ipv6"):
            v6 = True
        else:
            raise IpvsError(f"unknown ipvsadm word '{w}'", token=w)
        i += 1
    if proto is None or addr is None:
        raise IpvsError("no service given (-t, -u, --sctp-service or -f)", token=words[0])
    from clushell.ipvs.model import parse_service_spec

    spec = f"fwm{'6' if v6 else ''}:{addr}" if proto == "fwm" else f"{proto}:{addr}"
    svc = parse_service_spec(spec)
    if op == "a" and real is None:
        raise IpvsError("-a needs -r REAL", token=words[0])
    if op == "A" and (real is not None or ropts):
        raise IpvsError("real server options on an -A line", token=words[0])
    return Rule(op, svc, sopts, real, ropts)


def parse_rules(text: str, *, source: str = "rules") -> Table:
    """-A/-a lines (ipvsadm -Sn or clush save output) -> Table. ``#`` comments and blanks are skipped."""
    table = Table()
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            rule = parse_rule(line.split())
            add_rule(table, rule)
        except IpvsError as exc:
            raise IpvsError(f"{source} line {lineno}: {exc.message}", token=exc.token) from None
    return table


def add_rule(table: Table, rule: Rule) -> None:
    key = rule.svc.key
    if "netmask" in rule.svc_opts and "persistent" not in rule.svc_opts:
        del rule.svc_opts["netmask"]  # ipvsadm keeps -M without -p but it means nothing
    if rule.op == "A":
        if key in table.services:
            raise IpvsError(f"service {rule.svc.text} defined twice", token=rule.svc.text)
        table.services[key] = apply_service_options(rule.svc, rule.svc_opts)
        return
    svc = table.services.get(key)
    if svc is None:
        raise IpvsError(f"real server for undefined service {rule.svc.text}", token=rule.svc.text)
    assert rule.real_spec is not None
    af, addr, port = parse_real_spec(svc, rule.real_spec)
    # ipvsadm's own rule, kept for its files: a DR/TUN real takes the service port (staging refuses it)
    port = effective_real_port(svc, rule.real_opts.get("method", "dr"), port)
    real = apply_real_options(svc, Real(addr, port, af=af), rule.real_opts)
    if real.key in svc.reals:
        raise IpvsError(f"real server {real.text} of {svc.text} defined twice", token=rule.real_spec)
    svc.reals[real.key] = real


# ---------------------------------------------------------------- list output parsing


def listed_service_key(words: list[str]) -> tuple:
    """['TCP', '10.1.1.100:80', ...] or ['FWM', '2', 'IPv6', ...] -> model service key."""
    proto = words[0].lower()
    if proto == "fwm":
        return ("fwm", 6 if len(words) > 2 and words[2] == "IPv6" else 4, int(words[1]))
    af, addr, port = split_hostport(words[1], "listed service", port_required=True)
    return (proto, af, addr, port)


def listed_real_key(text: str) -> tuple[str, int]:
    _, addr, port = split_hostport(text, "listed real", port_required=True)
    assert port is not None
    return (addr, port)


@dataclass
class Row:
    """One line of a list output: a service row (real is None) or a real row."""

    service: tuple
    service_text: str
    real: tuple[str, int] | None
    real_text: str
    values: list[str]


def parse_list(text: str) -> list[Row]:
    """Rows of -Ln, -Ln --stats/--rate/--thresholds/--persistent-conn/--tun-info output."""
    rows: list[Row] = []
    current: tuple | None = None
    current_text = ""
    for line in text.splitlines():
        words = line.split()
        if not words or line.startswith(("IP Virtual Server", "Prot ")) or words[:2] == ["->", "RemoteAddress:Port"]:
            continue
        if words[0] == "->":
            if current is None:
                raise IpvsError(f"real server line before any service: {line.strip()}")
            rows.append(Row(current, current_text, listed_real_key(words[1]), words[1], words[2:]))
        elif words[0] in ("TCP", "UDP", "SCTP", "FWM"):
            current = listed_service_key(words)
            is_fwm = words[0] == "FWM"
            n = 3 if is_fwm and len(words) > 2 and words[2] == "IPv6" else 2
            current_text = " ".join(words[:n])
            rows.append(Row(current, current_text, None, "", words[n:]))
        else:
            raise IpvsError(f"unexpected ipvsadm output line: {line.strip()}")
    return rows


def parse_thresholds(text: str) -> dict[tuple, dict[tuple[str, int], tuple[int, int]]]:
    """``ipvsadm -Ln --thresholds`` -> {service key: {real key: (upper, lower)}}."""
    out: dict[tuple, dict[tuple[str, int], tuple[int, int]]] = {}
    for row in parse_list(text):
        if row.real is None:
            out.setdefault(row.service, {})
        else:
            out.setdefault(row.service, {})[row.real] = (int(row.values[0]), int(row.values[1]))
    return out


def read_table(save_text: str, thresholds_text: str | None = None) -> Table:
    """The current table from ``-Sn`` output, with -x/-y overlaid from ``-Ln --thresholds``."""
    table = parse_rules(save_text, source="ipvsadm -Sn")
    if thresholds_text:
        for skey, reals in parse_thresholds(thresholds_text).items():
            svc = table.services.get(skey)
            if svc is None:
                continue
            for rkey, (upper, lower) in reals.items():
                if rkey in svc.reals:
                    svc.reals[rkey].upper, svc.reals[rkey].lower = upper, lower
    return table


def parse_timeout(text: str) -> tuple[int, int, int]:
    """'Timeout (tcp tcpfin udp): 900 120 300' -> (900, 120, 300)."""
    for line in text.splitlines():
        if line.startswith("Timeout"):
            nums = line.split(":", 1)[1].split()
            return int(nums[0]), int(nums[1]), int(nums[2])
    raise IpvsError(f"unexpected ipvsadm --timeout output: {text.strip()[:80]}")


def parse_daemon(text: str) -> list[dict[str, str]]:
    """'master sync daemon (mcast=dum0, syncid=5, ...)' lines -> [{'state': 'master', 'mcast': 'dum0', ...}]."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        state, _, rest = line.partition(" sync daemon ")
        info = {"state": state}
        for part in rest.strip("()").split(","):
            k, _, v = part.strip().partition("=")
            if k:
                info[k] = v
        out.append(info)
    return out


@dataclass
class Conn:
    proto: str
    expire: str
    state: str
    source: str
    virtual: str
    destination: str


def parse_conns(text: str) -> list[Conn]:
    """``ipvsadm -Lnc`` -> connection entries (in the kernel's hash order)."""
    out = []
    for line in text.splitlines():
        words = line.split()
        if len(words) < 6 or words[0] in ("IPVS", "pro"):
            continue
        out.append(Conn(*words[:6]))
    return out


def host_of(hostport: str) -> str:
    """'10.1.1.1:80' -> '10.1.1.1', '[fd00::1]:80' -> 'fd00::1'."""
    if hostport.startswith("["):
        return hostport[1 : hostport.index("]")]
    return hostport.rsplit(":", 1)[0]
