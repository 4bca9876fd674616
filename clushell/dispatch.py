"""Run one line: walk the level tree, enter or leave levels, call a command's handler.

Name matching follows crmsh: exact, then unique prefix; unknown words get "did you mean"
hints. A line that names levels and then a command runs the command there and comes
back (crmsh's one-shot ``configure show``); a line of level names only moves there.
"""

from __future__ import annotations

import sys
import traceback

from clushell.commands.tree import Command, Level
from clushell.context import Context
from clushell.errors import Cancelled, ClushError, UsageError
from clushell.lineparse import Token, tokenize
from clushell.session import LeaveReason, Session, settle


class Dispatcher:
    def __init__(self, session: Session, globals_: list[Command]):
        self.session = session
        self.globals = globals_
        session.dispatcher = self  # global commands (cd, up, quit) move through it

    # -- name resolution ------------------------------------------------------------------
    def find_global(self, word: str) -> Command | None:
        for cmd in self.globals:
            if word == cmd.name or word in cmd.aliases:
                return cmd
        return None

    def resolve(self, level: Level, tok: Token, *, first: bool) -> Command | Level:
        word = tok.text
        # global commands everywhere, also right after levels (one-shot `configure help`, `configure ls`)
        child = self.find_global(word) or level.find(word)
        if child is None and word != word.lower():
            # crm reads the configure language's statement keywords in any case (PRIMITIVE, Group)
            lowered = level.find(word.lower())
            child = lowered if isinstance(lowered, Command) and lowered.raw else None
        if child is not None:
            return child
        if first and level is not self.session.root:
            # crmsh lets any root command be typed from inside a level
            child = self.session.root.find(word)
            if child is not None:
                return child
        choices = level.ambiguous(word)
        where = f"{level.name} " if level is not self.session.root else ""
        if len(choices) > 1:
            raise UsageError(f"'{word}' is ambiguous: {', '.join(choices)}", column=tok.column, token=word)
        hint = level.suggest(word)
        if first and not hint:
            import difflib

            names = [g.name for g in self.globals] + self.session.root.names()
            hint = difflib.get_close_matches(word, names, n=3, cutoff=0.6)
        tail = f"; did you mean {' or '.join(repr(h) for h in hint)}?" if hint else ""
        raise UsageError(f"unknown {where}command '{word}'{tail}", column=tok.column, token=word)

    # -- running lines ------------------------------------------------------------------------
    def run_line(self, line: str, where: str = "", places: tuple[tuple[int, int, int], ...] = ()) -> bool:
        """Execute one line; report any error as one line. True when it succeeded.

        ``where`` is 'NAME:LINE' of a script; ``places`` maps a line joined from continuations back to
        its physical lines (clushell.batch.read_placed)."""
        ctx = Context(self.session, line=line)
        try:
            ctx.tokens = tokenize(line)
            if ctx.tokens:
                self._execute(ctx)
            return True
        except Cancelled as exc:
            self.session.out.info(str(exc))
            return True
        except ClushError as exc:
            self.report(exc, ctx, where, places)
        except KeyboardInterrupt:
            if not self.session.options.interactive:
                if not ctx.running:  # no command ran: nothing can have been written
                    self.session.say_interrupted_idle()
                raise  # a script stops (exit 130); nothing pending is committed
            # the shell: Ctrl-C cancels this command only; the session and pending changes stay
            self.session.out.error("interrupted")
        except Exception as exc:  # a bug: still one line, traceback only with --debug
            if self.session.options.debug:
                traceback.print_exc(file=sys.stderr)
            prefix = f"{where}: " if where else ""
            self.session.out.error(
                f"{prefix}internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)"
            )
        self.session.failed = True
        return False

    def report(self, exc: ClushError, ctx: Context, where: str, places: tuple[tuple[int, int, int], ...] = ()
               ) -> None:
        name = ctx.command.name if ctx.command else ""
        column = exc.column
        if column is None and exc.token is not None:
            for tok in ctx.tokens[ctx.args_from :]:
                if tok.text == exc.token:
                    column = tok.column
                    break
        loc = where
        if column is not None and places and where:
            script, joined = where.rsplit(":", 1)[0], column
            for start, part_line, part_col in places:  # a continuation line: its own line and column
                if joined >= start:
                    column, loc = part_col + joined - start, f"{script}:{part_line}"
        if column is not None and (loc or column > 1):
            loc = f"{loc}:{column}" if loc else f"column {column}"
        prefix = f"{loc}: " if loc else ""
        self.session.out.error(f"{prefix}{name + ': ' if name else ''}{exc.message}")
        if exc.details:
            self.session.out.detail(exc.details)

    def _execute(self, ctx: Context) -> None:
        session = self.session
        start_path = list(session.path)
        path = list(session.path)
        entered: list[Level] = []
        tokens = ctx.tokens
        for i, tok in enumerate(tokens):
            child = self.resolve(path[-1], tok, first=(i == 0))
            if isinstance(child, Level):
                if i == 0 and child not in path[-1].levels and child in session.root.levels:
                    # jumping to a root level from elsewhere: leave the current levels
                    if i == len(tokens) - 1:
                        self.go_to_root()
                        start_path = list(session.path)
                        path = list(session.path)
                    else:
                        path = [session.root]
                self._enter(ctx, child)
                path.append(child)
                entered.append(child)
                session.path = path
                continue
            ctx.command = child
            ctx.args_from = i + 1
            args = [t.text for t in tokens[i + 1 :]]
            interrupted = False
            try:
                child.check_arity(args)
                ctx.running = True
                child.handler(ctx, args)
            except KeyboardInterrupt:
                interrupted = True  # come back without asking anything; changes stay pending
                raise
            finally:
                if entered:
                    navigated = session.path != path  # the command itself moved (cd, up, quit)
                    # one-shot: leave what this line entered, innermost first, then come back
                    for lvl in reversed(entered):
                        if lvl in session.path and not interrupted:
                            self._leave(ctx, lvl, "oneshot")
                    if not navigated:
                        session.path = start_path
            return
        # only level names: stay in the deepest one

    def _enter(self, ctx: Context, level: Level) -> None:
        if level.enter is not None:
            level.enter(ctx)

    def _leave(self, ctx: Context, level: Level, reason: LeaveReason) -> None:
        if level.leave is not None:
            level.leave(ctx, reason)

    # -- navigation used by global commands -------------------------------------------------
    def up(self, ctx: Context, reason: LeaveReason = "up") -> None:
        if len(self.session.path) <= 1:
            return
        level = self.session.path[-1]
        self._leave(ctx, level, reason)  # may raise Cancelled: then we stay
        self.session.path = self.session.path[:-1]

    def go_to_root(self, reason: LeaveReason = "up") -> None:
        ctx = Context(self.session)
        while len(self.session.path) > 1:
            self.up(ctx, reason)

    def cd(self, ctx: Context, target: str) -> None:
        """cd LEVEL, cd .., cd /, cd a/b — relative to the current level."""
        if target in ("/", "~"):
            self.go_to_root()
            return
        for part in [p for p in target.split("/") if p]:
            if part == "..":
                self.up(ctx)
                continue
            level = self.session.level
            child = level.find(part)
            if child is None and level is not self.session.root:
                child = self.session.root.find(part)
                if isinstance(child, Level):
                    self.go_to_root()
            if not isinstance(child, Level):
                hint = [n for n in self.session.level.suggest(part)]
                tail = f"; did you mean {hint[0]!r}?" if hint else ""
                raise UsageError(f"no level '{part}' here{tail}", token=part)
            self._enter(ctx, child)
            self.session.path = [*self.session.path, child]

    def leave_all(self, reason: LeaveReason) -> bool:
        """Leave every level (quit / EOF). False when the user cancelled leaving."""
        ctx = Context(self.session)
        try:
            while len(self.session.path) > 1:
                self.up(ctx, reason)
            # states can outlive their level (a one-shot line at the root): the same policy
            for key, _state in self.session.pending_states():
                settle(ctx, key, reason)
        except Cancelled as exc:
            self.session.out.info(str(exc))
            return False
        except KeyboardInterrupt:
            if not self.session.options.interactive:
                raise
            self.session.out.error("interrupted; still in the shell")  # Ctrl-D again to leave
            return False
        except ClushError as exc:
            self.report(exc, ctx, "")
            self.session.failed = True
        return True
