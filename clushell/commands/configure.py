"""The configure level: crm configuration language statements, commit, verify.

Statements change the session's pending copy of the CIB (clushell.pacemaker.workspace);
``commit`` (or leaving the level in a script) writes them through cibadmin.
Standard library only at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.tree import Arg, Command, Kind, Level, command
from clushell.errors import ClushError
from clushell.session import LeaveReason, StateKey, settle

if TYPE_CHECKING:
    from clushell.context import Context


def _providers(ctx: Context):
    """OCF providers of an agent type, for the short ``primitive d Dummy`` form."""

    def lookup(agent: str) -> list[str]:
        try:
            from clushell.pacemaker import ra

            return ra.providers(ctx.session.runner, agent)
        except (ImportError, ClushError):
            return []

    return lookup


def run_statement(ctx: Context, name: str) -> None:
    """Apply the statement typed on this line to the pending CIB (all or nothing)."""
    from clushell.cib.build import apply_line
    from clushell.cib.lexer import Token
    from clushell.pacemaker.workspace import get_workspace

    ws = get_workspace(ctx)
    first = max(ctx.args_from - 1, 0)
    line = ctx.line
    toks = [Token(t.text, t.column, line[t.start : t.start + 1] in ("'", '"')) for t in ctx.tokens[first:]]
    if toks:
        toks[0] = Token(name, toks[0].col)
    for msg in apply_line(ws.pending, ctx.line, providers=_providers(ctx), tokens=toks):
        level, _, text = msg.partition(": ")
        (ctx.out.warn if level == "WARNING" else ctx.out.info)(text or msg)


_STATEMENTS: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "node",
        "Create a node or add attributes to one.",
        "[$id=ID|ID:] UNAME[:member|remote] [description=D] [attributes N=V...] [utilization N=V...]",
        (),
        ("node node1 attributes standby=off", "node 2: n2 utilization memory=1024"),
    ),
    (
        "primitive",
        "Define a primitive resource.",
        "ID [CLASS:[PROVIDER:]]TYPE|@TEMPLATE [description=D] [params N=V...] [meta N=V...] "
        "[utilization N=V...] [operations $id=ID] [op ACTION [ATTR=V...] [op_params N=V...] [op_meta N=V...]]...",
        (),
        (
            "primitive vip ocf:heartbeat:IPaddr2 params ip=10.0.0.1 op monitor interval=10s",
            "primitive d1 Dummy meta target-role=Stopped",
        ),
    ),
    (
        "rsc_template",
        "Define a resource template (primitives refer to it with @ID).",
        "ID [CLASS:[PROVIDER:]]TYPE [params ...] [meta ...] [op ...]",
        (),
        ("rsc_template web-tpl apache op monitor interval=30s",),
    ),
    (
        "group",
        "Group primitives: started in order, kept on one node.",
        "ID RSC... [description=D] [meta N=V...] [params N=V...]",
        (),
        ("group web vip apache meta target-role=Started",),
    ),
    (
        "clone",
        "Run a resource on several nodes (meta promotable=true for promotable clones).",
        "ID RSC [description=D] [meta N=V...] [params N=V...]",
        (),
        ("clone ping-clone ping meta interleave=true",),
    ),
    (
        "ms",
        "Define a legacy master/slave resource (deprecated: clone with promotable=true).",
        "ID RSC [meta N=V...] [params N=V...]",
        (),
        ("ms db-ms db meta notify=true",),
    ),
    (
        "location",
        "Prefer or avoid nodes for a resource (score and node, or rules).",
        "ID RSC|/REGEX/|{ RSC... } [role=ROLE] [resource-discovery=always|never|exclusive] "
        "(SCORE: NODE | rule [$role=ROLE] [SCORE:] EXPRESSION [and|or EXPRESSION]...)",
        (),
        ("location l1 vip 100: node1", "location l2 app rule -inf: not_defined pingd or pingd lte 0"),
    ),
    (
        "colocation",
        "Keep resources together (positive score) or apart (negative).",
        "ID SCORE: RSC[:ROLE] WITH-RSC[:ROLE] | ID SCORE: RSC... ( RSC... ) [ RSC... ] [node-attribute=A]",
        ("collocation",),
        ("colocation c1 inf: app db:Promoted", "colocation c2 inf: a ( b c ) d"),
    ),
    (
        "order",
        "Order actions on resources.",
        "ID [Mandatory|Optional|Serialize|SCORE:] FIRST[:ACTION] THEN[:ACTION] [RSC...] [symmetrical=BOOL]",
        (),
        ("order o1 Mandatory: db app", "order o2 Optional: a:start b:promote"),
    ),
    (
        "rsc_ticket",
        "Make resources depend on a ticket.",
        "ID TICKET: RSC[:ROLE]... [loss-policy=stop|demote|fence|freeze]",
        (),
        ("rsc_ticket t1 ticketA: db loss-policy=stop",),
    ),
    (
        "property",
        "Set cluster properties (cib-bootstrap-options or a named set).",
        "[SETID:|$id=SETID] [rule ...] NAME=VALUE...",
        (),
        ("property stonith-enabled=false no-quorum-policy=stop",),
    ),
    (
        "rsc_defaults",
        "Set resource meta attribute defaults.",
        "[SETID:|$id=SETID] [rule ...] NAME=VALUE...",
        (),
        ("rsc_defaults resource-stickiness=100",),
    ),
    (
        "op_defaults",
        "Set operation defaults.",
        "[SETID:|$id=SETID] [rule ...] NAME=VALUE...",
        (),
        ("op_defaults timeout=60s",),
    ),
    (
        "fencing_topology",
        "Define fencing levels (per node, attribute or pattern).",
        "[TARGET:] DEV[,DEV...]... [TARGET: DEV...]...",
        ("fencing-topology",),
        ("fencing_topology node1: ipmi1 node2: ipmi2", "fencing_topology f1 f2"),
    ),
    ("tag", "Tag objects to refer to them together.", "ID[:] OBJ...", (), ("tag web vip apache",)),
    (
        "monitor",
        "Add a monitor operation to a primitive.",
        "RSC[:ROLE] INTERVAL[:TIMEOUT]",
        (),
        ("monitor vip 30s:20s",),
    ),
    (
        "xml",
        "Add a configuration object given as raw XML.",
        "<ELEMENT ...>",
        (),
        ("xml <primitive id=\"d9\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>",),
    ),
]


_LONG = {
    "node": "An existing node (by uname or id) gets the attributes merged in; a new one is created. "
    "The first attribute list needs no 'attributes' keyword.",
    "primitive": "A bare TYPE means ocf with the provider found by crm_resource (heartbeat first). "
    "The first attribute list needs no 'params' keyword. Op attributes known to Pacemaker "
    "(interval, timeout, role, on-fail, ...) go on the op, others become op instance attributes; "
    "an op without interval gets interval=0. Ids are generated as crmsh does (vip-monitor-10s).",
    "rsc_template": "Same syntax as primitive; primitives use it with '@ID' instead of an agent.",
    "group": "Members must be existing primitives that are not in another group or clone; they move "
    "into the group in the order given. Constraints on the members are moved to the group.",
    "clone": "Without 'meta', attributes after the child become instance attributes (crmsh does the same); "
    "use 'meta promotable=true' for a promotable clone. A clone of a clone is refused.",
    "ms": "Kept for old configurations; the XML is <master>.",
    "location": "Scores: integers, inf, -inf, +inf, mandatory, advisory. Rules combine expressions with "
    "and/or (not both): ATTR [string:|number:|version:]lt|gt|lte|gte|eq|ne VALUE, defined/not_defined "
    "ATTR, date lt|gt DATE, date in start=.. end=..|DURATION, date spec KEY=V...",
    "colocation": "Two resources give the simple form (the first is placed relative to the second); "
    "more, or brackets, give resource sets: ( ) for sequential=false, [ ] also require-all=false.",
    "order": "Mandatory/Optional/Serialize set the kind; a score sets Mandatory (Optional for 0). "
    "More than two resources or brackets give resource sets, split where the action changes.",
    "rsc_ticket": "One resource gives rsc=, several give resource sets split by role.",
    "property": "Existing values are updated in place; new names are added to the set "
    "(cib-bootstrap-options unless a set id is given). no-quorum-policy must be stop, freeze, ignore, "
    "demote or suicide. Without arguments, lists the cluster options.",
    "rsc_defaults": "Values go into the rsc-options set unless a set id is given.",
    "op_defaults": "Values go into the op-options set unless a set id is given.",
    "fencing_topology": "Without targets the levels apply to every node. Targets: NODE:, attr:NAME=VALUE, "
    "pattern:REGEX. Each DEV[,DEV] word is one level.",
    "tag": "Every object must exist.",
    "monitor": "The op id is RSC-monitor-INTERVAL (with -0, -1, ... if taken).",
    "xml": "The element goes to the section its tag belongs to; missing ids are generated. "
    "Quote the XML as one word, or type it unquoted.",
}


def _statement_command(name: str, help_: str, usage: str, aliases: tuple[str, ...], examples: tuple[str, ...]):
    def handler(ctx: Context, args: list[str]) -> None:
        if name == "property" and not args:
            _list_properties(ctx)
            return
        run_statement(ctx, name)

    return Command(
        name=name,
        help=help_,
        handler=handler,
        args=(Arg("statement", Kind.CONFIG, "the rest of the statement", optional=True, repeat=True),),
        aliases=aliases,
        long_help=f"{_LONG.get(name, '')} The change stays pending until commit.".strip(),
        examples=examples,
        usage=usage,
        raw=True,
    )


def _list_properties(ctx: Context) -> None:
    try:
        from clushell.pacemaker import ra

        names = sorted(ra.cluster_options(ctx.session.runner))
    except (ImportError, ClushError) as exc:
        raise ClushError(f"cannot list cluster properties: {exc}") from None
    ctx.out.print("\n".join(names))


@command(
    "commit",
    "Verify and write the pending changes to the CIB.",
    Arg("option", Kind.KEYWORD, "force: commit despite verify errors; replace: replace the whole configuration",
        optional=True, repeat=True, choices=("force", "replace")),
    examples=("commit", "commit force"),
)
def do_commit(ctx: Context, args: list[str]) -> None:
    """Runs crm_verify on the new configuration (refused on errors unless force), then patches the CIB."""
    from clushell.pacemaker.workspace import get_workspace

    bad = [a for a in args if a not in ("force", "replace")]
    if bad:
        raise ClushError(f"'{bad[0]}' is not one of force, replace", token=bad[0])
    ctx.session.check_may_commit()
    ws = get_workspace(ctx)
    ws.commit(ctx, force="force" in args, replace="replace" in args)


@command("verify", "Check the pending configuration with crm_verify.")
def do_verify(ctx: Context, args: list[str]) -> None:
    """Prints crm_verify's findings for the pending configuration; fails on errors."""
    from clushell.pacemaker.workspace import get_workspace, report_findings

    ws = get_workspace(ctx)
    if not report_findings(ctx, ws.pending.to_xml(pretty=False)):
        raise ClushError("the configuration has errors")


