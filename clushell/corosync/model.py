"""What clush does with a corosync.conf: dotted get/set, the nodelist, checks, and init configs."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from clushell.corosync import keys
from clushell.corosync.conf import Section, parse
from clushell.errors import ClushError


@dataclass(frozen=True)
class Node:
    name: str
    nodeid: int | None
    addrs: tuple[str, ...]  # ring0_addr, ring1_addr, ... in link order


class CorosyncConf:
    """A parsed corosync.conf with the operations the corosync and cluster levels need."""

    def __init__(self, text: str, source: str = "corosync.conf"):
        self.source = source
        self.doc = parse(text, source)

    def render(self) -> str:
        return self.doc.render()

    # -- dotted paths ----------------------------------------------------------------------
    def _sections(self, names: list[str]) -> list[Section]:
        found = [self.doc]
        for name in names:
            found = [s for parent in found for s in parent.sections(name)]
        return found

    def get(self, path: str) -> list[str]:
        """Values at ``section[.section].key`` (several for repeated sections such as nodelist.node)."""
        parts = _split(path)
        secs = self._sections(parts[:-1])
        values = [v for s in secs if (v := s.get(parts[-1])) is not None]
        if not values:
            if self._sections(parts):
                raise ClushError(f"{path} is a section, not a key (corosync show prints sections)", token=path)
            raise ClushError(f"{path} is not set in {self.source}", token=path)
        return values

    def set(self, path: str, value: str, *, force: bool = False) -> None:
        """Set one key, creating its sections when needed; known keys and values are checked."""
        parts = _split(path)
        section, key = ".".join(parts[:-1]), parts[-1]
        if section in ("nodelist", "nodelist.node"):
            raise ClushError(f"{path}: change nodes with 'cluster add/remove' (or corosync edit)", token=path)
        problem = keys.check(section, key, value)
        if problem and not force:
            raise ClushError(problem, token=path if "unknown" in problem else value)
        before = self.render()
        parent = self.doc
        for name in parts[:-1]:
            found = parent.sections(name)
            if len(found) > 1:
                raise ClushError(f"{path}: section '{name}' appears {len(found)} times; use corosync edit",
                                 token=path)
            parent = found[0] if found else parent.add_section(name)
        parent.set(key, value)
        try:
            self.check()
        except ClushError:
            self.doc = parse(before, self.source)  # a refused change leaves nothing behind
            raise

    def delete(self, path: str) -> None:
        parts = _split(path)
        removed = [s.remove(parts[-1]) for s in self._sections(parts[:-1])]
        if not any(removed):
            raise ClushError(f"{path} is not set in {self.source}", token=path)

    # -- facts -----------------------------------------------------------------------------
    @property
    def cluster_name(self) -> str:
        secs = self._sections(["totem"])
        return next((v for s in secs if (v := s.get("cluster_name"))), "")

    def logfiles(self) -> list[str]:
        logging = self._sections(["logging"])
        if any(s.get("to_logfile") == "yes" for s in logging):
            return [v for s in logging if (v := s.get("logfile"))]
        return []

    def nodes(self) -> list[Node]:
        out = []
        for sec in self._sections(["nodelist", "node"]):
            addrs = tuple(v for i in range(8) if (v := sec.get(f"ring{i}_addr")))
            nid = sec.get("nodeid")
            out.append(Node(sec.get("name") or (addrs[0] if addrs else ""), int(nid) if nid and nid.isdigit()
                            else None, addrs))
        return out

    # -- nodelist --------------------------------------------------------------------------
    def add_node(self, name: str, addrs: list[str], nodeid: int | None = None) -> Node:
        """Append a node (next free nodeid by default); duplicate names, ids or addresses are refused."""
        nodes = self.nodes()
        for n in nodes:
            if n.name == name:
                raise ClushError(f"node {name} is already in the nodelist", token=name)
            for a in addrs:
                if a in n.addrs:
                    raise ClushError(f"address {a} of {name} is already used by node {n.name}", token=a)
        used = {n.nodeid for n in nodes}
        if nodeid is None:
            nodeid = max((i for i in used if i is not None), default=0) + 1
        elif nodeid in used:
            raise ClushError(f"nodeid {nodeid} is already used", token=str(nodeid))
        for a in addrs:
            if (p := keys.check_value("ring0_addr", keys.ADDR, a)) is not None:
                raise ClushError(p, token=a)
        lists = self._sections(["nodelist"])
        parent = lists[0] if lists else self.doc.add_section("nodelist")
        sec = parent.add_section("node")
        for i, a in enumerate(addrs):
            sec.set(f"ring{i}_addr", a)
        sec.set("name", name)
        sec.set("nodeid", str(nodeid))
        self._two_node()
        return Node(name, nodeid, tuple(addrs))

    def remove_node(self, name: str) -> None:
        for parent in self._sections(["nodelist"]):
            for sec in parent.sections("node"):
                if sec.get("name") == name or (not sec.get("name") and sec.get("ring0_addr") == name):
                    parent.children.remove(sec)
                    self._two_node()
                    return
        raise ClushError(f"node {name} is not in the nodelist", token=name)

    def _two_node(self) -> None:
        """votequorum's two_node is right for exactly two nodes and wrong for any other number."""
        quorum = self._sections(["quorum"])
        q = quorum[0] if quorum else self.doc.add_section("quorum")
        if len(self.nodes()) == 2:
            q.set("two_node", "1")
        else:
            q.remove("two_node")

    # -- checks ----------------------------------------------------------------------------
    def check(self) -> None:
        """What corosync would refuse (or run badly with) beyond syntax; first problem as ClushError."""
        names: dict[str, str] = {}
        ids: dict[int, str] = {}
        addrs: dict[str, str] = {}
        nodes = self.nodes()
        for n in nodes:
            if not n.addrs:
                raise ClushError(f"{self.source}: node {n.name or '?'} has no ring0_addr")
            if n.name in names:
                raise ClushError(f"{self.source}: node name {n.name} appears twice in the nodelist")
            if n.nodeid is not None and n.nodeid in ids:
                raise ClushError(f"{self.source}: nodeid {n.nodeid} is used by {ids[n.nodeid]} and {n.name}")
            for a in n.addrs:
                if a in addrs:
                    raise ClushError(f"{self.source}: address {a} is used by {addrs[a]} and {n.name}")
                addrs[a] = n.name
            names[n.name] = n.name
            if n.nodeid is not None:
                ids[n.nodeid] = n.name
        transport = self.get_one("totem.transport") or "knet"
        if transport == "knet" and any(n.nodeid is None for n in nodes):
            raise ClushError(f"{self.source}: with knet every node needs a nodeid")
        cipher, digest = self.get_one("totem.crypto_cipher"), self.get_one("totem.crypto_hash")
        if cipher not in (None, "none") and digest in (None, "none"):
            raise ClushError(f"{self.source}: crypto_cipher {cipher} needs a crypto_hash other than none")
        two = self.get_one("quorum.two_node")
        if two == "1" and len(nodes) != 2:
            raise ClushError(f"{self.source}: quorum.two_node is 1 but the nodelist has {len(nodes)} nodes")

    def get_one(self, path: str) -> str | None:
        parts = _split(path)
        values = [v for s in self._sections(parts[:-1]) if (v := s.get(parts[-1])) is not None]
        return values[-1] if values else None

    def uses_crypto(self) -> bool:
        return (self.get_one("totem.crypto_cipher") or "none") != "none" or \
            (self.get_one("totem.crypto_hash") or "none") != "none"


