"""configure filter: pipe the configuration (or chosen objects) through a command and apply its output."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.configure.common import confirm_destructive, existing, loss, report, selection_text, workspace
from clushell.commands.configure.statements import providers
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.cib.problems import Problem
    from clushell.context import Context

#: how render continues a long statement; the filter sees one statement per line, as crm sends it
_BREAK = " \\\n\t"


def _run(cmd: str, text: str) -> str:
    """``sh -c CMD`` with ``text`` on stdin; its stderr goes to the user. Failure is an error."""
    import subprocess  # here, not at the top: `clush __complete` imports the command tree

    try:
        res = subprocess.run(["/bin/sh", "-c", cmd], input=text.encode(), stdout=subprocess.PIPE, check=False)
    except OSError as exc:
        raise ClushError(f"cannot run /bin/sh: {exc.strerror}; nothing changed") from None
    if res.returncode != 0:
        how = f"signal {-res.returncode}" if res.returncode < 0 else f"exit status {res.returncode}"
        raise ClushError(f"'{cmd}' failed ({how}); nothing changed", token=cmd)
    try:
        return res.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise ClushError(f"the output of '{cmd}' is not UTF-8 text; nothing changed", token=cmd) from None


@command(
    "filter",
    "Pipe the configuration (or chosen objects) through a command and apply its output.",
    Arg("cmd", Kind.TEXT, "shell command: reads the crm text (or XML) on stdin, writes the new one"),
    Arg("selector", Kind.SELECTOR, "'xml' first for XML; object ids, changed, type:T, ...",
        optional=True, repeat=True),
    usage='"CMD" [xml] [SELECTOR...]',
    examples=("filter \"sed 's/Dummy/Stateful/'\" d1", "filter \"grep -v '^location'\"",
              "filter \"sed 's/100/200/'\" xml l1"),
    long_help=(
        "As crm: the selected objects (all by default) are written one statement per line (or as XML after "
        "'xml') to the command run by /bin/sh; its output replaces them as an edit would: objects it no "
        "longer names are deleted, new ones created, changed ones replaced. Nothing changes when the "
        "command fails (a non-zero exit), when its output does not parse, or when it gives the text back "
        "unchanged; a result that deletes most objects asks first (scripts need -y or -F). The change is "
        "pending until commit."
    ),
)
def do_filter(ctx: Context, args: list[str]) -> None:
    # help text: long_help below
    from clushell.cib import merge
    from clushell.cib.build import updating
    from clushell.cib.select import select
    from clushell.commands.configure.common import split_xml

    cmd, selection = args[0], args[1:]
    if not cmd.strip():
        raise UsageError("filter needs a command", token=cmd)
    ws = workspace(ctx)
    xml, specs = split_xml(selection)
    scope = select(ws.pending, specs, original=ws.original)  # unknown ids: one error, nothing runs
    text = selection_text(ctx, selection, mask=False)
    if not xml:
        text = text.replace(_BREAK, " ")
    text = text + "\n" if text else ""
    out = _run(cmd, text)
    if out == text:
        return
    try:
        if xml:
            new = merge.merge_xml(ws.pending, out.encode(), remove=True, scope=scope)
            msgs: list[Problem] = []
        else:
            with updating(existing(ws.pending)):
                new, msgs = merge.merge_text(ws.pending, out, method="replace", remove=True, scope=scope,
                                             source="output", providers=providers(ctx))
    except ClushError as exc:
        raise ClushError(f"{exc.message}; nothing changed") from None
    damage = loss(ws.view, new)
    if damage:
        confirm_destructive(ctx, "filter", damage)
    ws.pending = new
    report(ctx, msgs)


COMMANDS = [do_filter]
