"""ipvs level: tables in files (save, load, import, export)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clushell.commands.ipvs.common import DIRS, commit_directors, parts, state
from clushell.commands.tree import Arg, Kind, Opt, command
from clushell.errors import UsageError

if TYPE_CHECKING:
    from clushell.context import Context

FILE = Arg("file", Kind.FILE, "file name")
FILE_OPT = Arg("file", Kind.FILE, "file name (default: standard output)", optional=True)


def _write(ctx: Context, path: str | None, text: str) -> None:
    from clushell.ipvs.textio import write_atomic

    if path is None or path == "-":
        ctx.out.print(text.rstrip("\n"))
        return
    write_atomic(path, text)
    ctx.out.info(f"wrote {path}")


def counts(table: Any) -> str:
    """'2 services, 5 real servers'."""
    n_svc = len(table.services)
    n_reals = sum(len(s.reals) for s in table.services.values())
    return f"{n_svc} service{'s' if n_svc != 1 else ''}, {n_reals} real server{'s' if n_reals != 1 else ''}"


def _one(st: Any, dirs: list[str] | None, what: str) -> str:
    names = st.pick(dirs)
    if len(names) != 1:
        raise UsageError(f"{what} works on one director; name it with @NAME")
    return names[0]


@command("save", "Write a table in ipvsadm -Sn format, thresholds included: the staged view, or the live one.",
         FILE_OPT, opts=(DIRS, Opt("staged", "the table with the staged changes (the default when there are some)",
                                   Kind.FLAG),
                         Opt("live", "the director's table as it is now, without the staged changes", Kind.FLAG)),
         examples=("save /etc/ipvsadm.rules", "save live @d1 d1.rules"))
def cmd_save(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.ipvsadm import save_lines

    dirs, rest, opts = parts(cmd_save, args)
    if "staged" in opts and "live" in opts:
        raise UsageError("save takes staged or live, not both", token="live")
    st = state(ctx)
    name = _one(st, dirs, "save")
    staged = bool(st.plan(name))
    if "live" in opts or ("staged" not in opts and not staged):
        table = st.snapshot(name, refresh=not staged).table
        what = f"the table of {name} as it is now" + (" (staged changes not included)" if staged else "")
    else:
        table = st.view(name)
        what = f"the staged table of {name}" + (" (not committed yet; 'save live' writes the current one)"
                                                 if staged else "")
    ctx.out.info(f"saving {what}: {counts(table)}")
    _write(ctx, rest[0] if rest else None, "".join(line + "\n" for line in save_lines(table)))


@command("load", "Make the table equal to a saved file (diff and apply; never a blind append).", FILE, opts=(DIRS,),
         examples=("load /etc/ipvsadm.rules", "load @d1,d2 lb.rules"))
def cmd_load(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.ipvsadm import parse_rules
    from clushell.ipvs.textio import read_text

    dirs, rest, _ = parts(cmd_load, args)
    table = parse_rules(read_text(rest[0]), source=rest[0])
    st = state(ctx)
    for name in st.pick(dirs):
        st.snapshot(name, refresh=True)
        st.desired[name] = table.copy()
    commit_directors(ctx, st.pick(dirs))


def _confirm_removal(ctx: Context, name: str, removed: list[str]) -> None:
    """import replace: list what goes; ask in the shell, need -y in a script (like refresh)."""
    from clushell.errors import ClushError

    ctx.out.print(f"import replace removes from {name}: {', '.join(removed)}")
    what = f"{len(removed)} service{'s' if len(removed) != 1 else ''} from {name}"
    session = ctx.session
    if session.options.yes or session.options.force:
        return
    if not session.options.interactive:
        raise ClushError(f"import replace would remove {what}; rerun with -y")
    session.confirm(f"Remove {what}")


@command("import", "Stage the services of a keepalived.conf, ldirectord.cf or ipvsadm rules file (merged into the "
         "staged table; replace makes the table equal to the file).",
         Arg("format", Kind.KEYWORD, "file format", choices=("keepalived", "ldirectord", "ipvsadm")), FILE,
         opts=(DIRS, Opt("replace", "remove the services the file does not have (asks first; scripts need -y)",
                         Kind.FLAG)),
         examples=("import keepalived /etc/keepalived/keepalived.conf", "import ldirectord ldirectord.cf replace"),
         long_help="The services in the file replace the same services in the staged table; other services are "
         "untouched, and several imports add up. Nothing changes on a director until commit. Every line the "
         "parser does not take is a warning with file:line.")
def cmd_import(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import confio

    dirs, (fmt, path), opts = parts(cmd_import, args)
    table, notes = confio.import_file(fmt, path)
    for note in notes:
        ctx.out.warn(str(note))
    st = state(ctx)
    staged = {}
    for name in st.pick(dirs):
        new, removed = confio.merge(st.view(name), table, replace="replace" in opts)
        if removed:
            _confirm_removal(ctx, name, removed)
        staged[name] = new
    st.desired.update(staged)
    skipped = f"{notes.skipped} skipped item{'s' if notes.skipped != 1 else ''}"
    ignored = f"; not LVS, ignored: {', '.join(notes.ignored)}" if notes.ignored else ""
    ctx.out.info(f"imported from {path}: {counts(table)}, {skipped}{ignored}; see diff, then commit")


@command("export", "Print the table (staged if any) as keepalived.conf, ldirectord.cf or ipvsadm rules.",
         Arg("format", Kind.KEYWORD, "output format", choices=("keepalived", "ldirectord", "ipvsadm")), FILE_OPT,
         opts=(DIRS,))
def cmd_export(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import confio

    dirs, rest, _ = parts(cmd_export, args)
    st = state(ctx)
    text, warnings = confio.export_text(rest[0], st.view(_one(st, dirs, "export")))
    for w in warnings:
        ctx.out.warn(w)
    _write(ctx, rest[1] if len(rest) > 1 else None, text)


COMMANDS = [cmd_save, cmd_load, cmd_import, cmd_export]
