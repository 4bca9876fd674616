"""The ipvs level in the interactive shell: pending marks, the commit question on leaving,
one-line errors. This host has no IPVS kernel, so a stand-in `ipvsadm` (a small Python
script keeping its table in a file) is put first on PATH; the kernel behaviour itself is
tested in UML (test_ipvs_uml*.py)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from clushell.commands.root import GLOBALS, build_tree
from clushell.config import Config
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session
from clushell.ui.repl import prompt_text, run_repl
from tests.paths import REPO

FAKE = '''#!{python}
"""Stand-in ipvsadm: -Sn, -Ln --thresholds, -A/-a/-E/-e/-d/-D and -R on a rules file."""
import os, sys
sys.path.insert(0, {root!r})
from clushell.ipvs.ipvsadm import add_rule, parse_rule, parse_rules, save_lines, service_id
from clushell.ipvs.model import IpvsError

path = os.environ["FAKE_IPVS_TABLE"]
table = parse_rules(open(path).read())


def run(words):
    op = words[0]
    if op in ("-A", "-a"):
        add_rule(table, parse_rule(words))
    elif op in ("-E", "-e", "-d", "-D"):
        rule = parse_rule(["-A" if op in ("-E", "-D") else "-a"] + words[1:]
                          + (["-m"] if op == "-d" else []))
        svc = table.services.get(rule.svc.key)
        if svc is None:
            raise IpvsError("No such service")
        if op == "-D":
            del table.services[svc.key]
        elif op == "-E":
            reals = svc.reals
            add_rule_tmp = type(table)()
            add_rule(add_rule_tmp, rule)
            new = add_rule_tmp.services[svc.key]
            new.reals = reals
            table.services[svc.key] = new
        else:
            tmp = type(table)()
            tmp.services[svc.key] = svc.copy()
            tmp.services[svc.key].reals = {{}}
            add_rule(tmp, rule)
            (key, real), = tmp.services[svc.key].reals.items()
            if key not in svc.reals:
                raise IpvsError("No such destination")
            if op == "-d":
                del svc.reals[key]
            else:
                svc.reals[key] = real


args = sys.argv[1:]
if args == ["-Sn"]:
    print("\\n".join(save_lines(table, thresholds=False)))
elif args[:2] == ["-Ln", "--thresholds"]:
    for svc in table.sorted_services():
        print(" ".join(["TCP" if svc.proto == "tcp" else svc.proto.upper(), service_id(svc)[1]]))
        for r in svc.reals.values():
            print(f"  -> {{r.text}} {{r.upper}} {{r.lower}} 0 0")
elif args == ["-Ln"]:
    pass
elif args == ["-R"]:
    for line in sys.stdin:
        if line.strip():
            run(line.split())
else:
    try:
        run(args)
    except IpvsError as exc:
        print(exc.message, file=sys.stderr)
        sys.exit(255)
open(path, "w").write("".join(line + "\\n" for line in save_lines(table)))
'''


@pytest.fixture
def fake_ipvsadm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "ipvsadm"
    script.write_text(FAKE.format(python=sys.executable, root=str(REPO)))
    script.chmod(0o755)
    table = tmp_path / "table.rules"
    table.write_text("-A -t 10.1.1.100:80 -s rr\n-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 1\n")
    monkeypatch.setenv("PATH", f"{bindir}:{__import__('os').environ['PATH']}")
    monkeypatch.setenv("FAKE_IPVS_TABLE", str(table))
    # this host has no IPVS: without a configured director the level would open the sandbox table
    (tmp_path / "clush.conf").write_text("[ipvs]\ndirectors = local\n")
    monkeypatch.setenv("CLUSH_CONFIG", str(tmp_path / "clush.conf"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return table


def repl() -> tuple[Dispatcher, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(interactive=True), build_tree(), Output(color=False, stdout=out, stderr=err))
    session.config = Config()
    return Dispatcher(session, GLOBALS), out, err


def drive(dispatcher: Dispatcher, keys: str) -> int:
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        return run_repl(dispatcher, input=pipe, output=DummyOutput())


def test_up_with_pending_changes_asks_and_yes_commits(fake_ipvsadm: Path) -> None:
    d, out, err = repl()
    drive(d, "ipvs\rreal edit tcp:10.1.1.100:80 10.1.1.2:80 weight=4\rup\ry\r\x04")
    assert "-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 4" in fake_ipvsadm.read_text()
    assert "committed 1 ipvsadm step" in err.getvalue()


def test_answer_no_discards_and_cancel_stays(fake_ipvsadm: Path) -> None:
    d, out, err = repl()
    seen = []
    real_ask = d.session.ask

    def ask(question: str, **kw: str) -> str:
        seen.append((question, d.session.level.name, prompt_text(d.session)))
        return real_ask(question, **kw)

    d.session.ask = ask  # type: ignore[method-assign]
    drive(d, "ipvs\rservice add tcp:10.1.1.101:80 sched=wlc\rup\rc\r\x04n\r")
    assert "staying in ipvs; nothing committed" in err.getvalue()
    assert len(seen) == 2 and "pending changes (ipvs local: 1 ipvsadm step)" in seen[0][0]
    assert seen[1][1] == "ipvs"  # 'c' kept us in the level
    d2, out2, err2 = repl()
    drive(d2, "ipvs\rservice add tcp:10.1.1.101:80 sched=wlc\rup\rn\r\x04")
    assert "10.1.1.101" not in fake_ipvsadm.read_text()
    assert "pending changes discarded" in err2.getvalue()


def test_errors_are_one_line_and_nothing_changes(fake_ipvsadm: Path) -> None:
    before = fake_ipvsadm.read_text()
    d, out, err = repl()
    drive(d, "ipvs\rreal add tcp:10.1.1.100:80 10.1.1.3 weight=-2\rservice edit tcp:10.9.9.9:80 sched=rr\r"
             "real delete tcp:10.1.1.100:80 10.1.1.77\rdiff\r\x04")
    errors = [line for line in err.getvalue().splitlines() if line.startswith("ERROR")]
    assert len(errors) == 3, err.getvalue()
    assert "bad weight=-2" in errors[0] and "no such service tcp:10.9.9.9:80" in errors[1]
    assert "no real server 10.1.1.77" in errors[2]
    assert "no pending changes" in err.getvalue()
    assert fake_ipvsadm.read_text() == before


def offline_repl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Dispatcher, io.StringIO, Path]:
    table = tmp_path / "plan.rules"
    table.write_text("-A -t 10.1.1.100:80 -s rr\n-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 1\n"
                     "-A -f 7 -s wlc -p 60\n-a -f 7 -r 10.1.1.9:0 -g -w 1\n")
    monkeypatch.setenv("CLUSH_CONFIG", str(tmp_path / "clush.conf"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(interactive=True, ipvs_file=str(table)), build_tree(),
                      Output(color=False, stdout=out, stderr=err))
    session.config = Config()
    return Dispatcher(session, GLOBALS), err, table


def test_completion_on_the_offline_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prompt_toolkit.document import Document

    from clushell.ui.completer import TreeCompleter

    d, err, table = offline_repl(tmp_path, monkeypatch)

    def texts(line: str) -> list[str]:
        return [c.text for c in TreeCompleter(d.session).get_completions(Document(line), None)]

    # before the level is entered: the completer reads the file itself
    assert texts("ipvs service edit ") == ["tcp:10.1.1.100:80", "fwm:7"]
    assert texts("ipvs real edit tcp:10.1.1.100:80 ") == ["10.1.1.2:80"]
    assert "ipvs" not in err.getvalue()  # a private read announces nothing
    # staged services are offered too
    assert d.run_line("ipvs") and d.run_line("service add udp:10.1.1.101:53 sched=rr")
    assert "udp:10.1.1.101:53" in texts("service edit ")
    assert texts("real edit fwm:7 ") == ["10.1.1.9:0"]
    options = texts("real add fwm:7 10.1.1.10 ")
    assert "method=" in options and "@=" not in options  # a director list is not a key=value option


def test_tab_completes_a_real_of_the_offline_table_in_the_shell(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.real.test_repl_keys import type_line

    d, err, table = offline_repl(tmp_path, monkeypatch)
    assert d.run_line("ipvs")
    line, _ = type_line(d, "real edit tcp:10.1.1.100:80 10.1.1.\t weight=5")
    assert line == "real edit tcp:10.1.1.100:80 10.1.1.2:80 weight=5"
    assert d.run_line(line) and d.run_line("commit")
    assert "-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 5" in table.read_text(), err.getvalue()
    assert f"ipvs file: wrote {table} (1 change)" in err.getvalue()
