"""Inputs crm 4.4.1 refuses that clush used to accept (the differential sweep of issue 14).

Each is refused at the statement in one ERROR line naming the token, and nothing is committed;
the constructs clush keeps (valid for Pacemaker, written as the schema and crm_verify accept) are
checked to commit and to be listed in README's "Differences from crm 4.4".
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_rejected, assert_same, both

pytestmark = pytest.mark.crmsh

SETUP = PRE + "primitive d1 Dummy\nprimitive d2 Dummy\n"
README = Path(__file__).resolve().parents[2] / "README.md"

#: statement -> the token clush's one ERROR line names
REJECTED = {
    # 1. a rule in the default property set (it would condition the options already there; crm:
    # a syntax error once the set holds options); a score on a property or defaults set
    "property-rule": ("property rule 10: #uname eq n1 a=b", "'rule'"),
    "property-id-score": ("property $id=X 100: a=b", "'100:'"),
    "property-name-score": ("property X: 100: a=b", "'100:'"),
    "property-id-inf": ("property $id=X inf: a=b", "'inf:'"),
    "rsc-defaults-score-rule": ("rsc_defaults NAME: 10: rule #uname eq n1 a=b", "'10:'"),
    "rsc-defaults-id-score-rule": ("rsc_defaults $id=NAME 10: rule #uname eq n1 a=b", "'10:'"),
    "op-defaults-score-rule": ("op_defaults NAME: 10: rule #uname eq n1 timeout=30s", "'10:'"),
    "op-defaults-id-score-rule": ("op_defaults $id=Y -10: rule #uname eq n1 timeout=30s", "'-10:'"),
    # 3. role=/action= inside a resource set
    "order-set-action": ("order o Mandatory: ( d1 d2 action=start )", "'action=start'"),
    "order-set-role": ("order o Mandatory: [ d1 d2 role=Started ]", "'role=Started'"),
    "colocation-set-role": ("colocation c inf: ( d1 d2 role=Started )", "'role=Started'"),
    "colocation-set-action": ("colocation c inf: [ d1 action=start ] d2", "'action=start'"),
    "colocation-set-role-after-suffix": ("colocation c inf: ( d1:Started d2 role=Promoted ) d1", "'role=Promoted'"),
    "location-set-role": ("location l { d1 d2 role=Started } inf: n1", "'role=Started'"),
    "location-inner-set-action": ("location l { ( d1 d2 action=start ) } inf: n1", "'action=start'"),
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_refused_at_the_statement_like_crm(name: str, tmp_path: Path) -> None:
    statement, token = REJECTED[name]
    pair = both(tmp_path, statement, setup=SETUP, force=False)  # crm -F writes a property rule after its error
    assert_rejected(pair)
    error = pair.clush.errors()[0]
    assert token in error and "commit" not in error, error  # at the statement, not at commit


#: what crm and clush both accept and write alike (the neighbours of the refused forms)
ACCEPTED = {
    "property-named-rule": "property X: rule 10: date gt 2020-01-01 maintenance-mode=true",
    "property-id-rule": "property $id=X rule date gt 2020-01-01 maintenance-mode=true",
    "rsc-defaults-named-rule-score": "rsc_defaults NAME: rule 10: #uname eq n1 resource-stickiness=1",
    "op-defaults-rule": "op_defaults rule #uname eq n1 timeout=30s",
    "order-set-suffix": "order o Mandatory: ( d1:start d2:start ) d1",
    "colocation-set-suffix": "colocation c inf: ( d1:Started d2:Started ) d1",
    "date-spec-weeks": "location l d1 rule 50: date date_spec weeks=1-10 weekdays=1",
    "date-spec-weekyears": "location l d1 rule 50: date date_spec weekyears=2026 weeks=3",
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_neighbours_still_accepted_like_crm(name: str, tmp_path: Path) -> None:
    assert_same(both(tmp_path, ACCEPTED[name], setup=SETUP))


@pytest.mark.parametrize("setup", ["", SETUP], ids=["empty", "with-options"])
def test_property_rule_without_a_set_name_is_refused(setup: str, tmp_path: Path) -> None:
    """crm takes it when no property set exists yet; once the set holds options it prints a syntax
    ERROR and still writes the rule (it conditions every option there). clush asks for a set name."""
    pair = both(tmp_path, "property rule date gt 2020-01-01 maintenance-mode=true", setup=setup, force=False)
    assert bool([e for e in pair.crm.errors() if "syntax" in e]) == bool(setup), pair.crm.err
    assert 'name="maintenance-mode"' in pair.crm.cib.read_text()
    errors = pair.clush.errors()
    assert pair.clush.rc != 0 and len(errors) == 1 and "'rule'" in errors[0], pair.clush.err
    assert 'name="maintenance-mode"' not in pair.clush.cib.read_text()
    assert "`property rule" in README.read_text()


@pytest.mark.parametrize("spec", ["yeardays=100", "yeardays=1-100 weekdays=1", "weekdays=1 yeardays=200"])
def test_date_spec_yeardays_is_kept_and_pacemaker_accepts_it(spec: str, tmp_path: Path) -> None:
    """crm 4.4 knows only the misspelt ``yearsdays``; Pacemaker's schema (3.9) has ``yeardays``."""
    pair = both(tmp_path, f"location l d1 rule 50: date date_spec {spec}", setup=SETUP)
    assert pair.crm.errors() and "yeardays" in "".join(pair.crm.errors())
    assert not pair.clush.errors(), pair.clush.err
    xml = pair.clush.cib.read_text()
    assert 'yeardays="' in xml
    res = subprocess.run(["crm_verify", "-x", str(pair.clush.cib)], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    assert "yeardays" in README.read_text()


def test_systemd_agent_this_host_cannot_describe_is_refused_at_commit(tmp_path: Path) -> None:
    """A container without systemd lists no systemd class, so the host cannot tell which units the
    nodes have: the statement is accepted and the commit refuses it (crm: at the statement);
    forced, both commit it."""
    pair = both(tmp_path, "primitive p systemd:cron", setup=PRE, force=False)
    assert_rejected(pair)
    assert "systemd:cron" in pair.clush.errors()[0]
    (tmp_path / "forced").mkdir()
    forced = both(tmp_path / "forced", "primitive p systemd:cron", setup=PRE)
    assert 'id="p"' in forced.crm.cib.read_text() and 'id="p"' in forced.clush.cib.read_text()
    assert "systemd:" in README.read_text()
