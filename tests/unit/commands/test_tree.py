"""The declared tree is complete and well-formed; name matching behaves like crmsh."""

from clushell.commands.root import GLOBALS, build_tree
from clushell.commands.tree import Arg, Command, Kind, Level, command, walk


def test_every_command_has_help_ending_with_a_period():
    root = build_tree()
    for path, node in walk(root):
        assert node.help.strip().endswith("."), f"{' '.join(path)}: help must end with a period"
        if isinstance(node, Command):
            for arg in node.args:
                assert arg.help, f"{' '.join(path)} {arg.name}: argument without help"
    for cmd in GLOBALS:
        assert cmd.help.endswith(".")


def test_names_are_unique_within_each_level():
    root = build_tree()
    for path, node in [((), root), *walk(root)]:
        if isinstance(node, Level):
            names = node.names(with_aliases=True, with_hidden=True)
            assert len(names) == len(set(names)), f"duplicate names in {path}: {names}"


def _noop(ctx, args):
    return None


def toy() -> Level:
    cmds = [command("primitive", "Define a primitive.")(_noop), command("property", "Set a property.")(_noop),
            command("show", "Show.", aliases=("list",))(_noop)]
    return Level("configure", "Configure.", commands=cmds)


def test_exact_then_unique_prefix():
    lvl = toy()
    assert lvl.find("show").name == "show"
    assert lvl.find("list").name == "show"
    assert lvl.find("sh").name == "show"
    assert lvl.find("prim").name == "primitive"
    assert lvl.find("pr") is None  # ambiguous
    assert lvl.ambiguous("pr") == ["primitive", "property"]


def test_did_you_mean():
    assert toy().suggest("primitve") == ["primitive"]


def test_arity_and_keywords_checked_before_the_handler():
    import pytest

    from clushell.errors import UsageError

    cmd = command("standby", "Standby.", Arg("node", Kind.NODE, "node"),
                  Arg("lifetime", Kind.KEYWORD, "how long", optional=True, choices=("forever", "reboot")))(_noop)
    cmd.check_arity(["n1"])
    cmd.check_arity(["n1", "reboot"])
    with pytest.raises(UsageError, match="missing node"):
        cmd.check_arity([])
    with pytest.raises(UsageError, match="'never' is not one of forever, reboot"):
        cmd.check_arity(["n1", "never"])
    with pytest.raises(UsageError, match="unexpected argument 'x'"):
        cmd.check_arity(["n1", "reboot", "x"])
    assert cmd.usage_line() == "standby NODE [forever|reboot]"
