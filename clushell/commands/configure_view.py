"""configure-level commands that view and edit the pending CIB as a whole.

show, save, diff, edit, delete (rm), rename, modgroup, set, erase, load, refresh. The
configure level (commands/configure.py) adds ``COMMANDS`` to its Level. Standard library
only at import time; the model code is imported inside the handlers.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from typing import TYPE_CHECKING

from clushell.commands.tree import Arg, Kind, command
from clushell.errors import Cancelled, ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context

SEL_HELP = "object ids (globs), changed, type:T, tag:T, related:ID, obscure:GLOB"
VIM_LINE = "# vim: set filetype=pcmk:\n"


def _ws(ctx: Context):
    from clushell.pacemaker.workspace import get_workspace

    return get_workspace(ctx)


def _split_xml(args: list[str]) -> tuple[bool, list[str]]:
    if args[:1] == ["xml"]:
        return True, args[1:]
    return False, list(args)


def _style_and_specs(args: list[str], mask: bool, rule_refs=None):
    from clushell.cib.render import DEFAULT_OBSCURE, Style

    globs = [a[len("obscure:") :] for a in args if a.startswith("obscure:")]
    specs = [a for a in args if not a.startswith("obscure:")]
    return Style(obscure=globs or (DEFAULT_OBSCURE if mask else ()), rule_refs=rule_refs), specs


def session_rule_refs(ws) -> set[str]:
    """Rules referenced by ``rule $id-ref=`` typed in this session get their ``$id=`` shown
    (crmsh remembers the references it parsed; after a reload they are forgotten)."""
    before = set(ws.original.configuration.xpath(".//rule/@id-ref"))
    return {ref for ref in ws.view.configuration.xpath(".//rule/@id-ref") if ref not in before}


def selection_text(ctx: Context, args: list[str], *, mask: bool = True) -> str:
    """The show text (crm or XML) of the selected objects; '' when nothing is selected.

    ``mask`` hides passw* values (show); save and edit write the real values, as crmsh.
    """
    from clushell.cib import render
    from clushell.cib.select import select

    ws = _ws(ctx)
    xml, rest = _split_xml(args)
    style, specs = _style_and_specs(rest, mask, rule_refs=lambda: session_rule_refs(ws))
    model = ws.view  # read-only: no copy of an unedited CIB
    objs = select(model, specs, original=ws.original)
    if not objs:
        return ""
    if xml:  # ends with a newline; crmsh prints (and saves) it followed by another one
        return render.render_xml(objs, model.root, style, ordered=not specs)
    return render.render(objs, model.configuration, style)


def _highlight(ctx: Context, text: str, xml: bool = False) -> str:
    """Colour crm text through the REPL's pygments lexer, only on a terminal."""
    if not ctx.out.color:
        return text
    try:
        from pygments import highlight
        from pygments.formatters import TerminalFormatter

        if xml:
            from pygments.lexers import XmlLexer

            lexer = XmlLexer()
        else:
            from clushell.ui import lexer as crm_lexer  # written by the completion engineer

            cls = getattr(crm_lexer, "CrmLexer", None) or getattr(crm_lexer, "ConfigureLexer", None)
            if cls is None:
                return text
            lexer = cls()
        return highlight(text, lexer, TerminalFormatter()).rstrip("\n")
    except Exception:  # highlighting is cosmetic: never fail a show because of it
        return text


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

    ws = _ws(ctx)
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


def _running(ctx: Context) -> set[str]:
    """Resources active on a live cluster (and their containers); empty for CIB files."""
    target = ctx.session.target
    if getattr(target, "is_file", False) or target.cib_file:
        return set()
    res = ctx.session.runner.run(["crm_mon", "-1", "--output-as=xml"], timeout=30)
    if not res.ok:
        return set()
    from lxml import etree

    try:
        root = etree.fromstring(res.out.encode())
    except etree.XMLSyntaxError:
        return set()
    active: set[str] = set()
    for r in root.iter("resource"):
        if r.get("active") == "true":
            active.add(r.get("id", "").split(":")[0])
            parent = r.getparent()
            while parent is not None and parent.tag in ("group", "clone", "bundle"):
                active.add(parent.get("id", "").split(":")[0])
                parent = parent.getparent()
    return active


def _report(ctx: Context, msgs: list[str]) -> None:
    for m in msgs:
        level, sep, text = m.partition(": ")
        if sep and level in ("INFO", "WARNING"):  # the builder's messages carry their level
            (ctx.out.warn if level == "WARNING" else ctx.out.info)(text)
        else:
            ctx.out.info(m)


