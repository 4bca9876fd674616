#!/usr/bin/env python3
"""configure at scale: clush beside Pacemaker's own floor, pcs and crm, on a CIB file and live.

usage: sudo .venv/bin/python bench/bench_configure.py [--sizes 4000,16000] [--runs 3]
       [--targets file,live] [--tool-timeout 60] [--no-pcs] [--no-crm] [--json FILE]

CIBs from gen_cib.py: N primitives, N/4 groups, N/4 location, colocation and order
constraints. Per size and target (a CIB file; a live single-node cluster of our own, see
privcluster.py), median wall time of --runs runs after one warm-up:
  show one    `configure show ID`
  show all    `configure show`
  add+commit  `configure primitive benchnew ocf:pacemaker:Dummy` (one-shot: commits on leaving)
  set+commit  `configure set ID.state VALUE` (a change to an existing object)
with clush's own peak RSS, and the floor measured in the same run, alternating with clush:
crm_verify on the new CIB plus the one cibadmin call that applies it (--create for add, a
versioned --patch for set; --modify shown beside it). pcs (`pcs -f FILE resource create|update`,
`resource config ID`, `config`; live without -f) is installed from Debian when missing, or its
columns are skipped with the reason; crm runs once per figure. Both are killed after
--tool-timeout (and then not run at a bigger size); a run over 10 s is not repeated. Then
completion: the REPL's engine in-process (p99 over --rounds) and `clush __complete` (median
of --shell-runs new processes). Last, each figure's ratio 16000/4000 (linear growth: <= 4)
and the targets at the biggest size.
clush runs from the tree this file is in: to measure a commit while others edit the working
tree, `git archive COMMIT | tar -x -C DIR` and run DIR/bench/bench_configure.py.
Benchmarks are never timed tests: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchrun  # noqa: E402
import gen_cib  # noqa: E402
import privcluster  # noqa: E402
import report  # noqa: E402
from benchrun import Sample, timed  # noqa: E402

OPS = ("show one", "show all", "add+commit", "set+commit")
NEW = "benchnew"
AGENT = "ocf:pacemaker:Dummy"


class FileTarget:
    name = "file"
    prefix: list[str] = []

    def __init__(self, tmp: Path):
        self.tmp, self.work = tmp, tmp / "work.xml"

    def setup(self, n: int, xml: str) -> None:
        self.base = self.tmp / f"cib-{n}.xml"
        self.base.write_text(xml)

    def fresh(self) -> None:
        shutil.copy(self.base, self.work)

    def env(self, base: dict[str, str]) -> dict[str, str]:
        return {**base, "CIB_file": str(self.work)}

    def pcs(self) -> list[str]:
        return ["pcs", "-f", str(self.work)]

    def cib(self) -> bytes:
        return self.work.read_bytes()

    def has(self, needle: str) -> bool:
        return needle.encode() in self.work.read_bytes()


class LiveTarget:
    name = "live"

    def __init__(self, cluster: privcluster.PrivateCluster):
        self.cluster = cluster
        self.prefix = cluster.enter

    def setup(self, n: int, xml: str) -> None:
        self.cluster.load(xml)

    def fresh(self) -> None:
        if self.cluster.run(["cibadmin", "-Q", "--xpath", f"//primitive[@id='{NEW}']"]).returncode == 0:
            self.cluster.run(["cibadmin", "-D", "--xpath", f"//primitive[@id='{NEW}']"])
        self.cluster.wait_idle()

    def env(self, base: dict[str, str]) -> dict[str, str]:
        return base

    def pcs(self) -> list[str]:
        return ["pcs"]

    def cib(self) -> bytes:
        return self.cluster.run(["cibadmin", "-Q"]).stdout.encode()

    def has(self, needle: str) -> bool:
        return needle in self.cluster.run(["cibadmin", "-Q", "--scope", "configuration"]).stdout


def tool_argv(tool: str, target, op: str, mid: str, value: str) -> list[str]:
    words = {"show one": ["show", mid], "show all": ["show"], "add+commit": ["primitive", NEW, AGENT],
             "set+commit": ["set", f"{mid}.state", value]}[op]
    if tool == "pcs":
        words = {"show one": ["resource", "config", mid], "show all": ["config"],
                 "add+commit": ["resource", "create", NEW, AGENT],
                 "set+commit": ["resource", "update", mid, f"state={value}"]}[op]
        return [*target.prefix, *target.pcs(), *words]
    return [*target.prefix, *TOOLS[tool], "configure", *words]


def succeeded(target, op: str, value: str, sample: Sample) -> bool:
    if sample.rc != 0:
        return False
    if op == "add+commit":
        return target.has(f'id="{NEW}"')
    if op == "set+commit":
        return target.has(value)
    return True


TOOLS: dict[str, list[str]] = {}


class Floor:
    """crm_verify on the new CIB + the one cibadmin call that applies it, prepared outside the timing."""

    def __init__(self, target, tmp: Path, env: dict[str, str], n: int, mid: str):
        self.target, self.tmp, self.env, self.mid = target, tmp, env, mid
        self.nvpair = f"{mid}-instance_attributes-state"

    def prepare_add(self) -> None:
        """From clush's own result (just committed by its warm-up run): the new CIB and the new element."""
        from lxml import etree

        doc = etree.fromstring(self.target.cib())
        el = doc.find(f".//primitive[@id='{NEW}']")
        self.element = etree.tostring(el).decode()
        (self.tmp / "new-add.xml").write_bytes(etree.tostring(doc))

    def prepare_set(self) -> None:
        """The new CIB and a versioned patch (crm_diff, as clush sends) for one value change."""
        from lxml import etree

        self.target.fresh()
        old = etree.fromstring(self.target.cib())
        for el in old.iter("status"):
            el.getparent().remove(el)
        new = etree.fromstring(etree.tostring(old))
        new.find(f".//nvpair[@id='{self.nvpair}']").set("value", "@VALUE@")
        new.set("num_updates", str(int(old.get("num_updates", "0")) + 1))
        (self.tmp / "old.xml").write_bytes(etree.tostring(old))
        (self.tmp / "new-set.xml").write_bytes(etree.tostring(new))
        res = subprocess.run(["crm_diff", "-o", str(self.tmp / "old.xml"), "-n", str(self.tmp / "new-set.xml")],
                             capture_output=True, text=True, check=False)
        # keep the configuration change only: the /cib attributes change with every run
        diff = etree.fromstring(res.stdout.encode())
        for change in diff.findall("change[@path='/cib']"):
            diff.remove(change)
        self.patch = etree.tostring(diff).decode()

    def _verify(self, which: str) -> Sample:
        return timed([*self.target.prefix, "crm_verify", "--xml-pipe"], self.env, stdin=self.tmp / which)

    def add(self) -> tuple[Sample, bool]:
        self.target.fresh()
        v = self._verify("new-add.xml")
        a = timed([*self.target.prefix, "cibadmin", "--create", "--scope", "resources", "--xml-text", self.element],
                  self.target.env(self.env))
        ok = v.rc == 0 and succeeded(self.target, "add+commit", "", a)
        return Sample(v.secs + a.secs, 0, a.rc, v.err or a.err, v.cpu + a.cpu), ok

    def set(self, value: str, modify: bool) -> tuple[Sample, bool]:
        self.target.fresh()
        if modify:
            argv = ["cibadmin", "--modify", "--xml-text", f'<nvpair id="{self.nvpair}" name="state" value="{value}"/>']
            stdin = None
        else:  # the patch goes from the version the target is at now (read outside the timing)
            version = _version(self.target)
            patch = re.sub(r"<source [^>]*/>", f'<source admin_epoch="{version[0]}" epoch="{version[1]}" '
                           f'num_updates="{version[2]}"/>', self.patch)
            patch = re.sub(r"<target [^>]*/>", f'<target admin_epoch="{version[0]}" epoch="{version[1]}" '
                           f'num_updates="{version[2] + 1}"/>', patch)
            (self.tmp / "patch.xml").write_text(patch.replace("@VALUE@", value))
            argv, stdin = ["cibadmin", "--patch", "--xml-pipe"], self.tmp / "patch.xml"
        v = self._verify("new-set.xml")
        a = timed([*self.target.prefix, *argv], self.target.env(self.env), stdin=stdin)
        ok = v.rc == 0 and succeeded(self.target, "set+commit", value, a)
        return Sample(v.secs + a.secs, 0, a.rc, v.err or a.err, v.cpu + a.cpu), ok


