"""cluster init, add and remove."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.cluster.common import FORCE, cluster_specs, nodeset, say, specs_for
from clushell.commands.tree import Arg, Kind, Opt, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context


# -- init ---------------------------------------------------------------------------------------
@command("init", "Create a cluster: corosync.conf and authkey on every node, start it, wait for a DC.",
         Arg("name", Kind.TEXT, "cluster name"),
         Arg("nodes", Kind.HOST, "nodes ([USER@]HOST[:PORT]); their names become the corosync node names",
             repeat=True),
         opts=(Opt("addrs", "ring0 addresses in node order, comma separated (default: what each name resolves "
                   "to on the node itself)", metavar="A,B,..."),
               Opt("token", "totem token timeout in ms", Kind.NUMBER),
               Opt("crypto", "knet encryption with an authkey (default yes)", choices=("yes", "no")),
               Opt("--no-start", "write the configuration only", Kind.FLAG), FORCE),
         examples=("init web hanode1 hanode2 hanode3", "init web n1 n2 addrs=10.0.0.1,10.0.0.2 token=5000"))
def do_init(ctx: Context, args: list[str]) -> None:
    """Checks every node first: SSH, root, the corosync and pacemaker packages, its
    address, that it can reach the others, and that it is not in a cluster
    already (corosync running or a corosync.conf; --force overrides). Nothing is
    changed anywhere when a check fails. Then writes a Corosync 3 / knet
    corosync.conf (two_node with two nodes) and a fresh 128-byte authkey (mode
    0400) on every node, starts corosync and pacemaker, and waits until every
    node is online with a DC.
    """
    from clushell.cluster import setup

    words, opts = do_init.split_opts(args)
    name, node_words = words[0], words[1:]
    specs = specs_for(ctx, node_words)
    addrs: dict[str, str] = {}
    if "addrs" in opts:
        given = [a.strip() for a in opts["addrs"].split(",")]
        if len(given) != len(specs):
            raise UsageError(f"addrs= has {len(given)} addresses for {len(specs)} nodes", token=opts["addrs"])
        addrs = dict(zip(specs, given, strict=True))
    nodes = nodeset(ctx, specs)
    try:
        ssh_hosts = {n: nodes.runner(n).hostname for n in specs}
        setup.init(nodes, name, say(ctx), addrs=addrs, ssh_hosts=ssh_hosts, force="--force" in opts,
                   token=int(opts["token"]) if "token" in opts else None, crypto=opts.get("crypto", "yes") == "yes",
                   start="--no-start" not in opts)
    finally:
        nodes.close()



# -- add / remove -------------------------------------------------------------------------------
@command("add", "Add a node: nodelist on every node, authkey, reload, start it and wait until online.",
         Arg("node", Kind.HOST, "the new node ([USER@]HOST[:PORT]); its name becomes its corosync name"),
         opts=(Opt("addr", "its ring0 address (default: what its name resolves to on the node)", Kind.HOST),
               Opt("nodeid", "its node id (default: the next free one)", Kind.NUMBER), FORCE),
         examples=("add hanode4", "add hanode4 addr=10.0.0.4"))
def do_add(ctx: Context, args: list[str]) -> None:
    """The new node is checked like init checks (root, packages, not in a cluster
    unless --force); then corosync.conf with the node added is pushed to every
    node (atomically, keeping .bak), the authkey is copied to it, corosync
    reloads, and the node is started.
    """
    from clushell.cluster import membership

    words, opts = do_add.split_opts(args)
    new = specs_for(ctx, [words[0]])
    specs = {**cluster_specs(ctx), **new}
    name = next(iter(new))
    nodes = nodeset(ctx, specs)
    try:
        failed = membership.add(nodes, name, say(ctx), addr=opts.get("addr"),
                                ssh_host=nodes.runner(name).hostname, force="--force" in opts,
                                nodeid=int(opts["nodeid"]) if "nodeid" in opts else None)
    finally:
        nodes.close()
    if failed:
        raise ClushError(f"{name} added, but: " + "; ".join(failed))


@command("remove", "Remove a node: stop it, drop it from every nodelist, reload, crm_node -R.",
         Arg("node", Kind.NODE, "the node to remove"), opts=(FORCE,), aliases=("delete",),
         examples=("remove hanode4",))
def do_remove(ctx: Context, args: list[str]) -> None:
    """Refuses to remove the last node that gives quorum (no other node runs
    corosync) without --force. With two nodes left, quorum.two_node is set. The
    removed node's corosync.conf is moved to corosync.conf.bak.
    """
    from clushell.cluster import membership

    words, opts = do_remove.split_opts(args)
    specs = cluster_specs(ctx)
    gone = words[0]
    if gone not in specs:
        specs = {**specs, **specs_for(ctx, [gone])}
    nodes = nodeset(ctx, specs)
    try:
        failed = membership.remove(nodes, gone, say(ctx), force="--force" in opts)
    finally:
        nodes.close()
    if failed:
        raise ClushError(f"{gone} removed, but: " + "; ".join(failed))
