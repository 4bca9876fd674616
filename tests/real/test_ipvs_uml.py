"""The seed scenarios against a real IPVS kernel: clush runs inside user-mode-linux.

One boot runs every scenario (each starts from an empty table): the real `clush`
console script reads a scenario script on stdin, then `ipvsadm -Sn` and
`ipvsadm -Ln --thresholds` record what the kernel really holds. The tests below only
read those files.
"""

from __future__ import annotations

import json
import sys

import pytest

from tests.paths import BENCH
from tests.realenv.uml import Uml, UmlResult

pytestmark = pytest.mark.uml

SCENARIOS: dict[str, str] = {
    # NAT rr with two reals, then switched to wrr 3:1 (saving the table in between)
    "nat": """
ipvs
service add tcp:10.1.1.100:80 sched=rr
real add tcp:10.1.1.100:80 10.1.1.2:80 method=nat
real add tcp:10.1.1.100:80 10.1.1.3:8080 method=nat
commit
save /run/out/nat.mid
service edit tcp:10.1.1.100:80 sched=wrr
real edit tcp:10.1.1.100:80 10.1.1.2:80 weight=3
diff
commit
""",
    # DR wlc 2:1 (DR reals use the service port: written out, or left out)
    "dr": """
ipvs
service add tcp:10.1.1.110:80 sched=wlc
real add tcp:10.1.1.110:80 10.1.1.11:80 method=dr weight=2
real add tcp:10.1.1.110:80 10.1.1.12 method=dr weight=1
""",
    # TUN: ipip, gue with port and checksum, gre; thresholds
    "tun": """
ipvs
service add tcp:10.1.1.120:80 sched=rr
real add tcp:10.1.1.120:80 10.1.1.21 method=tun upper=100 lower=50
real add tcp:10.1.1.120:80 10.1.1.22 method=tun tun-type=gue tun-port=6080 tun-csum=csum
real add tcp:10.1.1.120:80 10.1.1.23 method=tun tun-type=gre
""",
    # persistence 600 on port 80, and port 0 (PCC); an edit keeps what it is not told
    "persist": """
ipvs
service add tcp:10.1.1.130:80 sched=rr persistent=600
real add tcp:10.1.1.130:80 10.1.1.31 method=dr
service add tcp:10.1.1.131:0 sched=lc persistent=600 netmask=255.255.255.0
real add tcp:10.1.1.131:0 10.1.1.32 method=dr
commit
service edit tcp:10.1.1.130:80 sched=wlc
drain tcp:10.1.1.130:80 10.1.1.31
undrain tcp:10.1.1.130:80 10.1.1.31
""",
    # fwmark 10 with two reals and -p 600; an IPv6 service too
    "fwm": """
ipvs
service add fwm:10 sched=rr persistent=600
real add fwm:10 10.1.1.41 method=dr
real add fwm:10 10.1.1.42 method=nat
service add tcp:[fd00::100]:80 sched=wlc
real add tcp:[fd00::100]:80 [fd00::2]:8080 method=nat weight=4
service add fwm6:7 sched=rr persistent=120 netmask=64
real add fwm6:7 [fd00::4] method=dr
""",
    # drain keeps the real at weight 0; undrain (in a later run) restores the weight it had
    "drain": """
ipvs
service add tcp:10.1.1.140:80 sched=wrr
real add tcp:10.1.1.140:80 10.1.1.51:80 method=nat weight=3
real add tcp:10.1.1.140:80 10.1.1.52:80 method=nat weight=1
commit
drain tcp:10.1.1.140:80 10.1.1.51:80
""",
    # delete drains first; --now does not; a service delete removes its reals
    "delete": """
ipvs
service add tcp:10.1.1.150:80 sched=rr
real add tcp:10.1.1.150:80 10.1.1.61:80 method=nat
real add tcp:10.1.1.150:80 10.1.1.62:80 method=nat
real add tcp:10.1.1.150:80 10.1.1.63:80 method=nat
service add udp:10.1.1.151:53 sched=rr
real add udp:10.1.1.151:53 10.1.1.64 method=nat
commit
real delete tcp:10.1.1.150:80 10.1.1.61:80
real delete tcp:10.1.1.150:80 10.1.1.62:80 --now
service delete udp:10.1.1.151:53
diff
""",
}

