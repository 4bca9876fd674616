"""The crm pygments lexer (entry point, `show` output colouring) and IPVS completion from the level state."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from pygments.token import Error, Keyword, Name, Number, Operator, String

from clushell.commands.root import GLOBALS, build_tree
from clushell.complete.engine import complete_line
from clushell.complete.sources import Providers
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session
from clushell.ui.lexer import CrmLexer, highlight
from tests.paths import DATA as TEST_DATA

DATA = TEST_DATA / "render"
SHOWS = sorted(DATA.glob("*.show"))


def tokens(text: str) -> list[tuple[object, str]]:
    return [(t, v) for t, v in CrmLexer().get_tokens(text) if v.strip()]


@pytest.mark.parametrize("path", SHOWS, ids=[p.stem for p in SHOWS])
def test_show_goldens_lex_without_errors(path: Path) -> None:
    text = path.read_text()
    toks = list(CrmLexer().get_tokens(text))
    assert not [v for t, v in toks if t is Error]
    expected = text if text.endswith("\n") else text + "\n"
    assert "".join(v for _, v in toks) == expected


def test_token_roles() -> None:
    toks = tokens("primitive vip ocf:heartbeat:IPaddr2 \\\n\tparams ip=10.0.0.1 cidr_netmask=24 \\\n"
                  '\top monitor interval=10s \\\n\tmeta target-role=Stopped description="a b"\n')
    assert toks[0] == (Keyword.Declaration, "primitive")
    assert toks[1] == (Name.Function, "vip")
    assert toks[2] == (Name.Class, "ocf:heartbeat:IPaddr2")
    assert (Keyword, "params") in toks and (Keyword, "op") in toks and (Keyword, "meta") in toks
    assert (Name.Attribute, "ip") in toks and (String, "10.0.0.1") in toks
    assert (String.Double, '"a b"') in toks


def test_short_agent_and_template_names() -> None:
    toks = tokens("primitive d1 Dummy op monitor interval=10s\nprimitive d2 @tpl1\ngroup g1 d1 d2\n")
    assert (Name.Class, "Dummy") in toks and (Name.Class, "@tpl1") in toks
    assert (Name, "d1") in toks  # a group member is a plain name, not an agent


def test_constraints_scores_and_roles() -> None:
    toks = tokens("colocation c1 inf: app db:Promoted\norder o1 Mandatory: a:start b\n"
                  "location l1 web rule -inf: not_defined pingd or pingd lte 0\n")
    assert (Name.Function, "c1") in toks
    assert (Number, "inf:") in toks and (Number, "Mandatory:") in toks and (Number, "-inf:") in toks
    assert (Name.Constant, "Promoted") in toks and (Name.Constant, "start") in toks
    assert (Operator.Word, "not_defined") in toks and (Operator.Word, "lte") in toks


def test_comments_and_ids_with_colon() -> None:
    toks = tokens("# a comment\nproperty cib-bootstrap-options: \\\n\tstonith-enabled=false\n")
    assert toks[0][1] == "# a comment"
    assert (Name.Function, "cib-bootstrap-options") in toks


def test_registered_as_pygments_plugin() -> None:
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    assert isinstance(get_lexer_by_name("crm"), CrmLexer)
    assert isinstance(get_lexer_by_name("clush"), CrmLexer)
    assert isinstance(get_lexer_for_filename("setup.crm"), CrmLexer)
    res = subprocess.run([str(Path(sys.executable).parent / "pygmentize"), "-l", "crm", "-f", "terminal"],
                         input="primitive d1 Dummy\n", capture_output=True, text=True, check=False)
    assert res.returncode == 0 and "\x1b[" in res.stdout and "d1" in res.stdout


def test_highlight_for_terminals() -> None:
    out = highlight("group g1 d1 d2\n")
    assert "\x1b[" in out
    assert "g1" in out and out.replace("\x1b", "").count("g1") == 1


def test_show_is_plain_in_a_pipe(cib_file: Path, clush) -> None:
    res = clush("--cib-file", str(cib_file), "configure", "show")
    assert res.returncode == 0, res.stderr
    assert "\x1b[" not in res.stdout


# -- ipvs ---------------------------------------------------------------------------------------------
SAVED = """-A -t 10.1.1.100:80 -s rr
-a -t 10.1.1.100:80 -r 10.10.1.2:80 -m -w 3
-a -t 10.1.1.100:80 -r 10.10.1.3:80 -m -w 1
-A -f 10 -s wlc -p 600
-a -f 10 -r 10.10.1.4:0 -g -w 1
"""


def test_ipvs_services_and_reals_from_the_level_state(cib_file: Path) -> None:
    from clushell.ipvs.directors import LOCAL
    from clushell.ipvs.ipvsadm import read_table
    from clushell.ipvs.state import IpvsState

    session = Session(Options(cib_file=str(cib_file)), build_tree(),
                      Output(color=False, stdout=io.StringIO(), stderr=io.StringIO()))
    Dispatcher(session, GLOBALS)
    st = IpvsState(session, connect=lambda name: pytest.fail(f"completion read director {name}"))
    st.desired[LOCAL] = read_table(SAVED)
    session.set_state("ipvs", st)
    prov = Providers(session)
    got = {c.text: c.meta for c in complete_line(session, "ipvs service edit ", prov)}
    assert set(got) == {"tcp:10.1.1.100:80", "fwm:10"}
    assert "rr" in got["tcp:10.1.1.100:80"] and "2 real" in got["tcp:10.1.1.100:80"]
    reals = [c.text for c in complete_line(session, "ipvs real edit tcp:10.1.1.100:80 ", prov)]
    assert reals == ["10.10.1.2:80", "10.10.1.3:80"]
    # a director list takes no position
    reals = [c.text for c in complete_line(session, "ipvs real delete @local tcp:10.1.1.100:80 10.10.1.3", prov)]
    assert reals == ["10.10.1.3:80"]
    assert [c.text for c in complete_line(session, "ipvs service ", prov)] == ["add", "edit", "delete"]


def test_ipvs_options_from_the_usage_line(cib_file: Path) -> None:
    session = Session(Options(cib_file=str(cib_file)), build_tree(),
                      Output(color=False, stdout=io.StringIO(), stderr=io.StringIO()))
    Dispatcher(session, GLOBALS)

    def texts(line: str) -> list[str]:
        return [c.text for c in complete_line(session, line, None)]

    got = texts("ipvs real add tcp:10.1.1.100:80 10.10.1.2:80 ")
    assert {"method=", "weight=", "upper=", "lower=", "--now"} <= set(got)
    assert texts("ipvs real add tcp:10.1.1.100:80 10.10.1.2:80 method=") == [
        "method=nat", "method=dr", "method=tun"]
    assert "method=" not in texts("ipvs real add tcp:10.1.1.100:80 10.10.1.2:80 method=nat ")
    assert texts("ipvs service add tcp:10.1.1.100:80 sched=wl") == ["sched=wlc"]
    assert "ops=" in texts("ipvs service add tcp:10.1.1.100:80 ")
