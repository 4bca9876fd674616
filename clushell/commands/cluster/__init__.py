"""The ``cluster`` level: build, start, stop, grow, check and run commands on every node at once.

Every per-node step runs on all nodes in parallel, one SSH connection per node (reused for
the whole command). Nodes come from the command line, else from the running cluster (its
corosync nodelist, or crm_node -l), else from the ``cluster.nodes`` preference.
"""

from __future__ import annotations

from clushell.commands.cluster.build import do_add, do_init, do_remove
from clushell.commands.cluster.remote import do_run
from clushell.commands.cluster.services import do_restart, do_start, do_stop
from clushell.commands.cluster.state import do_health, do_status
from clushell.commands.tree import Level

LEVEL = Level(
    "cluster",
    "Build, start, stop, grow and check the cluster on every node at once (over SSH).",
    commands=[do_init, do_status, do_health, do_start, do_stop, do_restart, do_add, do_remove, do_run],
)