# a commit that fails half way (the 6.1 kernel has no `twos` scheduler) must leave the
# previous table intact; and bad input is refused before anything runs
FAIL_SETUP = """
ipvs
service add tcp:10.1.1.160:80 sched=rr
real add tcp:10.1.1.160:80 10.1.1.71:80 method=nat weight=2
"""
FAIL_COMMIT = """
ipvs
service add tcp:10.1.1.161:80 sched=rr
real add tcp:10.1.1.161:80 10.1.1.72:80 method=nat
service edit tcp:10.1.1.160:80 sched=wrr
real edit tcp:10.1.1.160:80 10.1.1.71:80 weight=5
service add tcp:10.1.1.162:80 sched=twos
commit
"""
BAD_INPUT = """
ipvs
service add tcp:10.1.1.999:80
service add tcp:10.1.1.170:80 sched=foo
service add tcp:10.1.1.170:99999
service add tcp:10.1.1.170:0
service add tcp:10.1.1.160:80
service edit tcp:10.1.1.171:80 sched=rr
real add tcp:10.1.1.160:80 10.1.1.73 weight=2147483648
real add tcp:10.1.1.160:80 10.1.1.73 weight=-1
real add tcp:10.1.1.160:80 10.1.1.73 upper=10 lower=20
real add tcp:10.1.1.160:80 10.1.1.73 method=nat tun-port=6080
real add tcp:10.1.1.171:80 10.1.1.73
real add tcp:10.1.1.160:80 10.1.1.71:80
service add tcp:10.1.1.172:80 sched=sh flags=mh-port
"""
N_BAD = 13
KEEPALIVED = """
virtual_server 10.1.1.180 80 {
    lvs_sched wrr
    lvs_method DR
    protocol TCP
    real_server 10.1.1.81 80 {
        weight 2
        TCP_CHECK { connect_timeout 3 }
    }
    real_server 10.1.1.82 80 { weight 1 }
}
"""
IMPORT = """
ipvs
import keepalived /run/out/keepalived.conf
diff
commit
"""
IMPORT_REPLACE = """
ipvs
import keepalived /run/out/keepalived.conf replace
commit
"""
# a table planned offline (no kernel touched), then put on this director and copied back
PLAN = """
ipvs
service add tcp:10.1.1.230:80 sched=wrr
real add tcp:10.1.1.230:80 10.1.1.31:80 method=nat weight=3
real add tcp:10.1.1.230:80 10.1.1.32:80 method=nat upper=100 lower=10
service add fwm:23 sched=rr persistent=120
real add fwm:23 10.1.1.33 method=dr
diff
commit
"""
MISC = """
ipvs
timeout set 800 100 200
timeout
daemon start master dum0 syncid=7
daemon show
daemon stop master
"""

RUN_ONE = """
run() {
  name=$1
  ipvsadm -C
  "$CLUSH" --no-color < "$OUT/$name.in" > "$OUT/$name.stdout" 2> "$OUT/$name.stderr"
  echo $? > "$OUT/$name.rc"
  ipvsadm -Sn > "$OUT/$name.sn" 2>&1
  ipvsadm -Ln --thresholds > "$OUT/$name.thr" 2>&1
}
"""

