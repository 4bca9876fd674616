"""The ``corosync`` level: corosync.conf as a model (show/get/set/edit), the same file on every node
(diff/push/pull), and corosync's own view (status/reload/log).

``set``, ``edit``, ``add-node`` and ``del-node`` change a working copy read from the first
cluster node; ``push`` writes it to every node atomically and reloads corosync. Leaving the
level (or the end of a script) pushes pending changes, like configure commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.cluster.common import FORCE, NODES, nodeset, specs_for
from clushell.commands.corosync.work import pull, push, work
from clushell.commands.tree import Arg, Kind, Level, Opt, command
from clushell.errors import ClushError

if TYPE_CHECKING:
    from clushell.context import Context
    from clushell.session import LeaveReason

KEY = Arg("key", Kind.COROSYNC_KEY, "dotted key: totem.token, quorum.two_node, logging.debug ...")
NODE = Arg("node", Kind.NODE, "node (default: the first node that answers)", optional=True)


@command("show", "Show the corosync.conf being edited (or NODE's file as it is).", NODE,
         examples=("show", "show hanode2"))
def do_show(ctx: Context, args: list[str]) -> None:
    """Without NODE, the working copy (pending changes included)."""
    if args:
        ctx.out.page(_node_text(ctx, args[0]))
        return
    ctx.out.page(work(ctx).conf.render())


def _node_text(ctx: Context, node: str) -> str:
    from clushell.cluster.nodes import read_conf

    nodes = nodeset(ctx, specs_for(ctx, [node]))
    try:
        conf = read_conf(nodes.runner(nodes.names[0]), nodes.names[0])
    finally:
        nodes.close()
    if conf is None:
        raise ClushError(f"{node} has no corosync.conf", token=node)
    return conf.render()


@command("get", "Print the value of a dotted key (one line per value).", KEY,
         examples=("get totem.token", "get nodelist.node.ring0_addr"))
def do_get(ctx: Context, args: list[str]) -> None:
    """Repeated sections (nodelist.node) give one value per section."""
    for value in work(ctx).conf.get(args[0]):
        ctx.out.print(value)


@command("set", "Set a dotted key in the working copy (checked against corosync's known keys).",
         KEY, Arg("value", Kind.TEXT, "new value"), opts=(FORCE,),
         examples=("set totem.token 5000", "set quorum.wait_for_all 1", "set logging.debug on"))
def do_set(ctx: Context, args: list[str]) -> None:
    """Unknown keys and bad values are refused (--force writes an unknown key
    anyway); missing sections are created. The change is pending until push (or
    leaving the level).
    """
    words, opts = do_set.split_opts(args)
    work(ctx).conf.set(words[0], words[1], force="--force" in opts)


@command("delete", "Remove a dotted key from the working copy.", KEY, aliases=("unset",),
         examples=("delete totem.token",))
def do_delete(ctx: Context, args: list[str]) -> None:
    """corosync then uses the key's default."""
    work(ctx).conf.delete(args[0])


@command("add-node", "Add a node to the working copy's nodelist (cluster add also starts it).",
         Arg("name", Kind.TEXT, "node name"), Arg("addr", Kind.HOST, "ring0 address"),
         opts=(Opt("nodeid", "node id (default: the next free one)", Kind.NUMBER),),
         examples=("add-node hanode4 10.0.0.4",))
def do_add_node(ctx: Context, args: list[str]) -> None:
    """Duplicate names, ids and addresses are refused; two_node follows the node count."""
    words, opts = do_add_node.split_opts(args)
    work(ctx).conf.add_node(words[0], [words[1]], int(opts["nodeid"]) if "nodeid" in opts else None)


@command("del-node", "Remove a node from the working copy's nodelist.", Arg("name", Kind.NODE, "node name"),
         examples=("del-node hanode4",))
def do_del_node(ctx: Context, args: list[str]) -> None:
    """cluster remove does this on every node, and stops the node and forgets it in Pacemaker too."""
    work(ctx).conf.remove_node(args[0])


@command("edit", "Edit the working copy in $EDITOR (checked before it is taken).")
def do_edit(ctx: Context, args: list[str]) -> None:
    """A syntax error names its line and column, and nothing is taken."""
    import os
    import shlex
    import subprocess
    import tempfile

    from clushell.corosync.model import CorosyncConf

    st = work(ctx)
    fd, path = tempfile.mkstemp(prefix="clush-corosync-", suffix=".conf")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(st.conf.render())
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:
            rc = subprocess.call([*shlex.split(editor), path])
        except (OSError, ValueError) as exc:
            raise ClushError(f"cannot run editor '{editor}': {exc}") from None
        if rc != 0:
            raise ClushError(f"editor '{editor}' exited with status {rc}; nothing changed")
        with open(path) as f:
            text = f.read()
    finally:
        os.unlink(path)
    conf = CorosyncConf(text, "edited corosync.conf")
    conf.check()
    st.conf = conf


@command("diff", "Show how each node's corosync.conf differs from the first node's (and pending changes).",
         NODES, examples=("diff", "diff hanode1 hanode3"))
