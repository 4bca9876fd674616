"""Issue 14 class 8: `resource trace/untrace` give crm's XML; `resource secret` needs a live cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_same, both, cases

pytestmark = pytest.mark.crmsh

SETUP = PRE + """primitive d1 Dummy op monitor interval=10s op start timeout=30s op_params x=1
primitive d2 Dummy
primitive d3 Dummy op monitor interval=10s op monitor interval=20s role=Slave
group g1 d2
"""

SCRIPTS = {
    "all": "trace d1",
    "all-no-ops": "trace d2",
    "one-op": "trace d1 monitor",
    "op-params-kept": "trace d1 start",
    "new-op": "trace d1 stop",
    "interval": "trace d3 monitor 20",
    "interval-zero-new": "trace d1 promote 0",
    "probe": "trace d1 probe",
    "dir": "trace d1 /tmp/traces",
    "op-dir": "trace d1 start /tmp/traces",
    "untrace-all": "trace d1\nuntrace d1",
    "untrace-op": "trace d1\nuntrace d1 monitor",
    "untrace-interval": "trace d3\nuntrace d3 monitor 20",
    "untrace-new-op": "trace d2 stop\nuntrace d2 stop",
    "in-group": "trace d2 start",
    "twice": "trace d1\ntrace d1",
}
FAILING: dict[str, str] = {}


@pytest.mark.parametrize("name", cases(SCRIPTS, FAILING))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, SCRIPTS[name], setup=SETUP, level="resource")
    assert_same(pair)
    assert "Trace" not in pair.clush.err.replace("trace", "")  # no traceback, messages are clush's own


ERRORS = {
    "not-primitive": ("trace g1", "g1 is not a primitive resource"),
    "no-monitor": ("trace d2 monitor", "no monitor operation configured for d2"),
    "no-such-interval": ("trace d1 monitor 30", "operation monitor with interval 30 not found in d1"),
    "untrace-unknown-op": ("untrace d2 promote", "operation promote not found in d2"),
    "unknown": ("trace nosuch", "resource nosuch does not exist"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_refused_with_one_line(name: str, tmp_path: Path) -> None:
    script, message = ERRORS[name]
    pair = both(tmp_path, script, setup=SETUP, level="resource")
    assert pair.crm.errors(), pair.crm.err
    assert pair.clush.rc != 0
    errors = pair.clush.errors()
    assert len(errors) == 1 and message in errors[0], pair.clush.err


def test_secret_needs_a_live_cluster(tmp_path: Path) -> None:
    pair = both(tmp_path, "secret d1 set passwd s3cret", setup=SETUP, level="resource")
    assert "cibsecret needs pacemaker" in pair.crm.out + pair.crm.err
    assert pair.clush.rc != 0
    errors = pair.clush.errors()
    assert len(errors) == 1 and "resource secret needs a live cluster" in errors[0], pair.clush.err
    assert not pair.clush.out.strip()