def _enter(ctx: Context) -> None:
    from clushell.pacemaker.workspace import get_workspace

    ws = ctx.session.get_state(StateKey.CONFIGURE)
    if ws is not None and not ws.has_pending():
        ws.reload(ctx.session.runner)  # pick up changes made by others since last time
    else:
        get_workspace(ctx)


def _leave(ctx: Context, reason: LeaveReason) -> None:
    settle(ctx, StateKey.CONFIGURE, reason)


def _view_commands() -> list[Command]:
    try:
        from clushell.commands.configure_view import COMMANDS
    except ImportError:
        return []
    return list(COMMANDS)


COMMANDS: list[Command] = [_statement_command(*spec) for spec in _STATEMENTS] + [do_commit, do_verify]

LEVEL = Level(
    "configure",
    "Edit the cluster configuration (CIB) in the crm language; commit to apply.",
    commands=COMMANDS + _view_commands(),
    aliases=("cfg",),
    long_help=(
        "Loads the CIB when entered. Object statements (primitive, group, location, ...) change a pending "
        "copy; commit verifies it with crm_verify and writes the difference with cibadmin. Leaving the level "
        "in a script commits, unless a command failed; interactively you are asked."
    ),
    enter=_enter,
    leave=_leave,
    stateful=True,
)
