"""The write step of a configure commit, and running it beside crm_verify on a CIB file.

:func:`write` applies the change: new objects with one guarded modify (a local file: on its locked
copy; the cluster here), else the three-way versioned patch (clushell.pacemaker.cibio).
:func:`beside_verification` runs it while crm_verify does, for a local CIB file only: the tools
work on the locked copy (clushell.pacemaker.filetxn), whose install waits for the verdict at
the transaction's gate and is dropped, nothing written, if verification refuses or is
interrupted. A live cluster is never written before the verdict.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from clushell.transport.base import Runner


class WriteState:
    """How far a write got: its file transaction, applied to a cluster, the message to show."""

    def __init__(self) -> None:
        self.txn: Any = None
        self.done = False
        self.message = ""

    def applied(self) -> bool:
        return self.txn.applied if self.txn is not None else self.done


def write(runner: Runner, path: str | None, state: WriteState, *, replace: Callable[[], None] | None,
          force: bool, frag: Any, loaded: tuple[str | None, ...], original_xml: bytes, pending_xml: bytes,
          prep: Any = None, gate: Callable[[], None] | None = None, start: Callable[[], None] | None = None
          ) -> None:
    """Apply the change original_xml -> pending_xml to the target (``path``: a local CIB file).

    ``replace``: commit replace instead. ``frag``: only new objects (cibfile.appended), or None.
    ``prep``: cibio.prepare running in the background. ``gate``: called before a local file's
    copy is installed (filetxn.transaction). ``start``: called first (waits for memory)."""
    from clushell.pacemaker import cibfile, cibio, filetxn

    if start is not None:
        start()
    prepared = prep.result() if prep else None  # (done by now; before the file transaction starts)
    for attempt in (1, 2):
        try:
            # a local CIB file: locked, written to a copy, renamed over (clushell.pacemaker.filetxn)
            with filetxn.transaction(runner, path, gate=gate) as txn:
                state.txn = txn
                if replace is not None:
                    replace()
                elif txn is not None and frag is not None and cibfile.commit_appended(runner, txn.copy, loaded, frag):
                    version = cibfile.file_version(txn.copy)
                    state.message = f"committed; CIB epoch now {version[1]} (version {'.'.join(map(str, version))})"
                elif txn is None and frag is not None and (made := cibio.commit_created(runner, loaded, frag)):
                    state.message = made.message
                else:
                    outcome = cibio.commit(runner, original_xml, pending_xml, force=force,
                                           prepared=prepared if attempt == 1 else None)
                    state.message = outcome.message if outcome.changed else ""
                state.done = txn is None
            return
        except filetxn.ConcurrentChange:
            # the CIB file changed between copy and rename (nothing written; a remote file, or a
            # writer here that does not take the lock): once more from the new version, where the
            # three-way check merges or refuses
            if attempt == 2:
                raise
            state.txn, state.message = None, ""


def beside_verification(verify: Callable[[Callable[[], None] | None], bool],
                        write: Callable[[Runner, Callable[[], None], Callable[[], None] | None], None],
                        runner: Runner, *, hold: bool = False) -> bool:
    """``write(own_runner, gate, start)`` in a thread while ``verify(released)`` runs here; the
    write's install waits at ``gate`` for the verdict. ``hold``: the write starts (``start``
    returns) only once verification has dropped its own tree (it calls ``released``), so that
    the two never hold a big CIB's trees at once (peak memory). Returns what verify returned;
    raises what either raised (verify's first: then the write is dropped). Ctrl-C waits for the
    write to end, since it alone knows whether the file was replaced, then goes on as
    KeyboardInterrupt."""
    from clushell.pacemaker.verify import in_background

    gate = _Gate()
    writer = in_background(write, _own_runner(runner), gate.wait, gate.wait_checked if hold else None)
    try:
        force = verify(gate.checked if hold else None)
    except BaseException:
        gate.close()
        _wait_for(writer)  # the copy is dropped once its tool call ends
        raise
    gate.open()
    if _wait_for(writer):  # Ctrl-C while the copy was installed: the caller says applied or not
        raise KeyboardInterrupt
    writer.result()
    return force


class _Gate:
    """``wait`` returns once verification has passed (``open``) and raises once it has refused or
    was interrupted (``close``)."""

    def __init__(self) -> None:
        self._decided = threading.Event()
        self._checked = threading.Event()  # verification's own checks are done, their tree dropped
        self._go = False

    def open(self) -> None:
        self._go = True
        self._checked.set()
        self._decided.set()

    def close(self) -> None:
        self._checked.set()
        self._decided.set()

    def checked(self) -> None:
        _give_back_freed_memory()
        self._checked.set()

    def wait_checked(self) -> None:
        self._checked.wait()
        if self._decided.is_set() and not self._go:
            raise _NotVerified("the commit was refused or interrupted before the copy was written")

    def wait(self) -> None:
        self._decided.wait()
        if not self._go:
            raise _NotVerified("the commit was refused or interrupted before the copy was installed")


class _NotVerified(Exception):
    """Raised in the writer's thread: its copy is dropped, nothing is written."""


def _give_back_freed_memory() -> None:
    """glibc keeps what a thread frees in that thread's arena, and the writer's thread allocates
    from another one: the tree verification just dropped goes back to the system first, so that
    both do not add up (peak memory at 16,000 primitives: ~530 MB without this, ~330 MB with)."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _own_runner(runner: Runner) -> Runner:
    """The session's runner with an environment of its own (the file transaction points its
    CIB_file at the copy while the session's runner goes on serving verification)."""
    import copy

    own = copy.copy(runner)
    own.base_env = dict(runner.base_env)
    return own


def _wait_for(job: Any) -> bool:
    """Wait until ``job``'s thread has ended, Ctrl-C or not; True if Ctrl-C was pressed meanwhile."""
    interrupted = False
    while True:
        try:
            job.join()
            return interrupted
        except KeyboardInterrupt:
            interrupted = True
