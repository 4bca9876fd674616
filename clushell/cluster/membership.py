"""cluster add / remove: change the nodelist on every node, reload, start or stop and forget the node."""

from __future__ import annotations

from collections.abc import Callable

from clushell.cluster import config, services, setup
from clushell.cluster.nodes import AUTHKEY, COROSYNC_CONF, NodeSet, read_conf
from clushell.corosync.model import CorosyncConf
from clushell.errors import ClushError

Say = Callable[[str], None]


def current_conf(nodes: NodeSet, skip: str = "") -> tuple[str, CorosyncConf]:
    """The corosync.conf of the first node (other than ``skip``) that answers and has one."""
    problems = []
    for name in nodes.names:
        if name == skip:
            continue
        try:
            conf = read_conf(nodes.runner(name), name)
        except ClushError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if conf is not None:
            return name, conf
        problems.append(f"{name}: no corosync.conf")
    raise ClushError("no cluster node gives its corosync.conf (" + "; ".join(problems) + ")")


def add(nodes: NodeSet, new: str, say: Say, *, addr: str | None, ssh_host: str | None, force: bool,
        nodeid: int | None = None) -> list[str]:
    """Add ``new`` (part of ``nodes``) to the cluster formed by the other nodes; returns failures."""
    facts = nodes.each(setup.facts, [new])[0]
    if not facts.ok or facts.value is None:
        raise ClushError(f"{new}: {facts.error}")
    f = facts.value
    problems = []
    if f.uid != "0":
        problems.append(f"not logged in as root (uid {f.uid})")
    if f.missing:
        problems.append(f"not installed: {', '.join(f.missing)}")
    if f.running and not force:
        problems.append("corosync is running (in another cluster?); --force replaces its config")
    elif f.has_conf and not force:
        problems.append(f"{COROSYNC_CONF} exists; --force replaces it")
    if problems:
        raise ClushError(f"{new}: " + "; ".join(problems) + "; nothing was changed")
    address = setup.pick_address(new, f, addr, ssh_host)
    source, conf = current_conf(nodes, skip=new)
    conf.add_node(new, [address], nodeid)
    text = conf.render()
    if conf.uses_crypto():
        key = config.read_authkey(nodes.runner(source), source)
        nodes.runner(new).write_file(AUTHKEY, key, 0o400)
        say(f"{new}: authkey copied from {source}")
    targets = [n.name for n in conf.nodes()]
    result = config.push(nodes, text, say, names=targets)
    failed = list(result.failed) + ([result.reload_error] if result.reload_error else [])
    if new not in result.updated:
        return failed
    outcome = services.start(nodes, [new])[0]
    if not outcome.ok:
        return [*failed, f"{new}: {outcome.error}"]
    say(f"{new}: started corosync and pacemaker; waiting for the membership")
    return failed + services.wait_online(nodes, [new], say)


def remove(nodes: NodeSet, gone: str, say: Say, *, force: bool) -> list[str]:
    """Stop ``gone``, drop it from every other node's nodelist, reload, forget it in Pacemaker."""
    source, conf = current_conf(nodes, skip=gone)
    if gone not in [n.name for n in conf.nodes()]:
        raise ClushError(f"{gone} is not in the nodelist of {source}", token=gone)
    rest = [n.name for n in conf.nodes() if n.name != gone]
    if not rest:
        raise ClushError(f"{gone} is the last node of the cluster; nothing to remove it from")
    running = [o.node for o in nodes.each(lambda n, r: config.corosync_runs(r), rest) if o.ok and o.value]
    if not running and not force:
        raise ClushError(f"no other node runs corosync: {gone} is the last quorum-giving node; "
                         "--force removes it anyway")
    failed: list[str] = []
    stopped = services.stop(nodes, [gone])[0]
    if stopped.ok:
        say(f"{gone}: stopped pacemaker and corosync")
        failed += services.wait_offline(nodes, [gone], say)
    elif not force:
        raise ClushError(f"{gone}: cannot stop it ({stopped.error}); --force removes it anyway")
    else:
        say(f"{gone}: not stopped ({stopped.error}); removing it anyway")
    conf.remove_node(gone)
    result = config.push(nodes, conf.render(), say, names=rest)
    failed += result.failed + ([result.reload_error] if result.reload_error else [])
    forget = [n for n in running if n in result.updated] or running
    if forget:
        res = nodes.runner(forget[0]).run(["crm_node", "--force", "-R", gone], timeout=60)
        if res.ok:
            say(f"{gone}: removed from Pacemaker's node list (crm_node --force -R on {forget[0]})")
        else:
            failed.append(f"{forget[0]}: crm_node --force -R {gone}: {res.first_error_line()}")
    if stopped.ok:
        res = nodes.runner(gone).run(["sh", "-c", 'mv -f -- "$1" "$1.bak"', "sh", COROSYNC_CONF], timeout=30)
        if res.ok:
            say(f"{gone}: its corosync.conf moved to corosync.conf.bak (it cannot rejoin by accident)")
    return failed
