"""crm_diff between two CIB documents: on this machine when it is installed, else on the target.

crm_diff is pure computation on two documents; when it is not installed here, the target gets
both on stdin through a fixed script (never in the command line). Objects equal on both sides are
left out of what crm_diff sees (it is slow on big CIBs: clushell.cib.diffprune)."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

from clushell.errors import ClushError
from clushell.transport.base import Runner

if TYPE_CHECKING:
    from lxml.etree import _Element

_SEPARATOR = b"\n<!--clush-separator-->\n"
# fixed script for the target when crm_diff is not installed here: the two documents come on
# stdin (never in the command line), split at the separator line into a private temp dir
_REMOTE_DIFF = (
    't=$(mktemp -d) || exit 70; trap \'rm -rf "$t"\' EXIT; '
    "awk -v o=\"$t/o\" -v n=\"$t/n\" '/^<!--clush-separator-->$/ {f=1; next} {print > (f ? n : o)}'; "
    'if [ "$1" = u ]; then crm_diff --no-version -o "$t/o" -n "$t/n"; else crm_diff -o "$t/o" -n "$t/n"; fi'
)


def crm_diff(runner: Runner, old: bytes | _Element, new: bytes | _Element, *, versioned: bool) -> str | None:
    """crm_diff old -> new (documents or their XML); None when identical.  Local if installed
    here, else on the target.

    Objects equal on both sides are left out of what crm_diff sees (it is slow on big CIBs);
    positions in the result are recomputed on the whole new document.
    """
    from lxml import etree

    from clushell.cib import change as chg
    from clushell.cib import diffprune

    old_el = chg.parse(old) if isinstance(old, (bytes, str)) else old
    new_el = chg.parse(new) if isinstance(new, (bytes, str)) else new
    pruned = diffprune.prune_unchanged(old_el, new_el)
    if pruned is None:
        return _crm_diff(runner, etree.tostring(old_el), etree.tostring(new_el), versioned=versioned)
    patch = _crm_diff(runner, etree.tostring(pruned[0]), etree.tostring(pruned[1]), versioned=versioned)
    return diffprune.fix_positions(patch, new_el) if patch else patch


def have_local_crm_diff() -> bool:
    return shutil.which("crm_diff") is not None


def _crm_diff(runner: Runner, old: bytes, new: bytes, *, versioned: bool) -> str | None:
    if have_local_crm_diff():
        import tempfile

        from clushell.transport.local import LocalRunner

        with tempfile.TemporaryDirectory(prefix="clush-") as tmp:
            paths = []
            for name, data in (("old.xml", old), ("new.xml", new)):
                paths.append(os.path.join(tmp, name))
                with open(paths[-1], "wb") as f:
                    f.write(data)
            argv = ["crm_diff", "-o", paths[0], "-n", paths[1]] + ([] if versioned else ["--no-version"])
            res = LocalRunner().run(argv, timeout=120)
    else:
        res = runner.run(["sh", "-c", _REMOTE_DIFF, "clush-diff", "v" if versioned else "u"],
                         stdin=old + _SEPARATOR + new, timeout=120)
    if res.rc == 0:
        return None
    if res.rc != 1:
        raise ClushError(f"crm_diff failed: {res.first_error_line()}")
    return res.out
