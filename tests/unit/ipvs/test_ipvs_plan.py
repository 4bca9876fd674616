"""Model checks, plan order, the apply script's control flow and the commit/rollback logic.

The apply script is run by the real `sh` with a stand-in `ipvsadm` on PATH that records
its arguments (the real kernel tests are in test_ipvs_uml*.py).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from clushell.errors import ClushError, TransportError
from clushell.ipvs import apply
from clushell.ipvs.checks import apply_real_options, apply_service_options
from clushell.ipvs.ipvsadm import parse_rules, save_lines
from clushell.ipvs.model import IpvsError, Table, parse_service_spec
from clushell.ipvs.plan import Step, diff, table_diff
from clushell.transport.local import LocalRunner

BASE = """\
-A -t 10.1.1.100:80 -s rr -p 300
-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 3
-a -t 10.1.1.100:80 -r 10.1.1.3:80 -m -w 1 -x 100 -y 10
-A -u 10.1.1.101:53 -s wlc
-a -u 10.1.1.101:53 -r 10.1.1.4:53 -m -w 1
"""


def test_service_spec_forms() -> None:
    assert parse_service_spec("tcp:10.1.1.1:80").key == ("tcp", 4, "10.1.1.1", 80)
    assert parse_service_spec("udp:[FD00::0001]:53").key == ("udp", 6, "fd00::1", 53)
    assert parse_service_spec("sctp:10.1.1.1:3868").text == "sctp:10.1.1.1:3868"
    assert parse_service_spec("fwm:10").key == ("fwm", 4, 10)
    assert parse_service_spec("fwm6:7").text == "fwm6:7"
    for bad, msg in [("tcp:10.1.1.1", "port is required"), ("icmp:10.1.1.1:1", "unknown protocol"),
                     ("tcp:fd00::1:80", "bad tcp service"), ("fwm:0", "bad firewall mark"), ("tcp", "bad service"),
                     ("tcp:[10.1.1.1]:80", "brackets are for IPv6")]:
        with pytest.raises(IpvsError) as exc:
            parse_service_spec(bad)
        assert msg in exc.value.message and exc.value.token == bad


def test_edit_merges_instead_of_resetting() -> None:
    table = parse_rules(BASE)
    svc = table.get("tcp:10.1.1.100:80")
    edited = apply_service_options(svc, {"sched": "wrr"})
    assert (edited.sched, edited.persistent) == ("wrr", 300)
    real = svc.reals[("10.1.1.3", 80)]
    new = apply_real_options(svc, real, {"weight": "5"})
    assert (new.method, new.weight, new.upper, new.lower) == ("nat", 5, 100, 10)
    svc2 = table.copy().get("tcp:10.1.1.100:80")
    svc2.sched = "wrr"
    t2 = table.copy()
    t2.services[svc2.key] = svc2
    steps = diff(t2, table)
    # -E carries the full spec (persistence too): ipvsadm -E would reset it otherwise
    assert [s.line for s in steps] == ["-E -t 10.1.1.100:80 -s wrr -p 300"]


def test_dr_and_tun_reals_must_use_the_service_port() -> None:
    svc = parse_service_spec("tcp:10.1.1.100:80")
    # ipvsadm would silently use :80; staging says so instead
    for method in ("dr", "tun"):
        with pytest.raises(IpvsError, match=r"a (DR|TUN) real server uses the service port 80, not 8080 "
                                             r"\(write 10.1.1.9:80, or use method=nat to map ports\)"):
            _real(svc, "10.1.1.9:8080", {"method": method})
    assert _real(svc, "10.1.1.9", {}).port == 80  # no port: the service port
    assert _real(svc, "10.1.1.9:80", {"method": "tun"}).port == 80
    real = _real(svc, "10.1.1.9:8080", {"method": "nat"})
    assert real.port == 8080
    with pytest.raises(IpvsError, match="uses the service port 80, not 8080"):
        apply_real_options(svc, real, {"method": "dr"})
    fwm = parse_service_spec("fwm:10")  # fwmark services have no port of their own: any port goes
    assert _real(fwm, "10.1.1.9:8080", {"method": "dr"}).port == 8080


def _real(svc, spec, opts):
    from clushell.ipvs.checks import new_real

    return new_real(svc, spec, opts)


def test_plan_order_adds_edits_drains_deletes() -> None:
    current = parse_rules(BASE)
    desired = parse_rules(
        """\
-A -t 10.1.1.100:80 -s wrr -p 300
-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 0
-a -t 10.1.1.100:80 -r 10.1.1.5:80 -m -w 2
-A -f 10 -s rr -p 600
-a -f 10 -r 10.1.1.6:0 -g -w 1
"""
    )
    steps = diff(desired, current, drain_wait=5)
    assert [(s.phase, s.line) for s in steps] == [
        ("add-service", "-A -f 10 -s rr -p 600"),
        ("add-real", "-a -f 10 -r 10.1.1.6:0 -g -w 1"),
        ("edit-service", "-E -t 10.1.1.100:80 -s wrr -p 300"),
        ("add-real", "-a -t 10.1.1.100:80 -r 10.1.1.5:80 -m -w 2"),
        ("drain", "-e -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 0"),
        ("drain", "-e -t 10.1.1.100:80 -r 10.1.1.3:80 -m -w 0 -x 100 -y 10"),
        ("drain", "-e -u 10.1.1.101:53 -r 10.1.1.4:53 -m -w 0"),
        ("wait", "@@sleep 5"),
        ("delete-real", "-d -t 10.1.1.100:80 -r 10.1.1.3:80"),
        ("delete-service", "-D -u 10.1.1.101:53"),
    ]
    now = diff(desired, current, no_drain={("udp", 4, "10.1.1.101", 53)})
    assert "-e -u 10.1.1.101:53 -r 10.1.1.4:53 -m -w 0" not in [s.line for s in now]
    assert diff(current, current) == []
    assert "+-a -f 10 -r 10.1.1.6:0 -g -w 1" in table_diff(current, desired)


def test_cksum_matches_posix_cksum() -> None:
    for data in (b"", b"x", BASE.encode(), os.urandom(5000)):
        res = subprocess.run(["cksum"], input=data, capture_output=True, check=True)
        assert apply.cksum(data) == res.stdout.decode().strip()


FAKE_IPVSADM = """#!/bin/sh
# stand-in for ipvsadm: logs its argv, keeps a rules file as the "table"
echo "$*" >> "$FAKE_DIR/log"
case "$1" in
  -Sn) cat "$FAKE_DIR/table" ;;
  -Ln) cat "$FAKE_DIR/thr" 2>/dev/null ;;
  -R) while read -r l; do echo "R $l" >> "$FAKE_DIR/log"; done ;;
  *) case " $* " in *" twos "*) echo "Scheduler or persistence engine not found" >&2; exit 255 ;; esac ;;
