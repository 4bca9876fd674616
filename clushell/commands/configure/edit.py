"""configure: whole-text changes of the pending configuration: edit in $EDITOR, load, refresh."""

from __future__ import annotations

import os
import shlex
import sys
from typing import TYPE_CHECKING

from clushell.commands.configure.common import (
    confirm_destructive,
    existing,
    loss,
    report,
    selection_text,
    split_xml,
    workspace,
)
from clushell.commands.configure.statements import providers
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import Cancelled, ClushError, UsageError
from clushell.session import StateKey, confirm_discard

if TYPE_CHECKING:
    from clushell.cib.problems import Problem
    from clushell.context import Context

VIM_LINE = "# vim: set filetype=pcmk:\n"


def _read_source(src: str) -> bytes:
    if src == "-":  # through the text layer: a script runner may have buffered part of it
        try:
            return sys.stdin.read().encode("utf-8")
        except UnicodeError:  # undecodable bytes (or surrogate escapes of them)
            raise ClushError("standard input is not UTF-8 text", token=src) from None
    try:
        with open(src, "rb") as f:
            return f.read()
    except OSError as exc:
        raise ClushError(f"cannot read {src}: {exc.strerror}", token=src) from None


@command(
    "load",
    "Load crm text or XML from a file or stdin: replace, update or push the configuration.",
    Arg("how", Kind.KEYWORD, "[xml] replace|update|push", choices=("xml", "replace", "update", "push")),
    Arg("file", Kind.FILE, "file, or - for standard input", repeat=True),
    usage="[xml] replace|update|push FILE|-",
    examples=("load update /tmp/new.crm", "load replace -", "load xml update /tmp/cib.xml"),
    long_help=(
        "replace erases everything but nodes first; update adds and replaces objects (property sets are "
        "merged); push is update plus deleting every object the file does not name. A file starting "
        "with '<' is read as XML. Nothing changes if any statement fails."
    ),
)
def do_load(ctx: Context, args: list[str]) -> None:
    # help text: long_help below
    from clushell.cib import edit, merge
    from clushell.cib.build import updating

    xml, rest = split_xml(args)
    if len(rest) != 2:
        raise UsageError("usage: load [xml] replace|update|push FILE|-")
    method, src = rest
    if method not in ("replace", "update", "push"):
        raise UsageError(f"unknown method '{method}' (replace, update or push)", token=method)
    ws = workspace(ctx)
    if method == "replace" and ws.has_pending() and ctx.session.options.interactive:
        ctx.session.confirm("This operation will erase all changes. Do you want to proceed?")
    data = _read_source(src)
    base = ws.view  # merge works on its own copy
    previous = None
    if method == "replace":
        previous = merge.snapshot(base)
        base = base.copy()
        edit.erase(base)
    if xml or data.lstrip().startswith(b"<"):
        new = merge.merge_xml(base, data, remove=method == "push", source="<stdin>" if src == "-" else src)
        msgs: list[Problem] = []
    else:
        from clushell.textfile import decode

        text = decode(data, "<stdin>" if src == "-" else src)
        with updating(existing(ws.view)):
            new, msgs = merge.merge_text(
                base,
                text,
                method="replace" if method == "replace" else "update",
                remove=method == "push",
                source=src if src != "-" else "<stdin>",
                providers=providers(ctx),
                previous=previous,
            )
    if method != "update":
        damage = loss(ws.view, new)
        if damage:
            confirm_destructive(ctx, f"load {method}", damage)
    ws.pending = new
    report(ctx, msgs)


@command("refresh", "Drop the pending changes and re-read the CIB.")
def do_refresh(ctx: Context, args: list[str]) -> None:
    """With pending changes: asks in the shell; a script needs -y."""
    ws = workspace(ctx)
    confirm_discard(ctx, StateKey.CONFIGURE, "refresh")
    ws.reload(ctx.session.runner)


def editor_command(ctx: Context) -> str:
    """The editor: the core.editor preference, else $VISUAL, else $EDITOR, else vi."""
    config = ctx.session.get_state(StateKey.OPTIONS) or ctx.session.config
    chosen = config.get("core.editor").strip() if config is not None else ""
    return chosen or os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"


