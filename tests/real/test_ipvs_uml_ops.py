"""More ipvs behaviour against the real kernel in UML: a concurrent writer, the ipvsadm -R
fast path failing and rolling back, and the reading commands on a live table."""

from __future__ import annotations

import pytest

from tests.realenv.uml import Uml, UmlResult

pytestmark = pytest.mark.uml

# 50 services: big enough for the single `ipvsadm -R` path; the 30th has a scheduler the
# 6.1 kernel lacks, so -R fails in the middle (and goes on: it is not atomic)
BIG = "".join(
    f"-A -t 10.5.0.{i}:80 -s {'twos' if i == 30 else 'rr'}\n-a -t 10.5.0.{i}:80 -r 10.6.0.{i}:80 -m -w 1\n"
    for i in range(1, 51)
)

SCRIPT = r"""
c() { "$CLUSH" --no-color "$@"; }

# 1. someone else changes the table between clush's read and its commit
ipvsadm -C
ipvsadm -A -t 10.1.1.190:80 -s rr
mkfifo /tmp/fifo
c < /tmp/fifo > "$OUT/race.stdout" 2> "$OUT/race.stderr" &
pid=$!
exec 3> /tmp/fifo
printf 'ipvs\nservice add tcp:10.1.1.191:80 sched=rr\nshow\n' >&3
i=0; while ! grep -q 10.1.1.191 "$OUT/race.stdout" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
ipvsadm -A -t 10.1.1.192:80 -s wlc
printf 'commit\n' >&3
exec 3>&-
wait $pid; echo $? > "$OUT/race.rc"
ipvsadm -Sn > "$OUT/race.sn"

# 2. a 100-line plan goes through one ipvsadm -R; the kernel refuses line 59
ipvsadm -C
ipvsadm -A -t 10.1.1.200:80 -s rr
ipvsadm -Sn > "$OUT/big.before.sn"
c ipvs load "$OUT/big.rules" > "$OUT/big.stdout" 2> "$OUT/big.stderr"; echo $? > "$OUT/big.rc"
ipvsadm -Sn > "$OUT/big.after.sn"

# 3. reading commands on a live table
ipvsadm -C
c < "$OUT/setup.in" > /dev/null 2>&1
c ipvs stats tcp:10.1.1.210:80 > "$OUT/stats.stdout" 2>&1
c ipvs rate > "$OUT/rate.stdout" 2>&1
c ipvs conns tcp:10.1.1.210:80 state=ESTABLISHED > "$OUT/conns.stdout" 2>&1; echo $? > "$OUT/conns.rc"
c ipvs zero tcp:10.1.1.210:80 > "$OUT/zero.stdout" 2>&1; echo $? > "$OUT/zero.rc"
c ipvs show tcp:10.1.1.29:81 > "$OUT/show-missing.stdout" 2> "$OUT/show-missing.stderr"
echo $? > "$OUT/show-missing.rc"
c -y < "$OUT/staged.in" > "$OUT/staged.stdout" 2> "$OUT/staged.stderr"; echo $? > "$OUT/staged.rc"
c < "$OUT/staged.in" > /dev/null 2> "$OUT/staged-noyes.stderr"; echo $? > "$OUT/staged-noyes.rc"
ipvsadm -Sn > "$OUT/staged.sn"
c ipvs undrain tcp:10.1.1.210:80 10.1.1.91:80 > /dev/null 2> "$OUT/undrain.stderr"; echo $? > "$OUT/undrain.rc"
c ipvs timeout set 1 2 99999999 > /dev/null 2> "$OUT/timeout.stderr"; echo $? > "$OUT/timeout.rc"
c ipvs export ipvsadm > "$OUT/export.ipvsadm" 2>&1
c ipvs save > "$OUT/save.stdout" 2> "$OUT/save.stderr"

# 4. verify against a saved file; a process named keepalived makes status and commit warn
c ipvs save "$OUT/v.rules" > /dev/null 2>&1
c ipvs verify "$OUT/v.rules" > "$OUT/verify1.stdout" 2>&1; echo $? > "$OUT/verify1.rc"
ipvsadm -e -t 10.1.1.210:80 -r 10.1.1.92:80 -m -w 5
c ipvs verify "$OUT/v.rules" > "$OUT/verify2.stdout" 2> "$OUT/verify2.stderr"; echo $? > "$OUT/verify2.rc"
cp /bin/sleep /tmp/keepalived
/tmp/keepalived 60 & k=$!
c ipvs status > "$OUT/owner-status.stdout" 2> "$OUT/owner-status.stderr"
c ipvs real edit tcp:10.1.1.210:80 10.1.1.92:80 weight=6 > /dev/null 2> "$OUT/owner-commit.stderr"
kill $k

# 5. clear stages an empty table: reals drained first, then every service deleted
printf 'ipvs\nclear\ndiff\n' | c > "$OUT/clear.stdout" 2> "$OUT/clear.stderr"; echo $? > "$OUT/clear.rc"
ipvsadm -Sn > "$OUT/clear.sn"
"""

FILES = {
    "big.rules": BIG,
    "setup.in": """
ipvs
service add tcp:10.1.1.210:80 sched=wrr
real add tcp:10.1.1.210:80 10.1.1.91:80 method=nat weight=2 upper=50 lower=5
real add tcp:10.1.1.210:80 10.1.1.92:80 method=nat
""",
    "staged.in": """
ipvs
real edit tcp:10.1.1.210:80 10.1.1.92:80 weight=9
show
show @local tcp:10.1.1.210:80
refresh
show
diff
""",
}


