#!/usr/bin/env python3
"""Generate benchmark CIBs: ``cibadmin --empty`` plus N primitives (and a few constraints).

usage: gen_cib.py N [OUT]        (default OUT: bench/data/cib-N.xml)

Every primitive is an ocf:heartbeat:Dummy with a parameter, a meta attribute and two
operations, ids as crmsh would generate them. The first half of the primitives are paired
into N/4 groups; each group gets a location constraint, a colocation with and an order
before one of the ungrouped primitives: N/4 of each constraint kind, so show has all the
usual statement kinds. Start-up probes are off (a live bench cluster would otherwise probe
every primitive once).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

HERE = Path(__file__).resolve().parent


def empty_cib() -> str:
    res = subprocess.run(["cibadmin", "--empty"], capture_output=True, text=True, check=True)
    return res.stdout


def primitive(i: int) -> str:
    rid = f"p{i:05d}"
    return (
        f'<primitive id="{rid}" class="ocf" provider="heartbeat" type="Dummy">'
        f'<instance_attributes id="{rid}-instance_attributes">'
        f'<nvpair name="state" value={quoteattr(f"/run/{rid}.state")} id="{rid}-instance_attributes-state"/>'
        f"</instance_attributes>"
        f'<meta_attributes id="{rid}-meta_attributes">'
        f'<nvpair name="target-role" value="Stopped" id="{rid}-meta_attributes-target-role"/>'
        f"</meta_attributes>"
        f"<operations>"
        f'<op name="monitor" interval="10s" timeout="20s" id="{rid}-monitor-10s"/>'
        f'<op name="start" timeout="30s" interval="0" id="{rid}-start-0"/>'
        f"</operations></primitive>"
    )


def build(n: int) -> str:
    groups = n // 4
    resources, constraints = [], []
    for k in range(groups):
        gid, a, b = f"g{k:05d}", 2 * k, 2 * k + 1
        resources.append(f'<group id="{gid}">{primitive(a)}{primitive(b)}</group>')
    resources.extend(primitive(i) for i in range(2 * groups, n))
    for k in range(groups):
        gid, other = f"g{k:05d}", f"p{2 * groups + k:05d}"
        if 2 * groups + k >= n:
            break
        constraints.append(f'<rsc_location id="loc-{gid}" rsc="{gid}" score="100" node="node1"/>')
        constraints.append(f'<rsc_colocation id="col-{gid}" rsc="{other}" with-rsc="{gid}" score="INFINITY"/>')
        constraints.append(f'<rsc_order id="ord-{gid}" kind="Mandatory" first="{gid}" then="{other}"/>')
    config = (
        '<crm_config><cluster_property_set id="cib-bootstrap-options">'
        '<nvpair name="stonith-enabled" value="false" id="cib-bootstrap-options-stonith-enabled"/>'
        '<nvpair name="enable-startup-probes" value="false" id="cib-bootstrap-options-enable-startup-probes"/>'
        "</cluster_property_set></crm_config>"
        '<nodes><node id="1" uname="node1"/></nodes>'
        f"<resources>{''.join(resources)}</resources>"
        f"<constraints>{''.join(constraints)}</constraints>"
    )
    cib = empty_cib()
    start = cib.index("<configuration>") + len("<configuration>")
    end = cib.index("</configuration>")
    return cib[:start] + config + cib[end:]


def main(argv: list[str]) -> int:
    if not argv or not argv[0].isdigit():
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    n = int(argv[0])
    out = Path(argv[1]) if len(argv) > 1 else HERE / "data" / f"cib-{n}.xml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(build(n))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
