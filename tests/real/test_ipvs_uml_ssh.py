"""Real SSH inside user-mode-linux: sshd on the guest's loopback and one network namespace
per director (each namespace has its own IPVS table), driven by clush's paramiko transport.

Proves: commits over SSH (one round trip), multi-director edits, `sync` making two
directors equal, ipvsadm failures told apart from SSH failures, and sync stopping at
the first failing node.
"""

from __future__ import annotations

import pytest

from tests.realenv.uml import Uml, UmlResult

pytestmark = [pytest.mark.uml, pytest.mark.ssh]

SETUP = r"""
set -e
modprobe veth
D=/run/ssh
mkdir -p $D /run/sshd /root/.ssh
ssh-keygen -q -t ed25519 -N '' -f $D/hostkey
ssh-keygen -q -t ed25519 -N '' -f $D/clientkey
cp $D/clientkey.pub $D/authorized_keys
cat > $D/sshd_config <<EOF
HostKey $D/hostkey
AuthorizedKeysFile $D/authorized_keys
PasswordAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
PidFile none
UseDNS no
EOF
/usr/sbin/sshd -f $D/sshd_config -E $D/sshd-lo.log -o ListenAddress=127.0.0.1 -o Port=2222
for i in 1 2; do
  ip netns add d$i
  ip link add d$i-h type veth peer name eth0 netns d$i
  ip addr add 10.30.$i.1/24 dev d$i-h
  ip link set d$i-h up
  ip netns exec d$i ip addr add 10.30.$i.2/24 dev eth0
  ip netns exec d$i ip link set eth0 up
  ip netns exec d$i ip link set lo up
  ip netns exec d$i /usr/sbin/sshd -f $D/sshd_config -E $D/sshd-d$i.log -o ListenAddress=10.30.$i.2 -o Port=22
done
# d3 resolves to an address of our own subnet where nothing listens
{
  printf 'Host lo\n  HostName 127.0.0.1\n  Port 2222\n  User root\n  IdentityFile %s/clientkey\n' $D
  for i in 1 2 3; do
    printf 'Host d%s\n  HostName 10.30.%s.2\n  User root\n  IdentityFile %s/clientkey\n' $i $i $D
  done
} > /root/.ssh/config
KEY=$(cut -d' ' -f1,2 $D/hostkey.pub)
for h in '[127.0.0.1]:2222' 10.30.1.2 10.30.2.2; do echo "$h $KEY" >> /root/.ssh/known_hosts; done
set +e
# wait until the three sshd listen (at most about 10 s)
for try in $(seq 100); do
  n=$(ss -ltn | grep -c '127.0.0.1:2222 ')
  for i in 1 2; do n=$((n + $(ip netns exec d$i ss -ltn | grep -c "10.30.$i.2:22 "))); done
  [ "$n" -ge 3 ] && break
  sleep 0.1
done
"""

