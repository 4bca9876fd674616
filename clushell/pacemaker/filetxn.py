"""Atomic, serialised writes to a CIB file on this machine.

A CIB file has no daemon serialising its writers, and ``cibadmin`` rewrites it in place
(truncate, then write): two clush processes could each read epoch N and both write N+1,
and an interrupted cibadmin leaves a cut or empty file.  Every clush write path to a local
CIB file therefore runs inside :func:`transaction`:

1. take an exclusive ``flock`` on ``.<name>.lock`` beside the file (waits for other writers);
2. copy the file to a ``mkstemp`` temp file in the same directory and point the runner's
   ``CIB_file`` at the copy, so every tool call (version check included) sees the file as it
   is under the lock;
3. on success: fsync the copy, rename it over the original (SIGINT blocked from just before
   the rename until the bookkeeping is done), fsync the directory, release the lock.

Interrupted at any instant, the file is wholly old or wholly new; :class:`CommitInterrupted`
says which.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from clushell.errors import ClushError
from clushell.pacemaker.cibadmin import CommitInterrupted
from clushell.transport.base import Runner

_active: dict[str, Txn] = {}  # path -> the transaction this process holds (nested calls reuse it)


class ConcurrentChange(ClushError):
    """The file changed between the copy and the rename; nothing was written (committing again
    starts from the new version, so the three-way check merges or refuses as usual)."""


@dataclass
class Txn:
    path: str  # the CIB file
    copy: str = ""  # the temp file the tools write while the transaction runs
    applied: bool = False  # the copy has replaced the original


def lock_path(path: str) -> str:
    head, name = os.path.split(path)
    return os.path.join(head, f".{name}.lock")


@contextlib.contextmanager
def locked(path: str) -> Iterator[None]:
    """Hold the exclusive writer lock of CIB file ``path`` (created beside it if needed)."""
    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise ClushError(f"cannot lock CIB file {path}: {exc.strerror} ({lock_path(path)}); "
                         "its directory must be writable for clush to commit") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def write_atomic(path: str, data: bytes, then: Callable[[str], None] | None = None) -> None:
    """Replace ``path`` with ``data`` under its writer lock (temp file, fsync, rename).

    ``then(temp_path)`` may change the temp file before it is installed (e.g. a tool run on it).
    """
    path = os.path.realpath(path)
    with locked(path):
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=f".{os.path.basename(path)}.",
                                   suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            if then is not None:
                then(tmp)
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            _install(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def _install(tmp: str, path: str, txn: Txn | None = None) -> None:
    """Rename ``tmp`` over ``path`` with SIGINT held back, so 'applied' is always recorded."""
    blocked = threading.current_thread() is threading.main_thread()
    if blocked:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        os.replace(tmp, path)
        if txn is not None:
            txn.applied = True
        with contextlib.suppress(OSError):
            dfd = os.open(os.path.dirname(path) or ".", os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    """What changes when a file is written in place or replaced."""
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _same_file(a: str, b: str) -> bool:
    if os.path.getsize(a) != os.path.getsize(b):  # a commit mostly changes the size: nothing to read
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()


@contextlib.contextmanager
def transaction(runner: Runner, path: str | None, *, gate: Callable[[], None] | None = None
                ) -> Iterator[Txn | None]:
    """Run the body's tool calls on a locked copy of CIB file ``path``; install it if all went well.

    ``gate``: called once the body is done, before the copy is installed (a local file); if it
    raises, the copy is dropped and nothing is written (e.g. verification still running).

    ``path`` None: not a file on this machine. A CIB file on another host (``--host H
    --cib-file PATH``) gets the same promises from clushell.pacemaker.remotetxn; a live cluster
    needs nothing (yields None). While the body runs, ``runner.base_env["CIB_file"]`` names the
    copy. A KeyboardInterrupt leaves the body as :class:`CommitInterrupted` telling whether the
    change was applied.
    """
    if path is None:
        from clushell.pacemaker import remotetxn

        remote = remotetxn.remote_cib_file(runner)
        if remote is None:
            yield None
            return
        with remotetxn.transaction(runner, remote) as txn:
            yield txn
        return
    path = os.path.realpath(path)  # a symlinked CIB file: replace the file, keep the link
    if path in _active:
        yield _active[path]
        return
    if not os.access(path, os.R_OK):
        raise ClushError(f"CIB file {path} is missing or not readable")
    if not os.access(path, os.W_OK):
        raise ClushError(f"CIB file {path} is read-only: nothing was changed")
    txn = Txn(path)
    saved = runner.base_env.get("CIB_file")
    try:
        with locked(path):
            fd, txn.copy = tempfile.mkstemp(dir=os.path.dirname(path) or ".",
                                            prefix=f".{os.path.basename(path)}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
                    shutil.copyfileobj(src, out)
                    seen = _identity(os.fstat(src.fileno()))
                _keep_owner(path, txn.copy)
                _active[path] = txn
                runner.base_env["CIB_file"] = txn.copy
                try:
                    yield txn
                finally:
                    runner.base_env["CIB_file"] = saved or path
                    del _active[path]
                if gate is not None:
                    gate()
                if not _same_file(txn.copy, path):
                    _check_whole(txn.copy, path)
                    with open(txn.copy, "rb") as f:
                        os.fsync(f.fileno())
                    # a writer that does not take the lock (cibadmin itself, an editor): never
                    # replace what it wrote meanwhile
                    if _identity(os.stat(path)) != seen:
                        raise ConcurrentChange(f"CIB file {path} was changed by another program during the "
                                               "commit; nothing was written")
                    _install(txn.copy, path, txn)
            except ClushError as exc:
                exc.message = exc.message.replace(txn.copy, path)  # name the user's file, not our copy
                exc.args = (exc.message,)
                raise
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(txn.copy)
    except CommitInterrupted:
        raise
    except KeyboardInterrupt:
        raise CommitInterrupted(txn.applied, interrupted_message(txn.applied)) from None


def interrupted_message(applied: bool, version: str = "") -> str:
    if applied:
        return f"interrupted, but the change was applied{f' (version {version})' if version else ''}"
    return "interrupted: nothing was changed"


def _check_whole(copy: str, path: str) -> None:
    """Never install a copy a killed tool left cut short or empty."""
    from lxml import etree

    try:
        # the whole file is parsed, but no tree is built (a third of the time): well-formed, or
        # XMLSyntaxError; then only its head is read as a tree, up to <configuration>
        etree.parse(copy, etree.XMLParser(target=_WellFormed()))
        found = _root_and_configuration(copy)
    except (OSError, etree.XMLSyntaxError) as exc:
        raise ClushError(f"writing CIB file {path} failed ({exc}); nothing was changed") from None
    if found != ("cib", True):
        raise ClushError(f"writing CIB file {path} failed (the result has no configuration); nothing was changed")


class _WellFormed:
    """A parser target without start/end: libxml2 checks the whole file, Python sees no element."""

    def close(self) -> None:
        return None


def _root_and_configuration(path: str) -> tuple[str, bool]:
    """(root tag, whether a child of the root is <configuration>), reading only as far as needed."""
    from lxml import etree

    depth, root = 0, ""
    for event, el in etree.iterparse(path, events=("start", "end")):
        if event == "end":
            depth -= 1
            if depth == 1:
                el.clear()  # a child before <configuration> (a status first): keep no tree of it
            continue
        depth += 1
        if depth == 1:
            root = el.tag
        elif depth == 2 and el.tag == "configuration":
            return root, True
    return root, False


def _keep_owner(src: str, dst: str) -> None:
    st = os.stat(src)
    os.chmod(dst, st.st_mode & 0o7777)
    with contextlib.suppress(OSError):  # only root may give a file away
        os.chown(dst, st.st_uid, st.st_gid)


def guarded(say: Callable[[str], None]) -> contextlib.AbstractContextManager[None]:
    """Tell the user, through ``say``, what an interrupted commit left behind (then re-raise)."""
    return _Guard(say)


class _Guard(contextlib.AbstractContextManager[None]):
    def __init__(self, say: Callable[[str], None]):
        self.say = say

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if isinstance(exc, CommitInterrupted):
            self.say(exc.message)
        elif isinstance(exc, KeyboardInterrupt):
            self.say(interrupted_message(False))
        return False
