"""configure: delete, rename, modgroup, set and erase objects of the pending configuration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.configure.common import confirm_destructive, report, running_resources, workspace
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context


@command(
    "delete",
    "Delete objects; constraints left hanging are removed, sets shrink, empty groups go.",
    Arg("id", Kind.ID, "object id (-f/--force: delete even if running)", repeat=True),
    aliases=("rm",),
    examples=("delete d1", "rm g1 l1", "delete --force vip"),
    long_help=(
        "As crmsh: deleting the last member of a group deletes the group, a clone's child deletes the "
        "clone; all ids are checked first, so an unknown id changes nothing. Running resources are "
        "refused unless --force, which stops them first."
    ),
)
def do_delete(ctx: Context, args: list[str]) -> None:
    # help text: long_help below
    from clushell.cib import edit

    force = any(a in ("-f", "--force") for a in args) or ctx.session.options.force
    ids = [a for a in args if a not in ("-f", "--force")]
    if not ids:
        raise UsageError("missing id; usage: delete [-f|--force] ID...")
    ws = workspace(ctx)
    running = sorted(set(ids) & running_resources(ctx))
    if running and not force:
        raise ClushError(f"resource {running[0]} is running, can't delete it (use delete --force)", token=running[0])
    if running:
        _stop_and_wait(ctx, running)
        ws = workspace(ctx)
    report(ctx, edit.delete(ws.pending, ids))


def _stop_and_wait(ctx: Context, ids: list[str], timeout: float = 120.0) -> None:
    """``delete --force``: as crmsh, stop running resources first (target-role=Stopped on
    the outermost container, committed at once) and wait until the cluster stopped them."""
    import time

    from clushell.commands.resource.roles import set_meta_now

    set_meta_now(ctx, ids, "target-role", "Stopped", wait=False)
    ctx.out.info(f"stopping {', '.join(ids)}")
    deadline = time.monotonic() + timeout
    while True:
        still = sorted(set(ids) & running_resources(ctx))
        if not still:
            return
        if time.monotonic() > deadline:
            raise ClushError(f"resource {still[0]} is still running after {timeout:g} s; nothing deleted")
        time.sleep(1)


@command(
    "rename",
    "Rename an object; constraints that refer to it follow.",
    Arg("old", Kind.ID, "current id"),
    Arg("new", Kind.NEW_ID, "new id"),
    examples=("rename d1 web",),
)
def do_rename(ctx: Context, args: list[str]) -> None:
    """Running resources and (on CIB files) nodes cannot be renamed, as in crmsh."""
    from clushell.cib import edit

    ws = workspace(ctx)
    if args[0] in running_resources(ctx):
        raise ClushError(f"cannot rename a running resource ({args[0]})", token=args[0])
    live = not ctx.session.target.cib_file
    report(ctx, edit.rename(ws.pending, args[0], args[1], live=live))


@command(
    "modgroup",
    "Add a resource to a group (optionally before/after a member) or remove one.",
    Arg("group", Kind.GROUP, "group id"),
    Arg("action", Kind.KEYWORD, "add or remove", choices=("add", "remove")),
    Arg("resource", Kind.PRIMITIVE, "primitive to add or remove"),
    Arg("where", Kind.KEYWORD, "position for add", optional=True, choices=("after", "before")),
    Arg("member", Kind.RESOURCE, "member to place it next to", optional=True),
    usage="GROUP add RSC [after|before MEMBER] | GROUP remove RSC",
    examples=("modgroup g1 add d3 before d2", "modgroup g1 remove d3"),
)
def do_modgroup(ctx: Context, args: list[str]) -> None:
    """A removed member stays as a stand-alone primitive."""
    from clushell.cib import edit

    if len(args) == 4:
        raise UsageError(f"expected a member after '{args[3]}'", token=args[3])
    report(ctx, edit.modgroup(workspace(ctx).pending, *args))


@command(
    "set",
    "Change an existing attribute: ID.NAME, ID.OP.NAME or ID.OP.INTERVAL.NAME.",
    Arg("path", Kind.TEXT, "ID.NAME (an nvpair anywhere in the object) or ID.OP[.INTERVAL].ATTR"),
    Arg("value", Kind.TEXT, "new value"),
    examples=("set d1.fake 5", "set d1.monitor.timeout 30s", "set d1.monitor.10s.timeout 40s"),
)
def do_set(ctx: Context, args: list[str]) -> None:
    """The nvpair or op must exist and be unique; nothing is created."""
    from clushell.cib import edit

    edit.set_value(workspace(ctx).pending, args[0], args[1])


@command(
    "erase",
    "Remove every object except nodes (or, with 'nodes', only the nodes).",
    Arg("what", Kind.KEYWORD, "nodes", optional=True, choices=("nodes",)),
)
def do_erase(ctx: Context, args: list[str]) -> None:
    """Refused while resources are running on a live cluster."""
    from clushell.cib import edit
    from clushell.cib.select import all_objects

    ws = workspace(ctx)
    if not args:
        running = running_resources(ctx)
        if running:
            raise ClushError(f"CIB erase aborted (nothing was deleted): resource {sorted(running)[0]} is running")
    after = ws.view.copy()
    edit.erase(after, nodes=bool(args))
    gone = len(all_objects(ws.view)) - len(all_objects(after))
    if gone:
        confirm_destructive(ctx, "erase", f"this deletes {gone} object{'s' if gone != 1 else ''}")
    edit.erase(ws.pending, nodes=bool(args))


COMMANDS = [do_delete, do_rename, do_modgroup, do_set, do_erase]
