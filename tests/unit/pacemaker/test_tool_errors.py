"""Pacemaker tool failures are translated: the tool's real complaint (never a dumped CIB line,
never only "exit code N") and a hint at the cause."""

from __future__ import annotations

import os
import subprocess

import pytest

from clushell.errors import ClushError
from clushell.pacemaker import ops
from clushell.pacemaker.cibadmin import tool_error
from clushell.transport.base import Result
from clushell.transport.local import LocalRunner
from tests.realenv import require


class Remote:
    where = "hauser@node1"
    base_env: dict[str, str] = {}


class FileTarget:
    where = "local"
    base_env = {"CIB_file": "/srv/cib.xml"}


def test_dumped_cib_lines_are_never_the_message(cib_file):
    require("crm_resource")
    env = {**os.environ, "CIB_file": str(cib_file)}
    subprocess.run(["cibadmin", "-C", "-o", "resources", "-X",
                    '<primitive id="p1" class="ocf" provider="pacemaker" type="Dummy"/>'], env=env, check=True)
    runner = LocalRunner({"CIB_file": str(cib_file)})
    with pytest.raises(ClushError) as err:
        ops.resource_attr(runner, "meta", "p1", "set", "a b", "1")  # an id with a space: schema error
    msg = str(err.value)
    assert msg.startswith("meta a b of p1: "), msg
    assert "Invalid configuration" in msg and "schema" in msg, msg
    assert "<cib" not in msg and "crm_feature_set" not in msg


def test_schema_dump_is_skipped_for_the_complaint():
    dump = "".join(f"  {i} <line {i}>\n" for i in range(1, 40))
    dump += "  40 \ncrm_resource: Error performing operation: Invalid configuration\n"
    line = tool_error("param x of p1", FileTarget(), Result(78, "", dump))
    assert "Invalid configuration" in line and "<line" not in line


def test_silent_failure_names_the_usual_causes():
    line = tool_error("commit failed", Remote(), Result(1, "", ""))
    assert line.startswith("commit failed (hauser@node1): exit code 1 and no message")
    assert "hauser is root or in group haclient" in line


def test_cannot_reach_the_cib_remote_hint():
    line = tool_error("cannot read the CIB", Remote(), Result(102, "", "Could not connect to the CIB: Not connected"))
    assert "Could not connect to the CIB" in line and "haclient on node1" in line


def test_unwritable_file_is_named():
    line = tool_error("commit failed", FileTarget(), Result(13, "", "cibadmin: Permission denied"))
    assert "/srv/cib.xml" in line and "not writable" in line
