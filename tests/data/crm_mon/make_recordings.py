"""Record crm_mon XML for the status golden tests (run by hand; outputs are committed).

Each case builds a CIB file with Pacemaker's own tools (cibadmin, crm_attribute),
lets crm_simulate "run" the cluster (-S -O) with injected events, then saves
``crm_mon -1 --output-as=xml`` of the result as ``<case>.xml``.  The golden text
``<case>.txt`` is written by ``python -m tests.test_status_view --regen``.

    python tests/data/crm_mon/make_recordings.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

NODES3 = ["node1", "node2", "node3"]

WEB = """<group id="webservice">
  <primitive id="vip" class="ocf" provider="heartbeat" type="Dummy">
    <operations><op id="vip-monitor-20" name="monitor" interval="20" timeout="20"/></operations>
  </primitive>
  <primitive id="webserver" class="ocf" provider="heartbeat" type="Dummy">
    <operations><op id="webserver-monitor-20" name="monitor" interval="20" timeout="20"/></operations>
  </primitive>
</group>"""

CLONES = """<clone id="ping-clone">
  <meta_attributes id="ping-clone-meta"><nvpair id="ping-clone-il" name="interleave" value="true"/></meta_attributes>
  <primitive id="ping" class="ocf" provider="pacemaker" type="Dummy"/>
</clone>"""

PROMOTABLE = """<clone id="state-clone">
  <meta_attributes id="state-clone-meta">
    <nvpair id="state-clone-promotable" name="promotable" value="true"/>
    <nvpair id="state-clone-pmax" name="promoted-max" value="1"/>
  </meta_attributes>
  <primitive id="state" class="ocf" provider="pacemaker" type="Stateful">
    <operations>
      <op id="state-mon-p" name="monitor" interval="10s" role="Promoted"/>
      <op id="state-mon-u" name="monitor" interval="11s" role="Unpromoted"/>
    </operations>
  </primitive>
</clone>"""

UNIQUE = """<clone id="uniq-clone">
  <meta_attributes id="uniq-clone-meta">
    <nvpair id="uniq-clone-unique" name="globally-unique" value="true"/>
    <nvpair id="uniq-clone-max" name="clone-max" value="2"/>
  </meta_attributes>
  <primitive id="uniq" class="ocf" provider="pacemaker" type="Dummy"/>
</clone>"""

STOPPED = """<primitive id="spare" class="ocf" provider="heartbeat" type="Dummy">
  <meta_attributes id="spare-meta"><nvpair id="spare-target-role" name="target-role" value="Stopped"/></meta_attributes>
</primitive>"""

APP = """<primitive id="app" class="ocf" provider="pacemaker" type="Dummy">
  <operations><op id="app-monitor-10" name="monitor" interval="10s" timeout="20s"/></operations>
