"""ipvsadm output parsers and the rules formatter, on the verbatim outputs recorded from a
real IPVS kernel (tests/data/ipvsadm-outputs). No kernel needed."""

from __future__ import annotations

import re

import pytest

from clushell.ipvs import ipvsadm as fmt
from clushell.ipvs.model import IpvsError
from tests.paths import IPVSADM_OUTPUTS

OUTPUTS = IPVSADM_OUTPUTS


def runs(name: str) -> list[tuple[str, str, int]]:
    """(command, output, rc) for every `$ ipvsadm ...` block of a recorded log."""
    path = OUTPUTS / name
    if not path.exists():
        pytest.fail(f"{path} is missing from tests/data")
    out: list[tuple[str, str, int]] = []
    cmd, buf = None, []
    for line in path.read_text().splitlines():
        m = re.fullmatch(r"\[rc=(\d+)\]", line)
        if line.startswith("$ "):
            cmd, buf = line[2:], []
        elif m and cmd is not None:
            out.append((cmd, "".join(b + "\n" for b in buf), int(m.group(1))))
            cmd = None
        elif cmd is not None:
            buf.append(line)
    return out


def outputs_of(name: str, command: str) -> list[str]:
    return [o for c, o, rc in runs(name) if c == command and rc == 0]


@pytest.mark.parametrize("log", ["exp1.out", "exp3.out"])
def test_every_save_output_round_trips_byte_for_byte(log: str) -> None:
    saves = outputs_of(log, "ipvsadm -Sn")
    assert saves
    for text in saves:
        table = fmt.parse_rules(text)
        assert "".join(line + "\n" for line in fmt.save_lines(table)) == text


def test_save_output_model_details() -> None:
    text = outputs_of("exp1.out", "ipvsadm -Sn")[0]
    table = fmt.parse_rules(text)
    assert len(table.services) == 16
    svc = table.get("tcp:10.1.1.101:0")
    assert (svc.sched, svc.persistent, svc.netmask) == ("lc", 600, "255.255.255.0")
    assert table.get("udp:10.1.1.103:5060").attrs() == ("sed", (), 60, None, "sip", True)
    assert table.get("sctp:10.1.1.100:3868").flags == ("sh-fallback", "sh-port")
    gue = table.get("tcp:10.1.1.102:80").reals[("10.1.1.14", 80)]
    assert (gue.method, gue.tun_type, gue.tun_port, gue.tun_csum) == ("tun", "gue", 6081, "remcsum")
    v6 = table.get("tcp:[fd00::100]:80").reals[("fd00::3", 8080)]
    assert (v6.af, v6.method, v6.weight) == (6, "nat", 1)
    fwm6 = table.get("fwm6:2")
    assert (fwm6.af, fwm6.persistent, fwm6.netmask) == (6, 120, "64")
    assert table.get("fwm:1").reals[("10.1.1.7", 0)].method == "dr"


def test_list_matches_save() -> None:
    """-Ln and -Sn of the same table agree on services, reals, methods and weights."""
    table = fmt.parse_rules(outputs_of("exp1.out", "ipvsadm -Sn")[0])
    rows = fmt.parse_list(outputs_of("exp1.out", "ipvsadm -Ln")[0])
    services = [r for r in rows if r.real is None]
    assert {r.service for r in services} == set(table.services)
    forward = {"Masq": "nat", "Route": "dr", "Tunnel": "tun"}
    reals = [r for r in rows if r.real is not None]
    assert len(reals) == sum(len(s.reals) for s in table.services.values())
    for r in reals:
        real = table.services[r.service].reals[r.real]
        assert forward[r.values[0]] == real.method
        assert int(r.values[1]) == real.weight
        assert r.values[2:4] == ["0", "0"]
    assert services[-1].service == ("fwm", 6, 2) and services[-1].service_text == "FWM 2 IPv6"


