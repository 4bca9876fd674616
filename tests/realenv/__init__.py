"""Real components for integration tests: live cluster, sshd, user-mode-linux IPVS kernel.

Under CI=true a component that cannot be found or started makes the test fail; on a
developer machine the test is skipped with the reason shown.
"""

from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Fail under CI, skip elsewhere; never returns."""
    if IN_CI:
        pytest.fail(f"real component unavailable in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def require(*tools: str) -> None:
    """Make sure each program exists on PATH (or as an absolute path)."""
    for tool in tools:
        if not (shutil.which(tool) or os.path.exists(tool)):
            unavailable(f"{tool} is not installed")
