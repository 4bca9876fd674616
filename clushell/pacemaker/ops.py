"""Day-to-day operations through Pacemaker's tools (crm_resource, crm_attribute, crm_simulate).

Every call goes through the session's Runner, so the same code works on the local
cluster, over SSH and on CIB files. Nothing here prints; functions return values or
raise ClushError with one line that names the object.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clushell.errors import ClushError
from clushell.transport.base import Result, Runner

if TYPE_CHECKING:
    from clushell.cib.model import CibModel
    from clushell.pacemaker.cluster_status import ClusterStatus

# crm_simulate -S is super-linear (pacemaker-cli.md §5): settle small sandboxes only
SETTLE_MAX_PRIMITIVES = 150

_ISO_DURATION = re.compile(r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?\Z")


def is_lifetime(word: str) -> bool:
    """ISO 8601 durations as crm_resource --lifetime takes them (PT1H, P1D, ...)."""
    return bool(_ISO_DURATION.match(word))


def tool(runner: Runner, argv: Sequence[str], what: str, *, ok: Sequence[int] = (0,),
         timeout: float = 120) -> Result:
    """Run a tool; a non-accepted exit code becomes a one-line ClushError naming ``what``."""
    from clushell.pacemaker.cibadmin import tool_error

    res = runner.run(list(argv), timeout=timeout)
    if res.rc not in ok:
        # the tool's own complaint (never a line of the CIB it dumps first) and a hint at the cause
        raise ClushError(_clean(tool_error(what, runner, res), what))
    return res


def _clean(line: str, what: str = "") -> str:
    # tools prefix their messages with their own name; clush names the command instead
    head = f"{what}: " if what and line.startswith(f"{what}: ") else ""
    line = line[len(head):]
    for prefix in ("crm_resource: ", "crm_attribute: ", "crm_simulate: ", "error: ", "Error: "):
        if line.startswith(prefix):
            line = line[len(prefix):]
    return head + line


# -- the CIB as a model ---------------------------------------------------------------------------
def load(runner: Runner) -> tuple[bytes, CibModel]:
    """The whole CIB (raw bytes, model) from the target."""
    from clushell.cib.model import CibModel
    from clushell.pacemaker import cibio

    raw = cibio.query(runner)
    return raw, CibModel.from_xml(raw)


def resource_el(model: CibModel, rid: str):
    """The resource element, or a one-line error naming the unknown id."""
    el = model.resource(rid)
    if el is None or el.tag == "template":
        raise ClushError(f"resource {rid} does not exist", token=rid)
    return el


def node_names(model: CibModel) -> list[str]:
    """Node unames from the configuration and the status section."""
    names = [n.get("uname") or n.get("id", "") for n in model.nodes.values()]
    status = model.root.find("status")
    if status is not None:
        for ns in status.findall("node_state"):
            uname = ns.get("uname")
            if uname and uname not in names:
                names.append(uname)
    return names


def require_node(model: CibModel, name: str) -> None:
    if name not in node_names(model):
        raise ClushError(f"node {name} does not exist", token=name)


def is_promotable(model: CibModel, el) -> bool:
    """True for a promotable clone / master, or a resource inside one."""
    top = model.top_of(el)
    if top.tag == "master":
        return True
    if top.tag != "clone":
        return False
    for nv in top.iterfind("meta_attributes/nvpair[@name='promotable']"):
        if nv.get("value", "").lower() in ("true", "yes", "1", "on", "y"):
            return True
    return False


# -- crmsh's "deep" meta attribute (resource start/stop/manage/...) --------------------------------
def meta_target(model: CibModel, el):
    """Where crmsh puts a meta attribute: a group member keeps it, anything else goes to the top."""
    from clushell.cib.deepmeta import meta_target as target

    return target(el)


def set_deep_meta(model: CibModel, rid: str, attr: str, value: str, *, force: bool = False) -> tuple[str, bool]:
    """Set meta ``attr`` like crmsh's set_deep_meta_attr (clushell.cib.deepmeta).

    Returns the id that got it and whether the change is *simple*: one attribute on one
    element, nothing removed, no copy of it further down (crm_resource can then do it).
    """
    from clushell.cib.deepmeta import set_deep_meta as deep

    outcome = deep(model, resource_el(model, rid), attr, value, force=force)
    return outcome.target.get("id", ""), outcome.simple


def commit_model(runner: Runner, original: bytes, model: CibModel) -> bool:
    """Push the model's changes as one patch (atomic); False when nothing changed."""
    from clushell.pacemaker import cibio

    outcome = cibio.commit(runner, original, model.to_xml())
    return outcome.changed


# -- attributes via crm_resource / crm_attribute ----------------------------------------------------
ATTR_FLAGS = {"param": [], "meta": ["--meta"], "utilization": ["--utilization"]}


RSC_ATTR_WORDS = {"param": "parameter", "meta": "meta attribute", "utilization": "utilization attribute"}