SCRIPT = (
    RUN_ONE
    + "".join(f"run {name}\n" for name in SCENARIOS if name != "drain")
    + """
# drain in one run, undrain in another (the weight is remembered in a state file)
run drain
cp "$OUT/drain.sn" "$OUT/drain.mid"
"$CLUSH" --no-color ipvs undrain tcp:10.1.1.140:80 10.1.1.51:80 > "$OUT/undrain.stdout" 2>&1
echo $? > "$OUT/undrain.rc"
ipvsadm -Sn > "$OUT/drain.sn"

# save -> clear -> load round trip (thresholds included), on the tun+persist tables
ipvsadm -C
"$CLUSH" --no-color -f "$OUT/tun.in" > /dev/null 2>&1
"$CLUSH" --no-color -f "$OUT/persist.in" > /dev/null 2>&1
"$CLUSH" --no-color ipvs save "$OUT/roundtrip.rules" > "$OUT/save.stdout" 2>&1
ipvsadm -Sn > "$OUT/roundtrip.before.sn"; ipvsadm -Ln --thresholds > "$OUT/roundtrip.before.thr"
ipvsadm -C
ipvsadm -Sn > "$OUT/roundtrip.cleared.sn"
"$CLUSH" --no-color ipvs load "$OUT/roundtrip.rules" > "$OUT/load.stdout" 2> "$OUT/load.stderr"
echo $? > "$OUT/load.rc"
ipvsadm -Sn > "$OUT/roundtrip.after.sn"; ipvsadm -Ln --thresholds > "$OUT/roundtrip.after.thr"
# loading the same file again changes nothing
"$CLUSH" --no-color ipvs load "$OUT/roundtrip.rules" > "$OUT/load2.stdout" 2> "$OUT/load2.stderr"

# failing commit: set up, then a plan whose last add fails in the kernel
ipvsadm -C
"$CLUSH" --no-color < "$OUT/failsetup.in" > /dev/null 2>&1
ipvsadm -Sn > "$OUT/fail.before.sn"
"$CLUSH" --no-color < "$OUT/failcommit.in" > "$OUT/fail.stdout" 2> "$OUT/fail.stderr"
echo $? > "$OUT/fail.rc"
ipvsadm -Sn > "$OUT/fail.after.sn"

# bad input: every line refused, nothing committed
"$CLUSH" --no-color --continue-on-error < "$OUT/bad.in" > "$OUT/bad.stdout" 2> "$OUT/bad.stderr"
echo $? > "$OUT/bad.rc"
ipvsadm -Sn > "$OUT/bad.after.sn"

# show / stats / status / timeout / daemon through clush on the live table
"$CLUSH" --no-color ipvs show > "$OUT/show.stdout" 2>&1
"$CLUSH" --no-color ipvs stats tcp:10.1.1.160:80 > "$OUT/stats.stdout" 2>&1
"$CLUSH" --no-color ipvs status > "$OUT/status.stdout" 2>&1
"$CLUSH" --no-color < "$OUT/misc.in" > "$OUT/misc.stdout" 2> "$OUT/misc.stderr"
echo $? > "$OUT/misc.rc"
# the sync daemon's interface must exist on the director (ipvsadm would only say 'No such device')
"$CLUSH" --no-color ipvs daemon start backup nosuch0 > /dev/null 2> "$OUT/daemon-bad.stderr"
echo $? > "$OUT/daemon-bad.rc"
ipvsadm -L --daemon > "$OUT/daemon-bad.after"
"$CLUSH" --no-color ipvs export keepalived > "$OUT/export.keepalived" 2>&1
"$CLUSH" --no-color ipvs export ldirectord > "$OUT/export.ldirectord" 2>&1

# import a keepalived.conf into the staged table and commit it over the live one
"$CLUSH" --no-color < "$OUT/import.in" > "$OUT/import.stdout" 2> "$OUT/import.stderr"
echo $? > "$OUT/import.rc"
ipvsadm -Sn > "$OUT/import.sn"
# import ... replace removes the other services: a script needs -y
"$CLUSH" --no-color < "$OUT/import_replace.in" > "$OUT/replace1.stdout" 2> "$OUT/replace1.stderr"
echo $? > "$OUT/replace1.rc"
ipvsadm -Sn > "$OUT/replace1.sn"
"$CLUSH" --no-color -y < "$OUT/import_replace.in" > "$OUT/replace2.stdout" 2> "$OUT/replace2.stderr"
echo $? > "$OUT/replace2.rc"
ipvsadm -Sn > "$OUT/replace2.sn"

# offline planning: stage and commit into a file, sync it to this director, and back into another file
ipvsadm -C
ipvsadm -A -t 10.1.1.240:80 -s rr
"$CLUSH" --no-color --ipvs-file "$OUT/plan.rules" < "$OUT/plan.in" > "$OUT/plan.stdout" 2> "$OUT/plan.stderr"
echo $? > "$OUT/plan.rc"
ipvsadm -Sn > "$OUT/plan.kernel.sn"
"$CLUSH" --no-color --ipvs-file "$OUT/plan.rules" ipvs sync @file @local > "$OUT/sync1.stdout" 2> "$OUT/sync1.stderr"
echo $? > "$OUT/sync1.rc"
ipvsadm -Sn > "$OUT/sync1.sn"; ipvsadm -Ln --thresholds > "$OUT/sync1.thr"
ipvsadm -e -t 10.1.1.230:80 -r 10.1.1.31:80 -m -w 7
"$CLUSH" --no-color --ipvs-file "$OUT/back.rules" ipvs sync @local @file > "$OUT/sync2.stdout" 2> "$OUT/sync2.stderr"
echo $? > "$OUT/sync2.rc"

# the benchmark: 200x4 commit, then one real changed
"$PYTHON" "$BENCH" --inside --json "$OUT/bench.json" > "$OUT/bench.stdout" 2>&1
"""
)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> UmlResult:
    uml = Uml(tmp_path_factory.mktemp("uml"))
    files = {f"{name}.in": text for name, text in SCENARIOS.items()}
    files.update({"failsetup.in": FAIL_SETUP, "failcommit.in": FAIL_COMMIT, "bad.in": BAD_INPUT, "misc.in": MISC})
    files.update({"import.in": IMPORT, "keepalived.conf": KEEPALIVED, "import_replace.in": IMPORT_REPLACE,
                  "plan.in": PLAN})
    bench = BENCH / "bench_ipvs.py"
    script = f'PYTHON="{sys.executable}"\nBENCH="{bench}"\n' + SCRIPT
    result = uml.run(script, name="seeds", files=files)
    assert result.rc == 0, result.out
    return result


