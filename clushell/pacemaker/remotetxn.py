"""Atomic, serialised writes to a CIB file on another machine (``--host H --cib-file PATH``).

The remote counterpart of :mod:`clushell.pacemaker.filetxn`, in three fixed ``sh -c`` scripts
(no user text in them: paths and values are positional arguments):

1. BEGIN copies the file (symlinks resolved, as locally) to a ``mktemp`` name in its directory,
   ``.<name>.<token>.XXXXXXXX.tmp``, and prints the resolved path, the copy, the version
   attributes (admin_epoch epoch num_updates) and the ``cksum`` of what it copied. The tools
   then run with ``CIB_file`` naming the copy, and with ``CLUSH_FILE_TXN=<token>`` in their
   environment so that they can be found again.
2. FINISH takes ``flock -x`` on ``.<name>.lock`` beside the file -- the lock every local clush
   write takes (filetxn.lock_path) -- re-checks the original's version attributes and checksum
   against what was copied, and if they are unchanged fsyncs the copy, records the token in the
   lock file and renames the copy over the file; otherwise it deletes the copy and says what the
   version is now (one ERROR line for the user, nothing written).
3. SETTLE runs after any failure, Ctrl-C or lost connection: it stops the transaction's tools
   still running on the host (a cut SSH channel does not stop them), removes the copy, and says
   whether the rename happened: the copy gone and the token in the lock file means it did (the
   token is written, under the lock, just before the rename; a conflict removes the copy without
   it).

So the file is wholly old or wholly new at any instant, two writers never both install a change
made on the same version, and no temp file stays behind unless the host cannot be reached again
(then the error says where the copy is).
"""

from __future__ import annotations

import contextlib
import posixpath
import secrets
import signal
import threading
from collections.abc import Iterator

from clushell.errors import ClushError, TransportError
from clushell.pacemaker.cibadmin import CommitInterrupted
from clushell.pacemaker.filetxn import ConcurrentChange, Txn, interrupted_message
from clushell.transport.base import Runner

TAG = "CLUSH_FILE_TXN"  # environment variable marking the transaction's remote processes
LOCK_WAIT = 300.0  # seconds FINISH waits for another writer's lock before giving up
ORPHAN_MINUTES = 60  # a copy untouched this long, with none of its tools running, is a killed clush's
_ARG0 = "clush-txn"

# version attributes of a CIB file's <cib> tag, as one word list ("-" for a missing one)
_VER = ('ver() { h=$(head -c 8192 -- "$1" | tr "\\n\\r\\t" "   " | grep -o "<cib [^>]*>" | head -n 1); '
        'for a in admin_epoch epoch num_updates; do '
        'x=$(printf "%s" "$h" | sed -n "s/.* $a=\\"\\([^\\"]*\\)\\".*/\\1/p"); printf "%s " "${x:--}"; done; }; ')
_NAMES = 'd=$(dirname -- "$f"); b=$(basename -- "$f"); l="$d/.$b.lock"; '

# $0 the tag's name, $1 path as given, $2 token, $3 minutes after which an orphaned copy is removed
BEGIN = (
    _VER + 'f=$(readlink -f -- "$1" 2>/dev/null); [ -n "$f" ] || f=$1; ' + _NAMES
    + 'if [ ! -f "$f" ] || [ ! -r "$f" ]; then exit 66; fi; '
    'if [ ! -w "$f" ]; then exit 77; fi; '
    'if [ ! -w "$d" ] || { [ -e "$l" ] && [ ! -w "$l" ]; }; then exit 73; fi; '
    # copies of transactions whose clush was killed (or never reached the host again): old, and
    # no process of theirs runs; only names with a 16-hex token (local copies have none)
    'for o in "$d/.$b".*.tmp; do r=${o#"$d/.$b."}; k=${r%%.*}; '
    'case $k in ????????????????) ;; *) continue ;; esac; case $k in *[!0-9a-f]*) continue ;; esac; '
    '[ -n "$(find "$o" -prune -mmin "+$3" 2>/dev/null)" ] || continue; '
    'for p in /proc/[0-9]*; do grep -qszx -- "$0=$k" "$p/environ" && continue 2; done; '
    'rm -f -- "$o"; done; '
    't=$(mktemp -- "$d/.$b.$2.XXXXXXXX.tmp") || exit 73; '
    'cp -p -- "$f" "$t" 2>/dev/null || { rm -f -- "$t"; exit 74; }; '
    'printf "%s\\n%s\\n" "$f" "$t"; ver "$t"; echo; cksum < "$t"'
)

