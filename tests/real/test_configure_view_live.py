"""delete/rename/erase against the live cluster: running resources are protected as in crmsh."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import clush_argv
from tests.realenv.cluster import fresh_id, live_cluster  # noqa: F401

pytestmark = pytest.mark.live


def live_clush(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CIB_file", "CIB_shadow")}
    return subprocess.run([*clush_argv(), *args], input=stdin, env=env, capture_output=True, check=False,
                          timeout=180)


def test_running_resource_cannot_be_deleted_or_renamed(live_cluster, fresh_id) -> None:  # noqa: F811
    rid = fresh_id("vd")
    made = live_clush("configure", "primitive", rid, "ocf:heartbeat:Dummy", "op", "monitor", "interval=10s")
    assert made.returncode == 0, made.stderr.decode()
    live_cluster.wait_role(rid, "Started")

    shown = live_clush("configure", "show", rid)
    assert shown.returncode == 0 and shown.stdout.decode().startswith(f"primitive {rid} Dummy")

    for argv, message in (
        (("configure", "delete", rid), f"resource {rid} is running, can't delete it"),
        (("configure", "rename", rid, rid + "x"), f"cannot rename a running resource ({rid})"),
        (("configure", "erase"), "CIB erase aborted (nothing was deleted)"),
    ):
        res = live_clush(*argv)
        assert res.returncode == 1
        err = res.stderr.decode().strip().splitlines()
        assert len(err) == 1 and message in err[0], err
    assert f'id="{rid}"' in live_cluster.query(f"//primitive[@id='{rid}']")

    forced = live_clush("configure", "delete", "--force", rid)
    assert forced.returncode == 0, forced.stderr.decode()
    assert live_cluster.query(f"//primitive[@id='{rid}']") == ""
