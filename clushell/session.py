"""What one running shell holds: options, target, runner, level stack, level state."""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from clushell.errors import Cancelled, ClushError
from clushell.output import Output

if TYPE_CHECKING:
    from clushell.commands.tree import Level
    from clushell.config import Config
    from clushell.context import Context
    from clushell.dispatch import Dispatcher
    from clushell.target import Target
    from clushell.transport.base import Runner


class StateKey(enum.StrEnum):
    """Where a level keeps its state in the session (one key per level that has state)."""

    CONFIGURE = "configure"  # pacemaker.workspace.Workspace: the pending CIB
    IPVS = "ipvs"  # ipvs.state.IpvsState: staged ipvsadm steps per director
    OPTIONS = "options"  # config.Config: the preferences the options level edits
    COROSYNC = "corosync"  # the corosync level's staged corosync.conf


# Why a level is being left: `up`/`end`/`cd` (up), a line that entered it for one command
# (oneshot), `quit` or Ctrl-D in the shell (quit), end of a script (eof).
LeaveReason = Literal["up", "oneshot", "quit", "eof"]


@dataclass
class Options:
    force: bool = False  # -F: force what crmsh's -F forces (commit despite verify errors, ...)
    yes: bool = False  # -y: answer yes to questions
    color: bool = True
    debug: bool = False
    continue_on_error: bool = False
    interactive: bool = False  # a person at a terminal answers questions
    wait: bool = False
    accept_new_host_key: bool = False
    host: str | None = None
    cib_file: str | None = None
    demo: bool = False
    recreate: bool = False
    ipvs_file: str | None = None  # --ipvs-file: the ipvs level's offline table


@runtime_checkable
class PendingState(Protocol):
    """A level's state with changes that are not yet committed."""

    def has_pending(self) -> bool: ...
    def commit(self, ctx: Context) -> None: ...
    def discard(self) -> None: ...
    def pending_summary(self) -> str: ...


_ANSWERS = {"y": "y", "yes": "y", "n": "n", "no": "n", "c": "c", "cancel": "c"}


def _read_answer_from_stdin(prompt: str) -> str | None:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    return line if line else None