def sn(res: UmlResult, name: str) -> list[str]:
    return res.file(name).splitlines()


def check_ok(res: UmlResult, name: str) -> None:
    assert res.file(f"{name}.rc").strip() == "0", res.file(f"{name}.stderr")


def test_nat_rr_then_wrr_3_to_1(seeds: UmlResult) -> None:
    check_ok(seeds, "nat")
    assert seeds.file("nat.mid").splitlines() == [
        "-A -t 10.1.1.100:80 -s rr",
        "-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 1",
        "-a -t 10.1.1.100:80 -r 10.1.1.3:8080 -m -w 1",
    ]
    assert sn(seeds, "nat.sn") == [
        "-A -t 10.1.1.100:80 -s wrr",
        "-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 3",
        "-a -t 10.1.1.100:80 -r 10.1.1.3:8080 -m -w 1",
    ]
    out = seeds.file("nat.stdout")
    # the plan: -E with the full spec, then -e with the full spec; nothing else
    assert "ipvsadm -E -t 10.1.1.100:80 -s wrr" in out
    assert "ipvsadm -e -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 3" in out
    assert "2 steps" in out


def test_dr_wlc_2_to_1(seeds: UmlResult) -> None:
    check_ok(seeds, "dr")
    assert sn(seeds, "dr.sn") == [
        "-A -t 10.1.1.110:80 -s wlc",
        "-a -t 10.1.1.110:80 -r 10.1.1.11:80 -g -w 2",
        "-a -t 10.1.1.110:80 -r 10.1.1.12:80 -g -w 1",
    ]


