"""The CIB reads a one-shot live ``configure`` starts at process start, before the heavy imports.

A one-shot `clush configure ...` (or a script whose first line enters configure) on the local
cluster first loads the whole CIB; `cibadmin --query` takes ~0.7 s at 4000 primitives, most of it
in the daemon (as root, clushell.pacemaker.cibdisk needs only the small <cib> and status reads).
cli.py calls :func:`start` first thing; clushell.target hands the reads to the session's live
runner (:func:`take_reads`: it answers its first calls from them when a call is exactly one of
them: argv, environment, no stdin; the first call that is none drops them) and ``crm_node -n`` to
the target's choice (:func:`take_node`). So the CIB is never read after this process wrote
anything through the runner; reading early is otherwise safe, as every commit is
compare-and-swap on the loaded version.

Only light modules are imported here (no typing, re, subprocess or dataclasses), so the reads start
a few milliseconds after Python does.
"""

from __future__ import annotations

import os

from clushell.transport.prefetch import Prefetch

QUERY_ARGV = ("cibadmin", "--query")

_reads: list[Prefetch] = []  # the reads of the CIB, for the live runner's first calls
_node: Prefetch | None = None  # crm_node -n, for the target's choice (target.local_node_name)


def start() -> None:
    """Start reading the CIB when the target will be the local live cluster: its ``<cib>``
    element and status when the configuration will come from the CIB manager's file
    (clushell.pacemaker.cibdisk), else ``cibadmin --query``.

    The caller (cli.py) has checked the command line (no --host, --cib-file, --demo; first
    level configure; not the REPL); here the environment (no CIB_file, CIB_shadow) and the
    cluster (the CIB manager's socket exists, as the target's choice decides)."""
    global _node
    discard()
    if "CIB_file" in os.environ or "CIB_shadow" in os.environ or not cluster_answers():
        return
    from clushell.pacemaker import cibdisk

    try:
        for argv in cibdisk.reads() or (QUERY_ARGV,):
            _reads.append(Prefetch(argv, dict(os.environ)))
        # the live target's node name (asked before the read): at the same time
        _node = Prefetch(("crm_node", "-n"), dict(os.environ), as_runner=False)
    except OSError:  # a tool missing here: the calls themselves will say so
        discard()


def cluster_answers() -> bool:
    """The local CIB manager's IPC socket exists (as clushell.target.local_cluster_answers)."""
    from clushell.pacemaker.cibsocket import cib_sockets

    return cib_sockets() is not None


def take_reads() -> list[Prefetch]:
    """The CIB reads started, handed over once (the caller discards what it does not use)."""
    global _reads
    reads, _reads = _reads, []
    return reads


def take_node() -> Prefetch | None:
    """``crm_node -n`` started with the reads, handed over once."""
    global _node
    node, _node = _node, None
    return node


def discard() -> None:
    """Drop what nobody took (at exit, or when the target changes): killed and reaped."""
    global _reads, _node
    for pre in (*_reads, _node):
        if pre is not None:
            pre.discard()
    _reads, _node = [], None