def resource_attr(runner: Runner, kind: str, rid: str, action: str, name: str, value: str | None = None) -> str:
    """param/meta/utilization of a resource: set, delete or show, as crm runs crm_resource.

    Returns what crm_resource printed (crm shows it): "Set 'RSC' option: ..." for set, the value
    for show ("" when the attribute is not set: crm_resource says so on stderr and exits 0).
    """
    base = ["crm_resource", "-r", rid, *ATTR_FLAGS[kind]]
    what = f"{kind} {name} of {rid}"
    if action == "set":
        return tool(runner, [*base, "-p", name, "-v", value or ""], what).out
    if action == "delete":
        return tool(runner, [*base, "-d", name], what).out
    return tool(runner, [*base, "-g", name], what).out


NODE_SCOPES = {"nodes": ["-t", "nodes"], "status": ["-t", "status"], "utilization": ["-z", "-t", "nodes"]}
NODE_ATTR_WORDS = {"nodes": "attribute", "status": "status attribute", "utilization": "utilization attribute"}


def node_attr(runner: Runner, scope: str, node: str, action: str, name: str, value: str | None = None) -> str:
    """Node attribute in ``scope``: nodes (permanent), status (transient) or utilization, with
    crm's crm_attribute calls. Returns what crm_attribute printed: "scope=nodes  name=N value=V"
    for show, "Deleted ..." for delete."""
    base = ["crm_attribute", *NODE_SCOPES[scope], "-N", node, "-n", name]
    what = f"{name} of node {node}"
    if action == "set":
        res = runner.run([*base, "-v", value or ""], timeout=60)
        if res.rc == 105 and scope == "status":
            raise ClushError(f"node {node} has no status entry (it never joined the cluster): "
                             f"transient attribute {name} cannot be set")
    elif action == "delete":  # a missing attribute is no error (rc 0)
        res = runner.run([*base, "-D"], timeout=60)
    else:
        res = runner.run([*base, "-G"], timeout=60)
        if res.rc == 105 and "Could not map" not in res.err:
            raise ClushError(f"node {node} has no {NODE_ATTR_WORDS[scope]} {name}")
    if "Could not map" in res.err:
        raise ClushError(f"node {node} is not in the configuration's nodes section: "
                         f"crm_attribute cannot find its id ({what})")
    if not res.ok:
        from clushell.pacemaker.cibadmin import tool_error

        raise ClushError(_clean(tool_error(what, runner, res), what))
    return res.out


def set_standby(runner: Runner, node: str, on: bool, lifetime: str = "forever") -> None:
    """standby=on with the given lifetime; online clears both lifetimes (crmsh writes off)."""
    if on:
        tool(runner, ["crm_attribute", "-N", node, "-n", "standby", "-v", "on", "-l", lifetime],
             f"standby {node}")
        return
    tool(runner, ["crm_attribute", "-N", node, "-n", "standby", "-v", "off", "-l", "forever"], f"online {node}")
    tool(runner, ["crm_attribute", "-N", node, "-n", "standby", "-D", "-l", "reboot"], f"online {node}",
         ok=(0, 105))


# -- waiting and the simulated sandbox cluster ------------------------------------------------------
def wait_idle(runner: Runner, timeout: float = 120) -> None:
    """Block until the cluster has no pending actions (crm_resource --wait)."""
    res = runner.run(["crm_resource", "--wait", "--timeout", f"{int(timeout)}s"], timeout=timeout + 30)
    if res.rc == 124:
        raise ClushError(f"the cluster did not settle within {int(timeout)} s")
    if not res.ok:
        raise ClushError(f"waiting for the cluster: {_clean(res.first_error_line())}")


def settle(runner: Runner, cib_file: str) -> bool:
    """Let crm_simulate act on a simulated sandbox; False when the file is not one."""
    from clushell.sandbox import is_simulated

    res = runner.run(["cibadmin", "-Q"], timeout=60)
    if not res.ok or not is_simulated(res.out):
        return False
    if res.out.count("<primitive ") > SETTLE_MAX_PRIMITIVES:
        return False
    tool(runner, ["crm_simulate", "-x", cib_file, "-S", "-O", cib_file], "simulating the sandbox cluster")
    return True


@dataclass(frozen=True)
class Move:
    resource: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.resource}: {self.before} -> {self.after}"


def _placement(st: ClusterStatus) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for p in st.primitives():
        desc = out.setdefault(p.id, [])
        if p.nodes:
            desc.extend(f"{p.role} {n}" for n in p.nodes)
    return {rid: ", ".join(sorted(v)) or "Stopped" for rid, v in out.items()}


def moves(before: ClusterStatus, after: ClusterStatus) -> list[Move]:
    """What changed place or role between two snapshots."""
    a, b = _placement(before), _placement(after)
    return [Move(rid, a.get(rid, "absent"), b.get(rid, "absent"))
            for rid in sorted(set(a) | set(b)) if a.get(rid) != b.get(rid)]


def wait_for(predicate, runner: Runner, timeout: float = 60.0, interval: float = 0.5) -> ClusterStatus:
    """Poll crm_mon until predicate(status) holds; the last status either way."""
    from clushell.pacemaker import mon

    deadline = time.monotonic() + timeout
    st = mon.fetch(runner)
    while not predicate(st) and time.monotonic() < deadline:
        time.sleep(interval)
        st = mon.fetch(runner)
    return st