def test_tun_with_types_and_thresholds(seeds: UmlResult) -> None:
    check_ok(seeds, "tun")
    assert sn(seeds, "tun.sn") == [
        "-A -t 10.1.1.120:80 -s rr",
        "-a -t 10.1.1.120:80 -r 10.1.1.21:80 -i -w 1 --tun-type ipip",
        "-a -t 10.1.1.120:80 -r 10.1.1.22:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum",
        "-a -t 10.1.1.120:80 -r 10.1.1.23:80 -i -w 1 --tun-type gre --tun-nocsum",
    ]
    assert any(line.split()[1:3] == ["10.1.1.21:80", "100"] and line.split()[3] == "50"
               for line in seeds.file("tun.thr").splitlines())


def test_persistence_port_80_and_port_0(seeds: UmlResult) -> None:
    check_ok(seeds, "persist")
    assert "expire_quiescent_template=0" in seeds.file("persist.stderr")
    assert sn(seeds, "persist.sn") == [
        "-A -t 10.1.1.130:80 -s wlc -p 600",  # the edit kept persistence
        "-a -t 10.1.1.130:80 -r 10.1.1.31:80 -g -w 1",
        "-A -t 10.1.1.131:0 -s lc -p 600 -M 255.255.255.0",
        "-a -t 10.1.1.131:0 -r 10.1.1.32:0 -g -w 1",
    ]


def test_fwmark_with_persistence_and_ipv6(seeds: UmlResult) -> None:
    check_ok(seeds, "fwm")
    assert sn(seeds, "fwm.sn") == [
        "-A -t [fd00::100]:80 -s wlc",
        "-a -t [fd00::100]:80 -r [fd00::2]:8080 -m -w 4",
        "-A -f 7 -6 -s rr -p 120 -M 64",
        "-a -f 7 -6 -r [fd00::4]:0 -g -w 1",
        "-A -f 10 -s rr -p 600",
        "-a -f 10 -r 10.1.1.41:0 -g -w 1",
        "-a -f 10 -r 10.1.1.42:0 -m -w 1",
    ]


def test_drain_keeps_real_at_weight_0_and_undrain_restores(seeds: UmlResult) -> None:
    check_ok(seeds, "drain")
    assert seeds.file("undrain.rc").strip() == "0", seeds.file("undrain.stdout")
    assert "-a -t 10.1.1.140:80 -r 10.1.1.51:80 -m -w 0" in seeds.file("drain.mid").splitlines()
    assert "-a -t 10.1.1.140:80 -r 10.1.1.51:80 -m -w 3" in sn(seeds, "drain.sn")


def test_delete_drains_first_unless_now(seeds: UmlResult) -> None:
    check_ok(seeds, "delete")
    out = seeds.file("delete.stdout").splitlines()
    cmds = [line for line in out if line.startswith("ipvsadm ")]
    assert cmds == [
        "ipvsadm -e -t 10.1.1.150:80 -r 10.1.1.61:80 -m -w 0",
        "ipvsadm -e -u 10.1.1.151:53 -r 10.1.1.64:53 -m -w 0",
        "ipvsadm -d -t 10.1.1.150:80 -r 10.1.1.61:80",
        "ipvsadm -d -t 10.1.1.150:80 -r 10.1.1.62:80",
        "ipvsadm -D -u 10.1.1.151:53",
    ]
    assert sn(seeds, "delete.sn") == ["-A -t 10.1.1.150:80 -s rr", "-a -t 10.1.1.150:80 -r 10.1.1.63:80 -m -w 1"]


