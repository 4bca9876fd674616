"""Version-guarded cibadmin --modify (clushell.pacemaker.cibguard): what may go that way, and that
Pacemaker writes nothing once the CIB moved (real cibadmin on a CIB file)."""

from __future__ import annotations

import os
import subprocess

from lxml import etree

from clushell.pacemaker import cibguard
from clushell.transport.local import LocalRunner

PATH = ("/cib/configuration/resources/primitive[@id='p1']/instance_attributes[@id='p1-ia']"
        "/nvpair[@id='p1-ia-state']")


def _patch(*changes: str) -> str:
    return ('<diff format="2"><version><source admin_epoch="0" epoch="4" num_updates="0"/>'
            '<target admin_epoch="0" epoch="4" num_updates="1"/></version>'
            '<change operation="modify" path="/cib"><change-list>'
            '<change-attr name="num_updates" operation="set" value="1"/></change-list></change>'
            + "".join(changes) + "</diff>")


def _set(path: str, *attrs: tuple[str, str | None]) -> str:
    items = "".join(f'<change-attr name="{n}" operation="set" value="{v}"/>' if v is not None
                    else f'<change-attr name="{n}" operation="unset"/>' for n, v in attrs)
    quoted = path.replace("'", "&apos;")
    return f'<change operation="modify" path="{quoted}"><change-list>{items}</change-list></change>'


def test_one_attribute_set_becomes_one_element():
    found = cibguard.one_set(_patch(_set(PATH, ("value", "/run/x"))))
    assert found is not None
    path, el = found
    assert path == PATH[len("/cib"):]
    assert etree.tostring(el) == b'<nvpair id="p1-ia-state" value="/run/x"/>'


def test_only_plain_sets_of_one_element_qualify():
    two = _patch(_set(PATH, ("value", "a")), _set(PATH.replace("p1-ia-state", "p1-ia-other"), ("value", "b")))
    assert cibguard.one_set(two) is None  # two requests would not be atomic
    assert cibguard.one_set(_patch(_set(PATH, ("value", None)))) is None  # a modify cannot remove
    assert cibguard.one_set(_patch(_set(PATH, ("value", "value++")))) is None  # arithmetic in Pacemaker
    assert cibguard.one_set(_patch(_set("/cib/status/node_state[@id='1']", ("x", "1")))) is None
    no_id = "/cib/configuration/rsc_defaults/meta_attributes[@id='m']/nvpair"
    assert cibguard.one_set(_patch(_set(no_id, ("value", "1")))) is None
    create = ('<change operation="create" path="/cib/configuration/resources" position="1">'
              '<primitive id="x" class="ocf" provider="pacemaker" type="Dummy"/></change>')
    assert cibguard.one_set(_patch(create)) is None


def _section(xml: str) -> etree._Element:
    return etree.fromstring(xml)


def test_mergeable_new_objects():
    ok = _section('<resources><primitive id="a" class="ocf" provider="pacemaker" type="Dummy">'
                  '<operations><op id="a-m" name="monitor" interval="10s"/><op id="a-s" name="start" interval="0"/>'
                  '</operations></primitive><group id="g"><primitive id="b" class="ocf" provider="pacemaker" '
                  'type="Dummy"/></group></resources>')
    assert cibguard.mergeable(ok)
    # the daemon matches an element without id by its tag alone: two would become one
    twins = _section('<constraints><rsc_location id="l" rsc="a"><rule id="r" score="1"><expression id="e1" '
                     'attribute="x" operation="defined"/></rule><lifetime/><lifetime/></rsc_location></constraints>')
    assert not cibguard.mergeable(twins)
    assert not cibguard.mergeable(_section('<resources><!-- note --><primitive id="a"/></resources>'))
    # "x++" is arithmetic only in the attribute named x
    assert cibguard.mergeable(_section('<resources><primitive id="a" description="x++"/></resources>'))
    assert not cibguard.mergeable(_section('<resources><primitive id="a" description="description++"/></resources>'))
    assert not cibguard.mergeable(_section('<resources/>'))


def _version(path) -> tuple[int, int, int]:
    root = etree.parse(str(path)).getroot()
    return tuple(int(root.get(a) or 0) for a in ("admin_epoch", "epoch", "num_updates"))


def test_guarded_modify_writes_only_at_its_version(cib_file):
    runner = LocalRunner({"CIB_file": str(cib_file)})
    prim = ('<primitive id="p1" class="ocf" provider="pacemaker" type="Dummy"><instance_attributes id="p1-ia">'
            '<nvpair id="p1-ia-state" name="state" value="a"/></instance_attributes></primitive>')
    subprocess.run(["cibadmin", "-C", "-o", "resources", "-X", prim], env=dict(os.environ, CIB_file=str(cib_file)),
                   check=True, capture_output=True)
    ver = _version(cib_file)
    path, el = cibguard.one_set(_patch(_set(PATH, ("value", "b"))))
    assert cibguard.modify(runner, ver, path, el).rc == 0
    assert _version(cib_file) == cibguard.after(ver)
    before = cib_file.read_bytes()
    el.set("value", "c")
    assert cibguard.modify(runner, ver, path, el).rc == 105  # moved since: nothing written
    assert cib_file.read_bytes() == before
    new = _section('<resources><primitive id="p2" class="ocf" provider="pacemaker" type="Dummy"/></resources>')
    assert cibguard.modify(runner, cibguard.after(ver), "/configuration/resources", new).rc == 0
    ids = [p.get("id") for p in etree.parse(str(cib_file)).getroot().iterfind("configuration/resources/primitive")]
    assert ids == ["p1", "p2"]
    assert 'value="b"' in cib_file.read_text()


def test_guarded_modify_ignores_status_updates_but_not_configuration_changes(cib_file):
    """num_updates moves with status alone (probes, operation results, transient attributes): a
    configuration edit cannot overwrite those, so they do not refuse it; any configuration change does."""
    env = dict(os.environ, CIB_file=str(cib_file))
    runner = LocalRunner({"CIB_file": str(cib_file)})
    prim = ('<primitive id="p1" class="ocf" provider="pacemaker" type="Dummy"><instance_attributes id="p1-ia">'
            '<nvpair id="p1-ia-state" name="state" value="a"/></instance_attributes></primitive>')
    subprocess.run(["cibadmin", "-C", "-o", "resources", "-X", prim], env=env, check=True, capture_output=True)
    ver = _version(cib_file)
    subprocess.run(["cibadmin", "-C", "-o", "status", "-X", '<node_state id="1" uname="n1"/>'], env=env,
                   check=True, capture_output=True)
    moved = _version(cib_file)
    assert moved[:2] == ver[:2] and moved[2] > ver[2]  # a status update: num_updates only
    path, el = cibguard.one_set(_patch(_set(PATH, ("value", "b"))))
    assert cibguard.modify(runner, ver, path, el).rc == 0
    assert 'value="b"' in cib_file.read_text()
    assert _version(cib_file) == cibguard.after(ver)  # the epoch moved on: num_updates starts again
    subprocess.run(["crm_attribute", "-t", "crm_config", "-n", "other", "-v", "x"], env=env, check=True,
                   capture_output=True)
    el.set("value", "c")
    before = cib_file.read_bytes()
    assert cibguard.modify(runner, cibguard.after(ver), path, el).rc == 105  # the configuration moved
    assert cib_file.read_bytes() == before