</primitive>"""


def run(argv: list[str], cib: Path | None = None, check: bool = True) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("CIB_file", "CIB_shadow")}
    env["LC_ALL"] = "C"
    if cib is not None:
        env["CIB_file"] = str(cib)
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if check and proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc.stdout


def base(cib: Path, nodes: list[str], resources: list[str]) -> None:
    cib.write_text(run(["cibadmin", "--empty"]))
    run(["crm_attribute", "-t", "crm_config", "-n", "stonith-enabled", "-v", "false"], cib)
    run(["crm_attribute", "-t", "crm_config", "-n", "no-quorum-policy", "-v", "ignore"], cib)
    for i, name in enumerate(nodes, 1):
        run(["cibadmin", "-C", "-o", "nodes", "-X", f'<node id="{i}" uname="{name}"/>'], cib)
    for xml in resources:
        run(["cibadmin", "-C", "-o", "resources", "-X", xml], cib)


def simulate(cib: Path, *extra: str) -> None:
    run(["crm_simulate", "-x", str(cib), "-S", "-O", str(cib), *extra])


def record(name: str, cib: Path) -> None:
    xml = run(["crm_mon", "-1", "--output-as=xml"], cib)
    # the request line names our temporary file: keep recordings stable
    xml = xml.replace(str(cib), "cib.xml")
    (HERE / f"{name}.xml").write_text(xml)
    print(f"recorded {name}.xml")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cib = Path(tmp) / "cib.xml"

        # a group moved away from a standby node
        base(cib, ["node1", "node2"], [WEB])
        simulate(cib, "-u", "node1", "-u", "node2")
        run(["crm_attribute", "-N", "node1", "-n", "standby", "-v", "on"], cib)
        simulate(cib)
        record("group-standby", cib)

        # anonymous, unique and promotable clones on three nodes
        base(cib, NODES3, [CLONES, PROMOTABLE, UNIQUE])
        simulate(cib, *[a for n in NODES3 for a in ("-u", n)])
        # Stateful asks for promotion through attrd; crm_simulate does not, so set its score
        run(["crm_attribute", "-N", "node2", "-l", "reboot", "-n", "master-state", "-v", "10"], cib)
        simulate(cib)
        record("clones", cib)

        # a failed monitor (recovered), a stopped resource and a ban
        base(cib, ["node1", "node2"], [WEB, APP, STOPPED])
        run(["cibadmin", "-C", "-o", "constraints", "-X",
             '<rsc_location id="cli-ban-app-on-node2" rsc="app" role="Started" node="node2" score="-INFINITY"/>'], cib)
        simulate(cib, "-u", "node1", "-u", "node2")
        simulate(cib, "-i", "app_monitor_10000@node1=1")
        record("failed", cib)

        # node and resource maintenance, unmanaged resource
        base(cib, ["node1", "node2"], [WEB, APP])
        simulate(cib, "-u", "node1", "-u", "node2")
        run(["crm_attribute", "-t", "nodes", "-N", "node2", "-n", "maintenance", "-v", "on"], cib)
        run(["crm_resource", "-r", "app", "-m", "-p", "is-managed", "-v", "false"], cib)
        run(["crm_attribute", "-N", "node1", "-n", "site", "-v", "east"], cib)
        record("maintenance", cib)

        # an offline node, and tickets
        base(cib, NODES3, [WEB, APP])
        run(["cibadmin", "-C", "-o", "constraints", "-X",
             '<rsc_ticket id="app-needs-ticketA" rsc="app" ticket="ticketA" loss-policy="stop"/>'], cib)
        simulate(cib, "-u", "node1", "-u", "node2", "-u", "node3", "-g", "ticketA")
        simulate(cib, "-d", "node3", "-r", "ticketB")
        record("offline-tickets", cib)

        # a stop that fails after a monitor failure: FAILED and blocked (no fencing)
        base(cib, ["node1", "node2"], [WEB, APP])
        simulate(cib, "-u", "node1", "-u", "node2")
        simulate(cib, "-i", "app_monitor_10000@node1=1", "-F", "app_stop_0@node1=1")
        record("blocked", cib)

        # a failed node with fencing enabled but no device: UNCLEAN
        base(cib, ["node1", "node2"], [WEB])
        run(["crm_attribute", "-t", "crm_config", "-n", "stonith-enabled", "-v", "true"], cib)
        simulate(cib, "-u", "node1", "-u", "node2")
        simulate(cib, "-f", "node1")
        record("unclean", cib)

        # an empty cluster: no nodes up, nothing configured
        base(cib, ["node1"], [])
        record("empty", cib)


def record_live() -> None:
    """The live cluster as it is now (DC, quorum, corosync stack): ``--live``."""
    xml = run(["crm_mon", "-1", "--output-as=xml"])
    (HERE / "live-single-node.xml").write_text(xml)
    print("recorded live-single-node.xml")


if __name__ == "__main__":
    if "--live" in sys.argv:
        record_live()
    else:
        main()