SCRIPT = (
    SETUP
    + r"""
ipvs_sn() { if [ "$1" = root ]; then ipvsadm -Sn; else ip netns exec "$1" ipvsadm -Sn; fi; }
ipvs_thr() { ip netns exec "$1" ipvsadm -Ln --thresholds; }

# 1. one director over SSH on the loopback (the root namespace's table)
"$CLUSH" --no-color < "$OUT/lo.in" > "$OUT/lo.stdout" 2> "$OUT/lo.stderr"; echo $? > "$OUT/lo.rc"
ipvs_sn root > "$OUT/lo.sn"
"$CLUSH" --no-color --host lo ipvs real edit tcp:10.1.1.100:80 10.1.1.2:80 weight=5 \
  > "$OUT/host.stdout" 2> "$OUT/host.stderr"
echo $? > "$OUT/host.rc"
ipvs_sn root > "$OUT/host.sn"

# 2. d1 built over SSH; d2 holds a different, overlapping table typed by hand
"$CLUSH" --no-color < "$OUT/d1.in" > "$OUT/d1.stdout" 2> "$OUT/d1.stderr"; echo $? > "$OUT/d1.rc"
ip netns exec d2 ipvsadm -A -t 10.1.1.100:80 -s wlc
ip netns exec d2 ipvsadm -a -t 10.1.1.100:80 -r 10.10.1.2:80 -m -w 9
ip netns exec d2 ipvsadm -a -t 10.1.1.100:80 -r 10.10.1.9:80 -m -w 1
ip netns exec d2 ipvsadm -A -u 10.1.1.199:53 -s rr
ipvs_sn d2 > "$OUT/d2.before.sn"
"$CLUSH" --no-color ipvs sync @d1 @d2 > "$OUT/sync.stdout" 2> "$OUT/sync.stderr"; echo $? > "$OUT/sync.rc"
ipvs_sn d1 > "$OUT/d1.sn"; ipvs_sn d2 > "$OUT/d2.sn"
ipvs_thr d1 > "$OUT/d1.thr"; ipvs_thr d2 > "$OUT/d2.thr"
"$CLUSH" --no-color ipvs sync @d1 @d2 > "$OUT/sync2.stdout" 2> "$OUT/sync2.stderr"

# 3. one edit on both directors, then a failing commit over SSH rolls back on d1
"$CLUSH" --no-color < "$OUT/both.in" > "$OUT/both.stdout" 2> "$OUT/both.stderr"; echo $? > "$OUT/both.rc"
ipvs_sn d1 > "$OUT/both.d1.sn"; ipvs_sn d2 > "$OUT/both.d2.sn"
"$CLUSH" --no-color < "$OUT/fail.in" > "$OUT/fail.stdout" 2> "$OUT/fail.stderr"; echo $? > "$OUT/fail.rc"
ipvs_sn d1 > "$OUT/fail.d1.sn"

# 4. SSH failures: an unreachable director, and sync stopping at it
"$CLUSH" --no-color ipvs show @d3 > "$OUT/d3.stdout" 2> "$OUT/d3.stderr"; echo $? > "$OUT/d3.rc"
ip netns exec d2 ipvsadm -A -t 10.1.1.201:80 -s rr
"$CLUSH" --no-color ipvs sync @d1 @d3,d2 > "$OUT/sync3.stdout" 2> "$OUT/sync3.stderr"; echo $? > "$OUT/sync3.rc"
ipvs_sn d2 > "$OUT/sync3.d2.sn"

# 5. directors and groups from the configuration file
printf '[ipvs]\ndirectors = pair\ngroup.pair = d1 d2\n' > /tmp/clush.conf
export CLUSH_CONFIG=/tmp/clush.conf
"$CLUSH" --no-color ipvs director > "$OUT/group.stdout" 2>&1
"$CLUSH" --no-color ipvs show @pair > "$OUT/groupshow.stdout" 2>&1
"$CLUSH" --no-color ipvs sync @d1 > "$OUT/groupsync.stdout" 2> "$OUT/groupsync.stderr"; echo $? > "$OUT/groupsync.rc"
ipvs_sn d1 > "$OUT/group.d1.sn"; ipvs_sn d2 > "$OUT/group.d2.sn"
"""
)

FILES = {
    "lo.in": """
ipvs
director @lo
service add tcp:10.1.1.100:80 sched=rr
real add tcp:10.1.1.100:80 10.1.1.2:80 method=nat weight=2
commit
show
""",
    "d1.in": """
ipvs
service add @d1 tcp:10.1.1.100:80 sched=wrr
real add @d1 tcp:10.1.1.100:80 10.10.1.2:80 method=nat weight=3
real add @d1 tcp:10.1.1.100:80 10.10.2.2:80 method=nat weight=1 upper=100 lower=10
service add @d1 fwm:10 sched=rr persistent=600
real add @d1 fwm:10 10.10.1.2 method=dr
commit @d1
""",
    "both.in": """
ipvs
director @d1,d2
real edit tcp:10.1.1.100:80 10.10.1.2:80 weight=0
diff
commit
""",
    "fail.in": """
ipvs
service add @d1 tcp:10.1.1.150:80 sched=rr
service add @d1 tcp:10.1.1.151:80 sched=twos
commit @d1
""",
}


@pytest.fixture(scope="module")
def ssh_run(tmp_path_factory: pytest.TempPathFactory) -> UmlResult:
    uml = Uml(tmp_path_factory.mktemp("umlssh"))
    result = uml.run(SCRIPT, name="ssh", files=FILES)
    assert result.rc == 0, result.out
    return result


