"""configure: show, save and diff the pending configuration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.configure.common import SEL_HELP, selection_text, workspace
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context


def _highlight(ctx: Context, text: str, xml: bool = False) -> str:
    """Colour the text on a terminal (the shell's highlighter, plugged in by the CLI)."""
    if not ctx.out.color or ctx.session.highlight is None:
        return text
    return ctx.session.highlight(text, "xml" if xml else "crm")


@command(
    "show",
    "Show the configuration (or selected objects) in the crm language or as XML.",
    Arg("selector", Kind.SELECTOR, SEL_HELP + "; 'xml' first for XML", optional=True, repeat=True),
    examples=("show", "show d1 g1", "show type:primitive", "show related:vip", "show changed", "show xml d1"),
    long_help=(
        "Objects are printed as crmsh prints them: sorted by type then id, long statements continued "
        "with backslashes, values of nvpairs named passw* masked (obscure:GLOB picks other names). "
        "Syntax highlighted on a terminal."
    ),
)
def do_show(ctx: Context, args: list[str]) -> None:
    # help text: the long_help below (a docstring would keep its indentation)
    text = selection_text(ctx, args)
    if text:
        xml = args[:1] == ["xml"]
        ctx.out.page(_highlight(ctx, text, xml=xml))
        if xml:
            ctx.out.print()


@command(
    "save",
    "Write the configuration (or selected objects) to a file, '-' for stdout.",
    Arg("selector", Kind.SELECTOR, SEL_HELP + "; 'xml' first for XML", optional=True, repeat=True),
    Arg("file", Kind.FILE, "file to write, or - for standard output"),
    usage="[xml] [SELECTOR...] FILE|-",
    examples=("save /tmp/cib.crm", "save xml /tmp/cib.xml", "save type:primitive -"),
)
def do_save(ctx: Context, args: list[str]) -> None:
    """The text is what show prints, so it can be loaded back with load replace/update."""
    if not args:
        raise UsageError("missing file; usage: save [xml] [SELECTOR...] FILE|-")
    text = selection_text(ctx, args[:-1], mask=False)
    dest = args[-1]
    data = text + "\n" if text else ""
    if dest == "-":
        ctx.out.print(data, end="")
        return
    try:
        with open(dest, "w", encoding="utf-8") as f:
            f.write(data)
    except OSError as exc:
        raise ClushError(f"cannot write {dest}: {exc.strerror}", token=dest) from None


@command("diff", "Show the pending changes as a unified diff of the crm text.")
def do_diff(ctx: Context, args: list[str]) -> None:
    """Compares the configuration as loaded with the pending one; prints nothing when equal."""
    import difflib

    from clushell.cib import render

    ws = workspace(ctx)
    if not ws.has_pending():
        return
    old = render.render_all(ws.original.configuration).splitlines(keepends=True)
    new = render.render_all(ws.view.configuration).splitlines(keepends=True)
    lines = list(difflib.unified_diff(old, new, "CIB (loaded)", "CIB (pending)"))
    if not lines:
        return
    out = []
    for ln in lines:
        ln = ln if ln.endswith("\n") else ln + "\n"
        if ctx.out.color and ln[:1] in "+-@" and not ln.startswith(("+++", "---")):
            colour = {"+": "\033[32m", "-": "\033[31m", "@": "\033[36m"}[ln[0]]
            ln = f"{colour}{ln[:-1]}\033[0m\n"
        out.append(ln)
    ctx.out.page("".join(out).rstrip("\n"))


COMMANDS = [do_show, do_save, do_diff]
