"""Root commands ``status`` (crm_mon, rendered) and ``simulate`` (crm_simulate what-if)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clushell.commands.tree import Arg, Kind, command
from clushell.errors import ClushError, UsageError

if TYPE_CHECKING:
    from clushell.context import Context

STATUS_WORDS = ("full", "bynode", "inactive", "ops", "failcounts", "tickets", "xml", "json")


@command(
    "status",
    "Show the cluster status: nodes, resources, failures (crm_mon).",
    Arg("view", Kind.KEYWORD, "what to add or the output format", optional=True, repeat=True,
        choices=STATUS_WORDS),
    long_help=(
        "Summary (stack, DC, quorum, last change), nodes (online, standby, maintenance,\n"
        "OFFLINE, UNCLEAN), resources as groups/clones/promotable clones with role and node,\n"
        "inactive resources, failed actions and tickets.\n"
        "  bynode      resources listed under the node running them\n"
        "  ops         operation history per node\n"
        "  failcounts  fail counts per resource and node\n"
        "  tickets     tickets (always shown when any exist)\n"
        "  full        all of the above plus node attributes and move/ban constraints\n"
        "  inactive    accepted for crmsh compatibility (inactive resources are always listed)\n"
        "  xml         crm_mon's XML as Pacemaker prints it\n"
        "  json        a stable JSON document: {summary: {stack, dc, dc_version, quorum,\n"
        "              last_update, last_change: {time, user, client, origin}, nodes_configured,\n"
        "              resources_configured, options}, nodes: [{name, id, type, state, online,\n"
        "              standby, maintenance, unclean, is_dc, resources_running, attributes}],\n"
        "              resources: [{id, kind: primitive|group|clone|bundle, agent, role, nodes,\n"
        "              managed, failed, children...}], failures, failcounts, bans, tickets, fencing}\n"
        "On a sandbox CIB file the status section of the file is shown."
    ),
    examples=("status", "status bynode failcounts", "status json"),
)
def do_status(ctx: Context, args: list[str]) -> None:
    from clushell.pacemaker import mon

    for word in args:
        if word not in STATUS_WORDS:
            raise UsageError(f"'{word}' is not one of {', '.join(STATUS_WORDS)}", token=word)
    formats = [w for w in args if w in ("xml", "json")]
    if len(formats) > 1:
        raise UsageError("choose one of xml or json", token=formats[1])
    text = mon.fetch_xml(ctx.session.runner)
    if formats == ["xml"]:
        ctx.out.print(text.rstrip("\n"))
        return
    st = mon.parse(text)
    if formats == ["json"]:
        import json

        ctx.out.print(json.dumps(st.to_json(), indent=2))
        return
    from clushell.pacemaker import status_text

    status_text.show(ctx.out, st, status_text.ViewOptions.from_words(args))


SIM_WORDS = ("scores", "utilization", "apply", "up", "down", "fail")


def _parse_sim_args(args: list[str]) -> tuple[list[str], set[str]]:
    """Turn `down node2 up node3 scores` into crm_simulate options and flags."""
    extra: list[str] = []
    flags: set[str] = set()
    i = 0
    while i < len(args):
        word = args[i]
        if word in ("scores", "utilization", "apply"):
            flags.add(word)
        elif word in ("up", "down", "fail"):
            if i + 1 >= len(args):
                raise UsageError(f"'{word}' needs a node name", token=word)
            extra += [{"up": "-u", "down": "-d", "fail": "-f"}[word], args[i + 1]]
            flags.add("events")
            i += 1
        else:
            raise UsageError(f"'{word}' is not one of {', '.join(SIM_WORDS)}", token=word)
        i += 1
    return extra, flags


@command(
    "simulate",
    "What would the cluster do now, or if nodes went down/up/failed (crm_simulate).",
    Arg("what", Kind.TEXT, "scores | utilization | apply | up NODE | down NODE | fail NODE",
        optional=True, repeat=True),
    long_help=(
        "Runs the scheduler on the current CIB (live cluster or sandbox file) without\n"
        "touching any cluster, and prints the actions it would take and where each\n"
        "resource would end up.\n"
        "  down NODE / up NODE / fail NODE   pretend a node left, joined or failed\n"
        "  scores        also print the allocation scores\n"
        "  utilization   also print utilization information\n"
        "  apply         sandbox only: carry the transition out on the file\n"
        "Try it on the demo: 'node standby node1' then 'simulate', or 'simulate down node1'."
    ),
    examples=("simulate", "simulate down node1", "simulate scores"),
)
def do_simulate(ctx: Context, args: list[str]) -> None:
    from clushell.pacemaker import simulate

    extra, flags = _parse_sim_args(args)
    target = ctx.session.target
    runner = ctx.session.runner
    if "apply" in flags:
        if not target.is_file:
            raise ClushError("simulate apply works on a sandbox CIB file only; the live cluster acts by itself")
        if "events" in flags:
            raise UsageError("apply cannot be combined with up/down/fail (they are not real events)")
    result = simulate.run(runner, target.cib_file, extra, scores="scores" in flags,
                          utilization="utilization" in flags, apply="apply" in flags)
    ctx.out.page(simulate.render(result))


ROOT_COMMANDS = [do_status, do_simulate]
