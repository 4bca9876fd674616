"""`clush __complete` (the shells' completion mode): same answers as the REPL engine, fast, light."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clushell.commands.root import GLOBALS, build_tree
from clushell.complete.engine import complete_line
from clushell.complete.sources import Providers
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session
from tests.conftest import clush_argv
from tests.paths import REPO
from tests.realenv import require
from tests.unit.complete.test_complete import populated  # noqa: F401  (module fixture: a CIB file with objects)

BIN = Path(sys.executable).parent

LINES = [
    "", "conf", "configure ", "configure pri", "configure show ", "configure show type:",
    "configure show related:d", "configure group g9 ", "configure clone c9 ", "configure location l9 g1 inf: ",
    "configure primitive p9 ", "configure primitive p9 ocf:", "configure primitive p9 ocf:heartbeat:IP",
    "configure primitive p9 ocf:heartbeat:IPaddr2 params ", "configure primitive p9 ocf:pacemaker:Dummy op monitor ",
    "configure property no-quorum-policy=", "configure colocation c9 inf: g1 ms1:", "resource start ",
    "resource stop ", "help configure ", "nosuch ",
]


def shell(cib: Path, shell_name: str, line: str, *opts: str) -> subprocess.CompletedProcess[str]:
    words = line.split()
    if not line or line.endswith(" "):
        words.append("")
    all_words = [*opts, *words]
    env = dict(os.environ, CIB_file=str(cib))
    return subprocess.run([*clush_argv(), "__complete", shell_name, str(len(all_words) - 1), *all_words],
                          capture_output=True, text=True, env=env, timeout=60, check=False)


@pytest.fixture(scope="module")
def engine(populated):  # noqa: F811
    session = Session(Options(cib_file=str(populated)), build_tree(),
                      Output(color=False, stdout=io.StringIO(), stderr=io.StringIO()))
    Dispatcher(session, GLOBALS)
    providers = Providers(session)
    return lambda line: complete_line(session, line, providers)


@pytest.mark.parametrize("line", LINES)
def test_shell_mode_equals_repl_engine(populated, engine, line: str) -> None:  # noqa: F811
    res = shell(populated, "fish", line)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    expected = [f"{c.text}\t{' '.join(c.meta.split())}" if c.meta else c.text for c in engine(line)]
    assert res.stdout.splitlines() == expected


def test_bash_output_has_no_descriptions(populated) -> None:  # noqa: F811
    res = shell(populated, "bash", "configure show d")
    assert res.stdout.split() == ["d1", "d3", "d2"]


def test_cib_file_option_before_the_command(populated, tmp_path: Path) -> None:  # noqa: F811
    empty = tmp_path / "empty.xml"
    empty.write_text(subprocess.run(["cibadmin", "--empty"], capture_output=True, text=True, check=True).stdout)
    # the --cib-file on the line wins over $CIB_file
    res = shell(empty, "bash", "configure show d", "--cib-file", str(populated))
    assert res.stdout.split() == ["d1", "d3", "d2"]
    res = shell(populated, "bash", "configure show d", "--cib-file", str(empty))
    assert res.stdout.split() == []


def test_option_values_complete_files(populated, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "script.crm").write_text("")
    res = shell(populated, "bash", f"-f {tmp_path}/scr")
    assert res.stdout.split() == [f"{tmp_path}/script.crm"]
    assert shell(populated, "bash", "--host ").stdout == ""


def test_bad_invocation_is_usage_error() -> None:
    res = subprocess.run([*clush_argv(), "__complete", "bash"], capture_output=True, text=True, check=False)
    assert res.returncode == 2 and "usage" in res.stderr


def test_tree_words_import_nothing_heavy(populated) -> None:  # noqa: F811
    code = ("import sys; from clushell.cli import main; main(['__complete', 'bash', '1', 'configure', 'sh']);"
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('lxml', 'prompt_toolkit', 'rich', 'paramiko', 'pygments'))), file=sys.stderr)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                         env=dict(os.environ, CIB_file=str(populated)))
    assert res.returncode == 0
    assert "show" in res.stdout.split()
    assert res.stderr.strip() == ""


def _bash(line: str, cib: Path) -> list[str]:
    require("bash")
    script = REPO / "completions/clush.bash"
    prog = f"""