def test_single_service_list_has_no_version_line() -> None:
    rows = fmt.parse_list(outputs_of("exp1.out", "ipvsadm -Ln -f 1")[0])
    assert [r.real for r in rows] == [None, ("10.1.1.7", 0), ("10.1.1.8", 0)]


def test_thresholds_overlay() -> None:
    save = outputs_of("exp1.out", "ipvsadm -Sn")[0]
    thr = outputs_of("exp1.out", "ipvsadm -Ln --thresholds")[0]
    table = fmt.read_table(save, thr)
    real = table.get("tcp:10.1.1.100:80").reals[("10.1.1.3", 8080)]
    assert (real.upper, real.lower) == (100, 50)
    assert "-x 100 -y 50" in "\n".join(fmt.save_lines(table))
    # exp3: thresholds above the man page's 65535 are real
    t3 = fmt.parse_thresholds(outputs_of("exp3.out", "ipvsadm -Ln --thresholds")[0])
    assert t3[("tcp", 4, "10.1.1.113", 80)][("10.1.1.3", 80)] == (70000, 0)
    assert t3[("tcp", 4, "10.1.1.113", 80)][("10.1.1.4", 80)] == (65535, 65535)


def test_stats_and_rate_rows() -> None:
    from clushell.ipvs.render import stats_rows

    stats = fmt.parse_list(outputs_of("scenario.out", "ipvsadm -Ln --stats --exact")[0])
    rows = stats_rows(stats)
    assert rows[0] == ("tcp:10.1.1.100:80", "12", "68", "46", "3662", "2566")
    assert rows[1] == ("  -> 10.10.1.2:80", "6", "34", "23", "1831", "1283")
    rate = fmt.parse_list(outputs_of("scenario.out", "ipvsadm -Ln --rate")[0])
    assert stats_rows(rate, ("tcp", 4, "10.1.1.100", 80))[0][1:] == ("1", "6", "4", "343", "241")
    fwm = fmt.parse_list(outputs_of("exp1.out", "ipvsadm -Ln --stats --exact")[0])
    assert [r.service_text for r in fwm if r.real is None][-2:] == ["FWM 1", "FWM 2 IPv6"]


def test_other_list_views_parse() -> None:
    for cmd in ("ipvsadm -Ln --persistent-conn", "ipvsadm -Ln --tun-info", "ipvsadm -Ln --nosort", "ipvsadm -L"):
        rows = fmt.parse_list(outputs_of("exp1.out", cmd)[0]) if cmd != "ipvsadm -L" else None
        if rows is not None:
            assert sum(1 for r in rows if r.real is None) == 16
    tun = fmt.parse_list(outputs_of("exp1.out", "ipvsadm -Ln --tun-info")[0])
    info = {r.real: r.values[1] for r in tun if r.real is not None}
    assert info[("10.1.1.12", 80)] == "gue:6080:+c" and info[("10.1.1.14", 80)] == "gue:6081:r+c"


def test_connections() -> None:
    conns = [fmt.parse_conns(o) for c, o, rc in runs("scenario.out") if c == "ipvsadm -Lnc"]
    assert conns and all(conns)
    last = conns[-1]
    v6 = [c for c in last if c.virtual == "[fd00::100]:80"]
    assert v6 and v6[0].destination.startswith("[fd00:10:")
    templates = [c for c in last if c.state == "ASSURED"]
    assert any(c.source.endswith(":0") for c in templates)
    assert fmt.host_of("[fd00:20::2]:56850") == "fd00:20::2" and fmt.host_of("10.20.0.2:0") == "10.20.0.2"
    assert fmt.parse_conns(outputs_of("exp1.out", "ipvsadm -Lnc")[0]) == []


