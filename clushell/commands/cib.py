"""The `cib` level: shadow CIBs — a private copy to change and test before it goes live.

A shadow is a CIB file in the shadow directory ($CIB_shadow_dir, else
$XDG_DATA_HOME/clush/shadows), made from the current target. `cib use NAME` switches
the session to it (the prompt shows its name); `cib commit NAME` pushes its
configuration back, refusing when the target changed since the shadow was made.
crm_shadow itself is not used for commit: with CIB_file it reports success and writes
nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from clushell.commands.tree import Arg, Kind, Level, command
from clushell.errors import ClushError
from clushell.session import StateKey

if TYPE_CHECKING:
    from clushell.context import Context

NAME_OK = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"


def shadow_dir() -> Path:
    from clushell import paths

    env = os.environ.get("CIB_shadow_dir")
    return Path(env) if env else paths.data_dir() / "shadows"


def shadow_file(name: str) -> Path:
    if not name or any(c not in NAME_OK for c in name) or name.startswith("."):
        raise ClushError(f"bad shadow name '{name}' (letters, digits, '_', '.', '-')", token=name)
    return shadow_dir() / f"shadow.{name}"


def _base_file(name: str) -> Path:
    return shadow_dir() / f".shadow.{name}.base"


def _versions(xml: bytes) -> tuple[int, int]:
    from lxml import etree

    root = etree.fromstring(xml)
    return int(root.get("admin_epoch", "0")), int(root.get("epoch", "0"))


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
    from clushell.pacemaker import cibio

    path = shadow_file(name)
    if path.exists() and not force:
        raise ClushError(f"shadow '{name}' exists already (add 'force' to overwrite it)", token=name)
    runner = _base_runner(ctx)
    current = cibio.query(runner)
    if empty:
        res = runner.run(["cibadmin", "--empty"])
        if not res.ok:
            raise ClushError(f"cibadmin --empty: {res.first_error_line()}")
        text = res.out.encode()
    else:
        text = current
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(text)
    os.replace(tmp, path)
    admin, epoch = _versions(current)
    _base_file(name).write_text(f"{admin} {epoch}\n")
    return path


def _switch(ctx: Context, name: str | None) -> None:
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
         Arg("name", Kind.SHADOW, "shadow name or 'live'", optional=True, choices=("live",)), examples=("use test1", "use live"))
def do_use(ctx: Context, args: list[str]) -> None:
    """Pending configure changes must be committed or discarded before switching."""
    _switch(ctx, args[0] if args else None)


@command("list", "List the shadow CIBs.")
def do_list(ctx: Context, args: list[str]) -> None:
    """The one in use is marked with '*'."""
    current = ctx.session.target.shadow
    for path in sorted(shadow_dir().glob("shadow.*")):
        name = path.name[len("shadow.") :]
        if name.endswith(".tmp"):
            continue
        ctx.out.print(f"{'*' if name == current else ' '} {name}")


@command("delete", "Delete a shadow CIB.", Arg("name", Kind.SHADOW, "shadow name"))
def do_delete(ctx: Context, args: list[str]) -> None:
    """A shadow in use cannot be deleted."""
    name = args[0]
    path = shadow_file(name)
    if ctx.session.target.shadow == name:
        raise ClushError(f"shadow '{name}' is in use ('cib use live' first)", token=name)
    if not path.exists():
        raise ClushError(f"no shadow '{name}'", token=name)
    path.unlink()
    _base_file(name).unlink(missing_ok=True)


@command("reset", "Make a shadow a fresh copy of the current CIB.", Arg("name", Kind.SHADOW, "shadow name"))
def do_reset(ctx: Context, args: list[str]) -> None:
    """Throws away what was changed in the shadow."""
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
    from lxml import etree

    from clushell.pacemaker import cibio

    force = "force" in args or ctx.session.options.force
    names = [a for a in args if a != "force"]
    name = names[0] if names else ctx.session.target.shadow
    if not name:
        raise ClushError("no shadow in use; name one")
    path = shadow_file(name)
    if not path.exists():
        raise ClushError(f"no shadow '{name}'", token=name)
    _no_pending(ctx, "cib commit")
    runner = _base_runner(ctx)
    now = _versions(cibio.query(runner))
    try:
        made_from = tuple(int(x) for x in _base_file(name).read_text().split())
    except (OSError, ValueError):
        made_from = None
    if made_from != now and not force:
        raise ClushError(f"the target changed since shadow '{name}' was made (epoch {made_from} -> {now}); "
                         "'cib diff' shows the difference, 'cib commit NAME force' overwrites it")
    conf = etree.fromstring(path.read_bytes()).find("configuration")
    res = runner.run(["cibadmin", "--replace", "--scope", "configuration", "--xml-pipe"],
                     stdin=etree.tostring(conf))
    if not res.ok:
        raise ClushError(f"commit of shadow '{name}' failed: {res.first_error_line()}")
    admin, epoch = _versions(cibio.query(runner))
    _base_file(name).write_text(f"{admin} {epoch}\n")
    ctx.out.info(f"shadow '{name}' committed (epoch now {admin}.{epoch})")


LEVEL = Level(
    "cib",
    "Shadow CIBs: change a private copy, test it, then commit it.",
    commands=[do_new, do_use, do_list, do_diff, do_commit, do_reset, do_delete],
)
