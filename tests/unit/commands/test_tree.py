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


def _opt_cmd():
    from clushell.commands.tree import Opt

    return command("add", "Add.", Arg("service", Kind.TEXT, "service"),
                   opts=(Opt("weight", "weight", Kind.NUMBER), Opt("method", "forwarding", choices=("nat", "dr")),
                         Opt("drain-wait", "pause", Kind.DURATION), Opt("--now", "apply now", Kind.FLAG)))(_noop)


def test_options_split_from_positionals():
    cmd = _opt_cmd()
    assert cmd.split_opts(["tcp:1.2.3.4:80", "weight=3", "--now"]) == (["tcp:1.2.3.4:80"], {"weight": "3",
                                                                                            "--now": "true"})
    cmd.check_arity(["svc", "method=dr", "drain-wait=30s"])
    assert cmd.usage_line() == "add SERVICE [weight=N] [method=nat|dr] [drain-wait=TIME] [--now]"


def test_unknown_repeated_and_bad_options_are_usage_errors():
    import pytest

    from clushell.errors import UsageError

    cmd = _opt_cmd()
    with pytest.raises(UsageError, match=r"^unknown option 'wieght' \(known: weight=, method=, drain-wait=, --now\)$"):
        cmd.check_arity(["svc", "wieght=3"])
    with pytest.raises(UsageError, match=r"^unknown option '--later'"):
        cmd.check_arity(["svc", "--later"])
    with pytest.raises(UsageError, match="^option 'weight' given twice$"):
        cmd.check_arity(["svc", "weight=1", "weight=2"])
    with pytest.raises(UsageError, match="^weight: not an integer$"):
        cmd.check_arity(["svc", "weight=x"])
    with pytest.raises(UsageError, match="^method: 'tun' is not one of nat, dr$"):
        cmd.check_arity(["svc", "method=tun"])
    with pytest.raises(UsageError, match=r"^drain-wait: invalid duration"):
        cmd.check_arity(["svc", "drain-wait=abc"])
    with pytest.raises(UsageError, match="missing service"):
        cmd.check_arity(["weight=1"])


def test_values_are_checked_by_kind():
    from clushell.commands.tree import check_value

    assert check_value(Kind.TEXT, "a\x01b") == "control character U+0001 is not allowed"
    assert check_value(Kind.TEXT, "a\x00") == "NUL byte is not allowed"
    assert check_value(Kind.TEXT, "a\udcff") == "bytes that are not UTF-8"
    assert check_value(Kind.TEXT, "a<b>&'\"") is None
    assert check_value(Kind.NEW_ID, "1x").startswith("invalid id")
    assert check_value(Kind.NEW_ID, "p_1.x-y") is None
    assert check_value(Kind.SCORE, "-inf") is None and check_value(Kind.SCORE, "100:") is None
    assert check_value(Kind.SCORE, "lots").startswith("invalid score")
    assert check_value(Kind.DURATION, "PT1M30S") is None and check_value(Kind.DURATION, "500ms") is None
    assert check_value(Kind.DURATION, "abc").startswith("invalid duration")
    assert check_value(Kind.SHADOW, "s" * 300) == "shadow name too long (300 bytes; at most 228)"
    assert check_value(Kind.HOST, "a" * 64 + ".example") == "host name label too long (64 characters; at most 63)"
    assert check_value(Kind.FILE, "x\x00y") == "NUL byte is not allowed in a file name"
    assert check_value(Kind.ATTR, "a=b").startswith("invalid attribute name")


def test_positional_values_checked_before_the_handler():
    import pytest

    from clushell.errors import UsageError

    cmd = command("standby", "Standby.", Arg("node", Kind.NODE, "node"))(_noop)
    with pytest.raises(UsageError, match="^node: control character U[+]0001 is not allowed$"):
        cmd.check_arity(["n\x011"])