@pytest.fixture(scope="module")
def ops(tmp_path_factory: pytest.TempPathFactory) -> UmlResult:
    uml = Uml(tmp_path_factory.mktemp("umlops"))
    result = uml.run(SCRIPT, name="ops", files=FILES)
    assert result.rc == 0, result.out
    return result


def test_concurrent_change_refuses_commit(ops: UmlResult) -> None:
    assert ops.file("race.rc").strip() == "1", ops.file("race.stderr")
    assert "changed by someone else" in ops.file("race.stderr")
    # nothing of ours was applied and the other writer's service survived
    assert ops.file("race.sn").splitlines() == ["-A -t 10.1.1.190:80 -s rr", "-A -t 10.1.1.192:80 -s wlc"]


def test_restore_fast_path_failure_is_verified_and_rolled_back(ops: UmlResult) -> None:
    assert ops.file("big.rc").strip() == "1"
    assert ops.file("big.after.sn") == ops.file("big.before.sn") == "-A -t 10.1.1.200:80 -s rr\n"
    out = ops.file("big.stdout")
    assert "sent (ipvsadm -R)" in out and "Scheduler or persistence engine not found" in out
    assert "verify: the table read back differs" in out
    assert "ipvsadm -R said: Scheduler or persistence engine not found" in ops.file("big.stderr")
    assert "table restored to the snapshot" in out


def test_reading_commands(ops: UmlResult) -> None:
    stats = ops.file("stats.stdout")
    assert "CONNS" in stats and "10.1.1.91:80" in stats and "tcp:10.1.1.210:80" in stats
    assert "CPS" in ops.file("rate.stdout")
    assert ops.file("conns.rc").strip() == "0" and "DESTINATION" in ops.file("conns.stdout")
    assert ops.file("zero.rc").strip() == "0"
    assert ops.file("show-missing.rc").strip() == "1"
    assert "no such service tcp:10.1.1.29:81" in ops.file("show-missing.stderr")


def test_show_staged_then_refresh(ops: UmlResult) -> None:
    assert ops.file("staged.rc").strip() == "0", ops.file("staged.stderr")
    out = ops.file("staged.stdout")
    assert "director local (staged, not committed)" in out
    first, _, after = out.partition("director local (staged, not committed)")
    assert "9" in after.splitlines()[3]  # the staged weight shows before commit
    assert "staged changes dropped" in ops.file("staged.stderr")
    assert "no pending changes" in ops.file("staged.stderr")
    # without -y a script may not drop staged changes
    assert ops.file("staged-noyes.rc").strip() == "1"
    assert "refresh would drop the pending changes (ipvs local: 1 ipvsadm step); commit first, or rerun with -y" \
        in ops.file("staged-noyes.stderr")
    assert "-a -t 10.1.1.210:80 -r 10.1.1.92:80 -m -w 1" in ops.file("staged.sn").splitlines()


def test_one_line_errors(ops: UmlResult) -> None:
    assert ops.file("undrain.rc").strip() == "1"
    assert "no remembered weight for 10.1.1.91:80" in ops.file("undrain.stderr")
    assert ops.file("timeout.rc").strip() == "1"
    assert "bad timeout '99999999'" in ops.file("timeout.stderr")


def test_export_ipvsadm_matches_save_with_thresholds(ops: UmlResult) -> None:
    assert ops.file("export.ipvsadm") == ops.file("save.stdout")
    assert "saving the table of local as it is now: 1 service, 2 real servers" in ops.file("save.stderr")
    assert "-a -t 10.1.1.210:80 -r 10.1.1.91:80 -m -w 2 -x 50 -y 5" in ops.file("save.stdout").splitlines()


def test_verify_against_a_saved_file(ops: UmlResult) -> None:
    assert ops.file("verify1.rc").strip() == "0" and "local: matches" in ops.file("verify1.stdout")
    assert ops.file("verify2.rc").strip() == "1"
    out = ops.file("verify2.stdout")
    assert "--a -t 10.1.1.210:80 -r 10.1.1.92:80 -m -w 1" in out
    assert "+-a -t 10.1.1.210:80 -r 10.1.1.92:80 -m -w 5" in out
    assert "differs" in ops.file("verify2.stderr")


def test_warns_when_keepalived_runs(ops: UmlResult) -> None:
    assert "keepalived is running" in ops.file("owner-status.stderr")
    assert "keepalived is running there and manages this table" in ops.file("owner-commit.stderr")


def test_clear(ops: UmlResult) -> None:
    assert ops.file("clear.rc").strip() == "0", ops.file("clear.stderr")
    cmds = [line for line in ops.file("clear.stdout").splitlines() if line.startswith("ipvsadm ")]
    assert cmds == [
        "ipvsadm -e -t 10.1.1.210:80 -r 10.1.1.91:80 -m -w 0 -x 50 -y 5",
        "ipvsadm -e -t 10.1.1.210:80 -r 10.1.1.92:80 -m -w 0",
        "ipvsadm -D -t 10.1.1.210:80",
    ]
    assert ops.file("clear.sn") == ""