# $1 resolved path, $2 copy, $3 token, $4 version copied, $5 cksum copied, $6 lock wait (s)
FINISH = (
    _VER + 'f=$1; t=$2; ' + _NAMES
    + '[ -f "$t" ] || exit 76; '
    'if [ "$(cksum < "$t")" = "$5" ]; then rm -f -- "$t"; echo same; exit 0; fi; '
    'tail -c 64 -- "$t" | grep -q "</cib>" || exit 74; '
    '( : >> "$l" ) 2>/dev/null || exit 73; exec 9>>"$l"; '
    'flock -x -w "$6" 9; r=$?; [ $r = 127 ] && exit 127; [ $r = 0 ] || exit 75; '
    '[ -f "$t" ] || exit 76; '
    'now=$(ver "$f"); '
    'if [ "$now" != "$4" ] || [ "$(cksum < "$f")" != "$5" ]; then rm -f -- "$t"; echo "$now"; exit 3; fi; '
    'sync -- "$t" 2>/dev/null || sync; '
    '[ "$(wc -c < "$l")" -lt 4096 ] || : > "$l"; '
    'printf "%s\\n" "$3" >&9; '
    'mv -f -- "$t" "$f" || exit 5; '
    'sync -- "$d" 2>/dev/null || true; echo installed'
)

# $1 path (resolved if known), $2 token: stop the token's processes, remove its copy, say if installed
SETTLE = (
    'f=$(readlink -f -- "$1" 2>/dev/null); [ -n "$f" ] || f=$1; ' + _NAMES
    + 'tag="$0=$2"; pids() { for p in /proc/[0-9]*; do '
    'grep -qszx -- "$tag" "$p/environ" && echo "${p#/proc/}"; done; }; '
    'n=0; while p=$(pids); [ -n "$p" ] && [ $n -lt 100 ]; do '
    'if [ $n = 0 ]; then kill $p 2>/dev/null; elif [ $n = 50 ]; then kill -9 $p 2>/dev/null; fi; '
    'sleep 0.1; n=$((n+1)); done; '
    'r=notapplied; found=; '
    'for t in "$d/.$b.$2".*.tmp; do [ -e "$t" ] || continue; found=1; '
    'rm -f -- "$t"; [ -e "$t" ] && r=unknown; done; '
    'if [ -z "$found" ] && grep -qsxF -- "$2" "$l"; then r=applied; fi; echo "$r"'
)


_active: dict[int, Txn] = {}  # id(runner) -> its transaction (inside it, CIB_file names the copy)


def remote_cib_file(runner: Runner) -> str | None:
    """The CIB file of a target on another machine (None: live cluster, or a local target)."""
    if runner.where == "local":
        return None
    path = runner.base_env.get("CIB_file")
    return path if path and not path.endswith(".bz2") else None


def _lock_name(path: str) -> str:
    head, name = posixpath.split(path)
    return posixpath.join(head, f".{name}.lock")


def _version(words: str) -> str:
    return ".".join(words.split()) or "unknown"


@contextlib.contextmanager
def transaction(runner: Runner, path: str) -> Iterator[Txn]:
    """Run the body's tool calls on a remote copy of CIB file ``path``; install it if all went well.

    While the body runs, ``runner.base_env["CIB_file"]`` names the copy. Ctrl-C leaves as
    :class:`CommitInterrupted` telling whether the change was applied.
    """
    key = id(runner)
    if key in _active:
        yield _active[key]
        return
    token = secrets.token_hex(8)
    where = runner.where
    try:
        res = runner.run(["sh", "-c", BEGIN, TAG, path, token, f"{ORPHAN_MINUTES}"], env={TAG: token}, timeout=300)
    except KeyboardInterrupt:
        _settle_quietly(runner, path, token)
        raise CommitInterrupted(False, interrupted_message(False)) from None
    except TransportError as exc:
        raise _with_leftover(exc, _settle_quietly(runner, path, token), path, token, where) from None
    lines = res.out.splitlines()
    if res.rc != 0 or len(lines) < 4:
        raise ClushError(_begin_error(res.rc, path, where, res.err))
    real, copy, copied, checksum = lines[0], lines[1], lines[2], lines[3]
    txn = Txn(real, copy)
    saved = runner.base_env.get("CIB_file")
    _active[key] = txn
    runner.base_env["CIB_file"] = copy
    runner.base_env[TAG] = token
    try:
        yield txn
    except BaseException as exc:
        _restore(runner, saved, path, key)
        left = _settle_quietly(runner, real, token)
        if isinstance(exc, CommitInterrupted):
            raise
        if isinstance(exc, KeyboardInterrupt):
            said = _with_leftover(ClushError(interrupted_message(False)), left, real, token, where).message
            raise CommitInterrupted(False, said) from None
        if isinstance(exc, ClushError):
            exc.message = exc.message.replace(copy, real)  # name the user's file, not our copy
            if isinstance(exc, TransportError) and left == "notapplied" and "nothing was" not in exc.message:
                # the copy is gone with whatever the tool did to it: the file is as it was
                exc.message = exc.message.replace("; it may or may not have taken effect (not retried)", "")
                exc.message += f"; nothing was changed (CIB file {real} is as it was)"
            exc.args = (exc.message,)
            if left is None:
                raise _with_leftover(exc, None, real, token, where) from None
        raise
    _restore(runner, saved, path, key)
    try:
        res = runner.run(["sh", "-c", FINISH, _ARG0, real, copy, token, copied, checksum, f"{LOCK_WAIT:g}"],
                         timeout=LOCK_WAIT + 120)
    except KeyboardInterrupt:
        outcome = _settle_quietly(runner, real, token)
        txn.applied = applied = outcome == "applied"
        if outcome in ("applied", "notapplied"):
            raise CommitInterrupted(applied, interrupted_message(applied)) from None
        unknown = ClushError(f"interrupted during the commit; whether CIB file {real} was replaced is unknown "
                             f"({where} did not answer): check with 'show'")
        raise CommitInterrupted(False, _with_leftover(unknown, outcome, real, token, where).message) from None
    except TransportError as exc:
        outcome = _settle_quietly(runner, real, token)
        if outcome == "applied":
            txn.applied = True
            return  # the rename happened: the commit is done
        if outcome == "notapplied":
            raise TransportError(f"{exc}; nothing was changed (CIB file {real} is as it was)") from None
        raise _with_leftover(exc, outcome, real, token, where) from None
    if res.rc == 0:
        txn.applied = res.out.strip() == "installed"
        return
    _settle_quietly(runner, real, token)
    message = _finish_error(res.rc, real, where, copied, res.out, res.err)
    raise ConcurrentChange(message) if res.rc == 3 else ClushError(message)