def _existing(model) -> list[str]:
    """Resource ids of ``model``: a load/edit re-stating one updates it (see build.updating)."""
    from clushell.cib.model import RESOURCE_TAGS

    return [i for i, el in model.index.items() if el.tag in RESOURCE_TAGS]


@command(
    "delete",
    "Delete objects; constraints left hanging are removed, sets shrink, empty groups go.",
    Arg("id", Kind.ID, "object id (-f/--force: delete even if running)", repeat=True),
    aliases=("rm",),
    examples=("delete d1", "rm g1 l1", "delete --force vip"),
    long_help=(
        "As crmsh: deleting the last member of a group deletes the group, a clone's child deletes the "
        "clone; all ids are checked first, so an unknown id changes nothing. Running resources are "
        "refused unless --force, which stops them first."
    ),
)
def do_delete(ctx: Context, args: list[str]) -> None:
    # help text: long_help below
    from clushell.cib import edit

    force = any(a in ("-f", "--force") for a in args) or ctx.session.options.force
    ids = [a for a in args if a not in ("-f", "--force")]
    if not ids:
        raise UsageError("missing id; usage: delete [-f|--force] ID...")
    ws = _ws(ctx)
    running = sorted(set(ids) & _running(ctx))
    if running and not force:
        raise ClushError(f"resource {running[0]} is running, can't delete it (use delete --force)", token=running[0])
    if running:
        _stop_and_wait(ctx, running)
        ws = _ws(ctx)
    _report(ctx, edit.delete(ws.pending, ids))


def _stop_and_wait(ctx: Context, ids: list[str], timeout: float = 120.0) -> None:
    """``delete --force``: as crmsh, stop running resources first (target-role=Stopped on
    the outermost container, committed at once) and wait until the cluster stopped them."""
    import time

    from clushell.commands.resource import set_meta_now

    set_meta_now(ctx, ids, "target-role", "Stopped", wait=False)
    ctx.out.info(f"stopping {', '.join(ids)}")
    deadline = time.monotonic() + timeout
    while True:
        still = sorted(set(ids) & _running(ctx))
        if not still:
            return
        if time.monotonic() > deadline:
            raise ClushError(f"resource {still[0]} is still running after {timeout:g} s; nothing deleted")
        time.sleep(1)


@command(
    "rename",
    "Rename an object; constraints that refer to it follow.",
    Arg("old", Kind.ID, "current id"),
    Arg("new", Kind.NEW_ID, "new id"),
    examples=("rename d1 web",),
)
def do_rename(ctx: Context, args: list[str]) -> None:
    """Running resources and (on CIB files) nodes cannot be renamed, as in crmsh."""
    from clushell.cib import edit

    ws = _ws(ctx)
    if args[0] in _running(ctx):
        raise ClushError(f"cannot rename a running resource ({args[0]})", token=args[0])
    live = not ctx.session.target.cib_file
    _report(ctx, edit.rename(ws.pending, args[0], args[1], live=live))


@command(
    "modgroup",
    "Add a resource to a group (optionally before/after a member) or remove one.",
    Arg("group", Kind.GROUP, "group id"),
    Arg("action", Kind.KEYWORD, "add or remove", choices=("add", "remove")),
    Arg("resource", Kind.PRIMITIVE, "primitive to add or remove"),
    Arg("where", Kind.KEYWORD, "position for add", optional=True, choices=("after", "before")),
    Arg("member", Kind.RESOURCE, "member to place it next to", optional=True),
    usage="GROUP add RSC [after|before MEMBER] | GROUP remove RSC",
    examples=("modgroup g1 add d3 before d2", "modgroup g1 remove d3"),
)
def do_modgroup(ctx: Context, args: list[str]) -> None:
    """A removed member stays as a stand-alone primitive."""
    from clushell.cib import edit

    if len(args) == 4:
        raise UsageError(f"expected a member after '{args[3]}'", token=args[3])
    _report(ctx, edit.modgroup(_ws(ctx).pending, *args))


@command(
    "set",
    "Change an existing attribute: ID.NAME, ID.OP.NAME or ID.OP.INTERVAL.NAME.",
    Arg("path", Kind.TEXT, "ID.NAME (an nvpair anywhere in the object) or ID.OP[.INTERVAL].ATTR"),
    Arg("value", Kind.TEXT, "new value"),
    examples=("set d1.fake 5", "set d1.monitor.timeout 30s", "set d1.monitor.10s.timeout 40s"),
)
def do_set(ctx: Context, args: list[str]) -> None:
    """The nvpair or op must exist and be unique; nothing is created."""
    from clushell.cib import edit

    edit.set_value(_ws(ctx).pending, args[0], args[1])