def test_save_clear_load_round_trip_keeps_thresholds(seeds: UmlResult) -> None:
    before = seeds.file("roundtrip.before.sn")
    assert "10.1.1.120:80" in before and "10.1.1.131:0" in before
    assert seeds.file("roundtrip.cleared.sn") == ""
    assert seeds.file("load.rc").strip() == "0", seeds.file("load.stderr")
    assert seeds.file("roundtrip.after.sn") == before
    assert seeds.file("roundtrip.after.thr") == seeds.file("roundtrip.before.thr")
    assert "-x 100 -y 50" in seeds.file("roundtrip.rules")
    assert "no changes" in seeds.file("load2.stderr")


def test_failed_commit_rolls_back_to_previous_table(seeds: UmlResult) -> None:
    before = seeds.file("fail.before.sn")
    assert before.splitlines() == ["-A -t 10.1.1.160:80 -s rr", "-a -t 10.1.1.160:80 -r 10.1.1.71:80 -m -w 2"]
    assert seeds.file("fail.rc").strip() == "1"
    assert seeds.file("fail.after.sn") == before
    report = seeds.file("fail.stdout")
    assert "ipvsadm -A -t 10.1.1.161:80 -s rr: ok" in report
    assert "ipvsadm -A -t 10.1.1.162:80 -s twos: FAILED (rc 255: Scheduler or persistence engine not found)" in report
    assert "ipvsadm -E -t 10.1.1.160:80 -s wrr: not run" in report
    assert "table restored to the snapshot" in report
    err = seeds.file("fail.stderr")
    assert "ERROR:" in err and "twos" in err and "Traceback" not in err


def test_bad_input_refused_with_one_line_each(seeds: UmlResult) -> None:
    assert seeds.file("bad.rc").strip() == "1"
    errors = [line for line in seeds.file("bad.stderr").splitlines() if line.startswith("ERROR:")]
    assert len(errors) == N_BAD, seeds.file("bad.stderr")
    text = "\n".join(errors)
    for expected in ("bad tcp service address '10.1.1.999'", "sched: 'foo' is not one of rr, wrr",
                     "bad tcp service port '99999'",
                     "port 0 needs persistence", "already exists", "no such service tcp:10.1.1.171:80",
                     "bad weight=2147483648", "bad weight=-1", "lower=20 is greater than upper=10",
                     "tun-port needs method=tun", "needs scheduler mh"):
        assert expected in text
    assert "Traceback" not in seeds.file("bad.stderr")
    assert seeds.file("bad.after.sn") == seeds.file("fail.after.sn")


def test_show_stats_status_timeout_daemon(seeds: UmlResult) -> None:
    show = seeds.file("show.stdout")
    assert "tcp:10.1.1.160:80" in show and "10.1.1.71:80" in show and "nat" in show
    stats = seeds.file("stats.stdout")
    assert "CONNS" in stats and "10.1.1.71:80" in stats and "10.1.1.160:80" in stats
    status = seeds.file("status.stdout")
    assert "services: 1" in status and "timeouts: tcp" in status
    assert seeds.file("misc.rc").strip() == "0", seeds.file("misc.stderr")
    misc = seeds.file("misc.stdout")
    assert "tcp 800  tcpfin 100  udp 200" in misc
    assert "master" in misc and "mcast=dum0" in misc and "syncid=7" in misc
    assert seeds.file("daemon-bad.rc").strip() == "1"
    assert "daemon: local has no network interface 'nosuch0'" in seeds.file("daemon-bad.stderr")
    assert "backup" not in seeds.file("daemon-bad.after")


def test_export_formats_from_live_table(seeds: UmlResult) -> None:
    ka = seeds.file("export.keepalived")
    assert "virtual_server 10.1.1.160 80 {" in ka and "lvs_method NAT" in ka and "protocol TCP" in ka
    ld = seeds.file("export.ldirectord")
    assert "virtual=10.1.1.160:80" in ld and "real=10.1.1.71:80 masq 2" in ld


