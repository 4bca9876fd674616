"""Our own semantic checks of a CIB (pure: no I/O; agent metadata comes in through a callable).

Each finding names the object and, when there is one, the attribute, so the user can go
straight to the line to fix.  Severities follow crmsh: an unknown agent, a missing required or
unknown parameter, a constraint on a missing resource and a property value outside its choices
are errors (they block commit unless forced); the rest are warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from lxml import etree

from clushell.cib.durations import seconds

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" | "warning"
    object_id: str | None
    attribute: str | None
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        where = self.object_id or "configuration"
        if self.attribute:
            where += f" {self.attribute}"
        return f"{self.severity}: {where}: {self.message}"


# meta attributes Pacemaker 2.1 understands (Pacemaker Explained, "Resource Meta-Attributes")
PRIMITIVE_META = frozenset({
    "priority", "critical", "target-role", "is-managed", "maintenance", "resource-stickiness", "requires",
    "migration-threshold", "failure-timeout", "multiple-active", "allow-migrate", "allow-unhealthy-nodes",
    "container-attribute-target", "remote-node", "remote-port", "remote-addr", "remote-connect-timeout",
    "remote-allow-migrate", "restart-type", "resource-failure-stickiness", "description", "record-pending",
})
CLONE_META = PRIMITIVE_META | {
    "clone-max", "clone-node-max", "clone-min", "notify", "globally-unique", "ordered", "interleave",
    "promotable", "promoted-max", "promoted-node-max", "master-max", "master-node-max",
}
GROUP_META = PRIMITIVE_META | {"ordered", "collocated"}
OP_ATTRIBUTES = frozenset({
    "id", "name", "interval", "timeout", "description", "start-delay", "interval-origin", "record-pending",
    "enabled", "role", "requires", "on-fail", "OCF_CHECK_LEVEL", "depth",
})
# properties the cluster itself writes; not in any daemon's option list
INTERNAL_PROPERTIES = frozenset({
    "dc-version", "cluster-infrastructure", "cluster-name", "have-watchdog", "last-lrm-refresh",
    "expected-quorum-votes", "dc-deadtime",
})
# fencing parameters every stonith device accepts (handled by pacemaker-fenced, not the agent)
FENCE_COMMON = ("pcmk_", "action", "port", "priority", "provides")

RESOURCE_TAGS = ("primitive", "group", "clone", "master", "bundle", "template")



# What the checks need of an agent's metadata (clushell.pacemaker.ra's AgentInfo fits);
# the caller injects the lookup, so this module never runs a tool.
class Parameter(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def options(self) -> tuple[str, ...]: ...


class Action(Protocol):
    @property
    def timeout(self) -> str | None: ...
    @property
    def timeout_seconds(self) -> float | None: ...


class AgentInfo(Protocol):
    def required(self) -> list: ...
    def param(self, name: str) -> Parameter | None: ...
    def action(self, name: str, role: str | None = None) -> Action | None: ...


AgentLookup = Callable[[str], "AgentInfo | None"]


def _nvpairs(el: etree._Element, set_tag: str) -> list[etree._Element]:
    return [nv for s in el.findall(set_tag) for nv in s.iter("nvpair")]


def _agent_spec(prim: etree._Element, templates: dict[str, etree._Element]) -> str | None:
    src = templates.get(prim.get("template", ""), prim)
    cls, prov, typ = (prim.get(a) or src.get(a) for a in ("class", "provider", "type"))
    if not cls or not typ:
        return None
    return f"{cls}:{prov}:{typ}" if prov else f"{cls}:{typ}"


def _check_primitive(prim: etree._Element, templates: dict[str, etree._Element], lookup: AgentLookup,
                     op_default_timeout: float | None) -> Iterable[Finding]:
    rid = prim.get("id")
    spec = _agent_spec(prim, templates)
    if spec is None:
        return
    info = lookup(spec)
    if info is None:
        yield Finding(ERROR, rid, "type", f"unknown resource agent {spec} (no metadata on the target)")
        return
    stonith = spec.startswith("stonith:")
    own = _nvpairs(prim, "instance_attributes")
    tpl = templates.get(prim.get("template", ""))
    given = {nv.get("name") for nv in own} | ({nv.get("name") for nv in _nvpairs(tpl, "instance_attributes")}
                                              if tpl is not None else set())
    for p in info.required():
        if p.name not in given:
            yield Finding(ERROR, rid, p.name, f'required parameter "{p.name}" of {spec} is not defined')
    for nv in own:
        name = nv.get("name") or ""
        if name.startswith("$") or (stonith and name.startswith(FENCE_COMMON)):
            continue
        if info.param(name) is None:
            yield Finding(ERROR, rid, name, f'parameter "{name}" is not known to {spec}')
    for nv in _nvpairs(prim, "meta_attributes"):
        name = nv.get("name") or ""
        if name not in PRIMITIVE_META:
            yield Finding(WARNING, rid, name, f'unknown meta attribute "{name}"')
    for op in prim.iterfind("operations/op"):
        name = op.get("name", "")
        advice = info.action(name, op.get("role"))
        if advice is None:
            if not (stonith and name in ("start", "stop")):
                yield Finding(WARNING, rid, f"op {name}", f'{spec} has no action "{name}"')
            continue
        given_t = seconds(op.get("timeout")) if op.get("timeout") else op_default_timeout
        advised = advice.timeout_seconds
        if given_t is not None and advised is not None and given_t < advised:
            shown = op.get("timeout") or f"{given_t:g}s (op_defaults)"
            yield Finding(WARNING, rid, f"op {name} timeout",
                          f"timeout {shown} for {name} is shorter than the advised {advice.timeout}")


def _check_meta(el: etree._Element, allowed: frozenset[str]) -> Iterable[Finding]:
    for nv in _nvpairs(el, "meta_attributes"):
        name = nv.get("name") or ""
        if name not in allowed:
            yield Finding(WARNING, el.get("id"), name, f'unknown meta attribute "{name}"')


def _constraint_refs(con: etree._Element) -> Iterable[tuple[str, str]]:
    """(attribute, referenced resource id) pairs of one constraint."""
    for attr in ("rsc", "with-rsc", "first", "then"):
        if con.get(attr):
            yield attr, con.get(attr)
    for ref in con.iter("resource_ref"):
        yield "resource_set", ref.get("id", "")


def _check_constraints(conf: etree._Element, resources: dict[str, etree._Element],
                       tags: set[str], wanted: Callable[[str | None], bool]) -> Iterable[Finding]:
    for con in conf.iterfind("constraints/*"):
        cid = con.get("id")
        if not isinstance(con.tag, str) or not wanted(cid):
            continue
        for attr, ref in _constraint_refs(con):
            target = resources.get(ref)
            if target is None:
                if ref not in tags:
                    yield Finding(ERROR, cid, attr, f"resource {ref} does not exist")
                continue
            parent = target.getparent()
            if con.tag == "rsc_colocation" and parent is not None and parent.tag == "group":
                yield Finding(WARNING, cid, attr, f"{ref} is a member of group {parent.get('id')}; "
                              "constraints should apply to the group")


def _check_properties(conf: etree._Element, options: dict[str, Parameter] | None,
                      wanted: Callable[[str | None], bool]) -> Iterable[Finding]:
    if options is None:
        return
    for pset in conf.iterfind("crm_config/cluster_property_set"):
        sid = pset.get("id")
        if not wanted(sid):
            continue
        for nv in pset.iter("nvpair"):
            name, value = nv.get("name") or "", nv.get("value") or ""
            opt = options.get(name)
            if opt is None:
                if name not in INTERNAL_PROPERTIES:
                    yield Finding(WARNING, sid, name, f'unknown cluster property "{name}"')
                continue
            if opt.options and value not in opt.options:
                yield Finding(ERROR, sid, name, f'{name}="{value}" is not one of {", ".join(opt.options)}')
            elif opt.type == "boolean" and value.lower() not in (
                    "true", "false", "yes", "no", "on", "off", "y", "n", "1", "0"):
                yield Finding(ERROR, sid, name, f'{name}="{value}" is not a boolean (true or false)')


def _check_defaults(conf: etree._Element, wanted: Callable[[str | None], bool]) -> Iterable[Finding]:
    for el in conf.iterfind("rsc_defaults/meta_attributes"):
        if wanted(el.get("id")):
            for nv in el.iter("nvpair"):
                if nv.get("name") not in CLONE_META:
                    yield Finding(WARNING, el.get("id"), nv.get("name"), f'unknown resource default "{nv.get("name")}"')
    for el in conf.iterfind("op_defaults/meta_attributes"):
        if wanted(el.get("id")):
            for nv in el.iter("nvpair"):
                name = nv.get("name")
                if name not in OP_ATTRIBUTES:
                    yield Finding(WARNING, el.get("id"), name, f'unknown operation default "{name}"')


def check(root: etree._Element, lookup: AgentLookup, *, cluster_options: dict[str, Parameter] | None = None,
          changed_ids: set[str] | None = None) -> list[Finding]:
    """All semantic findings for ``root`` (a ``<cib>``); only objects in ``changed_ids`` if given."""
    conf = root.find("configuration")
    if conf is None:
        return [Finding(ERROR, None, None, "the CIB has no <configuration> section")]

    def wanted(ident: str | None) -> bool:
        return changed_ids is None or ident in changed_ids

    findings: list[Finding] = []
    templates = {t.get("id", ""): t for t in conf.iterfind("resources/template")}
    templates.update({t.get("id", ""): t for t in conf.iterfind("resources/rsc_template")})
    resources = {el.get("id", ""): el for tag in RESOURCE_TAGS for el in conf.iter(tag)}
    tags = {t.get("id", "") for t in conf.iterfind("tags/tag")}
    op_timeout = None
    for nv in conf.iterfind("op_defaults/meta_attributes/nvpair"):
        if nv.get("name") == "timeout":
            op_timeout = seconds(nv.get("value"))
    for el in conf.iter("primitive"):
        top = el
        while top.getparent() is not None and top.getparent().tag in ("group", "clone", "master", "bundle"):
            top = top.getparent()
        if wanted(el.get("id")) or wanted(top.get("id")):
            findings.extend(_check_primitive(el, templates, lookup, op_timeout))
    for tag, allowed in (("group", GROUP_META), ("clone", CLONE_META), ("master", CLONE_META),
                         ("bundle", PRIMITIVE_META)):
        for el in conf.iter(tag):
            if wanted(el.get("id")):
                findings.extend(_check_meta(el, allowed))
    findings.extend(_check_constraints(conf, resources, tags, wanted))
    findings.extend(_check_properties(conf, cluster_options, wanted))
    findings.extend(_check_defaults(conf, wanted))
    return findings