def do_diff(ctx: Context, args: list[str]) -> None:
    """Unified diffs; nothing printed when every file is the same. Unreachable nodes are listed."""
    import difflib

    from clushell.cluster import config
    from clushell.commands.cluster.common import cluster_specs
    from clushell.session import StateKey

    specs = specs_for(ctx, args) if args else cluster_specs(ctx)
    nodes = nodeset(ctx, specs)
    try:
        outcomes = config.texts(nodes)
    finally:
        nodes.close()
    got = [(o.node, o.value or "") for o in outcomes if o.ok]
    if not got:
        raise ClushError("no node answered: " + "; ".join(f"{o.node}: {o.error}" for o in outcomes))
    ref_node, ref = got[0]
    for node, text in got[1:]:
        for line in difflib.unified_diff(ref.splitlines(), text.splitlines(), f"{ref_node}:corosync.conf",
                                         f"{node}:corosync.conf", lineterm=""):
            ctx.out.print(line)
    st = ctx.session.get_state(StateKey.COROSYNC)
    if st is not None and st.has_pending():
        for line in difflib.unified_diff(st.base.splitlines(), st.conf.render().splitlines(),
                                         f"{st.source}:corosync.conf", "pending", lineterm=""):
            ctx.out.print(line)
    bad = [f"{o.node}: {o.error}" for o in outcomes if not o.ok]
    if bad:
        raise ClushError("not compared: " + "; ".join(bad))


@command("push", "Write the working copy to every node atomically (keeps corosync.conf.bak), reload corosync.",
         NODES, opts=(FORCE,), examples=("push", "push hanode4"))
def do_push(ctx: Context, args: list[str]) -> None:
    """Default: every node of the nodelist. Each file is written under a temp name,
    fsynced and renamed; then corosync-cfgtool -R makes the running nodes re-
    read it. A node that fails keeps its own file and is listed; the command
    then fails. A node of another cluster (other cluster_name) is refused unless
    --force.
    """
    words, opts = do_push.split_opts(args)
    push(ctx, work(ctx), words, force="--force" in opts)


@command("pull", "Read corosync.conf from a node as the working copy (drops pending changes).", NODE,
         examples=("pull", "pull hanode2"))
def do_pull(ctx: Context, args: list[str]) -> None:
    """Asks first when changes are pending (scripts need -y)."""
    from clushell.session import StateKey

    ctx.session.confirm_discard(ctx, StateKey.COROSYNC, "pull")
    st = pull(ctx, args[0] if args else None)
    ctx.out.info(f"corosync.conf read from {st.source}")


@command("reload", "Make every running node re-read its corosync.conf (corosync-cfgtool -R).", NODE)
def do_reload(ctx: Context, args: list[str]) -> None:
    """Run on one node, it reaches every running node of the cluster."""
    from clushell.commands.cluster.common import cluster_specs

    specs = specs_for(ctx, args) if args else cluster_specs(ctx)
    nodes = nodeset(ctx, specs)
    try:
        errors = []
        for name in nodes.names:
            try:
                res = nodes.runner(name).run(["corosync-cfgtool", "-R"], timeout=60)
            except ClushError as exc:
                errors.append(f"{name}: {exc}")
                continue
            if res.ok:
                ctx.out.info(f"corosync re-read its configuration (via {name})")
                return
            errors.append(f"{name}: {res.first_error_line()}")
        raise ClushError("; ".join(errors))
    finally:
        nodes.close()


@command("status", "corosync's view on each node: links (corosync-cfgtool -s) and quorum (corosync-quorumtool -s).",
         NODES, examples=("status", "status hanode2"))
def do_status(ctx: Context, args: list[str]) -> None:
    """Output per node under its name, in node order."""
    from clushell.commands.cluster.common import cluster_specs
    from clushell.commands.cluster.remote import print_outputs

    specs = specs_for(ctx, args) if args else cluster_specs(ctx)
    nodes = nodeset(ctx, specs)
    try:
        outcomes = nodes.each(lambda n, r: r.run(["sh", "-c", "corosync-cfgtool -s; corosync-quorumtool -s"],
                                                 timeout=30))
    finally:
        nodes.close()
    print_outputs(ctx, outcomes)


@command("log", "Show the end of corosync's and pacemaker's logs on a node.", NODE,
         opts=(Opt("lines", "how many lines of each log (default 40)", Kind.NUMBER),),
         examples=("log", "log hanode1 lines=100"))
def do_log(ctx: Context, args: list[str]) -> None:
    """The files named in corosync.conf's logging section (and pacemaker's log), else the journal."""
    from clushell.commands.cluster.remote import show_log

    words, opts = do_log.split_opts(args)
    show_log(ctx, words[0] if words else None, int(opts.get("lines", "40")))


def _leave(ctx: Context, reason: LeaveReason) -> None:
    from clushell.session import StateKey

    ctx.session.settle(ctx, StateKey.COROSYNC, reason)


LEVEL = Level(
    "corosync",
    "corosync.conf on every node: show, get/set with checks, edit, diff, push atomically, reload, log.",
    commands=[do_show, do_get, do_set, do_delete, do_edit, do_diff, do_push, do_pull, do_add_node, do_del_node,
              do_reload, do_status, do_log],
    leave=_leave,
    stateful=True,
)