def _split(path: str) -> list[str]:
    parts = path.split(".")
    if len(parts) < 2 or not all(parts):
        raise ClushError(f"'{path}' is not a dotted key such as totem.token", token=path)
    return parts


def generate(cluster_name: str, nodes: list[tuple[str, str]], *, token: int | None = None,
             crypto: bool = True, syslog: bool = True) -> str:
    """A Corosync 3 / knet corosync.conf for ``nodes`` [(name, address)], as ``cluster init`` writes it."""
    if not cluster_name or any(c.isspace() or c in "{}:#" for c in cluster_name) or len(cluster_name) > 63:
        raise ClushError(f"bad cluster name '{cluster_name}'", token=cluster_name)
    families = {ipaddress.ip_address(a).version for _, a in nodes if _is_ip(a)}
    lines = ["# corosync.conf written by clush cluster init (corosync.conf(5), votequorum(5))",
             "totem {", "\tversion: 2", f"\tcluster_name: {cluster_name}", "\ttransport: knet"]
    if families == {6}:
        lines.append("\tip_version: ipv6")
    if token is not None:
        lines.append(f"\ttoken: {token}")
    cipher, digest = ("aes256", "sha256") if crypto else ("none", "none")
    lines += [f"\tcrypto_cipher: {cipher}", f"\tcrypto_hash: {digest}", "}", "", "nodelist {"]
    for i, (name, addr) in enumerate(nodes, 1):
        lines += ["\tnode {", f"\t\tring0_addr: {addr}", f"\t\tname: {name}", f"\t\tnodeid: {i}", "\t}"]
    lines += ["}", "", "quorum {", "\tprovider: corosync_votequorum"]
    if len(nodes) == 2:
        lines.append("\ttwo_node: 1")
    lines += ["}", "", "logging {", "\tto_logfile: yes", "\tlogfile: /var/log/corosync/corosync.log",
              f"\tto_syslog: {'yes' if syslog else 'no'}", "\ttimestamp: on", "}", ""]
    text = "\n".join(lines)
    CorosyncConf(text).check()  # duplicates and the like, before anything is written
    return text


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False