def _run_editor(editor: str, path: str) -> None:
    import subprocess  # here, not at the top: `clush __complete` imports the command tree

    try:
        argv = shlex.split(editor) + [path]
        rc = subprocess.call(argv)
    except (OSError, ValueError) as exc:
        raise ClushError(f"cannot run editor '{editor}': {exc}") from None
    if rc != 0:
        raise ClushError(f"editor '{editor}' exited with status {rc}; nothing changed")


def _can_ask(ctx: Context) -> bool:
    # -F/-y would answer for the user and loop for ever on an editor that changes nothing
    if ctx.session.options.force or ctx.session.options.yes:
        return False
    return ctx.session.options.interactive or sys.stdin.isatty()


def _ask_again(ctx: Context) -> bool:
    """After a syntax error: edit again? Asked on the terminal even in a one-shot run."""
    if ctx.session.options.interactive:
        return ctx.session.ask("Edit again (no discards the changes)") == "y"
    try:
        sys.stderr.write("Edit again (no discards the changes) (y/n)? ")
        sys.stderr.flush()
        return sys.stdin.readline().strip().lower().startswith("y")
    except (OSError, KeyboardInterrupt):
        return False


@command(
    "edit",
    "Edit objects (or the whole configuration) as crm text in your editor.",
    Arg("selector", Kind.SELECTOR, "object ids, changed, type:T, ...; 'xml' first to edit XML",
        optional=True, repeat=True),
    examples=("edit", "edit d1", "edit changed", "edit xml g1"),
    long_help=(
        "On save the text is parsed again: removed objects are deleted, new ones created, changed ones "
        "replaced (ids of unchanged parts kept). A syntax error offers to edit again. A result that deletes "
        "more objects than it keeps asks first. The editor is the core.editor option, else $VISUAL, else "
        "$EDITOR, else vi. Not available in scripts (as in crmsh)."
    ),
)
def do_edit(ctx: Context, args: list[str]) -> None:
    # help text: long_help below
    from clushell.cib import merge
    from clushell.cib.build import updating
    from clushell.cib.select import select

    if not (ctx.session.options.interactive or sys.stdin.isatty()):
        raise ClushError("edit not allowed in batch mode")
    ws = workspace(ctx)
    xml, specs = split_xml(args)
    scope = select(ws.pending, specs, original=ws.original)
    text = selection_text(ctx, args, mask=False)
    text = text + "\n" if text else ""
    editor = editor_command(ctx)
    if not xml and os.path.basename(editor.split()[0] if editor.split() else "").startswith("vi"):
        text += VIM_LINE
    import tempfile

    fd, path = tempfile.mkstemp(prefix="clush-edit-", suffix=".xml" if xml else ".crm")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        while True:
            _run_editor(editor, path)
            try:
                with open(path, encoding="utf-8") as f:
                    edited = f.read()
            except UnicodeDecodeError:
                raise ClushError("the edited text is not UTF-8; nothing changed") from None
            if edited == text:
                ctx.out.info("nothing changed")
                return
            try:
                if xml:
                    new = merge.merge_xml(ws.pending, edited.encode(), remove=True, scope=scope, source="edit")
                    msgs: list[Problem] = []
                else:
                    with updating(existing(ws.pending)):
                        new, msgs = merge.merge_text(
                            ws.pending, edited.replace(VIM_LINE, ""), method="replace", remove=True,
                            scope=scope, source="edit", providers=providers(ctx),
                        )
            except ClushError as exc:
                if not _can_ask(ctx):
                    raise ClushError(f"{exc.message} (edit discarded; nothing changed)") from None
                ctx.out.error(exc.message)
                if _ask_again(ctx):
                    continue
                raise Cancelled("changes discarded; nothing changed") from None
            damage = loss(ws.view, new)
            if damage:
                confirm_destructive(ctx, "edit", damage)
            ws.pending = new
            report(ctx, msgs)
            return
    finally:
        os.unlink(path)


COMMANDS = [do_edit, do_load, do_refresh]
