"""The `options` level: user preferences saved in $XDG_CONFIG_HOME/clush/clush.conf."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.tree import Arg, Kind, Level, command
from clushell.session import StateKey

if TYPE_CHECKING:
    from clushell.context import Context


def _config(ctx: Context):
    from clushell.config import Config

    cfg = ctx.session.get_state(StateKey.OPTIONS)
    if cfg is None:
        cfg = Config()
        ctx.session.set_state(StateKey.OPTIONS, cfg)
    return cfg


@command("show", "Show settings and their values.", Arg("name", Kind.TEXT, "a setting (SECTION.KEY)", optional=True),
         examples=("show", "show core.pager"))
def do_show(ctx: Context, args: list[str]) -> None:
    """Without a name, lists every known setting with its current value."""
    from clushell.config import BY_NAME

    cfg = _config(ctx)
    for name, value in cfg.items():
        if args and name != args[0]:
            continue
        help_ = BY_NAME[name].help if name in BY_NAME else ""
        ctx.out.print(f"{name} = {value}" + (f"    # {help_}" if help_ and args else ""))
    if args and args[0] not in dict(cfg.items()):
        from clushell.errors import ClushError

        raise ClushError(f"unknown setting '{args[0]}'", token=args[0])


@command("set", "Change a setting for this session (save keeps it).",
         Arg("name", Kind.TEXT, "a setting (SECTION.KEY)"), Arg("value", Kind.TEXT, "its new value"),
         examples=("set core.pager 'less -RS'", "set core.color never"))
def do_set(ctx: Context, args: list[str]) -> None:
    """Checks the value against the setting's allowed values."""
    _config(ctx).set(args[0], args[1])


@command("reset", "Return a setting to its default.", Arg("name", Kind.TEXT, "a setting (SECTION.KEY)"))
def do_reset(ctx: Context, args: list[str]) -> None:
    """Removes the user's value; the system file or the built-in default applies again."""
    _config(ctx).reset(args[0])


@command("save", "Write the settings to the user configuration file.")
def do_save(ctx: Context, args: list[str]) -> None:
    """The file is $XDG_CONFIG_HOME/clush/clush.conf (or $CLUSH_CONFIG)."""
    path = _config(ctx).save()
    ctx.out.info(f"settings saved to {path}")


def _switch(name: str, setting: str, help_: str):
    def handler(ctx: Context, args: list[str]) -> None:
        value = {"true": "yes", "on": "yes", "false": "no", "off": "no"}.get(args[0].lower(), args[0].lower())
        _config(ctx).set(setting, value)

    return command(name, help_, Arg("value", Kind.KEYWORD, "yes or no", choices=("yes", "no", "true", "false",
                                                                                "on", "off")),
                   aliases=(name.replace("-", "_"),), examples=(f"{name} no",),
                   long_help=f"crm's '{name}': the same as 'set {setting} yes|no' (save keeps it).")(handler)


do_sort_elements = _switch("sort-elements", "core.sort-elements",
                           "Sort objects of a type by id in show (no: keep the CIB order).")


LEVEL = Level("options", "User preferences (colour, pager, editor, cluster nodes, IPVS directors).",
              commands=[do_show, do_set, do_reset, do_save, do_sort_elements])
