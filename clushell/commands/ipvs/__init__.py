"""The ipvs level: IPVS services and real servers through ipvsadm, staged like configure.

Handlers stay thin and are grouped by meaning: edit (staging), live (what the kernel holds),
commit (plan and apply), files (save/load/import/export), targets (which tables: directors or
the offline file). Parsing and checks live in clushell.ipvs (model, checks), plans and the one
round-trip apply in ipvs.plan/apply, per-director state in ipvs.state. Every command that
declares the director option accepts a list (@d1,d2) anywhere among its arguments.
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
    "tcp:[V6]:PORT fwm:MARK fwm6:MARK. Directors: @d1,d2 on any command, or `director @d1,d2`. "
    "The director @file is an offline table in ipvsadm -Sn format (--ipvs-file PATH, the ipvs.file "
    "preference, the demo table, or a sandbox table when this machine has no IPVS and no director is "
    "configured): everything but the kernel-only commands works on it, and `sync @file @d1` puts it on "
    "a director.",
    enter=_enter,
    leave=_leave,
    stateful=True,
)