def _restore(runner: Runner, saved: str | None, path: str, key: int) -> None:
    runner.base_env["CIB_file"] = saved or path
    runner.base_env.pop(TAG, None)
    _active.pop(key, None)


def _settle_quietly(runner: Runner, path: str, token: str) -> str | None:
    """Run SETTLE with Ctrl-C ignored; its verdict, or None when the host cannot be reached.

    (A signal mask would not do: paramiko's thread would take the signal for the process.)
    """
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        # $0 of the script is the tag's name: the script itself never carries the tag
        res = runner.run(["sh", "-c", SETTLE, TAG, path, token], timeout=60)
        return res.out.strip() or None if res.rc == 0 else None
    except ClushError:
        return None
    finally:
        if main and old is not None:
            signal.signal(signal.SIGINT, old)


def _with_leftover(exc: ClushError, outcome: str | None, path: str, token: str, where: str) -> ClushError:
    if outcome in ("notapplied", "applied"):
        return exc
    head, name = posixpath.split(path)
    leftover = posixpath.join(head, f".{name}.{token}.*.tmp")
    exc.message = f"{exc.message}; a temporary copy ({leftover}) may be left on {where}: remove it"
    exc.args = (exc.message,)
    return exc


def _begin_error(rc: int, path: str, where: str, err: str) -> str:
    what = f"CIB file {path} on {where}"
    if rc == 66:
        return f"{what} is missing or not readable"
    if rc == 77:
        return f"{what} is read-only: nothing was changed"
    if rc == 73:
        return (f"cannot lock {what}: its directory (or {_lock_name(path)}) is not writable; "
                "it must be for clush to commit")
    if rc == 74:
        return f"cannot copy {what} beside it (disk full?): nothing was changed"
    first = next((ln.strip() for ln in err.splitlines() if ln.strip()), f"exit code {rc}")
    return f"cannot start a commit to {what}: {first}"


def _finish_error(rc: int, path: str, where: str, copied: str, out: str, err: str) -> str:
    what = f"CIB file {path} on {where}"
    if rc == 3:
        return (f"commit refused: {what} was changed by someone else during the commit (version "
                f"{_version(copied)}, now {_version(out.strip())}); nothing was written (try again: the other "
                "change will be taken into account)")
    if rc == 75:
        return (f"{what} is locked by another writer ({_lock_name(path)}) for more than {LOCK_WAIT:g} s; "
                "nothing was written")
    if rc == 127:
        return f"flock (util-linux) is not installed on {where}; it is needed to commit to {what}"
    if rc == 74:
        return f"writing {what} failed (the result is incomplete); nothing was changed"
    if rc == 73:
        return f"cannot lock {what} ({_lock_name(path)} is not writable): nothing was written"
    if rc == 76:
        return f"committing to {what} failed: the temporary copy vanished; nothing was written"
    first = next((ln.strip() for ln in err.splitlines() if ln.strip()), f"exit code {rc}")
    return f"committing to {what} failed ({first}); nothing was written"