IMPORTED = ["-A -t 10.1.1.180:80 -s wrr", "-a -t 10.1.1.180:80 -r 10.1.1.81:80 -g -w 2",
            "-a -t 10.1.1.180:80 -r 10.1.1.82:80 -g -w 1"]


def test_import_keepalived_merges_into_a_director_with_other_services(seeds: UmlResult) -> None:
    assert seeds.file("import.rc").strip() == "0", seeds.file("import.stderr")
    # the director's other service stays; the imported one is added
    assert seeds.file("import.sn").splitlines() == [
        "-A -t 10.1.1.160:80 -s rr", "-a -t 10.1.1.160:80 -r 10.1.1.71:80 -m -w 2", *IMPORTED]
    assert "ipvsadm -D" not in seeds.file("import.stdout")
    assert ("imported from /run/out/keepalived.conf: 1 service, 2 real servers, 0 skipped items"
            in seeds.file("import.stderr"))


def test_import_replace_lists_what_goes_and_needs_yes(seeds: UmlResult) -> None:
    assert seeds.file("replace1.rc").strip() == "1"
    assert "import replace removes from local: tcp:10.1.1.160:80" in seeds.file("replace1.stdout")
    assert "rerun with -y" in seeds.file("replace1.stderr")
    assert seeds.file("replace1.sn") == seeds.file("import.sn")
    assert seeds.file("replace2.rc").strip() == "0", seeds.file("replace2.stderr")
    assert seeds.file("replace2.sn").splitlines() == IMPORTED
    assert "ipvs local: committed" in seeds.file("replace2.stderr")


PLANNED = ["-A -t 10.1.1.230:80 -s wrr", "-a -t 10.1.1.230:80 -r 10.1.1.31:80 -m -w 3",
           "-a -t 10.1.1.230:80 -r 10.1.1.32:80 -m -w 1 -x 100 -y 10", "-A -f 23 -s rr -p 120",
           "-a -f 23 -r 10.1.1.33:0 -g -w 1"]


def test_offline_plan_commits_to_the_file_only(seeds: UmlResult) -> None:
    assert seeds.file("plan.rc").strip() == "0", seeds.file("plan.stderr")
    assert "ipvsadm -A -t 10.1.1.230:80 -s wrr" in seeds.file("plan.stdout")  # diff shows the commands
    assert seeds.file("plan.rules").splitlines() == PLANNED
    assert seeds.file("plan.kernel.sn").splitlines() == ["-A -t 10.1.1.240:80 -s rr"]  # kernel untouched


def test_sync_file_to_director_and_back(seeds: UmlResult) -> None:
    assert seeds.file("sync1.rc").strip() == "0", seeds.file("sync1.stderr")
    assert "local: synced" in seeds.file("sync1.stdout")
    # -Sn leaves the thresholds out; they are read from --thresholds
    assert seeds.file("sync1.sn").splitlines() == [line.replace(" -x 100 -y 10", "") for line in PLANNED]
    assert any(line.split()[1:4] == ["10.1.1.32:80", "100", "10"] for line in seeds.file("sync1.thr").splitlines())
    assert seeds.file("sync2.rc").strip() == "0", seeds.file("sync2.stderr")
    assert seeds.file("back.rules").splitlines() == [PLANNED[0], "-a -t 10.1.1.230:80 -r 10.1.1.31:80 -m -w 7",
                                                     *PLANNED[2:]]


def test_bench_one_real_change_is_one_round_trip(seeds: UmlResult) -> None:
    data = json.loads(seeds.file("bench.json") or "{}")
    assert data, seeds.file("bench.stdout")
    full, one = data["full_commit"], data["one_real_change"]
    assert (full["services"], full["reals"]) == (200, 800)
    assert full["round_trips"] == 1 and full["ipvsadm_processes"] == 4  # one ipvsadm -R, not 1000 processes
    assert one["round_trips"] == 1 and one["plan_ipvsadm_commands"] == 1 and one["ipvsadm_processes"] == 4
