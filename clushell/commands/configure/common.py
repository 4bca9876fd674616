"""Helpers the configure level's command modules share (standard library only at import time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clushell.cib.model import CibModel
    from clushell.cib.problems import Problem
    from clushell.context import Context
    from clushell.pacemaker.workspace import Workspace

SEL_HELP = "object ids (globs), changed, type:T, tag:T, related:ID, obscure:GLOB"


def workspace(ctx: Context) -> Workspace:
    from clushell.pacemaker.workspace import get_workspace

    return get_workspace(ctx)


def split_xml(args: list[str]) -> tuple[bool, list[str]]:
    if args[:1] == ["xml"]:
        return True, args[1:]
    return False, list(args)


def _style_and_specs(args: list[str], mask: bool, rule_refs=None):
    from clushell.cib.render import DEFAULT_OBSCURE, Style

    globs = [a[len("obscure:") :] for a in args if a.startswith("obscure:")]
    specs = [a for a in args if not a.startswith("obscure:")]
    return Style(obscure=globs or (DEFAULT_OBSCURE if mask else ()), rule_refs=rule_refs), specs


def session_rule_refs(ws: Workspace) -> set[str]:
    """Rules referenced by ``rule $id-ref=`` get their ``$id=`` shown, so that the text loads
    back (crm 4.4.1 does so too, also for references it read from the CIB)."""
    return set(ws.view.configuration.xpath(".//rule/@id-ref"))


def selection_text(ctx: Context, args: list[str], *, mask: bool = True) -> str:
    """The show text (crm or XML) of the selected objects; '' when nothing is selected.

    ``mask`` hides passw* values (show); save and edit write the real values, as crmsh.
    """
    from clushell.cib import render
    from clushell.cib.select import select

    ws = workspace(ctx)
    xml, rest = split_xml(args)
    style, specs = _style_and_specs(rest, mask, rule_refs=lambda: session_rule_refs(ws))
    model = ws.view  # read-only: no copy of an unedited CIB
    objs = select(model, specs, original=ws.original)
    if not objs:
        return ""
    if xml:  # ends with a newline; crmsh prints (and saves) it followed by another one
        return render.render_xml(objs, model.root, style, ordered=not specs)
    return render.render(objs, model.configuration, style, by_id=sort_elements(ctx))


def sort_elements(ctx: Context) -> bool:
    """The core.sort-elements preference (crm's sort-elements): sort objects of a type by id."""
    from clushell.session import StateKey

    config = ctx.session.get_state(StateKey.OPTIONS) or ctx.session.config
    return config is None or config.get("core.sort-elements") != "no"


def running_resources(ctx: Context) -> set[str]:
    """Resources active on a live cluster (and their containers); empty for CIB files."""
    target = ctx.session.target
    if target.is_file or target.cib_file:
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


def report(ctx: Context, msgs: list[Problem]) -> None:
    """Show the language layer's infos and warnings (clushell.cib.problems)."""
    for m in msgs:
        (ctx.out.warn if m.is_warning else ctx.out.info)(m.message)


def existing(model: CibModel) -> list[str]:
    """Resource ids of ``model``: a load/edit re-stating one updates it (see build.updating)."""
    from clushell.cib.model import RESOURCE_TAGS

    return [i for i, el in model.index.items() if el.tag in RESOURCE_TAGS]




def loss(before: CibModel, after: CibModel) -> str | None:
    """What a whole-text change destroys, when it deletes more objects than it keeps (or all)."""
    from clushell.cib.select import all_objects, object_id

    old = {object_id(o) for o in all_objects(before)}
    new = {object_id(o) for o in all_objects(after)}
    gone = old - new
    if not old or not gone:
        return None
    if not new:
        return f"this empties the configuration (deletes all {len(old)} objects)"
    if len(gone) > len(old & new):
        return f"this deletes {len(gone)} of {len(old)} objects and keeps {len(old & new)}"
    return None


def confirm_destructive(ctx: Context, what: str, damage: str) -> None:
    """Ask before a change that destroys most of the configuration; scripts need -y or -F."""
    import sys

    from clushell.errors import Cancelled, ClushError

    options = ctx.session.options
    if options.yes or options.force:
        return
    question = f"{what}: {damage}. Do it"
    if options.interactive:
        if ctx.session.ask(question) != "y":
            raise Cancelled(f"{what}: nothing changed")
        return
    if sys.stdin.isatty():  # a one-shot `clush configure edit` on a terminal: a person is there
        while True:
            sys.stderr.write(f"{question} (y/n)? ")
            sys.stderr.flush()
            raw = sys.stdin.readline()
            answer = raw.strip().lower()
            if answer in ("y", "yes"):
                return
            if answer in ("n", "no") or not raw:
                raise Cancelled(f"{what}: nothing changed")
    raise ClushError(f"{what}: {damage}; refused in a script without -y (or -F); nothing changed")
