"""cibadmin calls and the translation of their failures into one line the user can act on.

Pacemaker's tools answer with an exit code and, on schema errors, first dump the would-be
CIB with line numbers; :func:`tool_error` keeps the tool's own complaint, never a dumped
CIB line, and adds a hint naming the likely cause (permissions, read-only file, schema,
remote user).
"""

from __future__ import annotations

import re

from clushell.errors import ClushError
from clushell.transport.base import Result, Runner


class CommitFailed(ClushError):
    """cibadmin refused the change (schema, version, permissions); nothing was written."""


def _is_dump(line: str) -> bool:
    # schema failures first list the would-be CIB, one numbered line each ("  12 <primitive ...")
    return bool(re.match(r"\s*\d+\s+<", line)) or bool(re.match(r"\s*\d+ ", line))


def complaint(res: Result) -> str:
    """The tool's own complaint: its 'failed' line if there is one, else its first real line."""
    lines = [ln.strip() for ln in res.err.splitlines() if ln.strip() and not _is_dump(ln)]
    failed = [ln for ln in lines if "failed" in ln.lower()]
    if failed or lines:
        return (failed or lines)[0]
    outs = [ln.strip() for ln in res.out.splitlines() if ln.strip() and not _is_dump(ln)]
    return outs[0] if outs else f"exit code {res.rc}"


def tool_error(what: str, runner: Runner, res: Result) -> str:
    """One line: what failed, the tool's words, and a hint at the likely cause."""
    msg = complaint(res)
    cib_file = runner.base_env.get("CIB_file")
    unknown = res.rc == 105 and ("not found" in msg or "Could not map" in msg)  # a name the tool does not know
    if cib_file and not unknown and (res.rc in (13, 66, 105) or "permission denied" in msg.lower()):
        return (f"{what}: CIB file {cib_file} is missing, not readable or not writable by {runner.where} ({msg}); "
                "check its owner and mode (read-only files cannot be committed to)")
    if res.rc == 102:
        hint = "the user must be root or in group haclient, and the cluster must be running"
        if runner.where != "local":
            hint = f"log in as root or a member of haclient on {runner.where.split('@')[-1]}, with the cluster running"
        return f"{what}: cannot reach the CIB as {runner.where} ({msg}); {hint}"
    if res.rc == 4 or "permission denied" in msg.lower():
        return f"{what}: permission denied for {runner.where} by the cluster's ACLs ({msg})"
    if res.rc == 76:
        return (f"{what}: {msg} (the CIB's crm_feature_set is newer than the Pacemaker on {runner.where}; "
                "create CIB files with 'cibadmin --empty' there)")
    if res.rc == 78 or "validate-with" in msg or "schema" in msg.lower():
        if "conform to the configured schema" in msg:  # says it already
            return f"{what}: {msg}"
        return f"{what}: {msg} (the result does not validate against the CIB's schema)"
    if msg == f"exit code {res.rc}":  # the tool said nothing: name the usual causes
        who = f"the user {runner.where.split('@')[0]}" if "@" in runner.where else "this user"
        msg += (f" and no message; check that {who} is root or in group haclient"
                + (" and that the CIB file is writable" if cib_file else ""))
    if runner.where != "local":
        return f"{what} ({runner.where}): {msg}"
    return f"{what}: {msg}"


# calls whose time grows with the CIB: on 16,000 primitives a cibadmin --patch of a file costs
# about a minute of CPU, several on a busy machine (Ctrl-C still stops them)
BIG_CIB_TIMEOUT = 1800.0


def run_checked(runner: Runner, argv: list[str], what: str, *, stdin: bytes | None = None,
                timeout: float = BIG_CIB_TIMEOUT) -> Result:
    """Run a cibadmin call; raise CommitFailed with the translated complaint if it fails."""
    res = runner.run(argv, stdin=stdin, timeout=timeout)
    if not res.ok:
        raise CommitFailed(tool_error(what, runner, res))
    return res


def query(runner: Runner) -> bytes:
    """``cibadmin --query``: the whole CIB as XML bytes."""
    res = runner.run(["cibadmin", "--query"], timeout=BIG_CIB_TIMEOUT)
    if not res.ok:
        raise ClushError(tool_error("cannot read the CIB", runner, res))
    return res.out.encode()


def version_now(runner: Runner) -> tuple[int, int, int] | None:
    """The target CIB's (admin_epoch, epoch, num_updates), None if it cannot be read."""
    from clushell.cib import change as chg

    res = runner.run(["cibadmin", "--query", "--no-children", "--xpath", "/cib"], timeout=60)
    return chg.version(chg.parse(res.out)) if res.ok else None


class CommitInterrupted(KeyboardInterrupt):
    """Ctrl-C during a write; ``applied`` tells whether the change reached the CIB."""

    def __init__(self, applied: bool, message: str):
        super().__init__(message)
        self.applied = applied
        self.message = message