def test_commit_over_ssh_on_loopback(ssh_run: UmlResult) -> None:
    assert ssh_run.file("lo.rc").strip() == "0", ssh_run.file("lo.stderr")
    assert ssh_run.file("lo.sn").splitlines() == [
        "-A -t 10.1.1.100:80 -s rr",
        "-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 2",
    ]
    assert "ipvs lo: committed 2 ipvsadm steps in one round trip; verified" in ssh_run.file("lo.stderr")
    assert "10.1.1.2:80" in ssh_run.file("lo.stdout")


def test_host_option_drives_the_local_director_over_ssh(ssh_run: UmlResult) -> None:
    assert ssh_run.file("host.rc").strip() == "0", ssh_run.file("host.stderr")
    assert "ipvs local (root@lo): committed 1 ipvsadm step" in ssh_run.file("host.stderr")
    assert "-a -t 10.1.1.100:80 -r 10.1.1.2:80 -m -w 5" in ssh_run.file("host.sn").splitlines()


def test_sync_makes_two_directors_equal(ssh_run: UmlResult) -> None:
    assert ssh_run.file("d1.rc").strip() == "0", ssh_run.file("d1.stderr")
    assert "10.1.1.199:53" in ssh_run.file("d2.before.sn")
    assert ssh_run.file("sync.rc").strip() == "0", ssh_run.file("sync.stderr")
    d1, d2 = ssh_run.file("d1.sn"), ssh_run.file("d2.sn")
    assert d1 == d2
    assert "-a -t 10.1.1.100:80 -r 10.10.2.2:80 -m -w 1" in d1.splitlines()
    assert "-A -f 10 -s rr -p 600" in d1.splitlines()
    # thresholds are not in -Sn: compare them from --thresholds too
    assert ssh_run.file("d1.thr") == ssh_run.file("d2.thr")
    assert "100        10" in ssh_run.file("d2.thr")
    assert "d2: synced" in ssh_run.file("sync.stdout")
    assert "d2: in sync (0 steps)" in ssh_run.file("sync2.stdout")


def test_edit_on_two_directors_at_once(ssh_run: UmlResult) -> None:
    assert ssh_run.file("both.rc").strip() == "0", ssh_run.file("both.stderr")
    for name in ("both.d1.sn", "both.d2.sn"):
        assert "-a -t 10.1.1.100:80 -r 10.10.1.2:80 -m -w 0" in ssh_run.file(name).splitlines()
    assert ssh_run.file("both.d1.sn") == ssh_run.file("both.d2.sn")


def test_ipvsadm_failure_over_ssh_rolls_back(ssh_run: UmlResult) -> None:
    assert ssh_run.file("fail.rc").strip() == "1"
    assert ssh_run.file("fail.d1.sn") == ssh_run.file("both.d1.sn")
    out = ssh_run.file("fail.stdout")
    assert "ipvsadm -A -t 10.1.1.150:80 -s rr: ok" in out
    assert "FAILED (rc 255: Scheduler or persistence engine not found)" in out
    assert "table restored to the snapshot" in out
    assert "commit on d1 failed" in ssh_run.file("fail.stderr")


def test_ssh_failure_is_not_an_ipvsadm_error(ssh_run: UmlResult) -> None:
    assert ssh_run.file("d3.rc").strip() == "1"
    err = ssh_run.file("d3.stderr")
    assert "cannot connect to root@10.30.3.2:22" in err
    assert "ipvsadm" not in err and "Traceback" not in err


def test_sync_stops_at_first_failing_director(ssh_run: UmlResult) -> None:
    assert ssh_run.file("sync3.rc").strip() == "1"
    out = ssh_run.file("sync3.stdout")
    assert "d3: FAILED" in out and "not tried: d2" in out
    # d2 was not touched: the service added by hand is still there
    assert "-A -t 10.1.1.201:80 -s rr" in ssh_run.file("sync3.d2.sn").splitlines()


def test_director_groups_from_configuration(ssh_run: UmlResult) -> None:
    assert ssh_run.file("group.stdout").strip() == "directors: d1,d2"
    show = ssh_run.file("groupshow.stdout")
    assert "director d1" in show and "director d2" in show
    assert ssh_run.file("groupsync.rc").strip() == "0", ssh_run.file("groupsync.stderr")
    assert "d2: synced (1 steps)" in ssh_run.file("groupsync.stdout")
    assert ssh_run.file("group.d1.sn") == ssh_run.file("group.d2.sn")