def test_timeout_and_daemon() -> None:
    assert fmt.parse_timeout(outputs_of("exp1.out", "ipvsadm -Ln --timeout")[0]) == (900, 120, 300)
    assert fmt.parse_timeout(outputs_of("exp1.out", "ipvsadm -L --timeout")[-1]) == (900, 120, 60)
    daemons = [fmt.parse_daemon(o) for o in outputs_of("exp1.out", "ipvsadm -L --daemon")]
    assert daemons[0] == [] and daemons[-1] == []
    both = max(daemons, key=len)
    assert [d["state"] for d in both] == ["master", "backup"]
    assert both[0] == {"state": "master", "mcast": "dum0", "syncid": "5", "maxlen": "1472", "group": "224.0.0.81",
                       "port": "8848", "ttl": "1"}


def test_accepted_add_commands_parse_and_format_like_save() -> None:
    """Every -A/-a ipvsadm accepted in exp1 is accepted by our parser and yields the saved line."""
    runs1 = runs("exp1.out")
    saved = set(outputs_of("exp1.out", "ipvsadm -Sn")[0].splitlines())
    from clushell.ipvs.model import Table

    table = Table()
    for cmd, _out, rc in runs1:
        words = cmd.split()
        if rc != 0 or len(words) < 2 or words[1] not in ("-A", "-a"):
            continue
        fmt.add_rule(table, fmt.parse_rule(words))
    # -Sn drops the thresholds (-x 100 -y 50 was given); our save keeps them
    assert set(fmt.save_lines(table, thresholds=False)) == saved
    assert "-a -t 10.1.1.100:80 -r 10.1.1.3:8080 -m -w 2 -x 100 -y 50" in fmt.save_lines(table)


@pytest.mark.parametrize(
    "line, message",
    [
        ("-A -t 10.1.1.112:80 --pe foo", "unknown persistence engine"),
        ("-A -t 999.1.1.1:80", "bad tcp service address"),
        ("-A -t 10.1.1.75:80 # trailing", "unknown ipvsadm word '#'"),
        ('-A -t "10.1.1.77:80" -s "rr"', "bad tcp service address"),
        ("-A -t 10.1.1.1:0", "port 0 needs persistence"),
        ("-A -f 0", "bad firewall mark"),
        ("-A -t 10.1.1.9:80 -p 0", "bad persistent=0"),
        ("-A -t 10.1.1.9:80 -s sh -b bogus", "unknown scheduler flag 'bogus'"),
        ("-A -t 10.1.1.9:80 -b sh-port", "needs scheduler sh"),
        ("-A -t 10.1.1.9:80 -o", "only for udp and fwm"),
        ("-a -t 10.1.1.1:80 -r 10.1.1.2 -m -g", "multiple forwarding methods"),
        ("-a -t 10.1.1.1:80 -r 10.1.1.2 -w -5", "bad weight=-5"),
        ("-a -t 10.1.1.1:80 -r 10.1.1.2 -w 2147483648", "bad weight=2147483648"),
        ("-a -t 10.1.1.1:80 -r 10.1.1.2 -x 10 -y 20", "lower=20 is greater than upper=10"),
        ("-a -t 10.1.1.1:80 -r 10.1.1.2 -m --tun-type gue", "tun-type needs method=tun"),
        ("-a -t 10.1.1.1:80 -r 10.1.1.2 -i --tun-type gue", "needs tun-port"),
        ("-a -t 10.1.1.1:80 -r 10.1.1.2 -i --tun-type ipip --tun-port 5", "tun-port is only for gue"),
        ("-a -t 10.1.1.1:80 -r [fd00::2]:80 -m", "needs method=tun"),
        ("-a -t 10.1.1.1:80", "-a needs -r"),
    ],
)
def test_rejected_lines(line: str, message: str) -> None:
    from clushell.ipvs.model import Table, parse_service_spec

    table = Table()
    svc = parse_service_spec("tcp:10.1.1.1:80")
    table.services[svc.key] = svc
    with pytest.raises(IpvsError) as exc:
        fmt.add_rule(table, fmt.parse_rule(line.split()))
    assert message in exc.value.message
