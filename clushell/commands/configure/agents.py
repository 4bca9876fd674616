"""`primitive ID AGENT`: an agent the target does not have is refused as typed, with "did you mean".

crm says at once that an agent has no metadata; clush does too, when the target can tell
(its agent lists answer). When it cannot (tools missing, no connection), the statement is
accepted and crm_verify judges it at commit.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from clushell.errors import ClushError

if TYPE_CHECKING:
    from clushell.cib.lexer import Token
    from clushell.transport.base import Runner

#: statements whose third word names a resource agent
AGENT_STATEMENTS = ("primitive", "rsc_template")
#: every resource class Pacemaker knows; a host lists only those it can run
PACEMAKER_CLASSES = ("ocf", "lsb", "service", "systemd", "stonith", "nagios", "upstart")


def check_agent(runner: Runner, statement: str, tokens: list[Token]) -> None:
    """Raise ClushError (naming the agent token) when the target knows the agent does not exist."""
    if statement not in AGENT_STATEMENTS or len(tokens) < 3:
        return
    tok = tokens[2]
    spec = tok.text
    if tok.quoted or spec.startswith("@") or "=" in spec:
        return
    problem = agent_problem(runner, spec)
    if problem:
        raise ClushError(problem, token=spec)


def _hint(word: str, known: list[str], fmt: str = "{}") -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f" (did you mean {fmt.format(close[0])}?)" if close else ""


def agent_problem(runner: Runner, spec: str) -> str | None:
    """Why ``spec`` names no agent on the target, or None (also when the target cannot tell)."""
    from clushell.pacemaker import ra

    parts = spec.split(":")
    if len(parts) > 3 or not all(parts):
        return None  # malformed: the statement parser says so
    cls = parts[0] if len(parts) > 1 else "ocf"
    provider = parts[1] if len(parts) == 3 else None
    typ = parts[-1]
    known: list[str] = []
    try:
        classes = ra.classes(runner)
        if cls not in classes:
            if cls in PACEMAKER_CLASSES:
                return None  # a standard this host lacks (systemd in a container): the commit's crm_verify decides
            return f"unknown resource agent class '{cls}'{_hint(cls, sorted({*classes, *PACEMAKER_CLASSES}))}"
        if provider is not None:
            providers = ra.providers(runner)
            if providers and provider not in providers:
                return f"unknown OCF provider '{provider}' in {spec}{_hint(provider, providers, f'ocf:{{}}:{typ}')}"
        known = ra.agents(runner, cls, provider)
        if not known or typ in known:
            return None
        ra.metadata(runner, spec)  # the list may be older than the agent: ask for the agent itself
        return None
    except ra.UnknownAgent:
        prefix = f"{cls}:{provider}:" if provider else (f"{cls}:" if len(parts) > 1 else "")
        return f"unknown resource agent {spec}: the target has no metadata for it{_hint(typ, known, prefix + '{}')}"
    except ClushError:
        return None  # the target cannot tell now: crm_verify judges at commit
