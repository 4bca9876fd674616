"""The ``resource`` level: start/stop/move/cleanup/... through crm_resource.

Every command acts at once (no pending state), except inside a configure session with
uncommitted edits, where start/stop/manage/... change the pending configuration as crmsh
does. On a simulated sandbox (the demo) the simulator then carries the change out, and
the command reports what moved; ``-w``/``--wait`` does the same on a live cluster.
"""

from __future__ import annotations

from clushell.commands.resource import attrs, debug, placement, roles, views
from clushell.commands.tree import Level

LEVEL = Level(
    "resource",
    "Resource operations: start/stop, move/ban/clear, cleanup, attributes.",
    commands=[*roles.COMMANDS, *placement.COMMANDS, *attrs.COMMANDS, *views.COMMANDS, *debug.COMMANDS],
    long_help=("Each command acts on the cluster at once (or on the sandbox file).\n"
               "Add -w (or run clush -w) to wait until the cluster is idle and see what moved."),
)
