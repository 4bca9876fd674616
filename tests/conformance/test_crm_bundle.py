"""Issue 14 class 3: `bundle` (container, network with port-mapping, storage, primitive, meta).

crm 4.4.1 knows only docker here: it refuses podman and crashes on rkt (KeyError), so
those are tested against the XML crm would write, not against crm.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.crmdiff import PRE, assert_round_trip, assert_same, base_cib, both, cases, run_clush_on
from tests.crm_oracle import canon

pytestmark = pytest.mark.crmsh

SCRIPTS = {
    "storage-ports": PRE
    + "bundle id=bundle-test1 docker image=test network ip-range-start=10.10.10.123 port-mapping id=port1 port=80"
    " storage storage-mapping id=storage1 target-dir=test source-dir=test meta target-role=Stopped\n",
    "with-primitive": PRE
    + "primitive dummy ocf:heartbeat:Dummy op monitor interval=10 meta target-role=Stopped\n"
    "bundle id=bundle-test2 docker image=test network ip-range-start=10.10.10.123 primitive dummy"
    " meta target-role=Stopped priority=1\n",
    "everything": PRE
    + "primitive b1-rsc apache\n"
    'bundle b1 description="a bundle" docker image="pcmk:http" replicas=2 network=host'
    " network ip-range-start=192.168.1.10 control-port=3121 port-mapping id=b1-port port=80"
    ' storage storage-mapping id=b1-st source-dir="/srv/www" target-dir="/var/www/html" options=rw'
    " meta target-role=Started primitive b1-rsc\n",
    "generated-ids": PRE
    + 'bundle b2 docker image=x replicas=3 run-command="/usr/sbin/pacemaker-remoted" network port-mapping port=22'
    " port-mapping range=100-200 storage storage-mapping source-dir=/a target-dir=/b"
    " storage-mapping source-dir-root=/c target-dir=/d\n",
    "network-only": PRE + "bundle b4 docker image=x network add-host=false\n",
}
FAILING: dict[str, str] = {}


@pytest.mark.parametrize("name", cases(SCRIPTS, FAILING))
def test_same_cib_as_crm(name: str, tmp_path: Path) -> None:
    pair = both(tmp_path, SCRIPTS[name])
    assert_same(pair)
    assert_round_trip(pair.clush.cib, tmp_path)


@pytest.mark.parametrize("engine", ["podman", "rkt"])
def test_other_engines_like_docker(engine: str, tmp_path: Path) -> None:
    """Deliberate difference: crm 4.4.1 refuses podman and crashes on rkt; clush writes their XML."""
    script = "configure\n" + PRE + "bundle b docker image=x replicas=2 network port-mapping port=80\ncommit\n"
    docker = base_cib(tmp_path, "docker.xml")
    assert run_clush_on(docker, script).rc == 0
    other = base_cib(tmp_path, "other.xml")
    res = run_clush_on(other, script.replace("docker", engine))
    assert res.rc == 0, res.err
    as_docker = tmp_path / "as-docker.xml"
    as_docker.write_text(other.read_text().replace(f"<{engine} ", "<docker "))
    assert canon(as_docker) == canon(docker)
    assert_round_trip(other, tmp_path)
