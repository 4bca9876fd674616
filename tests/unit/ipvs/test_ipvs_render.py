"""show tables (plain and rich), director lists and groups, and the light-import rule."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from clushell.ipvs import render
from clushell.ipvs.directors import LOCAL, default_directors, expand, parse_director_list, split_directors
from clushell.ipvs.ipvsadm import parse_list, parse_rules
from clushell.ipvs.model import IpvsError

RULES = """\
-A -t 10.1.1.100:80 -s wrr -p 600
-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 3 -x 100 -y 10
-a -t 10.1.1.100:80 -r 10.1.1.5:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum
"""
LISTING = """\
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn
  -> RemoteAddress:Port
TCP  10.1.1.100:80 wrr persistent 600
  -> 10.1.1.2:80                  3         2           7          12
  -> 10.1.1.5:80                  1         0           0          4
"""


class Out:
    def __init__(self, color: bool):
        self.color = color
        self.buf = io.StringIO()

    def print(self, text: str = "") -> None:
        self.buf.write(text + "\n")

    def console(self):  # noqa: ANN201 - rich Console
        from rich.console import Console

        return Console(file=self.buf, force_terminal=True, width=140)


def rows():  # noqa: ANN201
    table = parse_rules(RULES)
    return render.show_rows(table, render.counters_from(parse_list(LISTING)))


def test_show_rows_merge_model_and_counters() -> None:
    r = rows()
    assert r[0] == ("tcp:10.1.1.100:80", "wrr", "", "", "", "", "", "", "persistent=600")
    assert r[1] == ("  -> 10.1.1.2:80", "nat", "3", "100", "10", "7", "12", "2", "")
    assert r[2] == ("  -> 10.1.1.5:80", "tun:gue:6080:csum", "1", "0", "0", "0", "4", "0", "")


def test_plain_table_without_colour() -> None:
    out = Out(color=False)
    render.print_table(out, render.SHOW_HEADER, rows(), "director d1")
    text = out.buf.getvalue()
    assert "\x1b[" not in text
    lines = text.splitlines()
    assert lines[0] == "director d1"
    assert lines[1].startswith("SERVICE / REAL     SCHED / METHOD     WEIGHT")
    assert lines[3].split() == ["->", "10.1.1.2:80", "nat", "3", "100", "10", "7", "12", "2"]


def test_rich_table_on_a_colour_terminal() -> None:
    out = Out(color=True)
    render.print_table(out, render.SHOW_HEADER, rows(), "")
    text = out.buf.getvalue()
    assert "\x1b[" in text and "10.1.1.2:80" in text and "tun:gue:6080:csum" in text


def test_director_lists() -> None:
    assert parse_director_list("@d1,d2,d1") == ["d1", "d2"]
    assert split_directors(["@a", "tcp:1.2.3.4:80", "@b,c"]) == (["a", "b", "c"], ["tcp:1.2.3.4:80"])
    assert split_directors(["show"]) == (None, ["show"])
    for bad in ("@", "@a,,b", "@a;b"):
        with pytest.raises(IpvsError):
            parse_director_list(bad)


class Cfg:
    def __init__(self, values: dict[str, str]):
        self.values = values

    def get(self, name: str) -> str:
        return self.values.get(name, "")


class Sess:
    def __init__(self, values: dict[str, str]):
        self.config = Cfg(values)


def test_groups_and_defaults() -> None:
    s = Sess({"ipvs.group.web": "d1 d2", "ipvs.group.all": "web,d3", "ipvs.directors": "web"})
    assert expand(s, ["web"]) == ["d1", "d2"]
    assert expand(s, ["d2", "web", "x"]) == ["d2", "d1", "x"]
    assert default_directors(s) == ["d1", "d2"]
    assert default_directors(Sess({})) == [LOCAL]


def test_ipvs_level_imports_only_the_standard_library() -> None:
    code = ("import sys, clushell.commands.ipvs; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich','lxml','paramiko','prompt_toolkit')))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"