class Session:
    def __init__(self, options: Options, root: Level, out: Output | None = None):
        self.options = options
        self.root = root
        self.out = out or Output(color=options.color, interactive=options.interactive)
        self.path: list[Level] = [root]
        self.states: dict[StateKey, Any] = {}
        self.failed = False  # a command failed during this run
        self._target: Target | None = None
        self._runner: Runner | None = None
        self.dispatcher: Dispatcher | None = None  # set by the Dispatcher that drives this session
        self.quit_requested = False
        self.config: Config | None = None  # loaded by the CLI
        # live data for completion and the lexer (clushell.complete), created by whoever needs it first
        self.completion_providers: object | None = None
        # colours text for a terminal: (text, "crm" | "xml") -> text; plugged in by the CLI (ui/)
        self.highlight: Callable[[str, str], str] | None = None
        self.base_target: Target | None = None  # the real target while a shadow CIB is in use
        # how an interactive question is read; the REPL replaces it with its own prompt
        self.read_answer: Callable[[str], str | None] = _read_answer_from_stdin

    # -- target and runner (resolved on first use: `help` never probes the cluster) ------
    @property
    def target(self) -> Target:
        if self._target is None:
            from clushell import target

            o = self.options
            nodes = tuple(self.config.get("cluster.nodes").split()) if self.config is not None else ()
            self._target = target.resolve(o.host, o.cib_file, demo=o.demo, recreate=o.recreate, nodes=nodes)
            if self._target.notice:
                self.out.info(self._target.notice)
        return self._target

    @property
    def runner(self) -> Runner:
        if self._runner is None:
            tgt = self.target
            if tgt.kind == "remote":
                self._runner = self._ssh_runner(tgt)
            else:
                from clushell.target import local_runner

                self._runner = local_runner(tgt.env)  # with the CIB read cli.py started, if any
        return self._runner

    def _ssh_runner(self, tgt: Target) -> Runner:
        """An SSH runner for the target; with configured nodes, the first that answers."""
        from clushell.errors import TransportError
        from clushell.transport.ssh import SshRunner

        def make(host: str) -> Runner:
            return SshRunner(host, cib_file=tgt.cib_file, accept_new_host_key=self.options.accept_new_host_key,
                             ask=self.ask_person if self.options.interactive else None)

        if len(tgt.candidates) <= 1:
            return make(tgt.host or "")
        failures = []
        for host in tgt.candidates:
            runner = make(host)
            try:
                runner.run(["true"], timeout=15)
            except TransportError as exc:
                failures.append(f"{host}: {exc}")
                runner.close()
                continue
            tgt.host = host
            return runner
        raise ClushError("no configured cluster node answers (" + "; ".join(failures) + ")")

    def label(self) -> str:
        """Target for the prompt: live/node1, sandbox/node1, test1/node1, root@node1/node1."""
        tgt = self.target
        if tgt.kind != "remote":
            return tgt.label()
        from clushell.errors import TransportError

        try:
            runner = self.runner
            if not tgt.node:
                res = runner.run(["uname", "-n"], timeout=15)
                tgt.node = res.out.strip() if res.ok else ""
            return f"{runner.where or tgt.host}/{tgt.node or tgt.label().split('/')[-1]}"
        except (TransportError, ClushError):
            return tgt.label()

    def switch_target(self, target: Target) -> None:
        """Work on another target from now on (shadow CIBs); loaded CIB state is dropped."""
        self.close()
        self._target = target
        self._runner = None
        self.drop_state(StateKey.CONFIGURE)

    def set_runner(self, runner: Runner) -> None:
        """Tests and tools may plug a different runner in."""
        self._runner = runner

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()

    # -- level state ----------------------------------------------------------------------
    def get_state(self, key: StateKey) -> Any:
        return self.states.get(key)

    def set_state(self, key: StateKey, state: object) -> None:
        self.states[key] = state

    def drop_state(self, key: StateKey) -> None:
        self.states.pop(key, None)

    def pending_states(self) -> list[tuple[StateKey, PendingState]]:
        return [(k, s) for k, s in self.states.items() if isinstance(s, PendingState) and s.has_pending()]

    def discard_pending(self, why: str) -> None:
        for key, state in self.pending_states():
            state.discard()
            self.out.warn(f"{key}: pending changes discarded {why}; they were not committed")

    def say_interrupted_idle(self) -> None:
        """Ctrl-C stops a script while no command runs: the staged changes were not committed.

        (An interrupted commit says itself whether it was applied; with nothing staged, there is
        nothing to say beyond 'interrupted'.)"""
        pending = [f"{key}: {state.pending_summary()}" for key, state in self.pending_states()]
        if pending:
            self.out.error(f"interrupted: nothing was changed; not committed: {'; '.join(pending)}")

    def check_may_commit(self) -> None:
        """A script commits nothing once a command failed (with --continue-on-error too)."""
        if self.failed and not self.options.interactive:
            raise ClushError("not committed: an earlier command of this script failed")

    def settle(self, ctx: Context, key: StateKey, reason: LeaveReason) -> None:
        settle(ctx, key, reason)

    def confirm_discard(self, ctx: Context, key: StateKey, what: str) -> None:
        confirm_discard(ctx, key, what)

    # -- questions ---------------------------------------------------------------------------
    def ask(self, question: str, *, choices: str = "yn") -> str:
        """Ask the user; returns the answer letter. Batch mode never prompts.

        Without a terminal, ``-y`` answers "y"; otherwise the answer is "n".
        """
        if self.options.yes or self.options.force:
            return "y"
        if not self.options.interactive:
            return "n"
        prompt = f"{question} ({'/'.join(choices)})? "
        while True:
            try:
                answer = self.read_answer(prompt)
            except KeyboardInterrupt:  # Ctrl-C at a question: cancel where that is an answer
                return "c" if "c" in choices else "n"
            except EOFError:
                return "n"
            if answer is None:  # end of input: nobody is there to agree
                return "n"
            letter = _ANSWERS.get(answer.strip().lower(), "")
            if letter and letter in choices:  # anything else (empty, "yak") asks again
                return letter

    def ask_person(self, question: str, *, choices: str = "yn") -> str:
        """Like ask, but -y/-F do not answer: for trust decisions such as a new SSH host key."""
        if not self.options.interactive:
            return "n"
        saved = self.options.yes, self.options.force
        self.options.yes = self.options.force = False
        try:
            return self.ask(question, choices=choices)
        finally:
            self.options.yes, self.options.force = saved

    def confirm(self, question: str) -> None:
        """Raise Cancelled unless the user agrees (or -y/-F was given)."""
        if self.ask(question) != "y":
            if not self.options.interactive:
                raise Cancelled(f"{question.rstrip('?')}: refused without a terminal; rerun with -y")
            raise Cancelled("cancelled")

    @property
    def level(self) -> Level:
        return self.path[-1]

    def level_path(self) -> str:
        return " ".join(lvl.name for lvl in self.path[1:])

    def require_live(self, what: str) -> None:
        """Refuse commands whose tools ignore CIB_file (they would touch the local cluster)."""
        if self.target.is_file:
            raise ClushError(f"{what} needs a live cluster; it is not available on a CIB file ({self.target.cib_file})")


# -- the one leave policy --------------------------------------------------------------------
def settle(ctx: Context, key: StateKey, reason: LeaveReason) -> None:
    """Decide what happens to a level's pending changes when it is left.

    Shell: ask commit / discard / cancel (cancel raises Cancelled; after a one-shot line the
    changes simply stay pending). Script: a script is one transaction; nothing is committed
    once a command failed (the changes are discarded, and said so); one-shot lines stage and
    the end of the script commits; leaving a level with up/end/cd commits, as crm does.
    """
    session = ctx.session
    state = session.get_state(key)
    if not isinstance(state, PendingState) or not state.has_pending():
        return
    if not session.options.interactive:
        if session.failed:
            state.discard()
            ctx.out.warn(f"{key}: pending changes discarded because a command failed; they were not committed")
            return
        if reason == "oneshot":
            return  # committed with everything else at the end of the script
        state.commit(ctx)
        return
    answer = session.ask(f"There are pending changes ({state.pending_summary()}). Commit them", choices="ync")
    if answer == "c":
        if reason == "oneshot":
            ctx.out.info(f"{key}: changes still pending; commit them in {key}")
            return
        raise Cancelled(f"staying in {key}; nothing committed")
    if answer == "n":
        state.discard()
        ctx.out.info(f"{key}: pending changes discarded")
        return
    state.commit(ctx)


def confirm_discard(ctx: Context, key: StateKey, what: str) -> None:
    """Before a command that drops a level's pending changes (refresh, reload, erase ...).

    Shell: asks. Script: needs -y/-F, else the command fails (so nothing later commits).
    """
    session = ctx.session
    state = session.get_state(key)
    if not isinstance(state, PendingState) or not state.has_pending():
        return
    if session.options.yes or session.options.force:
        return
    question = f"{what} drops the pending changes ({state.pending_summary()}). Continue"
    if not session.options.interactive:
        raise ClushError(f"{what} would drop the pending changes ({state.pending_summary()}); "
                         "commit first, or rerun with -y")
    if session.ask(question) != "y":
        raise Cancelled(f"cancelled; the changes are still pending in {key}")
