"""A commit's slow steps overlap: crm_verify starts as soon as the new CIB exists (the caller hands
the job to verify_cib), and the patch is made (cibio.prepare) while it runs; what is verified and
what is written stay the same."""

from __future__ import annotations

import os
import subprocess
import threading

import pytest
from lxml import etree

from clushell.pacemaker import cibio, ra, verify
from clushell.transport.base import Result
from clushell.transport.local import LocalRunner
from tests.realenv import require


def _cib(cib_file) -> bytes:
    require("cibadmin", "crm_diff", "crm_verify", "crm_attribute")
    env = dict(os.environ, CIB_file=str(cib_file))
    subprocess.run(["crm_attribute", "-t", "crm_config", "-n", "stonith-enabled", "-v", "false"], env=env,
                   check=True, capture_output=True)
    subprocess.run(["cibadmin", "-C", "-o", "resources", "-X",
                    '<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"><instance_attributes '
                    'id="d1-ia"><nvpair id="d1-ia-state" name="state" value="a"/></instance_attributes></primitive>'],
                   env=env, check=True, capture_output=True)
    return cib_file.read_bytes()


class _Counting(LocalRunner):
    def __init__(self, base_env=None) -> None:
        super().__init__(base_env)
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def run(self, argv, **kw) -> Result:
        with self.lock:
            self.calls.append(argv[0])
        return super().run(argv, **kw)


def test_a_started_crm_verify_is_used_not_run_again(cib_file, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(ra, "cluster_options", lambda runner: None)
    xml = _cib(cib_file)
    bad = xml.replace(b'type="Dummy"', b'type="Dummy" colour="red"')
    runner = _Counting()
    job = verify.start_crm_verify(runner, bad)
    assert job is not None
    findings = verify.verify_cib(runner, bad, job=job)
    assert runner.calls.count("crm_verify") == 1
    assert [(f.object_id, f.attribute) for f in findings if f.is_error] == [("d1", "colour")]


def test_no_background_crm_verify_on_a_remote_target():
    class Remote:
        where = "root@elsewhere"
        base_env: dict[str, str] = {}

    assert verify.start_crm_verify(Remote(), b"<cib/>") is None


def _state_set_to_b(cib_file) -> tuple[bytes, bytes]:
    """The CIB file as loaded, and with d1's state attribute set to "b"."""
    original = _cib(cib_file)
    doc = etree.fromstring(original)
    doc.find(".//nvpair[@id='d1-ia-state']").set("value", "b")
    return original, etree.tostring(doc)


def test_a_prepared_patch_is_what_commit_sends(cib_file):
    original, pending = _state_set_to_b(cib_file)
    runner = _Counting({"CIB_file": str(cib_file)})
    prepared = cibio.prepare(runner, original, pending)
    assert prepared.patch is not None and "d1-ia-state" in prepared.patch
    runner.calls.clear()
    outcome = cibio.commit(runner, original, pending, prepared=prepared)
    assert outcome.changed and not outcome.moved
    assert "crm_diff" not in runner.calls  # made once, while crm_verify ran
    assert b'value="b"' in cib_file.read_bytes()


def test_a_prepared_patch_is_dropped_when_the_cib_moved(cib_file):
    original, pending = _state_set_to_b(cib_file)
    runner = LocalRunner({"CIB_file": str(cib_file)})
    prepared = cibio.prepare(runner, original, pending)
    subprocess.run(["crm_attribute", "-t", "crm_config", "-n", "theirs", "-v", "x"],
                   env=dict(os.environ, CIB_file=str(cib_file)), check=True, capture_output=True)
    outcome = cibio.commit(runner, original, pending, prepared=prepared)
    assert outcome.changed and outcome.moved and "changed by others" in outcome.message
    data = cib_file.read_bytes()
    assert b'value="b"' in data and b'name="theirs"' in data
