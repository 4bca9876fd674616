"""Reading and writing the CIB with cibadmin, through the session's Runner.

``commit`` never loses a concurrent change (../shared/reference/pacemaker-cli.md §2.4):

1. re-read the live CIB (a cluster's first attempt: assume the loaded one, unread; step 3 checks);
   if its configuration is still the one loaded, go to 3 with my change as it is (one crm_diff);
2. otherwise compute mine = crm_diff(loaded -> pending) and theirs = crm_diff(loaded -> live)
   and compare element by element, attribute by attribute:
   overlapping -> CommitConflict (three columns: loaded / now / yours), nothing written;
   disjoint -> replay my change on the live configuration;
3. send a *versioned* patch (source = the live version just read, target = num_updates + 1):
   Pacemaker applies it only if the CIB is still exactly at that version (compare-and-swap),
   otherwise rc 103 and we go back to 1;
4. report the new version (a cluster's daemon leaves epoch + 1: clushell.pacemaker.cibguard).

On the cluster here, attributes set on one element (in 3) and new objects in one section
(``commit_created``) go as a version-guarded ``--modify``: the same compare-and-swap (cibguard).
crm_diff is pure computation: it runs on this machine when installed, else on the target."""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clushell.cib.change import VERSION_ATTRS
from clushell.errors import ClushError, TransportError
from clushell.pacemaker import cibguard
from clushell.pacemaker.cibadmin import BIG_CIB_TIMEOUT, CommitFailed, CommitInterrupted, tool_error, version_now
from clushell.pacemaker.cibfile import local_cib_file
from clushell.pacemaker.crmdiff import crm_diff
from clushell.transport.base import Result, Runner

if TYPE_CHECKING:
    from lxml.etree import _Element

    from clushell.cib.change import Change

RETRIES = 40  # version races are usually status updates; each retry re-reads and re-checks

@dataclass(frozen=True)
class CommitOutcome:
    changed: bool
    message: str
    version: tuple[int, int, int] | None = None  # live version after the commit
    moved: bool = False  # the CIB had been changed by others since load (disjoint: merged)
    cib: bytes | None = None  # the live CIB re-read after the commit
    attempts: int = 0
    skipped: tuple[str, ...] = ()  # force only: changes that no longer applied


def query(runner: Runner) -> bytes:
    """The whole CIB (configuration and status) as XML bytes.

    A CIB file on this machine is read directly when it is in the usual form (see
    clushell.pacemaker.cibfile.read_direct): cibadmin costs a quarter second on big CIBs. The
    cluster here is assembled from the configuration its CIB manager wrote to disk when that is
    the running one (clushell.pacemaker.cibdisk): ~0.7 s less at 4000 primitives.
    """
    from clushell.pacemaker import cibadmin
    from clushell.pacemaker.cibfile import check_file, local_cib_file, read_direct

    data = read_direct(runner)
    if data is not None:
        return data
    path = local_cib_file(runner)
    if path is not None:
        check_file(path)  # says exactly what is wrong with the file, where cibadmin only fails to "Init"
    else:  # the cluster here: its configuration from the CIB manager's own file, when that is exact
        from clushell.pacemaker import cibdisk

        data = cibdisk.read(runner)
        if data is not None:
            return data
    return cibadmin.query(runner)


# lists the processes still carrying our transaction tag (a remote command outlives a cut connection)
_STILL_RUNNING = ('for p in /proc/[0-9]*; do grep -qsz "^CLUSH_TXN=$1\\$" "$p/environ" && echo "${p#/proc/}"; '
                  "done; true")


def _patch(runner: Runner, patch: str, txn: str) -> Result:
    return runner.run(["cibadmin", "--patch", "--xml-pipe"], stdin=patch.encode(), env={"CLUSH_TXN": txn},
                      timeout=BIG_CIB_TIMEOUT)


