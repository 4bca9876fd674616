"""IPVS completion against a real IPVS table, inside user-mode-linux (one boot)."""

from __future__ import annotations

import json
import sys

import pytest

from tests.paths import REPO
from tests.realenv.uml import Uml

pytestmark = pytest.mark.uml

PROBE = r"""
import io, json, os, sys
sys.path.insert(0, os.environ["REPO"])
from clushell.commands.root import GLOBALS, build_tree
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session
from clushell.complete.engine import complete_line
from clushell.complete.sources import Providers

session = Session(Options(cib_file=os.environ["CIB"]), build_tree(),
                  Output(color=False, stdout=io.StringIO(), stderr=io.StringIO()))
Dispatcher(session, GLOBALS)
prov = Providers(session)
out = {}
for line in ("ipvs service edit ", "ipvs real edit tcp:10.1.1.100:80 ", "ipvs drain fwm:"):
    out[line] = [[c.text, c.meta] for c in complete_line(session, line, prov)]
print(json.dumps(out))
"""

SCRIPT = r"""
modprobe ip_vs 2>/dev/null
ipvsadm -A -t 10.1.1.100:80 -s wrr
ipvsadm -a -t 10.1.1.100:80 -r 10.10.1.2:80 -m -w 3
ipvsadm -a -t 10.1.1.100:80 -r 10.10.1.3:80 -m -w 1
ipvsadm -A -f 7 -s rr
cibadmin --empty > /tmp/cib.xml
REPO="$REPO" CIB=/tmp/cib.xml "$PYTHON" "$OUT/probe.py" > "$OUT/probe.json" 2> "$OUT/probe.err"
echo $? > "$OUT/probe.rc"
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> dict:
    uml = Uml(tmp_path_factory.mktemp("uml-complete"))
    repo = REPO
    res = uml.run(f'PYTHON="{sys.executable}"\nREPO="{repo}"\n' + SCRIPT, name="complete",
                  files={"probe.py": PROBE})
    assert res.file("probe.rc").strip() == "0", res.file("probe.err") + res.out
    return json.loads(res.file("probe.json"))


def test_services_from_the_kernel_table(probe: dict) -> None:
    got = dict(map(tuple, probe["ipvs service edit "]))
    assert set(got) == {"tcp:10.1.1.100:80", "fwm:7"}
    assert got["tcp:10.1.1.100:80"].startswith("wrr, 2 real")


def test_reals_of_one_service(probe: dict) -> None:
    reals = probe["ipvs real edit tcp:10.1.1.100:80 "]
    assert [r[0] for r in reals] == ["10.10.1.2:80", "10.10.1.3:80"]
    assert "weight 3" in reals[0][1]
    assert [c[0] for c in probe["ipvs drain fwm:"]] == ["fwm:7"]
