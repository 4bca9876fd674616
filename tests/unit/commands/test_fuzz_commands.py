"""Whatever a user types, the answer is a result or one clear error line — never an internal error.

Lines are built from the command tree's own words plus hostile arguments and run through the
real dispatcher on a CIB file (a sandbox: no live cluster is touched).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clushell.commands.root import GLOBALS, build_tree
from clushell.commands.tree import Command, Level, walk
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session
from tests.conftest import REPO
from tests.realenv import require

SKIP_LEVELS = {"ipvs"}  # drives the host's ipvsadm; covered by its own UML tests
# SSH to the nodes named on the line (hostile words are host names): tests/real/test_cluster_build.py
SKIP_LEVELS |= {"cluster", "corosync"}
SKIP_COMMANDS = {("quit",), ("configure", "edit"), ("cib", "commit")}

HOSTILE = ["", "'", '"', "\\", "$(touch /tmp/clush-pwned)", "`id`", "; rm -rf /tmp/x", "é", "x" * 300,
           "a=b", "=", "a=", ":", "::", "inf:", "-inf:", "p1", "g1", "node1", "nope", "-1", "0", "99999999999",
           "--force", "force", "xml", "changed", "type:primitive", "related:p1", "op", "params", "meta",
           "monitor", "interval=10s", "rule", "#uname", "eq", "and", "(", ")", "[", "]", "{", "}", "@p",
           "ocf:heartbeat:IPaddr2", "ocf:pacemaker:Dummy", "Dummy", "role=Promoted", "date", "in", "start=2020"]

SEED = """configure
property stonith-enabled=false
primitive p1 ocf:pacemaker:Dummy op monitor interval=10s
primitive p2 ocf:pacemaker:Dummy
group g1 p2
location l1 p1 100: node1
commit
up
"""


def command_paths() -> list[tuple[str, ...]]:
    paths = []
    for path, node in walk(build_tree()):
        if path[0] in SKIP_LEVELS or path in SKIP_COMMANDS:
            continue
        if isinstance(node, Command):
            paths.append(path)
        elif isinstance(node, Level):
            paths.append(path)
    return paths


@pytest.fixture(scope="module")
def base_cib(tmp_path_factory):
    require("cibadmin", "crm_verify")
    d = tmp_path_factory.mktemp("fuzz")
    path = d / "base.xml"
    path.write_text(subprocess.run(["cibadmin", "--empty"], capture_output=True, text=True, check=True).stdout)
    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(cib_file=str(path)), build_tree(), Output(color=False, stdout=out, stderr=err))
    d_ = Dispatcher(session, GLOBALS)
    for line in SEED.splitlines():
        assert d_.run_line(line), err.getvalue()
    d_.leave_all("eof")
    return path


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(command_paths()), args=st.lists(st.sampled_from(HOSTILE), max_size=6))
def test_no_internal_errors(base_cib, tmp_path_factory, path, args):
    work = tmp_path_factory.mktemp("w") / "cib.xml"
    os.chdir(work.parent)  # `save FILE` and friends write relative paths here, not in the checkout
    saved = dict(os.environ)
    try:
        run_one(base_cib, work, path, args)
    finally:
        os.chdir(REPO)
        os.environ.clear()  # the variables set for this example must not leak into other tests
        os.environ.update(saved)


def run_one(base_cib, work, path, args):
    shutil.copy(base_cib, work)
    os.environ["CIB_shadow_dir"] = str(work.parent / "shadows")
    os.environ["EDITOR"] = os.environ["VISUAL"] = "true"
    os.environ["CLUSH_CONFIG"] = str(work.parent / "clush.conf")
    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(cib_file=str(work)), build_tree(), Output(color=False, stdout=out, stderr=err))
    dispatcher = Dispatcher(session, GLOBALS)
    import shlex

    line = " ".join([*path, *(shlex.quote(a) for a in args)])
    dispatcher.run_line(line)
    dispatcher.leave_all("eof")
    messages = err.getvalue()
    assert "internal error" not in messages, f"{line!r}: {messages}"
    assert "Traceback" not in messages + out.getvalue()
    for msg in messages.splitlines():
        assert msg.startswith(("ERROR: ", "WARNING: ", "INFO: ")) or msg.startswith("\t") or msg.strip(), msg
    assert not os.path.exists("/tmp/clush-pwned")
