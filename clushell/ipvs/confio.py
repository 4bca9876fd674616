"""Importing and exporting tables: keepalived.conf, ldirectord.cf and ipvsadm rules.

The parsers live in keepalived.py and ldirectord.py; this module picks one, refuses a
file that looks like another format, and merges an imported table into a staged one.
"""

from __future__ import annotations

from clushell.ipvs.importnotes import Notes, check_format
from clushell.ipvs.ipvsadm import parse_rules, save_lines
from clushell.ipvs.keepalived import export_keepalived, parse_keepalived
from clushell.ipvs.ldirectord import export_ldirectord, parse_ldirectord
from clushell.ipvs.model import IpvsError, Table
from clushell.ipvs.textio import read_text

FORMATS = ("keepalived", "ldirectord", "ipvsadm")


def import_file(fmt: str, path: str) -> tuple[Table, Notes]:
    """The table a file describes, and what the parser has to say about it."""
    text = read_text(path)
    check_format(text, path, fmt)
    if fmt == "keepalived":
        table, notes = parse_keepalived(text, path)
    elif fmt == "ldirectord":
        table, notes = parse_ldirectord(text, path)
    else:
        table, notes = parse_rules(text, source=path), Notes()
    if not table.services and not notes:
        raise IpvsError(f"{path}: no LVS services found in this {fmt} file", token=path)
    return table, notes


def merge(current: Table, imported: Table, *, replace: bool = False) -> tuple[Table, list[str]]:
    """current with the imported services put in (or, with replace, the imported table alone);
    also the services that are removed (only with replace)."""
    if replace:
        removed = [svc.text for svc in current.sorted_services() if svc.key not in imported.services]
        return imported.copy(), removed
    table = current.copy()
    for key, svc in imported.services.items():
        table.services[key] = svc.copy()
    return table, []


def export_text(fmt: str, table: Table) -> tuple[str, list[str]]:
    if fmt == "keepalived":
        return export_keepalived(table), []
    if fmt == "ldirectord":
        return export_ldirectord(table)
    return "".join(line + "\n" for line in save_lines(table)), []
