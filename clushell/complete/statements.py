"""Completion inside configure-language statements (primitive, group, location, property...).

Pure: walks the words already typed after the statement name and asks the source
for ids, agents, parameters and properties. Follows what crmsh completes (crmsh-language
reference, section 6) and adds descriptions. Statement names and aliases come from the one
table, ``clushell.cib.statements``; this module only knows how each statement continues.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from clushell.cib import statements as table
from clushell.complete.base import ArgContext, Candidate
from clushell.complete.engine import ORDER_KINDS, SCORES, agent_candidates

if TYPE_CHECKING:
    from clushell.lineparse import Token
    from clushell.pacemaker.ra import AgentInfo, Parameter

#: Pacemaker resource meta attributes (name, description)
RESOURCE_META = (
    ("target-role", "state the cluster keeps the resource in: Started, Stopped, Promoted, Unpromoted"),
    ("is-managed", "false: the cluster neither starts nor stops the resource"),
    ("maintenance", "true: monitor nothing and change nothing for this resource"),
    ("priority", "resources with higher priority are placed first"),
    ("resource-stickiness", "how much the resource prefers to stay where it is"),
    ("migration-threshold", "failures on a node before the resource is moved away"),
    ("failure-timeout", "time after which failures are forgotten"),
    ("multiple-active", "what to do when active on several nodes: block, stop_only, stop_start, stop_unexpected"),
    ("allow-migrate", "live-migrate instead of stop/start when moving"),
    ("requires", "what must hold before starting: nothing, quorum, fencing, unfencing"),
    ("critical", "colocation dependencies on this resource are optional when false"),
    ("allow-unhealthy-nodes", "stay on nodes with bad health attributes"),
    ("container-attribute-target", "where node attributes of a bundle member are looked up"),
    ("remote-node", "name of the guest node this resource provides"),
    ("description", "free text"),
)
CLONE_META = (
    ("clone-max", "how many instances to run"),
    ("clone-node-max", "instances per node"),
    ("clone-min", "instances needed before dependants may start"),
    ("notify", "send pre/post notifications to every instance"),
    ("globally-unique", "instances are different from each other"),
    ("ordered", "start instances one after another"),
    ("interleave", "depend on the local instance of another clone only"),
    ("promotable", "instances may be promoted"),
    ("promoted-max", "how many instances may be promoted"),
    ("promoted-node-max", "promoted instances per node"),
)
META_VALUES = {
    "target-role": ("Started", "Stopped", "Promoted", "Unpromoted"),
    "is-managed": ("true", "false"), "maintenance": ("true", "false"), "allow-migrate": ("true", "false"),
    "multiple-active": ("block", "stop_only", "stop_start", "stop_unexpected"),
    "requires": ("nothing", "quorum", "fencing", "unfencing"), "critical": ("true", "false"),
    "notify": ("true", "false"), "globally-unique": ("true", "false"), "ordered": ("true", "false"),
    "interleave": ("true", "false"), "promotable": ("true", "false"),
}
OP_ATTRS = (
    ("interval", "how often (0 for start/stop)"), ("timeout", "how long before the action fails"),
    ("on-fail", "ignore, block, stop, restart, standby, fence, demote"),
    ("role", "run the monitor in this role only"), ("start-delay", "wait before the first run"),
    ("record-pending", "show the action while it runs"), ("enabled", "false disables the operation"),
    ("interval-origin", "time the intervals are counted from"), ("description", "free text"),
)
ACTIONS = ("start", "stop", "monitor", "promote", "demote", "reload", "reload-agent", "migrate_to",
           "migrate_from", "notify", "meta-data", "validate-all")
ROLES = ("Started", "Stopped", "Promoted", "Unpromoted")
ORDER_ACTIONS = ("start", "stop", "promote", "demote")
PRIMITIVE_SECTIONS = (("params", "agent parameters"), ("meta", "meta attributes"),
                      ("utilization", "resource utilization"), ("op", "an operation"))
SIMPLE = ("group", "clone", "ms", "bundle", "tag")


def config_candidates(ctx: ArgContext) -> list[Candidate]:
    """What may follow in the statement the command starts (by the statement's name in the table)."""
    stmt = table.find(ctx.command.name)
    fn = _STATEMENTS.get(stmt.name) if stmt is not None else None
    return fn(ctx) if fn is not None else []


def _nv_given(words: list[str]) -> set[str]:
    return {w.split("=", 1)[0] for w in words if "=" in w}


def _names_eq(items, given: set[str]) -> list[Candidate]:
    return [Candidate(f"{n}=", d) for n, d in items if n not in given]


def _value(ctx: ArgContext, values: dict[str, tuple[str, ...]]) -> list[Candidate] | None:
    """Values after 'name=' for known names; None when the cursor is not after '='."""
    if "=" not in ctx.current:
        return None
    key = ctx.current.split("=", 1)[0]
    return [Candidate(f"{key}={v}", "") for v in values.get(key, ())]


def selector_candidates(ctx: ArgContext) -> list[Candidate]:
    """show/edit/delete selectors: ids, xml, changed, type:T, tag:T, related:ID."""
    cur = ctx.current
    if cur.startswith("type:"):
        return [Candidate(f"type:{t}", "objects of this type") for t in OBJECT_TYPES]
    if cur.startswith("tag:"):
        return [Candidate(f"tag:{c.text}", c.meta) for c in ctx.ids_at_cursor("tag", cur[4:])]
    if cur.startswith("related:"):
        return [Candidate(f"related:{c.text}", c.meta) for c in ctx.ids_at_cursor("object", cur[8:])]
    out = ctx.ids_at_cursor("object")  # only what the engine keeps: a big CIB has many ids
    out += [Candidate("xml", "show as XML"), Candidate("changed", "objects with pending changes"),
            Candidate("type:", "objects of a type"), Candidate("tag:", "objects with a tag"),
            Candidate("related:", "an object and the constraints that refer to it")]
    if not ctx.args:
        return out
    given = set(ctx.args)
    return [c for c in out if c.text not in given]


OBJECT_TYPES = ("node", "primitive", "group", "clone", "ms", "bundle", "rsc_template", "location",
                "colocation", "order", "rsc_ticket", "property", "rsc_defaults", "op_defaults", "tag",
                "fencing_topology", "alert", "acl")


# -- primitive -------------------------------------------------------------------------------
def _primitive(ctx: ArgContext) -> list[Candidate]:
    args = ctx.args
    if not args:
        return []  # a new id
    if len(args) == 1:
        return agent_candidates(ctx, ctx.current, templates=True)
    spec = args[1]
    info = None if spec.startswith("@") else _agent_info(ctx, spec)
    return _attribute_sections(ctx, args[2:], info, PRIMITIVE_SECTIONS, RESOURCE_META)


def _agent_info(ctx: ArgContext, spec: str) -> AgentInfo | None:
    return ctx.ra_info(spec)


def _attribute_sections(ctx: ArgContext, rest: list[str], info: AgentInfo | None,
                        sections: tuple[tuple[str, str], ...], meta: tuple[tuple[str, str], ...]) -> list[Candidate]:
    """params/meta/utilization/op sections of a resource statement."""
    section, start = "", 0
    for i, w in enumerate(rest):
        if w in ("params", "meta", "utilization", "op"):
            section, start = w, i + 1
    words = rest[start:]
    keywords = [Candidate(k, d) for k, d in sections]
    if section == "op":
        return _op(ctx, words, info, keywords)
    if section == "params":
        params = info.parameters if info else ()
        if "=" in ctx.current:
            key = ctx.current.split("=", 1)[0]
            p = next((p for p in params if p.name == key), None)
            vals = list(p.options) if p and p.options else (["true", "false"] if p and p.type == "boolean" else [])
            if p and p.default and p.default not in vals:
                vals.append(p.default)
            return [Candidate(f"{key}={v}", "default" if p and v == p.default else "") for v in vals]
        given = _nv_given(words)
        return [Candidate(f"{p.name}=", param_meta(p)) for p in params if p.name not in given
                and not p.deprecated] + keywords
    if section == "meta":
        vals = _value(ctx, META_VALUES)
        if vals is not None:
            return vals
        return _names_eq(meta, _nv_given(words)) + keywords
    if section == "utilization":
        return [] if "=" in ctx.current else keywords
    return keywords


def param_meta(p: Parameter) -> str:
    bits = [p.shortdesc.rstrip(".")] if p.shortdesc else []
    if p.required:
        bits.append("required")
    if p.default not in (None, ""):
        bits.append(f"default {p.default}")
    return "; ".join(bits)


def _op(ctx: ArgContext, words: list[str], info: AgentInfo | None, keywords: list[Candidate]) -> list[Candidate]:
    if not words:
        names = [a.name for a in info.actions] if info and info.actions else list(ACTIONS)
        return [Candidate(n, "operation") for n in dict.fromkeys(names)]
    action = words[0]
    given = _nv_given(words[1:])
    if "=" in ctx.current:
        key = ctx.current.split("=", 1)[0]
        if key == "role":
            return [Candidate(f"role={r}", "") for r in ROLES]
        if key == "on-fail":
            return [Candidate(f"on-fail={v}", "") for v in ("ignore", "block", "stop", "restart", "standby",
                                                           "fence", "demote")]
        return []
    out: list[Candidate] = []
    advised = info.action(action) if info is not None else None
    if advised is not None:
        for key, val in (("interval", advised.interval), ("timeout", advised.timeout), ("depth", advised.depth)):
            if val is not None and key not in given:
                out.append(Candidate(f"{key}={val}", "advised by the agent"))
                given = given | {key}
    if advised is None and action == "monitor":
        out += [Candidate(n, "") for n in ("interval=", "timeout=") if n[:-1] not in given]
    out += _names_eq(OP_ATTRS, given)
    return out + keywords


# -- containers --------------------------------------------------------------------------------
def _group(ctx: ArgContext) -> list[Candidate]:
    if not ctx.args:
        return []
    members = ctx.args[1:]
    if any(w in ("meta", "params") for w in members):
        return _attribute_sections(ctx, members, None, (("meta", "meta attributes"), ("params", "parameters")),
                                   RESOURCE_META)
    given = set(members)
    free = [c for c in ctx.ids("free") if c.text not in given]
    return free + [Candidate("meta", "meta attributes"), Candidate("params", "parameters")]


def _clone(ctx: ArgContext) -> list[Candidate]:
    if not ctx.args:
        return []
    if len(ctx.args) == 1:
        return ctx.ids("top")
    return _attribute_sections(ctx, ctx.args[2:], None, (("meta", "meta attributes"), ("params", "parameters")),
                               CLONE_META + RESOURCE_META)


# -- constraints -------------------------------------------------------------------------------
def _rsc_role(ctx: ArgContext, suffixes: tuple[str, ...], what: str) -> list[Candidate] | None:
    """After 'rsc:' complete roles or actions of that resource."""
    rsc, colon, _ = ctx.current.partition(":")
    if not colon or not rsc:
        return None
    return [Candidate(f"{rsc}:{s}", what) for s in suffixes]


def _location(ctx: ArgContext) -> list[Candidate]:
    n = len(ctx.args)
    if n == 0:
        return []
    if n == 1:
        return ctx.ids("resource")
    if n == 2:
        return [Candidate(s, d) for s, d in SCORES] + [Candidate("100:", "a preference"),
                                                      Candidate("rule", "place by a rule")]
    if "rule" in ctx.args:
        return _rule(ctx)
    if n == 3:
        return ctx.ids("node")
    return [Candidate("role=", "in this role only"), Candidate("resource-discovery=", "always, never, exclusive")]


def _rule(ctx: ArgContext) -> list[Candidate]:
    last = ctx.args[-1]
    if last == "rule":
        return [Candidate(s, d) for s, d in SCORES] + [Candidate("$role=", "in this role only")]
    if last in ("defined", "not_defined") or last.endswith(":"):
        return [Candidate("#uname", "node name"), Candidate("#id", "node id")]
    if last in ("eq", "ne", "lt", "lte", "gt", "gte"):
        return ctx.ids("node") if ctx.args[-2] == "#uname" else []
    return [Candidate(w, "") for w in ("defined", "not_defined", "#uname", "and", "or", "eq", "ne", "lt", "gt",
                                       "date")]


def _colocation(ctx: ArgContext) -> list[Candidate]:
    n = len(ctx.args)
    if n == 0:
        return []
    if n == 1:
        return [Candidate(s, d) for s, d in SCORES]
    roles = _rsc_role(ctx, ROLES, "role")
    if roles is not None:
        return roles
    return _resources_not_given(ctx) + [Candidate("node-attribute=", "colocate by this node attribute")]


def _order(ctx: ArgContext) -> list[Candidate]:
    n = len(ctx.args)
    if n == 0:
        return []
    if n == 1:
        return [Candidate(s, d) for s, d in ORDER_KINDS] + [Candidate(s, d) for s, d in SCORES[:1]] + \
            _resources_not_given(ctx)
    actions = _rsc_role(ctx, ORDER_ACTIONS, "action")
    if actions is not None:
        return actions
    return _resources_not_given(ctx) + [Candidate("symmetrical=", "undo in reverse order (true/false)")]


def _ticket(ctx: ArgContext) -> list[Candidate]:
    if len(ctx.args) < 2:
        return []
    roles = _rsc_role(ctx, ROLES, "role")
    if roles is not None:
        return roles
    return _resources_not_given(ctx) + [Candidate("loss-policy=", "stop, demote, fence, freeze")]


def _resources_not_given(ctx: ArgContext) -> list[Candidate]:
    given = {a.split(":", 1)[0] for a in ctx.args}
    return [c for c in ctx.ids("resource") if c.text not in given]


# -- properties and defaults -------------------------------------------------------------------
def _property(ctx: ArgContext) -> list[Candidate]:
    given = _nv_given(ctx.args)
    if "=" in ctx.current:
        key = ctx.current.split("=", 1)[0]
        return [Candidate(f"{key}={v}", d) for v, d in ctx.live(lambda s: s.property_values(key), [])]
    return [c for c in ctx.live(lambda s: s.properties(), []) if c.text[:-1] not in given]


def _rsc_defaults(ctx: ArgContext) -> list[Candidate]:
    vals = _value(ctx, META_VALUES)
    return vals if vals is not None else _names_eq(RESOURCE_META, _nv_given(ctx.args))


def _op_defaults(ctx: ArgContext) -> list[Candidate]:
    return [] if "=" in ctx.current else _names_eq(OP_ATTRS, _nv_given(ctx.args))


def _tag(ctx: ArgContext) -> list[Candidate]:
    if not ctx.args:
        return []
    given = set(ctx.args)
    return [c for c in ctx.ids("resource") if c.text not in given]


def _fencing(ctx: ArgContext) -> list[Candidate]:
    return [Candidate(f"{c.text}:", "fencing target node") for c in ctx.ids("node")] + ctx.ids("stonith")


def _node(ctx: ArgContext) -> list[Candidate]:
    if not ctx.args:
        return ctx.ids("node")
    return [] if "=" in ctx.current else [Candidate("attributes", "node attributes"),
                                          Candidate("utilization", "node utilization")]


def _monitor(ctx: ArgContext) -> list[Candidate]:
    return ctx.ids("primitive") if not ctx.args else []


#: how each statement of the table continues (keyed by the statement's name; aliases resolve via the table)
_STATEMENTS: dict[str, Callable[[ArgContext], list[Candidate]]] = {
    "primitive": _primitive, "rsc_template": _primitive, "group": _group, "clone": _clone, "ms": _clone,
    "location": _location, "colocation": _colocation, "order": _order, "rsc_ticket": _ticket,
    "property": _property, "rsc_defaults": _rsc_defaults, "op_defaults": _op_defaults, "tag": _tag,
    "fencing_topology": _fencing, "monitor": _monitor, "node": _node,
}


#: statements whose words after the new id name existing resources (up to meta/params)
_MEMBER_LISTS = ("group", "clone", "ms", "tag")


def references(statement: str, tokens: list[Token]) -> list[Token]:
    """Tokens of a configure statement (after its name) that must name existing resources.

    The REPL's lexer marks those that do not exist before Enter (the inline check).
    """
    stmt = table.find(statement)
    name = stmt.name if stmt is not None else statement
    words = [t for t in tokens if "=" not in t.text and t.text not in ("(", ")", "[", "]")]
    if name in _MEMBER_LISTS:
        out = []
        for tok in words[1:]:
            if tok.text in ("meta", "params"):
                break
            out.append(tok)
        return out
    if name == "location":
        return words[1:2]
    if name in ("colocation", "order"):
        return [t for t in words[2:] if not t.text.endswith(":")]
    return []
