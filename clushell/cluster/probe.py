"""One round trip per node that tells what state its cluster stack is in (status, health, checks).

The script is fixed text. pacemakerd's state comes from ``crmadmin -P``: in Pacemaker 2.1.5
``pacemakerd -s`` means --standby and would *start* a pacemakerd on a stopped node.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from clushell.cluster.nodes import AUTHKEY, COROSYNC_CONF
from clushell.transport.base import Runner

SCRIPT = r"""
r() { n=$1; shift; echo "@@$n"; "$@" 2>&1; echo "@@rc $?"; }
uid=; while read -r k v _; do [ "$k" = Uid: ] && uid=$v && break; done </proc/self/status 2>/dev/null
echo "@@uid ${uid:-$(id -u)}"
h=; read -r h </proc/sys/kernel/hostname 2>/dev/null
echo "@@uname ${h:-$(uname -n)}"
for t in corosync corosync-cfgtool corosync-quorumtool pacemakerd crm_node crmadmin crm_mon systemctl; do
  command -v "$t" >/dev/null 2>&1 || echo "@@missing $t"
done
set --
for f in CONF AUTHKEY; do [ -e "$f" ] && set -- "$@" "$f"; done
[ $# -gt 0 ] && sha256sum -- "$@" 2>/dev/null
if t=$(mktemp -d 2>/dev/null); then
  trap 'rm -rf -- "$t"' EXIT
  r cfgtool corosync-cfgtool -s >"$t/1" &
  r quorum corosync-quorumtool -s >"$t/2" &
  r pacemakerd crmadmin -P -t 3000 >"$t/3" &
  r dc crmadmin -D -t 3000 >"$t/4" &
  wait
  cat -- "$t/1" "$t/2" "$t/3" "$t/4"
else
  r cfgtool corosync-cfgtool -s; r quorum corosync-quorumtool -s
  r pacemakerd crmadmin -P -t 3000; r dc crmadmin -D -t 3000
fi
echo "@@end"
""".replace("CONF", COROSYNC_CONF).replace("AUTHKEY", AUTHKEY)


@dataclass
class NodeState:
    node: str
    reachable: bool = False
    error: str = ""
    root: bool = False
    uname: str = ""
    missing: list[str] = field(default_factory=list)
    corosync: str = "unknown"  # running | stopped | unknown
    pacemaker: str = "unknown"  # running | stopped | what crmadmin -P says (starting daemons, ...)
    quorate: bool | None = None
    votes: str = ""  # "total/expected"
    members: list[str] = field(default_factory=list)
    dc: str = ""
    links: list[str] = field(default_factory=list)  # corosync-cfgtool -s lines naming a problem
    conf_sha256: str = ""
    authkey_sha256: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _blocks(out: str) -> dict[str, tuple[list[str], int]]:
    blocks: dict[str, tuple[list[str], int]] = {}
    name, lines = "", []
    for line in out.splitlines():
        if line.startswith("@@rc ") and name:
            blocks[name] = (lines, int(line[5:]) if line[5:].strip().lstrip("-").isdigit() else 1)
            name, lines = "", []
        elif line in ("@@cfgtool", "@@quorum", "@@pacemakerd", "@@dc"):
            name, lines = line[2:], []
        elif name:
            lines.append(line)
    return blocks


def parse(node: str, out: str) -> NodeState:
    st = NodeState(node, reachable=True)
    for line in out.splitlines():
        word, _, rest = line.partition(" ")
        if word == "@@uid":
            st.root = rest.strip() == "0"
        elif word == "@@uname":
            st.uname = rest.strip()
        elif word == "@@missing":
            st.missing.append(rest.strip())
        elif word == "@@sum" or (len(word) == 64 and rest.strip() in (COROSYNC_CONF, AUTHKEY)):
            # sha256sum's own lines ("DIGEST  PATH"), or "@@sum DIGEST  PATH"
            digest, _, path = (rest.strip() if word == "@@sum" else line).partition(" ")
            if path.strip() == COROSYNC_CONF and digest != "-":
                st.conf_sha256 = digest
            elif path.strip() == AUTHKEY and digest != "-":
                st.authkey_sha256 = digest
    blocks = _blocks(out)
    cfg_lines, cfg_rc = blocks.get("cfgtool", ([], 1))
    st.corosync = "running" if cfg_rc == 0 else "stopped"
    st.links = [ln.strip() for ln in cfg_lines if any(w in ln for w in ("disconnected", "FAULTY", "faulty"))]
    q_lines, q_rc = blocks.get("quorum", ([], 1))
    if q_rc in (0, 2):
        st.quorate = q_rc == 0
        total = expected = ""
        for ln in q_lines:
            if ln.startswith("Total votes:"):
                total = ln.split(":", 1)[1].strip()
            elif ln.startswith("Expected votes:"):
                expected = ln.split(":", 1)[1].strip()
        st.votes = f"{total}/{expected}" if total else ""
        st.members = _members(q_lines)
    p_lines, p_rc = blocks.get("pacemakerd", ([], 1))
    # "Status of pacemakerd: 'Pacemaker is running' (last updated ...)"
    said = " ".join(p_lines).split("'")
    state = said[1].removeprefix("Pacemaker is ").strip() if p_rc == 0 and len(said) > 2 else ""
    st.pacemaker = state or "stopped"
    d_lines, d_rc = blocks.get("dc", ([], 1))
    for ln in d_lines:
        if "Designated Controller is:" in ln and d_rc == 0:
            st.dc = ln.split(":", 1)[1].strip()
    return st


def _members(lines: list[str]) -> list[str]:
    """Names from the "Membership information" table of corosync-quorumtool -s."""
    out, table = [], False
    for ln in lines:
        if ln.strip().startswith("Nodeid"):
            table = True
            continue
        if table:
            parts = ln.split()
            if len(parts) >= 3 and parts[0].isdigit():
                out.append(parts[2])
    return out


def probe(node: str, runner: Runner) -> NodeState:
    """The node's state; a node that cannot be reached comes back with reachable False and the reason."""
    from clushell.errors import ClushError

    try:
        res = runner.run(["sh", "-c", SCRIPT], timeout=30)
    except ClushError as exc:
        return NodeState(node, error=str(exc))
    if "@@end" not in res.out:
        return NodeState(node, reachable=True, error=res.first_error_line())
    return parse(node, res.out)