def _wait_until_finished(runner: Runner, txn: str, limit: float = 60.0) -> bool:
    """Wait until no process of transaction ``txn`` runs on the target; False if still running."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        res = runner.run(["sh", "-c", _STILL_RUNNING, "clush-wait", txn], timeout=30)
        if res.ok and not res.out.strip():
            return True
        time.sleep(0.3)
    return False


@dataclass
class Prepared:
    """What commit() sends if the CIB is still as loaded: pure work, done while crm_verify runs."""

    orig: _Element
    mine: _Element
    mine_attrs: dict[str, str]
    new: _Element
    patch: str | None


def prepare(runner: Runner, original: bytes, pending: bytes) -> Prepared:
    from clushell.cib import change as chg

    orig = chg.strip_status(chg.parse(original))
    mine = chg.strip_status(chg.parse(pending))
    # the pending document keeps the loaded version attributes: my diff is configuration only
    for attr in VERSION_ATTRS:
        if orig.get(attr) is not None:
            mine.set(attr, orig.get(attr))
    mine_attrs = dict(mine.attrib)
    new = chg.on_top_of(mine, orig)
    return Prepared(orig, mine, mine_attrs, new, crm_diff(runner, orig, new, versioned=True))


def commit(runner: Runner, original: bytes, pending: bytes, *, force: bool = False,
           retries: int = RETRIES, prepared: Prepared | None = None) -> CommitOutcome:
    """Apply the change original -> pending to the target's CIB without losing anyone's change.

    Raises CommitConflict (clushell.cib.change) when the live CIB changed the same things,
    CommitFailed when cibadmin refuses, TransportError when the target cannot be reached.
    ``force``: overlapping changes are overwritten with yours (last writer wins).
    ``prepared``: :func:`prepare` of the same documents."""
    from clushell.cib import change as chg

    first = prepared or prepare(runner, original, pending)
    orig, mine, mine_attrs = first.orig, first.mine, first.mine_attrs
    my_changes: list[Change] | None = None  # original -> pending, needed only when the CIB moved
    moved = False
    skipped: list[str] = []
    # a cluster (not a file here): the first patch goes from the version loaded, unread; Pacemaker
    # refuses it (rc 103) if the CIB has moved since, and the next attempt reads it
    unread = local_cib_file(runner) is None
    refused: tuple[int, int, int] | None = None  # version at which a guarded modify selected nothing
    for attempt in range(1, retries + 1):
        now = original if attempt == 1 and unread else query(runner)
        # byte for byte what was loaded (a CIB file nobody touched): no second parse or comparison
        live = orig if now == original else chg.strip_status(chg.parse(now))
        if live is orig or chg.configuration_equal(live, orig):
            target = None  # mine as it is: the one diff below is the whole change
        else:
            moved = True
            if my_changes is None:
                mine.attrib.clear()  # as loaded, whatever an earlier attempt set
                mine.attrib.update(mine_attrs)
                my_patch = crm_diff(runner, orig, mine, versioned=False)
                my_changes = chg.parse_patch(my_patch) if my_patch else []
            if not my_changes:
                return CommitOutcome(False, "nothing to commit")
            their_patch = crm_diff(runner, orig, live, versioned=False)
            theirs = chg.parse_patch(their_patch) if their_patch else []
            if not force:
                conflicts = chg.find_conflicts(orig, live, mine, my_changes, theirs)
                if conflicts:
                    raise chg.CommitConflict(conflicts)
            target, skipped = chg.rebase(live, my_changes, force=force)
        if live is orig and attempt == 1:  # as loaded: what prepare() made
            new, patch = first.new, first.patch
        else:
            new = chg.on_top_of(mine, live) if target is None else chg.with_configuration(live, target)
            patch = crm_diff(runner, live, new, versioned=True)
        # a patch that changes the configuration is applied; one with only version bookkeeping is
        # applied unless the configurations are equal (nothing of mine, or the CIB already has it)
        changes = chg.parse_patch(patch) if patch is not None else []
        if patch is None or (not _configuration_changes(changes)
                             and (chg.configuration_equal(live, new)
                                  or _same_for_crm_diff(runner, live, new))):
            what = "nothing to commit" if target is None else "nothing to commit: the CIB already has these changes"
            return CommitOutcome(False, what, chg.version(live), moved, attempts=attempt)
        # a cluster's daemon applies a change only at the version of ``live`` and leaves a known
        # version (no query after it, which would wait behind the daemon's post-commit work)
        ver = chg.version(live)
        known = None if runner.base_env.get("CIB_file") or not changes else cibguard.after(ver)
        txn = uuid.uuid4().hex
        try:
            # one attribute set: a version-guarded modify, which the daemon applies far cheaper;
            # rc 105: the CIB moved, nothing written: re-read (if it had not, the patch decides)
            fast = cibguard.set_one(runner, ver, patch) if changes and refused != ver else None
            if fast is not None and fast.rc == 105:
                refused = ver
                continue
            res = fast if fast is not None and fast.rc == 0 else _patch(runner, patch, txn)
        except TransportError as exc:
            if runner.where == "local":
                raise
            return _after_lost_connection(runner, exc, live, new, moved, txn, changes)
        except KeyboardInterrupt:
            if runner.base_env.get("CIB_file"):
                raise  # a file: clushell.pacemaker.filetxn knows whether it was installed
            raise _after_interrupt(runner, live, new, changes) from None
        if res.rc == 0:
            try:
                return _done(runner, moved, attempt, skipped, known)
            except KeyboardInterrupt:
                if runner.base_env.get("CIB_file"):
                    raise  # the file's transaction knows whether the copy was installed
                raise CommitInterrupted(True, "interrupted, but the change was applied") from None
        if res.rc == 103 or (res.rc == 1 and version_now(runner) != chg.version(live)):
            # the CIB moved between our read and the patch (often status only): re-read; a short
            # random pause keeps two busy writers from colliding in lockstep
            time.sleep(random.uniform(0, 0.02 * min(attempt, 10)))
            continue
        raise CommitFailed(tool_error("commit failed", runner, res) + _offending(patch, res, new))
    raise CommitFailed(f"commit failed: the CIB kept changing during {retries} attempts; nothing was written")


CREATE_SCOPES = ("resources", "constraints")  # sections every CIB has (the schema requires them)


def commit_created(runner: Runner, loaded: tuple[str | None, ...], frag: _Element) -> CommitOutcome | None:
    """New objects at the end of one section of a live cluster's CIB: one version-guarded modify.

    ``frag``: the new objects (clushell.pacemaker.cibfile.appended), added to version ``loaded``.
    None, nothing written, unless the CIB is still at that version when the daemon applies the
    change (the check is part of the one request: clushell.pacemaker.cibguard), cibadmin accepts
    and the objects are in one section (two requests would not be atomic): the caller then takes
    :func:`commit`, whose three-way check keeps and says what others changed meanwhile.
    """
    if (runner.where != "local" or runner.base_env.get("CIB_file") or len(frag) != 1
            or frag[0].tag not in CREATE_SCOPES or not cibguard.mergeable(frag[0])):
        return None
    want = tuple(int(v or 0) for v in loaded)
    section = frag[0]
    try:
        res = cibguard.modify(runner, want, f"/configuration/{section.tag}", section)
    except KeyboardInterrupt:
        raise cibguard.created_interrupt(runner, section) from None
    if res.rc != 0:
        return None  # moved since load (rc 105), or refused: nothing written
    return _done(runner, False, 1, [], cibguard.after(want))


def _version_from_tag(xml: bytes) -> tuple[int, int, int] | None:
    """The version in the ``<cib ...>`` start tag of a CIB document (no parse of the rest)."""
    from clushell.cib import change as chg

    start = xml.find(b"<cib")
    end = xml.find(b">", start)
    if start < 0 or end < 0 or xml[end - 1:end] == b"/":
        return None
    try:
        return chg.version(chg.parse(xml[start:end] + b"/>"))
    except ClushError:
        return None


def _offending(patch: str, res: Result, new: _Element) -> str:
    """The part of the change cibadmin choked on: the schema error if we can name it, else what changed."""
    if res.rc != 78:
        return ""
    from clushell.cib import change as chg
    from clushell.pacemaker.verify import relaxng_findings

    found = relaxng_findings(new) or []
    if found:
        return f": {str(found[0]).split(': ', 1)[-1]}"  # 'OBJ: what (schema NAME)
    changes = chg.parse_patch(patch)
    where = ", ".join(sorted({chg._object_id(c.path) for c in changes})[:5])
    return f" (changed: {where})" if where else ""


def _done(runner: Runner, moved: bool, attempts: int, skipped: list[str],
          ver: tuple[int, int, int] | None = None) -> CommitOutcome:
    from clushell.cib import change as chg
    from clushell.pacemaker.cibfile import read_direct

    # only the new version is wanted: the <cib> tag of a local file, else no-children query
    xml = read_direct(runner) if ver is None else None
    ver = ver or (_version_from_tag(xml) if xml is not None else version_now(runner)) or chg.version(
        chg.parse(query(runner)))
    msg = f"committed; CIB epoch now {ver[1]} (version {chg.version_text(ver)})"
    if moved:
        msg += " (the CIB had been changed by others since it was loaded; their changes were kept)"
    if skipped:
        msg += f"; not applicable any more: {'; '.join(skipped)}"
    return CommitOutcome(True, msg, ver, moved, xml, attempts, tuple(skipped))


def _same_for_crm_diff(runner: Runner, live: _Element, new: _Element) -> bool:
    """crm_diff sees no difference besides the version bookkeeping (it ignores what
    configuration_equal does not, e.g. a v1 patch of a CIB without validate-with)."""
    saved = dict(new.attrib)
    new.attrib.clear()
    new.attrib.update(live.attrib)
    try:
        return crm_diff(runner, live, new, versioned=False) is None
    finally:
        new.attrib.clear()
        new.attrib.update(saved)


def _configuration_changes(changes: list[Change]) -> list[Change]:
    """The changes of a patch besides the version bookkeeping on the ``<cib>`` element itself."""
    return [c for c in changes if not (c.op == "modify" and c.path.rstrip("/") in ("/cib", ""))]


def _after_interrupt(runner: Runner, before: _Element, after: _Element, changes: list[Change]) -> CommitInterrupted:
    """Ctrl-C with the patch sent to the cluster: look at the CIB to tell whether it was applied."""
    from clushell.cib import change as chg

    try:
        live = chg.without_status(chg.parse(query(runner)))
    except ClushError as exc:
        return CommitInterrupted(False, f"interrupted during the commit; whether it was applied is unknown ({exc}): "
                                 "check with 'show'")
    ver = chg.version_text(chg.version(live))
    side = chg.which_side(live, before, after, changes)
    if side == "after":
        return CommitInterrupted(True, f"interrupted, but the change was applied (version {ver})")
    if side == "before":
        return CommitInterrupted(False, f"interrupted: nothing was changed (version {ver})")
    return CommitInterrupted(False, f"interrupted during the commit and the CIB has changed since (version {ver}); "
                             "your changes are kept: 'refresh' to look")


def _after_lost_connection(runner: Runner, exc: TransportError, before: _Element, after: _Element, moved: bool,
                           txn: str, changes: list[Change]) -> CommitOutcome:
    """The connection died with the patch in flight: look at the CIB to tell the user what happened."""
    from clushell.cib import change as chg

    try:
        # the remote cibadmin may still be running (cut connections do not stop it): wait for it
        if not _wait_until_finished(runner, txn):
            raise TransportError("cibadmin is still running on the target after 60 s")
        xml = query(runner)  # the runner reconnects once
    except ClushError as again:
        raise TransportError(f"{exc}; the CIB could not be re-read ({again}), so whether the commit "
                             "happened is unknown: check with 'show' after reconnecting") from None
    live = chg.without_status(chg.parse(xml))
    ver = chg.version_text(chg.version(live))
    side = chg.which_side(live, before, after, changes)
    if side == "after":
        return CommitOutcome(True, f"connection lost during the commit, but the CIB shows it was applied "
                             f"(version {ver})", chg.version(live), moved, xml)
    if side == "before":
        raise TransportError(f"connection lost during the commit; the CIB is unchanged by it (version {ver}): "
                             "nothing was written; your changes are kept, commit again") from None
    raise TransportError(f"connection lost during the commit and the CIB has changed since (version {ver}); "
                         "your changes are kept: 'refresh' to look") from None
