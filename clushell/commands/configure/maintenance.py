"""The maintenance clean-up question, shared by ``property maintenance-mode=true`` and ``node maintenance``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clushell.cib.maintenance import Redundant
    from clushell.cib.model import CibModel
    from clushell.context import Context


def _summary(found: list[Redundant]) -> str:
    by_attr: dict[str, list[str]] = {}
    for r in found:
        by_attr.setdefault(r.nvpair.get("name", ""), []).append(r.owner)
    return "; ".join(f"'{attr}' in {', '.join(owners)}" for attr, owners in by_attr.items())


def offer_cleanup(ctx: Context, model: CibModel, found: list[Redundant], why: str) -> None:
    """Remove the redundant attributes when the user agrees: -F yes, the shell asks, a script keeps them."""
    from clushell.cib import maintenance

    if not found:
        return
    what = _summary(found)
    options = ctx.session.options
    if options.force or options.yes or options.interactive:
        remove = ctx.session.ask(f"{why} makes these attributes redundant: {what}. Remove them") == "y"
    else:
        ctx.out.info(f"{why}: kept the resource-level attributes {what} (-F removes them, as crm -F does)")
        return
    if remove:
        maintenance.remove(model, found)
        ctx.out.info(f"{why}: removed {what}")


TRUE = ("true", "yes", "on", "1", "y")


def after_property(ctx: Context, args: list[str]) -> None:
    """``property maintenance-mode=true``: offer to remove what it makes redundant (crm does it on any
    value; clush only when maintenance is switched on, so that switching it off keeps them)."""
    from clushell.cib import maintenance
    from clushell.pacemaker.workspace import get_workspace

    if not any(a.split("=", 1)[0] == "maintenance-mode" and a.split("=", 1)[1].lower() in TRUE
               for a in args if "=" in a):
        return
    ws = get_workspace(ctx)
    offer_cleanup(ctx, ws.pending, maintenance.for_cluster(ws.pending), "maintenance-mode=true")
