"""Real traffic through a table clush committed, inside user-mode-linux.

Topology (all inside the guest): the root namespace is the director (VIP 10.1.1.100 on
dum0, forwarding on); namespaces rs1 (10.10.1.2) and rs2 (10.10.2.2) run a tiny TCP
server that answers its name; namespace cl (10.20.0.2) is the client. Proves NAT
balancing, that a drain sends new connections elsewhere while keeping the real, and that
`conns` and `stats` read the kernel's real entries.
"""

from __future__ import annotations

import pytest

from tests.realenv.uml import Uml, UmlResult

pytestmark = pytest.mark.uml

SERVER = """\
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80))
s.listen(64)
while True:
    c, _ = s.accept()
    c.sendall(sys.argv[1].encode() + b"\\n")
    c.close()
"""

CLIENT = """\
import collections, socket, sys, time
counts = collections.Counter()
for _ in range(int(sys.argv[1])):
    for attempt in range(50):
        try:
            c = socket.create_connection(("10.1.1.100", 80), timeout=5)
            break
        except OSError:
            time.sleep(0.1)
    counts[c.makefile().readline().strip()] += 1
    c.close()
print(" ".join(f"{k}={v}" for k, v in sorted(counts.items())))
"""

SCRIPT = r"""
PY=/usr/bin/python3
echo 1 > /proc/sys/net/ipv4/ip_forward
modprobe veth
ip addr add 10.1.1.100/32 dev dum0
for spec in rs1:10.10.1 rs2:10.10.2 cl:10.20.0; do
  name=${spec%%:*}; net=${spec#*:}
  ip netns add $name
  ip link add $name-h type veth peer name eth0 netns $name
  ip addr add $net.1/24 dev $name-h
  ip link set $name-h up
  ip netns exec $name ip addr add $net.2/24 dev eth0
  ip netns exec $name ip link set eth0 up
  ip netns exec $name ip link set lo up
  ip netns exec $name ip route add default via $net.1
done
ip netns exec rs1 $PY "$OUT/server.py" rs1 & s1=$!
ip netns exec rs2 $PY "$OUT/server.py" rs2 & s2=$!

"$CLUSH" --no-color < "$OUT/setup.in" > "$OUT/setup.stdout" 2> "$OUT/setup.stderr"; echo $? > "$OUT/setup.rc"
ip netns exec cl $PY "$OUT/client.py" 6 > "$OUT/before.txt" 2>&1
sleep 3  # the kernel folds its per-cpu counters into what -L --stats shows every 2 s
"$CLUSH" --no-color ipvs stats tcp:10.1.1.100:80 > "$OUT/stats.stdout" 2>&1
"$CLUSH" --no-color ipvs conns tcp:10.1.1.100:80 real=10.10.2.2:80 > "$OUT/conns.stdout" 2>&1
"$CLUSH" --no-color ipvs show > "$OUT/show.stdout" 2>&1
"$CLUSH" --no-color < "$OUT/drain.in" > "$OUT/drain.stdout" 2> "$OUT/drain.stderr"; echo $? > "$OUT/drain.rc"
ipvsadm -Sn > "$OUT/drain.sn"
ip netns exec cl $PY "$OUT/client.py" 6 > "$OUT/after.txt" 2>&1
kill $s1 $s2
"""

FILES = {
    "server.py": SERVER,
    "client.py": CLIENT,
    "setup.in": """
ipvs
service add tcp:10.1.1.100:80 sched=rr
real add tcp:10.1.1.100:80 10.10.1.2:80 method=nat
real add tcp:10.1.1.100:80 10.10.2.2:80 method=nat
""",
    "drain.in": """
ipvs
drain tcp:10.1.1.100:80 10.10.2.2:80
""",
}


@pytest.fixture(scope="module")
def traffic(tmp_path_factory: pytest.TempPathFactory) -> UmlResult:
    uml = Uml(tmp_path_factory.mktemp("umltraffic"))
    result = uml.run(SCRIPT, name="traffic", files=FILES)
    assert result.rc == 0, result.out
    return result


def test_nat_round_robin_balances(traffic: UmlResult) -> None:
    assert traffic.file("setup.rc").strip() == "0", traffic.file("setup.stderr")
    assert traffic.file("before.txt").strip() == "rs1=3 rs2=3", traffic.out


def test_conns_and_stats_read_real_entries(traffic: UmlResult) -> None:
    conns = traffic.file("conns.stdout").splitlines()
    entries = [line for line in conns if line.startswith("TCP")]
    assert len(entries) == 3, traffic.file("conns.stdout")
    assert all(e.split()[-1] == "10.10.2.2:80" and e.split()[-2] == "10.1.1.100:80" for e in entries)
    stats = traffic.file("stats.stdout").splitlines()
    svc = [line for line in stats if line.startswith("tcp:10.1.1.100:80")]
    assert svc and svc[0].split()[1] == "6"  # six connections counted by the kernel
    show = traffic.file("show.stdout")
    assert "10.10.2.2:80" in show


def test_drain_sends_new_connections_elsewhere_and_keeps_the_real(traffic: UmlResult) -> None:
    assert traffic.file("drain.rc").strip() == "0", traffic.file("drain.stderr")
    assert "-a -t 10.1.1.100:80 -r 10.10.2.2:80 -m -w 0" in traffic.file("drain.sn").splitlines()
    assert traffic.file("after.txt").strip() == "rs1=6", traffic.out
