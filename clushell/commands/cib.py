"""The `cib` level: shadow CIBs — a private copy to change and test before it goes live.

The store itself (files, versions, commit) is clushell.pacemaker.shadow. `cib use NAME`
switches the session to a shadow (the prompt shows its name); `cib commit NAME` pushes its
configuration back, refusing when the target changed since the shadow was made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.tree import Arg, Kind, Level, command
from clushell.errors import ClushError
from clushell.session import StateKey

if TYPE_CHECKING:
    from pathlib import Path

    from clushell.context import Context

def _base_session(ctx: Context):
    """The session's own target (not a shadow), with a runner for it."""
    session = ctx.session
    if session.target.kind == "remote" or (session.base_target and session.base_target.kind == "remote"):
        raise ClushError("shadow CIBs work on local targets only (not over --host)")
    return session.base_target or session.target


def _base_runner(ctx: Context):
    from clushell.transport.local import LocalRunner

    return LocalRunner(_base_session(ctx).env)


def _no_pending(ctx: Context, what: str) -> None:
    if ctx.session.pending_states():
        raise ClushError(f"{what}: commit or discard the pending changes first")


def _make(ctx: Context, name: str, empty: bool, force: bool) -> Path:
    from clushell.pacemaker import shadow

    return shadow.make(_base_runner(ctx), name, empty=empty, force=force)


def _switch(ctx: Context, name: str | None) -> None:
    from clushell.pacemaker.shadow import shadow_file
    from clushell.target import Target

    session = ctx.session
    _no_pending(ctx, "cib use")
    if name in (None, "live"):
        if session.base_target is not None:
            session.switch_target(session.base_target)
            session.base_target = None
        return
    path = shadow_file(name)
    if not path.exists():
        raise ClushError(f"no shadow '{name}' (create it with 'cib new {name}')", token=name)
    base = _base_session(ctx)
    if session.base_target is None:
        session.base_target = base
    session.switch_target(Target("shadow", cib_file=str(path), node=base.node, shadow=name,
                                 env={"CIB_file": str(path)}))


@command("new", "Create a shadow CIB from the current one (or empty) and use it.",
         Arg("name", Kind.SHADOW, "shadow name"),
         Arg("options", Kind.KEYWORD, "empty: start from an empty CIB; force: overwrite", optional=True,
             repeat=True, choices=("empty", "force")),
         examples=("new test1", "new scratch empty"))
def do_new(ctx: Context, args: list[str]) -> None:
    """The shadow starts as a copy of the target's CIB; the session switches to it."""
    opts = set(args[1:])
    bad = opts - {"empty", "force"}
    if bad:
        raise ClushError(f"unknown option '{sorted(bad)[0]}' (empty, force)", token=sorted(bad)[0])
    _no_pending(ctx, "cib new")
    path = _make(ctx, args[0], "empty" in opts, "force" in opts)
    _switch(ctx, args[0])
    ctx.out.info(f"shadow '{args[0]}' created ({path}) and in use")


@command("use", "Work on a shadow CIB, or on the real target again with 'live'.",
         Arg("name", Kind.SHADOW, "shadow name or 'live'", optional=True, choices=("live",)),
         examples=("use test1", "use live"))
def do_use(ctx: Context, args: list[str]) -> None:
    """Pending configure changes must be committed or discarded before switching."""
    _switch(ctx, args[0] if args else None)


@command("list", "List the shadow CIBs.")
def do_list(ctx: Context, args: list[str]) -> None:
    """The one in use is marked with '*'."""
    from clushell.pacemaker import shadow

    current = ctx.session.target.shadow
    for name in shadow.names():
        ctx.out.print(f"{'*' if name == current else ' '} {name}")


@command("delete", "Delete a shadow CIB.", Arg("name", Kind.SHADOW, "shadow name"))
def do_delete(ctx: Context, args: list[str]) -> None:
    """A shadow in use cannot be deleted."""
    from clushell.pacemaker import shadow

    name = args[0]
    shadow.shadow_file(name)  # checks the name
    if ctx.session.target.shadow == name:
        raise ClushError(f"shadow '{name}' is in use ('cib use live' first)", token=name)
    shadow.delete(name)


@command("reset", "Make a shadow a fresh copy of the current CIB.", Arg("name", Kind.SHADOW, "shadow name"))
def do_reset(ctx: Context, args: list[str]) -> None:
    """Throws away what was changed in the shadow."""
    from clushell.pacemaker.shadow import shadow_file

    if not shadow_file(args[0]).exists():
        raise ClushError(f"no shadow '{args[0]}'", token=args[0])
    _no_pending(ctx, "cib reset")
    _make(ctx, args[0], False, True)
    ctx.session.drop_state(StateKey.CONFIGURE)


@command("diff", "Show how a shadow's configuration differs from the target's.",
         Arg("name", Kind.SHADOW, "shadow name (default: the one in use)", optional=True))
def do_diff(ctx: Context, args: list[str]) -> None:
    """A unified diff of the two configurations in the configure language."""
    import difflib

    from clushell.pacemaker import cibio
    from clushell.pacemaker.shadow import shadow_file

    name = args[0] if args else ctx.session.target.shadow
    if not name:
        raise ClushError("no shadow in use; name one")
    path = shadow_file(name)
    if not path.exists():
        raise ClushError(f"no shadow '{name}'", token=name)
    live = _as_text(cibio.query(_base_runner(ctx)))
    mine = _as_text(path.read_bytes())
    ctx.out.print("".join(difflib.unified_diff(live.splitlines(True), mine.splitlines(True),
                                               "target", f"shadow.{name}")).rstrip("\n"))


def _as_text(xml: bytes) -> str:
    from lxml import etree

    from clushell.cib.render import render_all

    root = etree.fromstring(xml)
    conf = root.find("configuration")
    return render_all(conf) + "\n" if conf is not None else ""


@command("commit", "Push a shadow's configuration to the target it was made from.",
         Arg("name", Kind.SHADOW, "shadow name (default: the one in use)", optional=True),
         Arg("force", Kind.KEYWORD, "push even if the target changed since", optional=True, choices=("force",)))
def do_commit(ctx: Context, args: list[str]) -> None:
    """Refuses when the target's CIB changed after 'cib new' (unless forced): nothing is overwritten silently."""
    from clushell.pacemaker import filetxn, shadow

    force = "force" in args or ctx.session.options.force
    names = [a for a in args if a != "force"]
    name = names[0] if names else ctx.session.target.shadow
    if not name:
        raise ClushError("no shadow in use; name one")
    if not shadow.shadow_file(name).exists():
        raise ClushError(f"no shadow '{name}'", token=name)
    _no_pending(ctx, "cib commit")
    with filetxn.guarded(ctx.out.error):
        admin, epoch = shadow.commit(_base_runner(ctx), name, force=force)
    ctx.out.info(f"shadow '{name}' committed (epoch now {admin}.{epoch})")


LEVEL = Level(
    "cib",
    "Shadow CIBs: change a private copy, test it, then commit it.",
    commands=[do_new, do_use, do_list, do_diff, do_commit, do_reset, do_delete],
)
