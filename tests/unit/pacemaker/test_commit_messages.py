"""After a commit the user is told the new epoch, and whether the CIB had moved on meanwhile."""

import io
import os
import subprocess

import pytest

from clushell.commands.root import GLOBALS, build_tree
from clushell.dispatch import Dispatcher
from clushell.output import Output
from clushell.session import Options, Session


@pytest.fixture
def shell(cib_file):
    env = dict(os.environ, CIB_file=str(cib_file))
    subprocess.run(["crm_attribute", "-t", "crm_config", "-n", "stonith-enabled", "-v", "false"], env=env,
                   check=True, capture_output=True)
    out, err = io.StringIO(), io.StringIO()
    session = Session(Options(cib_file=str(cib_file)), build_tree(), Output(color=False, stdout=out, stderr=err))
    return Dispatcher(session, GLOBALS), err, env


def epoch(env):
    from lxml import etree

    xml = subprocess.run(["cibadmin", "-Q"], env=env, capture_output=True, check=True).stdout
    return int(etree.fromstring(xml).get("epoch"))


def test_commit_reports_the_new_epoch(shell):
    d, err, env = shell
    assert d.run_line("configure")
    assert d.run_line("primitive m1 ocf:pacemaker:Dummy")
    assert d.run_line("commit")
    assert f"committed; CIB epoch now {epoch(env)}" in err.getvalue()


def test_commit_says_the_cib_moved_on(shell):
    d, err, env = shell
    assert d.run_line("configure")
    assert d.run_line("primitive m2 ocf:pacemaker:Dummy params fake=1")
    assert d.run_line("commit")
    assert d.run_line("set m2.fake 2")
    # someone else adds an object meanwhile
    subprocess.run(["cibadmin", "-C", "-o", "resources", "-X",
                    '<primitive id="theirs" class="ocf" provider="pacemaker" type="Dummy"/>'], env=env, check=True)
    assert d.run_line("commit"), err.getvalue()
    assert "changed by others since it was loaded; their changes were kept" in err.getvalue()
    cib = subprocess.run(["cibadmin", "-Q"], env=env, capture_output=True, text=True, check=True).stdout
    assert 'id="theirs"' in cib and 'name="fake" value="2"' in cib