def _version(target) -> tuple[int, int, int]:
    head = target.cib()[:2000].decode()
    tag = re.search(r"<cib\b[^>]*>", head).group(0)
    return tuple(int(re.search(rf'\s{a}="(\d+)"', tag).group(1)) for a in ("admin_epoch", "epoch", "num_updates"))


def _medians(samples: list[Sample]) -> tuple[float, float]:
    return statistics.median(s.secs for s in samples), statistics.median(s.cpu for s in samples)


def say(*parts: object) -> None:
    print("  ", *parts, file=sys.stderr, flush=True)


def measure_size(target, n: int, args, env: dict[str, str], tmp: Path, results: dict, tool_out: set) -> None:
    mid = f"p{n // 2:05d}"
    target.setup(n, gen_cib.build(n))
    floor = Floor(target, tmp, env, n, mid)
    for op in OPS:
        row = results.setdefault((target.name, op, n), {})
        # warm-up (agent metadata cached, page cache), then clush and the floor in turn
        target.fresh()
        warm = timed(tool_argv("clush", target, op, mid, "/run/bench-warm"), target.env(env))
        if op == "add+commit" and succeeded(target, op, "", warm):
            floor.prepare_add()
        if op == "set+commit":
            floor.prepare_set()
        samples, floors, modify, ok = [], [], [], True
        for i in range(args.runs):
            value = f"/run/bench-clush-{i}"
            target.fresh()
            s = timed(tool_argv("clush", target, op, mid, value), target.env(env))
            checks = {"clush": (s, succeeded(target, op, value, s))}
            samples.append(s)
            if op == "add+commit":
                checks["floor"] = floor.add()
                floors.append(checks["floor"][0])
            elif op == "set+commit":
                checks["floor"] = floor.set(f"/run/bench-floor-{i}", modify=False)
                checks["floor --modify"] = floor.set(f"/run/bench-mod-{i}", modify=True)
                floors.append(checks["floor"][0])
                modify.append(checks["floor --modify"][0])
            for what, (sample, good) in checks.items():
                if not good:
                    say(f"{what} {op} failed (rc {sample.rc}): {sample.err}")
                ok &= good
        row["clush"], row["clush_cpu"] = _medians(samples)
        row["mb"] = max(s.mb for s in samples)
        row["ok"] = ok and all(s.rc == 0 for s in samples)
        if floors:
            row["floor"], row["floor_cpu"] = _medians(floors)
        if modify:
            row["floor_modify"], row["floor_modify_cpu"] = _medians(modify)
        say(f"{target.name:4} {n:>6} {op:<10} clush {row['clush']:7.3f} s (cpu {row['clush_cpu']:6.3f}) "
            f"{row['mb']:6.0f} MB" + (f"  floor {row['floor']:6.3f} s (cpu {row['floor_cpu']:6.3f})" if floors else "")
            + ("" if row["ok"] else "  FAILED"))
        for tool in ("pcs", "crm"):
            if tool not in TOOLS or (target.name, op, tool) in tool_out:
                continue
            runs = args.runs if tool == "pcs" else 1
            times = []
            for i in range(runs):
                value = f"/run/bench-{tool}-{i}"
                target.fresh()
                s = timed(tool_argv(tool, target, op, mid, value), target.env(env), timeout=args.tool_timeout)
                if s.timed_out:
                    tool_out.add((target.name, op, tool))
                    times = [None]
                    break
                times.append(s if succeeded(target, op, value, s) else Sample(float("nan"), 0, s.rc, cpu=float("nan")))
                if not succeeded(target, op, value, s):
                    say(f"{tool} {op} failed: {s.err}")
                if s.secs > 10:  # one run of a slow tool says enough
                    break
            row[tool], row[f"{tool}_cpu"] = _medians(times) if times[0] is not None else (None, None)
            say(f"{target.name:4} {n:>6} {op:<10} {tool:5} " + (f"{row[tool]:7.3f} s (cpu {row[tool + '_cpu']:6.3f})"
                                                               if row[tool] is not None
                                                               else f"> {args.tool_timeout:g} s (killed)"))
    target.fresh()
    comp = results.setdefault((target.name, "complete", n), {})
    prefix = mid[:-2]
    res = subprocess.run([*target.prefix, sys.executable, str(HERE / "benchrun.py"), "probe", str(args.rounds),
                          f"show {prefix}", "show "], env=target.env(env), capture_output=True, text=True, check=False)
    if res.returncode == 0:
        probe = json.loads(res.stdout)
        comp["engine_prefix"] = probe[f"show {prefix}"]["p99_ms"]
        comp["engine_all"] = probe["show "]["p99_ms"]
    else:
        say(f"completion probe failed: {res.stderr.strip().splitlines()[-1:]}")
    argv = [*target.prefix, *TOOLS["clush"], "__complete", "bash", "2", "configure", "show", prefix]
    timed(argv, target.env(env))
    shell = [timed(argv, target.env(env)).secs * 1000 for _ in range(args.shell_runs)]
    comp["shell"] = statistics.median(shell)
    say(f"{target.name:4} {n:>6} completion engine p99 {comp.get('engine_prefix', float('nan')):.2f} ms "
        f"(all ids {comp.get('engine_all', float('nan')):.2f} ms), clush __complete {comp['shell']:.0f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    benchrun.byte_compile()  # what an installed clush has: not timed
    ap.add_argument("--sizes", default="4000,16000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--targets", default="file,live")
    ap.add_argument("--tool-timeout", type=float, default=60.0, help="pcs and crm are killed after this")
    ap.add_argument("--rounds", type=int, default=200, help="completion engine rounds")
    ap.add_argument("--shell-runs", type=int, default=10, help="clush __complete runs")
    ap.add_argument("--no-pcs", action="store_true")
    ap.add_argument("--no-crm", action="store_true")
    ap.add_argument("--json", help="write the results here too")
    ap.add_argument("--merge", nargs="*", help="--json files of earlier runs to print with this one's (--targets '')")
    ap.add_argument("--clush", default=str(Path(sys.executable).parent / "clush"))
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    TOOLS["clush"] = [args.clush]
    notes = []
    why = "--no-pcs" if args.no_pcs else benchrun.ensure_pcs()
    if why:
        notes.append(f"pcs skipped: {why}")
    else:
        TOOLS["pcs"] = ["pcs"]
    if args.no_crm or not shutil.which("crm"):
        notes.append("crm skipped: " + ("--no-crm" if args.no_crm else "not installed"))
    else:
        TOOLS["crm"] = ["crm"]
    results: dict = {}
    for path in args.merge or ():  # figures of earlier runs (e.g. file and live run side by side)
        results.update({(t, op, int(n)): row for t, op, n, row in json.loads(Path(path).read_text())})
    tool_out: set = set()
    with tempfile.TemporaryDirectory(prefix="clush-bench-") as tmpdir:
        tmp = Path(tmpdir)
        # bytecode as an installed clush has it (PYTHONDONTWRITEBYTECODE would compile every run)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "clushell")], check=False)
        env = {k: v for k, v in os.environ.items() if k not in ("CIB_file", "CIB_shadow", "PYTHONDONTWRITEBYTECODE")}
        # clush from the tree this file is in (a `git archive` export measures that commit)
        env.update(PYTHONPATH=str(HERE.parent), LC_ALL="C", HOME=str(tmp / "home"), XDG_CACHE_HOME=str(tmp / "cache"),
                   XDG_CONFIG_HOME=str(tmp / "config"), XDG_DATA_HOME=str(tmp / "data"),
                   XDG_STATE_HOME=str(tmp / "state"))
        (tmp / "home").mkdir()
        targets = args.targets.split(",") if args.targets else []
        if "file" in targets:
            for n in sizes:
                measure_size(FileTarget(tmp), n, args, env, tmp, results, tool_out)
        if "live" in targets:
            why = privcluster.available()
            if why:
                notes.append(f"live target skipped: {why}")
            else:
                tool_out.clear()
                with privcluster.PrivateCluster() as cluster:
                    for n in sizes:
                        try:
                            measure_size(LiveTarget(cluster), n, args, env, tmp, results, tool_out)
                        except privcluster.Unsettled as exc:  # the cluster itself gave up: say so, go on
                            notes.append(f"live {n}: stopped: {exc}")
                            break
    print(report.table(results, sizes, args, notes))
    if args.json:
        Path(args.json).write_text(json.dumps([[*k, v] for k, v in results.items()], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
