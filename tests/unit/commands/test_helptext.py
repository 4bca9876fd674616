"""help and the man page list a command's declared options (from Command.opts), wrapped to the terminal."""

from clushell.commands.tree import Arg, Kind, Opt, command
from clushell.docs import _command_entry
from clushell.helptext import command_help


def _noop(ctx, args):
    return None


CMD = command("add", "Add a service.", Arg("service", Kind.SERVICE, "the service"),
              opts=(Opt("weight", "relative share of new connections " * 4, Kind.NUMBER),
                    Opt("--now", "apply at once", Kind.FLAG)))(_noop)


def test_help_lists_options_and_wraps(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    text = command_help(CMD, "ipvs")
    lines = text.splitlines()
    assert lines[0] == "ipvs add SERVICE [weight=N] [--now]"
    assert "Options:" in lines
    assert "  weight=N  relative share of new connections relative" in lines
    assert "            share of new connections relative share of new" in lines
    assert "  --now     apply at once" in lines
    assert all(len(line) <= 60 for line in lines)


def test_man_page_lists_options():
    roff = "\n".join(_command_entry(CMD, ("ipvs", "add")))
    assert "Options:" in roff
    assert "\\fBweight=N\\fR" in roff
    assert "\\fB\\-\\-now\\fR" in roff


def test_long_usage_and_help_wrap(monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    long_cmd = command("primitive", "Define a primitive resource with a rather long help text that wraps.",
                       Arg("id", Kind.NEW_ID, "id"), usage="ID [CLASS:[PROVIDER:]]TYPE|@TEMPLATE [description=D] "
                       "[params N=V...] [meta N=V...] [op ACTION [ATTR=V...]]...")(_noop)
    lines = command_help(long_cmd, "configure").splitlines()
    assert lines[0] == "configure primitive ID"
    assert lines[1].startswith("    [CLASS:[PROVIDER:]]TYPE|@TEMPLATE")
    assert all(len(line) < 50 for line in lines)