esac
exit 0
"""


@pytest.fixture
def fake(tmp_path: Path) -> tuple[LocalRunner, Path]:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "ipvsadm").write_text(FAKE_IPVSADM)
    (bindir / "ipvsadm").chmod(0o755)
    (tmp_path / "table").write_text(BASE)
    runner = LocalRunner({"PATH": f"{bindir}:{os.environ['PATH']}", "FAKE_DIR": str(tmp_path)})
    return runner, tmp_path


def _log(d: Path) -> list[str]:
    return (d / "log").read_text().splitlines()


def test_script_runs_steps_in_order_and_stops_at_first_failure(fake) -> None:
    runner, d = fake
    steps = [Step("add-service", ("-A", "-t", "10.1.1.7:80", "-s", "rr"), "a"),
             Step("add-service", ("-A", "-t", "10.1.1.8:80", "-s", "twos"), "b"),
             Step("delete-service", ("-D", "-t", "10.1.1.7:80"), "c")]
    snap = apply.read_snapshot(runner)
    assert save_lines(snap.table) == BASE.splitlines()
    res = apply.run_round_trip(runner, steps, expect=snap.checksum)
    assert [rc for _, rc, _ in res.statuses] == [0, 255, None]
    assert "Scheduler or persistence engine not found" in res.statuses[1][2]
    assert not res.changed
    log = _log(d)
    assert "-D -t 10.1.1.7:80" not in log and "-A -t 10.1.1.7:80 -s rr" in log


def test_script_refuses_when_table_changed(fake) -> None:
    runner, d = fake
    snap = apply.read_snapshot(runner)
    (d / "table").write_text(BASE + "-A -t 10.9.9.9:80 -s rr\n")
    res = apply.run_round_trip(runner, [Step("add-service", ("-A", "-t", "10.1.1.7:80", "-s", "rr"), "a")],
                               expect=snap.checksum)
    assert res.changed and res.statuses[0][1] is None
    assert not any(line.startswith("-A") for line in _log(d))


def test_big_plans_use_one_restore(fake) -> None:
    runner, d = fake
    steps = [Step("add-service", ("-A", "-t", f"10.2.0.{i}:80", "-s", "rr"), "x") for i in range(1, 60)]
    res = apply.run_round_trip(runner, steps)
    assert res.restore_rc == 0
    log = _log(d)
    assert sum(1 for line in log if line.startswith("R -A")) == 59
    assert sum(1 for line in log if not line.startswith("R ")) == 3  # -R, -Sn, -Ln --thresholds


def test_unsafe_tokens_never_reach_a_shell(fake) -> None:
    runner, d = fake
    for tok in ("$(touch /tmp/x)", "a;b", "a b", "`id`", "x|y", "*"):
        with pytest.raises(ClushError):
            apply.run_round_trip(runner, [Step("add-service", ("-A", "-t", tok), "x")])
    assert not (d / "log").exists()


def test_transport_failure_is_not_an_ipvsadm_error() -> None:
    with pytest.raises(TransportError) as exc:
        apply.parse_output(255, "", "ssh: connect to host d9 port 22: Network is unreachable", [], restore=False,
                           where="root@d9")
    assert "root@d9" in exc.value.message and "Network is unreachable" in exc.value.message


class Recorder:
    """A runner that forwards to another and counts round trips."""

    def __init__(self, inner: LocalRunner):
        self.inner, self.where, self.calls = inner, "fake", 0

    def run(self, argv, **kw):
        self.calls += 1
        return self.inner.run(argv, **kw)

    def close(self) -> None:
        pass


def test_commit_failure_rolls_back_from_the_snapshot(fake) -> None:
    runner, d = fake
    rec = Recorder(runner)
    snap = apply.read_snapshot(rec)
    desired = snap.table.copy()
    svc = parse_service_spec("tcp:10.1.1.9:80")
    svc.sched = "twos"
    desired.services[svc.key] = svc
    desired.get("tcp:10.1.1.100:80").sched = "wrr"
    rec.calls = 0
    report = apply.commit(rec, desired, snap)
    assert not report.ok and "twos" in report.error
    assert rec.calls == 1  # the fake table does not change, so nothing needs rolling back
    assert report.rolled_back is True and report.rollback_steps == []


def test_commit_one_round_trip_and_noop(fake) -> None:
    runner, d = fake
    rec = Recorder(runner)
    snap = apply.read_snapshot(rec)
    rec.calls = 0
    report = apply.commit(rec, snap.table, snap)
    assert report.ok and report.steps == [] and rec.calls == 0
    assert Table() != snap.table
