"""What a tool run on this machine gets: its environment (LC_ALL=C, Pacemaker's sbin
directories on PATH) and the program found on that PATH.

Standard library ``os`` only: `clush __complete` starts a tool before its imports
(clushell.transport.prefetch), and importing subprocess or shutil is a tenth of a Tab.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

#: Pacemaker's tools live in /usr/sbin, which is not on a normal user's PATH on Debian
SBIN_DIRS = ("/usr/local/sbin", "/usr/sbin", "/sbin")


def tool_env(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` with LC_ALL=C (tool output is parsed) and the sbin directories on PATH."""
    env = dict(environ)
    env["LC_ALL"] = "C"
    parts = env.get("PATH", "/usr/bin:/bin").split(":")
    env["PATH"] = ":".join(parts + [d for d in SBIN_DIRS if d not in parts])
    return env


def which(program: str, path: str) -> str | None:
    """The executable ``program`` names on ``path`` (as shutil.which finds it), or None."""
    if os.sep in program:
        return program if os.access(program, os.X_OK) and not os.path.isdir(program) else None
    for folder in path.split(os.pathsep):
        candidate = os.path.join(folder or os.curdir, program)
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return candidate
    return None
