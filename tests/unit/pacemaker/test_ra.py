"""ra level against the installed resource agents (crm_resource --list-*/--show-metadata)."""

from __future__ import annotations

import pytest

from tests.realenv import require


@pytest.fixture(autouse=True)
def _tools() -> None:
    require("crm_resource", "/usr/lib/ocf/resource.d/heartbeat/IPaddr2")


def test_classes_list_ocf_providers(clush, cib_file) -> None:
    res = clush("ra", "classes", env={"CIB_file": str(cib_file)})
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    ocf = next(ln for ln in lines if ln.startswith("ocf"))
    assert "heartbeat" in ocf and "pacemaker" in ocf
    assert "stonith" in lines


def test_list_and_providers(clush, cib_file) -> None:
    env = {"CIB_file": str(cib_file)}
    res = clush("ra", "list", "ocf", "pacemaker", env=env)
    assert res.returncode == 0 and "Dummy" in res.stdout.split() and "Stateful" in res.stdout.split()
    assert "IPaddr2" not in res.stdout.split()
    res = clush("ra", "providers", "Dummy", env=env)
    assert res.stdout.split() == ["heartbeat", "pacemaker"]


def test_info_ipaddr2_shows_ip_required(clush, cib_file) -> None:
    res = clush("ra", "info", "ocf:heartbeat:IPaddr2", env={"CIB_file": str(cib_file)})
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].startswith("ocf:heartbeat:IPaddr2")
    params = lines[lines.index("Parameters (* required, ! unique):") + 1:]
    ip = next(ln for ln in params if ln.startswith("  ip"))
    assert ip.split()[0] in ("ip*", "ip*!")  # * marks required
    nic = next(ln for ln in lines if ln.lstrip().startswith("nic "))
    assert "*" not in nic.split()[0]
    ops = lines[lines.index("Operations' defaults (advisory minimum):") + 1:]
    assert any(ln.split()[0] == "start" and "timeout=20s" in ln for ln in ops)
    assert any(ln.split()[0] == "monitor" and "interval=10s" in ln for ln in ops)


def test_info_short_name_and_alias(clush, cib_file) -> None:
    res = clush("ra", "meta", "Dummy", env={"CIB_file": str(cib_file)})
    assert res.returncode == 0 and res.stdout.startswith("ocf:heartbeat:Dummy")


@pytest.mark.parametrize(
    "args, message",
    [
        (("ra", "info", "ocf:heartbeat:nosuch"), "unknown resource agent ocf:heartbeat:nosuch"),
        (("ra", "list", "bogus"), "unknown class bogus"),
        (("ra", "list", "lsb", "heartbeat"), "only the ocf class has providers"),
        (("ra", "providers", "NoSuchAgent"), "no OCF provider has an agent NoSuchAgent"),
    ],
)
def test_bad_input(clush, cib_file, args, message) -> None:
    res = clush(*args, env={"CIB_file": str(cib_file)})
    assert res.returncode == 1
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1 and message in errors[0], res.stderr