source {script}
COMP_LINE='{line}'
COMP_POINT={len(line)}
read -ra COMP_WORDS <<< "$COMP_LINE"
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
_clush
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = dict(os.environ, CIB_file=str(cib), PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    res = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog], capture_output=True, text=True, env=env,
                         timeout=60, check=False)
    assert res.returncode == 0, res.stderr
    return [w for w in res.stdout.splitlines() if w]


def test_bash_live_ids_and_colon_words(populated) -> None:  # noqa: F811
    assert _bash("clush configure show g", populated) == ["g1"]
    # bash splits words at ':' -- only the part after the last colon is replaced
    assert "IPaddr2" in _bash("clush configure primitive p9 ocf:heartbeat:IP", populated)
    assert _bash("clush configure colocation c inf: g1 ms1:Pro", populated) == ["Promoted"]
    # and after '=' only the value
    assert _bash("clush configure property no-quorum-policy=fr", populated) == ["freeze"]


def test_fish_live_ids(populated) -> None:  # noqa: F811
    require("fish")
    script = REPO / "completions/clush.fish"
    env = dict(os.environ, CIB_file=str(populated), PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    res = subprocess.run(["fish", "--no-config", "-c", f"source {script}; complete -C 'clush configure show g'"],
                         capture_output=True, text=True, env=env, check=False, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == ["g1\tgroup"]


@pytest.mark.live
def test_shell_mode_on_the_live_cluster(live_cluster, fresh_id) -> None:
    rid = fresh_id("shc")
    xml = f'<primitive id="{rid}" class="ocf" provider="pacemaker" type="Dummy"/>'
    assert live_cluster.run(["cibadmin", "-C", "-o", "resources", "-X", xml]).returncode == 0
    live_cluster.wait_role(rid, "Started")
    env = {k: v for k, v in os.environ.items() if k != "CIB_file"}
    for line, want in ((["configure", "show", rid[:-2]], f"{rid}\tocf:pacemaker:Dummy"),
                       (["resource", "stop", rid[:-2]], f"{rid}\tocf:pacemaker:Dummy")):
        res = subprocess.run([*clush_argv(), "__complete", "fish", str(len(line) - 1), *line],
                             capture_output=True, text=True, env=env, timeout=60, check=False)
        assert res.returncode == 0, res.stderr
        assert res.stdout.splitlines() == [want]
    res = subprocess.run([*clush_argv(), "__complete", "fish", "2", "resource", "start", rid[:-2]],
                         capture_output=True, text=True, env=env, timeout=60, check=False)
    assert res.stdout == ""  # it runs: start does not offer it


def test_shell_cache_follows_the_file(tmp_path: Path) -> None:
    require("cibadmin")
    cib = tmp_path / "c.xml"
    cib.write_text(subprocess.run(["cibadmin", "--empty"], capture_output=True, text=True, check=True).stdout)
    env = dict(os.environ, CIB_file=str(cib))
    run = [*clush_argv(), "__complete", "bash", "2", "configure", "show", "zz"]
    assert subprocess.run(run, capture_output=True, text=True, env=env, check=False).stdout == ""
    res = subprocess.run([*clush_argv(), "-F", "configure", "primitive", "zz1", "ocf:heartbeat:Dummy"],
                         capture_output=True, text=True, env=env, check=False)
    assert res.returncode == 0, res.stderr
    assert subprocess.run(run, capture_output=True, text=True, env=env, check=False).stdout.split() == ["zz1"]


def test_zsh_function_parses_candidates(populated) -> None:  # noqa: F811
    """The zsh script's word function with compsys stubbed: what it hands to _describe."""
    require("zsh")
    script = REPO / "completions/_clush"
    prog = f"""
compdef() {{ : }}
_arguments() {{ : }}
_describe() {{ local arr=$4; print -rl -- "${{(@P)arr}}"; print -r -- "-- ${{@[5,-1]}}" }}
source {script}
words=(configure show g)
CURRENT=3
_clush_words
words=(configure primitive p9 ocf:heartbeat:IPaddr)
CURRENT=4
_clush_words
"""
    env = dict(os.environ, CIB_file=str(populated), PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    res = subprocess.run(["zsh", "-f", "-c", prog], capture_output=True, text=True, env=env, timeout=60,
                         check=False)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[:2] == ["g1:group", "-- "]
    # colons in values are escaped for _describe
    assert "ocf\\:heartbeat\\:IPaddr2:resource agent" in lines


def test_zsh_real_completion_in_tmux(populated, tmp_path: Path) -> None:  # noqa: F811
    """A real interactive zsh (compinit + the generated _clush) in tmux: Tab inserts the words."""
    import shlex
    import time

    require("zsh")
    require("tmux")
    name = f"clush-zsh-{os.getpid()}"
    env = {"HOME": str(tmp_path), "TERM": "xterm", "CIB_file": str(populated),
           "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    for var in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        env[var] = os.environ[var]
    shell = "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " zsh -f"
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "160", "-y", "30", shell], check=True)

    def screen(want: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = subprocess.run(["tmux", "capture-pane", "-t", name, "-p"], capture_output=True, text=True,
                                  check=True).stdout
            if want in text or (want == "PROMPT" and any(ln.rstrip() == "%" for ln in text.splitlines())):
                return text
            time.sleep(0.2)
        raise AssertionError(f"{want!r} not on the screen:\n{text}")

    def screen_after(keys: str, want: str) -> str:
        subprocess.run(["tmux", "send-keys", "-t", name, "C-u", keys, "Tab"], check=True)
        return screen(want)

    try:
        setup = (f"fpath=({REPO / 'completions'} $fpath); autoload -Uz compinit; "
                 f"compinit -u -d {tmp_path}/zcompdump; PS1='%% '")
        screen(os.uname().nodename.split(".")[0])  # zsh -f's first prompt: HOST# or HOST%
        subprocess.run(["tmux", "send-keys", "-t", name, setup, "Enter"], check=True)
        screen("PROMPT")  # a line with only the new prompt
        screen_after("clush conf", "% clush configure")
        screen_after("clush configure show g", "% clush configure show g1")
        screen_after("clush configure primitive p9 ocf:heartbeat:IPaddr2 params ci",
                     "params cidr_netmask=")
        screen_after("clush configure colocation c9 inf: g1 ms1:Pro", "ms1:Promoted")
        screen_after("clush --no-c", "% clush --no-color")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False, capture_output=True)



@pytest.mark.live
def test_live_ids_stay_cached_across_status_updates(live_cluster, fresh_id, tmp_path: Path) -> None:
    """A status update (num_updates only) keeps a Tab on the cached ids; a configuration change
    (epoch) makes it read them again."""
    rid = fresh_id("shs")
    xml = f'<primitive id="{rid}" class="ocf" provider="pacemaker" type="Dummy"/>'
    assert live_cluster.run(["cibadmin", "-C", "-o", "resources", "-X", xml]).returncode == 0
    env = {k: v for k, v in os.environ.items() if k != "CIB_file"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")

    def tab() -> list[str]:
        res = subprocess.run([*clush_argv(), "__complete", "bash", "2", "configure", "show", rid],
                             capture_output=True, text=True, env=env, timeout=60, check=False)
        assert res.returncode == 0, res.stderr
        return res.stdout.split()

    assert tab() == [rid]
    cache = next((tmp_path / "cache" / "clush" / "complete").glob("*.json"))
    kept = cache.stat().st_ino
    node = live_cluster.node
    rid2 = rid + "b"
    try:
        before = live_cluster.cib_version()
        assert live_cluster.run(["crm_attribute", "-t", "status", "-N", node, "-n", f"{rid}-probe", "-v", "1",
                                 "-l", "reboot"]).returncode == 0
        for _ in range(100):  # the attribute manager writes it to the status section
            if live_cluster.cib_version()[2] != before[2]:
                break
            time.sleep(0.1)
        assert live_cluster.cib_version()[:2] == before[:2]  # a status update only
        assert tab() == [rid]
        assert cache.stat().st_ino == kept  # answered from the cache: nothing read or written again
        xml2 = f'<primitive id="{rid2}" class="ocf" provider="pacemaker" type="Dummy"/>'
        assert live_cluster.run(["cibadmin", "-C", "-o", "resources", "-X", xml2]).returncode == 0
        assert sorted(tab()) == sorted([rid, rid2])  # a configuration change: read again
    finally:
        live_cluster.remove(rid2)
        live_cluster.run(["crm_attribute", "-t", "status", "-N", node, "-n", f"{rid}-probe", "-D", "-l", "reboot"])
