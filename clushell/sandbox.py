"""The demo sandbox: a small simulated two-node cluster in a CIB file, and its "engine".

A sandbox CIB with ``node_state`` entries in its status section is a *simulated
cluster*: after every change made by a node/resource command clush lets crm_simulate
run the transition on the file (``settle``), so ``node standby node1`` followed by
``status`` shows the group on node2. Files without node states (plain configuration
files, the conformance bases) are never touched by the simulator.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

DEMO_NODES = ("node1", "node2")

# The seeds' web service: a virtual IP and a web server in a group, both played by
# Dummy agents so the demo runs anywhere (descriptions say what they stand for).
DEMO_CONFIGURATION = """\
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/>
        <nvpair id="cib-bootstrap-options-no-quorum-policy" name="no-quorum-policy" value="ignore"/>
        <nvpair id="cib-bootstrap-options-cluster-name" name="cluster-name" value="demo"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="node1"/>
      <node id="2" uname="node2"/>
    </nodes>
    <resources>
      <group id="webservice">
        <primitive id="vip" class="ocf" provider="heartbeat" type="Dummy" description="plays IPaddr2 ip=10.0.0.100">
          <operations>
            <op name="monitor" interval="20" timeout="20" id="vip-monitor-20"/>
          </operations>
        </primitive>
        <primitive id="webserver" class="ocf" provider="heartbeat" type="Dummy" description="plays apache">
          <operations>
            <op name="monitor" interval="20" timeout="20" id="webserver-monitor-20"/>
          </operations>
        </primitive>
      </group>
    </resources>
    <constraints/>
    <rsc_defaults>
      <meta_attributes id="rsc-options">
        <nvpair name="resource-stickiness" value="100" id="rsc-options-resource-stickiness"/>
      </meta_attributes>
    </rsc_defaults>
  </configuration>
"""

# Both nodes up as cluster members; crm_simulate fills in the resource history.
DEMO_STATUS = """\
  <status>
    <node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/>
    <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
"""

FALLBACK_HEADER = ('<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" '
                   'epoch="1" num_updates="0" admin_epoch="0">')


def _header() -> str:
    """The <cib> start tag of `cibadmin --empty` (local schema and feature set), else a fallback."""
    if shutil.which("cibadmin"):
        res = subprocess.run(["cibadmin", "--empty"], capture_output=True, text=True, check=False)
        m = re.search(r"<cib\b[^>]*?>", res.stdout) if res.returncode == 0 else None
        if m and not m.group(0).endswith("/>"):
            return m.group(0)
    return FALLBACK_HEADER


def demo_cib() -> str:
    """The demo cluster as CIB XML, with the web service already started on node1."""
    text = f"{_header()}\n{DEMO_CONFIGURATION}{DEMO_STATUS}</cib>\n"
    if not shutil.which("crm_simulate"):
        return text
    with tempfile.TemporaryDirectory(prefix="clush-demo-") as tmp:
        path = os.path.join(tmp, "demo.xml")
        with open(path, "w") as f:
            f.write(text)
        res = subprocess.run(["crm_simulate", "-x", path, "-S", "-O", path],
                             capture_output=True, text=True, check=False,
                             env={**os.environ, "LC_ALL": "C"})
        if res.returncode == 0:
            with open(path) as f:
                return f.read()
    return text


def is_simulated(cib_xml: str) -> bool:
    """True when a CIB file carries node states, i.e. it models a running cluster."""
    return "<node_state " in cib_xml
