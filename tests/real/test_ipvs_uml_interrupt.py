"""Ctrl-C at different instants of an ipvs commit on the real kernel (UML): what clush says
matches what the table then holds (applied, or nothing changed: steps made before the interrupt
are undone), never a traceback or a half-applied table left unsaid."""

from __future__ import annotations

import pytest

from tests.realenv.uml import Uml, UmlResult

pytestmark = pytest.mark.uml

# 600 services with a real server each (> RESTORE_THRESHOLD steps: one ipvsadm -R), and 15
# (one ipvsadm per step): both ways of committing get interrupted
BIG = "".join(f"-A -t 10.7.{i // 200}.{i % 200 + 1}:80 -s rr\n-a -t 10.7.{i // 200}.{i % 200 + 1}:80 "
              f"-r 10.8.{i // 200}.{i % 200 + 1}:80 -m -w 1\n" for i in range(600))
SMALL = "".join(f"-A -t 10.7.5.{i}:80 -s rr\n-a -t 10.7.5.{i}:80 -r 10.8.5.{i}:80 -m -w 1\n" for i in range(1, 16))
DELAYS = ("0", "0.01", "0.03", "0.06", "0.1", "0.15", "0.2", "0.3", "0.5", "0.8")
LAST = {"big": "10.7.2.200", "small": "10.7.5.15"}

SCRIPT = r"""
SIGDFL='import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])'
# run in the background (a subshell that exec's clush: $! is clush), with SIGINT as a terminal gives it:
# the script's own start may ignore it, and every child inherits that
c() { exec python3 -c "$SIGDFL" "$CLUSH" --no-color "$@"; }
trial() {  # NAME RULES LAST DELAY
  ipvsadm -C
  ipvsadm -A -t 10.7.9.1:80 -s rr
  ipvsadm -Sn > "$OUT/$1.before.sn"
  rm -f /tmp/fifo; mkfifo /tmp/fifo
  c < /tmp/fifo > "$OUT/$1.stdout" 2> "$OUT/$1.stderr" &
  pid=$!
  exec 3> /tmp/fifo
  printf 'ipvs\nimport ipvsadm %s\nshow\n' "$OUT/$2" >&3
  i=0; while ! grep -q "$3" "$OUT/$1.stdout" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done
  printf 'commit\n' >&3
  sleep "$4"
  kill -INT $pid
  exec 3>&-
  wait $pid; echo $? > "$OUT/$1.rc"
  ipvsadm -Sn > "$OUT/$1.sn"
}
"""
SCRIPT += "".join(f'trial {kind}{d} {kind}.rules {LAST[kind]} {d}\n' for kind in ("big", "small") for d in DELAYS)


@pytest.fixture(scope="module")
def trials(tmp_path_factory: pytest.TempPathFactory) -> UmlResult:
    uml = Uml(tmp_path_factory.mktemp("umlint"))
    result = uml.run(SCRIPT, name="interrupt", files={"big.rules": BIG, "small.rules": SMALL}, timeout=400)
    assert result.rc == 0, result.out
    return result


@pytest.mark.parametrize("kind", ["big", "small"])
def test_what_is_said_is_what_the_table_holds(trials: UmlResult, kind: str) -> None:
    rules = BIG if kind == "big" else SMALL
    wanted = {line.split()[2] for line in rules.splitlines() if line.startswith("-A")}
    seen = set()
    for d in DELAYS:
        name = f"{kind}{d}"
        err, table = trials.file(f"{name}.stderr"), trials.file(f"{name}.sn")
        before = trials.file(f"{name}.before.sn")
        where = f"Ctrl-C {d} s after commit: {err}\n{table}"
        assert "Traceback" not in err and "internal error" not in err, where
        services = {line.split()[2] for line in table.splitlines() if line.startswith("-A")}
        complete = wanted <= services and "10.7.9.1:80" in services  # (import merges)
        if "interrupted, but the change was applied" in err or "committed" in err:
            assert complete, where
            seen.add("applied")
        elif "nothing was changed" in err:
            assert table == before, where
            seen.add("nothing")
        elif "interrupted midway" in err:
            assert table != before and not complete, where
            seen.add("midway")
        else:
            pytest.fail(f"clush did not say what the table holds: {where}")
        assert trials.file(f"{name}.rc").strip() in ("0", "130"), where
    assert seen - {"applied"}, f"no trial was interrupted before the commit was done: {seen}"
