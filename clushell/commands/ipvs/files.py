"""ipvs level: tables in files (save, load, import, export)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.ipvs.common import DIRS, commit_directors, need, split, state
from clushell.commands.tree import Arg, Kind, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context

FILE = Arg("file", Kind.FILE, "file name")
FILE_OPT = Arg("file", Kind.FILE, "file name (default: standard output)", optional=True)


def _write(ctx: Context, path: str | None, text: str) -> None:
    if path is None or path == "-":
        ctx.out.print(text.rstrip("\n"))
        return
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise ClushError(f"cannot write {path}: {exc.strerror}", token=path) from None
    ctx.out.info(f"wrote {path}")


@command("save", "Write the director's table in ipvsadm -Sn format, thresholds included.", DIRS, FILE_OPT,
         raw=True, usage="[@DIR] [FILE]")
def cmd_save(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.ipvsadm import save_lines

    dirs, rest = split(args)
    need("save", rest, 0, 1, "[@DIR] [FILE]")
    st = state(ctx)
    names = st.pick(dirs)
    if len(names) != 1:
        raise UsageError("save works on one director; name it with @NAME")
    table = st.snapshot(names[0], refresh=True).table
    _write(ctx, rest[0] if rest else None, "".join(line + "\n" for line in save_lines(table)))


@command("load", "Make the table equal to a saved file (diff and apply; never a blind append).", DIRS, FILE,
         raw=True, usage="[@DIRS] FILE", examples=("load /etc/ipvsadm.rules", "load @d1,d2 lb.rules"))
def cmd_load(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs.ipvsadm import parse_rules
    from clushell.ipvs.textio import read_text

    dirs, rest = split(args)
    need("load", rest, 1, 1, "[@DIRS] FILE")
    table = parse_rules(read_text(rest[0]), source=rest[0])
    st = state(ctx)
    for name in st.pick(dirs):
        st.snapshot(name, refresh=True)
        st.desired[name] = table.copy()
    commit_directors(ctx, st.pick(dirs))


@command("import", "Stage the services of a keepalived.conf or ldirectord.cf (no kernel change until commit).",
         Arg("format", Kind.KEYWORD, "file format", choices=("keepalived", "ldirectord")), FILE, raw=True,
         usage="keepalived|ldirectord [@DIRS] FILE", examples=("import keepalived /etc/keepalived/keepalived.conf",))
def cmd_import(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import confio

    dirs, rest = split(args)
    need("import", rest, 2, 2, "keepalived|ldirectord FILE")
    fmt, path = rest
    if fmt not in ("keepalived", "ldirectord"):
        raise UsageError(f"'{fmt}' is not one of keepalived, ldirectord", token=fmt)
    table, warnings = confio.import_file(fmt, path)
    for w in warnings:
        ctx.out.warn(w)
    st = state(ctx)
    for name in st.pick(dirs):
        st.snapshot(name)
        st.desired[name] = table.copy()
    ctx.out.info(f"imported {len(table.services)} services from {path}; see diff, then commit")


@command("export", "Print the table (staged if any) as keepalived.conf, ldirectord.cf or ipvsadm rules.",
         Arg("format", Kind.KEYWORD, "output format", choices=("keepalived", "ldirectord", "ipvsadm")), FILE_OPT,
         raw=True, usage="keepalived|ldirectord|ipvsadm [@DIR] [FILE]")
def cmd_export(ctx: Context, args: list[str]) -> None:
    from clushell.ipvs import confio

    dirs, rest = split(args)
    need("export", rest, 1, 2, "keepalived|ldirectord|ipvsadm [FILE]")
    fmt = rest[0]
    if fmt not in ("keepalived", "ldirectord", "ipvsadm"):
        raise UsageError(f"'{fmt}' is not one of keepalived, ldirectord, ipvsadm", token=fmt)
    st = state(ctx)
    names = st.pick(dirs)
    if len(names) != 1:
        raise UsageError("export works on one director; name it with @NAME")
    text, warnings = confio.export_text(fmt, st.view(names[0]))
    for w in warnings:
        ctx.out.warn(w)
    _write(ctx, rest[1] if len(rest) > 1 else None, text)


COMMANDS = [cmd_save, cmd_load, cmd_import, cmd_export]
