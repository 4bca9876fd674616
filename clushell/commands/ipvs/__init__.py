"""The ipvs level: IPVS services and real servers through ipvsadm, staged like configure.

Handlers stay thin: parsing and checks live in clushell.ipvs.model, plans and the one
round-trip apply in clushell.ipvs.plan/apply, per-director state in clushell.ipvs.state.
Every command accepts a director list token (@d1,d2) anywhere among its arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.ipvs import commit, edit, files, live
from clushell.commands.ipvs.common import state
from clushell.commands.tree import Level
from clushell.session import StateKey

if TYPE_CHECKING:
    from clushell.context import Context
    from clushell.session import LeaveReason

def _enter(ctx: Context) -> None:
    state(ctx)


def _leave(ctx: Context, reason: LeaveReason) -> None:
    ctx.session.settle(ctx, StateKey.IPVS, reason)


LEVEL = Level(
    "ipvs",
    "IPVS load balancing: virtual services and real servers through ipvsadm, on one or many directors.",
    commands=[*edit.COMMANDS, *live.COMMANDS, commit.cmd_diff, commit.cmd_commit, commit.cmd_verify, commit.cmd_refresh,
              *files.COMMANDS, commit.cmd_sync, live.cmd_director],
    long_help="Changes are staged like in configure: `diff` shows the plan, `commit` applies it in one "
    "round trip, reads the table back, verifies it and rolls back on failure. Leaving the level "
    "(or the end of a script) commits. Services: tcp:VIP:PORT udp:VIP:PORT sctp:VIP:PORT "
    "tcp:[V6]:PORT fwm:MARK fwm6:MARK. Directors: @d1,d2 on any command, or `director @d1,d2`.",
    enter=_enter,
    leave=_leave,
    stateful=True,
)
