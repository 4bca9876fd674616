"""The shadow-CIB store: private copies of a CIB to change and test before they go live.

A shadow is a CIB file ``shadow.NAME`` in the shadow directory ($CIB_shadow_dir, else
$XDG_DATA_HOME/clush/shadows); ``.shadow.NAME.base`` records the version of the target it
was made from, so committing it back refuses when the target moved on. Every file is
written through a unique temp file and a rename (clushell.pacemaker.filetxn), so one
shadow's name can never be another's temp file.
crm_shadow itself is not used for commit: with CIB_file it reports success and writes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from clushell.errors import ClushError
from clushell.pacemaker import filetxn
from clushell.transport.base import Runner

NAME_OK = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
PREFIX = "shadow."


def shadow_dir() -> Path:
    from clushell import paths

    env = os.environ.get("CIB_shadow_dir")
    return Path(env) if env else paths.data_dir() / "shadows"


def shadow_file(name: str) -> Path:
    if not name or any(c not in NAME_OK for c in name) or name.startswith("."):
        raise ClushError(f"bad shadow name '{name}' (letters, digits, '_', '.', '-')", token=name)
    return shadow_dir() / f"{PREFIX}{name}"


def base_file(name: str) -> Path:
    return shadow_dir() / f".{PREFIX}{name}.base"


def names() -> list[str]:
    """The shadows in the shadow directory, sorted (temp and lock files are hidden: '.'-prefixed)."""
    found = (p.name[len(PREFIX):] for p in shadow_dir().glob(f"{PREFIX}*") if p.is_file())
    return sorted(n for n in found if n)


def versions(xml: bytes) -> tuple[int, int]:
    """(admin_epoch, epoch) of a CIB document."""
    from lxml import etree

    root = etree.fromstring(xml)
    return int(root.get("admin_epoch", "0")), int(root.get("epoch", "0"))


def made_from(name: str) -> tuple[int, ...] | None:
    """The target's (admin_epoch, epoch) when the shadow was made or last committed."""
    try:
        return tuple(int(x) for x in base_file(name).read_text().split())
    except (OSError, ValueError):
        return None


def _record(name: str, version: tuple[int, int]) -> None:
    filetxn.write_atomic(str(base_file(name)), f"{version[0]} {version[1]}\n".encode())


def make(runner: Runner, name: str, *, empty: bool, force: bool) -> Path:
    """Create (or with ``force`` overwrite) shadow ``name`` from the target's CIB, or an empty one."""
    from clushell.pacemaker import cibio

    path = shadow_file(name)
    if path.exists() and not force:
        raise ClushError(f"shadow '{name}' exists already (add 'force' to overwrite it)", token=name)
    current = cibio.query(runner)
    if empty:
        res = runner.run(["cibadmin", "--empty"])
        if not res.ok:
            raise ClushError(f"cibadmin --empty: {res.first_error_line()}")
        text = res.out.encode()
    else:
        text = current
    path.parent.mkdir(parents=True, exist_ok=True)
    filetxn.write_atomic(str(path), text)
    _record(name, versions(current))
    return path


def delete(name: str) -> None:
    path = shadow_file(name)
    if not path.exists():
        raise ClushError(f"no shadow '{name}'", token=name)
    with filetxn.locked(str(path)):
        path.unlink()
        base_file(name).unlink(missing_ok=True)
    Path(filetxn.lock_path(str(path))).unlink(missing_ok=True)


def commit(runner: Runner, name: str, *, force: bool) -> tuple[int, int]:
    """Replace the target's configuration with the shadow's; the target's new (admin_epoch, epoch).

    Refuses when the target changed since the shadow was made, unless ``force``.
    """
    from lxml import etree

    from clushell.pacemaker import cibfile, cibio
    from clushell.pacemaker.cibadmin import tool_error

    path = shadow_file(name)
    if not path.exists():
        raise ClushError(f"no shadow '{name}'", token=name)
    conf = etree.fromstring(path.read_bytes()).find("configuration")
    if conf is None:
        raise ClushError(f"shadow '{name}' ({path}) has no <configuration>: nothing was changed")
    with filetxn.transaction(runner, cibfile.local_cib_file(runner)):
        now = versions(cibio.query(runner))  # under the target's lock when it is a file
        before = made_from(name)
        if before != now and not force:
            raise ClushError(f"the target changed since shadow '{name}' was made (epoch {before} -> {now}); "
                             "'cib diff' shows the difference, 'cib commit NAME force' overwrites it")
        res = runner.run(["cibadmin", "--replace", "--scope", "configuration", "--xml-pipe"],
                         stdin=etree.tostring(conf))
        if not res.ok:
            raise ClushError(tool_error(f"commit of shadow '{name}' failed", runner, res))
        after = versions(cibio.query(runner))
    _record(name, after)
    return after
