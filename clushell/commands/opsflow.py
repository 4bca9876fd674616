"""Shared flow of the operations levels: -w parsing, change + settle/wait + report."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from clushell.errors import UsageError
from clushell.session import StateKey

if TYPE_CHECKING:
    from clushell.context import Context

WAIT_FLAGS = ("-w", "--wait")

def take_wait(args: list[str]) -> tuple[list[str], bool]:
    """Strip -w/--wait from the arguments."""
    rest = [a for a in args if a not in WAIT_FLAGS]
    return rest, len(rest) != len(args)


def attr_args(cmd: str, args: list[str]) -> tuple[str, str, str, str | None]:
    """``OBJ set|delete|show NAME [VALUE]`` as crmsh takes it: set needs a value, the others none."""
    obj, action, name = args[0], args[1], args[2]
    value = args[3] if len(args) > 3 else None
    if action == "set" and value is None:
        raise UsageError(f"{cmd} set needs a value: {cmd} {obj} set {name} VALUE")
    if action != "set" and value is not None:
        raise UsageError(f"unexpected argument '{value}'", token=value)
    return obj, action, name, value


def change(ctx: Context, action: Callable[[], None], *, wait: bool = False) -> None:
    """Run ``action`` (a cluster change); then settle/wait and report what moved.

    Sandbox files that model a cluster are settled by crm_simulate; the live cluster is
    waited for with -w (or clush -w). Plain CIB files are only changed.
    """
    from clushell.pacemaker import cibfile, filetxn, mon, ops
    from clushell.sandbox import is_simulated

    session = ctx.session
    target, runner = session.target, session.runner
    wait = wait or session.options.wait
    simulated = False
    if target.is_file:
        res = runner.run(["cibadmin", "-Q"], timeout=60)
        simulated = res.ok and is_simulated(res.out)
    before = mon.fetch(runner) if simulated or (wait and not target.is_file) else None
    # a local CIB file: the change (and the simulated cluster's reaction) is one locked, atomic write
    with filetxn.guarded(ctx.out.error), filetxn.transaction(runner, cibfile.local_cib_file(runner)) as txn:
        action()
        if simulated:
            assert target.cib_file is not None
            ops.settle(runner, txn.copy if txn else target.cib_file)
    _refresh_workspace(ctx)
    if before is None:
        return
    if not simulated:
        ops.wait_idle(runner)
    for moved in ops.moves(before, mon.fetch(runner)):
        ctx.out.print(str(moved))


def _refresh_workspace(ctx: Context) -> None:
    """A configure session without pending edits must see what the command just changed."""
    ws = ctx.session.get_state(StateKey.CONFIGURE)
    if ws is not None and not ws.has_pending():
        ws.reload(ctx.session.runner)


def model(ctx: Context):
    from clushell.pacemaker import ops

    return ops.load(ctx.session.runner)[1]


def need(args: list[str], what: str) -> None:
    if not args:
        raise UsageError(f"missing {what}")


