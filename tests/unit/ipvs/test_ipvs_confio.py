"""keepalived.conf / ldirectord.cf import and export (pure; the UML tests commit an import)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clushell.errors import ClushError
from clushell.ipvs import confio
from clushell.ipvs.ipvsadm import save_lines
from clushell.ipvs.model import IpvsError

KEEPALIVED = """\
! Configuration File for keepalived
global_defs {
   router_id LVS_DEVEL
}
include extra/*.conf

virtual_server 10.1.1.100 80 {
    delay_loop 6
    lvs_sched wrr
    lvs_method NAT
    persistence_timeout 600
    persistence_granularity 255.255.255.0
    protocol TCP

    real_server 10.10.1.2 80 {
        weight 3
        TCP_CHECK {
            connect_timeout 3   # a comment
        }
    }
    real_server 10.10.1.3 8080 {
        weight 1
        uthreshold 100
        lthreshold 10
    }
}

virtual_server 10.1.1.101 443 {
    lb_algo sh
    sh-port
    lb_kind DR
    protocol TCP
    real_server 10.10.1.4 9999 { weight 2 }
}

virtual_server fwmark 10 {
    lvs_sched rr
    lvs_method TUN type gue port 6080 csum
    persistence_timeout
    real_server 10.10.1.5 {
        weight 1
    }
}

virtual_server 10.1.1.102 53 {
    lvs_sched rr
    real_server 10.10.1.6 53 {
    }
}

virtual_server 10.1.1.103 80 {
    protocol TCP
}
"""

EXTRA = """\
virtual_server 10.1.1.104 0 {
    protocol TCP
    lvs_method DR
    real_server 10.10.1.7 {
        lvs_method NAT
    }
}
"""


def test_keepalived_import(tmp_path: Path) -> None:
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "a.conf").write_text(EXTRA)
    path = tmp_path / "keepalived.conf"
    path.write_text(KEEPALIVED)
    table, warnings = confio.import_file("keepalived", str(path))
    assert save_lines(table) == [
        "-A -t 10.1.1.100:80 -s wrr -p 600 -M 255.255.255.0",
        "-a -t 10.1.1.100:80 -r 10.10.1.2:80 -m -w 3",
        "-a -t 10.1.1.100:80 -r 10.10.1.3:8080 -m -w 1 -x 100 -y 10",
        "-A -t 10.1.1.101:443 -s sh -b sh-port",
        "-a -t 10.1.1.101:443 -r 10.10.1.4:443 -g -w 2",
        "-A -t 10.1.1.104:0 -s wlc -p 360",
        "-a -t 10.1.1.104:0 -r 10.10.1.7:0 -m -w 1",
        "-A -u 10.1.1.102:53 -s rr",
        "-a -u 10.1.1.102:53 -r 10.10.1.6:53 -m -w 1",
        "-A -f 10 -s rr -p 360",
        "-a -f 10 -r 10.10.1.5:0 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum",
    ]
    assert any("no protocol given; keepalived uses UDP" in str(w) for w in warnings)
    assert any("10.1.1.103:80 has no real_server" in str(w) for w in warnings)


def test_keepalived_export_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "k.conf"
    path.write_text(KEEPALIVED)
    table, _ = confio.import_file("keepalived", str(path))
    text, warnings = confio.export_text("keepalived", table)
    assert warnings == []
    assert "virtual_server fwmark 10 {" in text and "    protocol TCP" in text
    again = tmp_path / "again.conf"
    again.write_text(text)
    table2, warnings2 = confio.import_file("keepalived", str(again))
    assert table2 == table and warnings2 == []


LDIRECTORD = """\
# Global Directives
checktimeout=3
checkinterval=1
autoreload=yes
quiescent=yes

virtual=10.1.1.100:80
    real=10.10.1.2:80 masq 3
    real=10.10.1.3:80 masq 1 "<u:100>" "<l:10>"
    service=http
    request="index.html"
    receive="Test Page"
    scheduler=rr
    persistent=600
    protocol=tcp
    checktype=negotiate

virtual=10.1.1.101:53
\treal=10.10.1.4:53 gate
\tscheduler=wlc

virtual=7
\treal=10.10.1.5 ipip 2
"""


def test_ldirectord_import_and_export(tmp_path: Path) -> None:
    path = tmp_path / "ldirectord.cf"
    path.write_text(LDIRECTORD)
    table, _ = confio.import_file("ldirectord", str(path))
    assert save_lines(table) == [
        "-A -t 10.1.1.100:80 -s rr -p 600",
        "-a -t 10.1.1.100:80 -r 10.10.1.2:80 -m -w 3",
        "-a -t 10.1.1.100:80 -r 10.10.1.3:80 -m -w 1 -x 100 -y 10",
        "-A -u 10.1.1.101:53 -s wlc",  # port 53 without protocol= means udp
        "-a -u 10.1.1.101:53 -r 10.10.1.4:53 -g -w 1",
        "-A -f 7 -s wrr",  # ldirectord's default scheduler
        "-a -f 7 -r 10.10.1.5:0 -i -w 2 --tun-type ipip",
    ]
    text, warnings = confio.export_text("ldirectord", table)
    assert "virtual=10.1.1.100:80" in text and '\treal=10.10.1.3:80 masq 1 "<u:100>" "<l:10>"' in text
    again = tmp_path / "again.cf"
    again.write_text(text)
    assert confio.import_file("ldirectord", str(again))[0] == table


def test_export_ipvsadm_is_save_format(tmp_path: Path) -> None:
    path = tmp_path / "ldirectord.cf"
    path.write_text(LDIRECTORD)
    table, _ = confio.import_file("ldirectord", str(path))
    text, _ = confio.export_text("ipvsadm", table)
    assert text.splitlines() == save_lines(table)


@pytest.mark.parametrize(
    "fmt, text, message",
    [
        ("keepalived", "virtual_server 10.1.1.1 80 {\n protocol TCP\n lvs_sched foo\n"
         " real_server 10.1.1.2 80 {\n}\n}\n", "unknown scheduler 'foo'"),
        ("keepalived", "virtual_server 10.1.1.1 80 {\n", "missing '}'"),
        ("keepalived", "virtual_server 10.1.1.1 80 {\n protocol TCP\n real_server 10.1.1.2 80 {\n"
         " weight 99999999999\n}\n}\n", "bad weight"),
        ("ldirectord", "virtual=10.1.1.1:80\n    real=10.1.1.2:80 bogus\n", "gate|masq|ipip"),
        ("ldirectord", "virtual=10.1.1.999:80\n    real=10.1.1.2:80 gate\n", "bad tcp service address"),
    ],
)
def test_import_errors_name_the_line(tmp_path: Path, fmt: str, text: str, message: str) -> None:
    path = tmp_path / "conf"
    path.write_text(text)
    with pytest.raises(IpvsError) as exc:
        confio.import_file(fmt, str(path))
    assert message in exc.value.message
    assert str(path) in exc.value.message or "conf" in exc.value.message


def test_missing_file() -> None:
    with pytest.raises(ClushError) as exc:
        confio.import_file("keepalived", "/nonexistent/keepalived.conf")
    assert "cannot read /nonexistent/keepalived.conf" in exc.value.message


GROUPS = """\
virtual_server group web {
    lvs_sched rr
    protocol TCP
    real_server 10.10.1.2 80 { weight 2 }
}
virtual_server_group web {
    10.1.1.100 80
    10.1.1.200-202 8080
    fwmark 7
    10.1.2.0/24 80
}
virtual_server group nosuch {
    real_server 10.10.1.3 80 { }
}
"""


def test_keepalived_virtual_server_groups(tmp_path: Path) -> None:
    path = tmp_path / "k.conf"
    path.write_text(GROUPS.rsplit("virtual_server group nosuch", 1)[0])
    table, warnings = confio.import_file("keepalived", str(path))
    assert sorted(s.text for s in table.services.values()) == [
        "fwm:7", "tcp:10.1.1.100:80", "tcp:10.1.1.200:8080", "tcp:10.1.1.201:8080", "tcp:10.1.1.202:8080"]
    assert all(list(s.reals) == [("10.10.1.2", 80)] for s in table.services.values())  # NAT keeps the port
    assert any("10.1.2.0/24 is not imported" in str(w) for w in warnings)
    path.write_text(GROUPS)
    with pytest.raises(IpvsError) as exc:
        confio.import_file("keepalived", str(path))
    assert "unknown virtual_server_group nosuch" in exc.value.message