@command(
    "erase",
    "Remove every object except nodes (or, with 'nodes', only the nodes).",
    Arg("what", Kind.KEYWORD, "nodes", optional=True, choices=("nodes",)),
)
def do_erase(ctx: Context, args: list[str]) -> None:
    """Refused while resources are running on a live cluster."""
    from clushell.cib import edit

    ws = _ws(ctx)
    if args:
        edit.erase(ws.pending, nodes=True)
        return
    running = _running(ctx)
    if running:
        raise ClushError(f"CIB erase aborted (nothing was deleted): resource {sorted(running)[0]} is running")
    edit.erase(ws.pending)


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
    from clushell.commands.configure import _providers

    xml, rest = _split_xml(args)
    if len(rest) != 2:
        raise UsageError("usage: load [xml] replace|update|push FILE|-")
    method, src = rest
    if method not in ("replace", "update", "push"):
        raise UsageError(f"unknown method '{method}' (replace, update or push)", token=method)
    ws = _ws(ctx)
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
        new = merge.merge_xml(base, data, remove=method == "push")
        msgs: list[str] = []
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ClushError(f"{src} is not UTF-8 text", token=src) from None
        with updating(_existing(ws.view)):
            new, msgs = merge.merge_text(
                base,
                text,
                method="replace" if method == "replace" else "update",
                remove=method == "push",
                source=src if src != "-" else "<stdin>",
                providers=_providers(ctx),
                previous=previous,
            )
    ws.pending = new
    _report(ctx, msgs)


@command("refresh", "Drop the pending changes and re-read the CIB.")
def do_refresh(ctx: Context, args: list[str]) -> None:
    """Interactively, asks first when changes are pending."""
    ws = _ws(ctx)
    if ws.has_pending() and ctx.session.options.interactive:
        ctx.session.confirm("All changes will be dropped. Do you want to proceed?")
    ws.reload(ctx.session.runner)


def _run_editor(path: str) -> None:
    editor = os.environ.get("EDITOR") or os.environ.get("VISUAL") or "vi"
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
    "Edit objects (or the whole configuration) as crm text in $EDITOR.",
    Arg("selector", Kind.SELECTOR, "object ids, changed, type:T, ...; 'xml' first to edit XML",
        optional=True, repeat=True),
    examples=("edit", "edit d1", "edit changed", "edit xml g1"),
    long_help=(
        "On save the text is parsed again: removed objects are deleted, new ones created, changed ones "
        "replaced (ids of unchanged parts kept). A syntax error offers to edit again. Not available in "
        "scripts (as in crmsh)."
    ),
)
def do_edit(ctx: Context, args: list[str]) -> None:
    # help text: long_help below
    from clushell.cib import merge
    from clushell.cib.build import updating
    from clushell.cib.select import select
    from clushell.commands.configure import _providers

    if not (ctx.session.options.interactive or sys.stdin.isatty()):
        raise ClushError("edit not allowed in batch mode")
    ws = _ws(ctx)
    xml, specs = _split_xml(args)
    scope = select(ws.pending, specs, original=ws.original)
    text = selection_text(ctx, args, mask=False)
    text = text + "\n" if text else ""
    editor = os.environ.get("EDITOR") or "vi"
    if not xml and os.path.basename(editor.split()[0] if editor.split() else "").startswith("vi"):
        text += VIM_LINE
    fd, path = tempfile.mkstemp(prefix="clush-edit-", suffix=".xml" if xml else ".crm")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        while True:
            _run_editor(path)
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
                    new = merge.merge_xml(ws.pending, edited.encode(), remove=True, scope=scope)
                    msgs: list[str] = []
                else:
                    with updating(_existing(ws.pending)):
                        new, msgs = merge.merge_text(
                            ws.pending, edited.replace(VIM_LINE, ""), method="replace", remove=True,
                            scope=scope, source="edit", providers=_providers(ctx),
                        )
            except ClushError as exc:
                if not _can_ask(ctx):
                    raise ClushError(f"{exc.message} (edit discarded; nothing changed)", token=exc.token) from None
                ctx.out.error(exc.message)
                if _ask_again(ctx):
                    continue
                raise Cancelled("changes discarded; nothing changed") from None
            ws.pending = new
            _report(ctx, msgs)
            return
    finally:
        os.unlink(path)


COMMANDS = [
    do_show, do_save, do_diff, do_edit, do_delete, do_rename, do_modgroup, do_set, do_erase, do_load, do_refresh,
]
