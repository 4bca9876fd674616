"""verify: crm_verify + RelaxNG + our semantic checks on a whole pending CIB.

Call from the configure level's ``verify`` command and before every commit::

    findings = verify_cib(ctx.session.runner, pending_xml, changed_ids=ids_or_None)
    errors = [f for f in findings if f.is_error]      # block commit unless forced

Findings are ``clushell.cib.verify.Finding(severity, object_id, attribute, message)``.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import etree

from clushell.cib.verify import ERROR, WARNING, Finding, check
from clushell.errors import ClushError, ToolMissing
from clushell.pacemaker import ra
from clushell.pacemaker.cibadmin import BIG_CIB_TIMEOUT
from clushell.transport.base import Result, Runner

if TYPE_CHECKING:
    from clushell.pacemaker.ra import AgentInfo

__all__ = ["Finding", "SchemaFinding", "verify_cib", "relaxng_findings", "crm_verify_findings", "has_errors"]

SCHEMA_DIR = "/usr/share/pacemaker"
# crm_verify lines that say nothing about the configuration being checked
NOISE = ("Blind faith", "lack of quorum", "Errors found during check", "may provide more details",
         "CIB did not pass schema validation", "Warnings found during check")
_LOG_LINE = re.compile(r"^\((?P<fn>[^)]*)\)\s+(?P<level>error|warning|notice|info|crit):\s*(?P<msg>.*)$")
_RNG_LINE = re.compile(r"(Relax-NG validity error|validity error :)")
_schemas: dict[str, etree.RelaxNG] = {}


def has_errors(findings: list[Finding]) -> bool:
    return any(f.is_error for f in findings)


def _schema(validate_with: str) -> etree.RelaxNG | None:
    path = os.path.join(SCHEMA_DIR, f"{validate_with}.rng")
    if not re.fullmatch(r"[A-Za-z0-9._-]+", validate_with) or not os.path.exists(path):
        return None
    if path not in _schemas:
        _schemas[path] = etree.RelaxNG(file=path)
    return _schemas[path]


@dataclass(frozen=True)
class SchemaFinding(Finding):
    """What Pacemaker's schema refuses: cibadmin will not write it, forced or not."""

    schema: str = ""

    def __str__(self) -> str:
        return self.say()

    def say(self, note: str = "") -> str:
        """'error: OBJ: what (schema NAME[; note])'."""
        where = f"{self.severity}: {self.object_id or 'configuration'}: {self.message}"
        label = "crm_verify: the schema" if self.schema == "crm_verify" else f"schema {self.schema}"
        return f"{where} ({'; '.join(w for w in (label if self.schema else '', note) if w)})"


def relaxng_findings(root: etree._Element) -> list[Finding] | None:
    """Schema errors from Pacemaker's installed RelaxNG, one for the object at fault (libxml's
    cascade diagnosed by clushell.pacemaker.schemadiag); None if the schema is not installed here."""
    from clushell.pacemaker.schemadiag import diagnose

    name = root.get("validate-with", "")
    schema = _schema(name)
    if schema is None:
        return None
    found = diagnose(root, schema, name, SCHEMA_DIR)
    return [] if found is None else [SchemaFinding(ERROR, found.object_id, found.attribute, found.text, name)]


def crm_verify_findings(runner: Runner, xml: bytes, ids: set[str], *, skip_schema: bool,
                        schema_failed: bool = False) -> list[Finding]:
    """Run ``crm_verify -VV -p`` on the target with the CIB on stdin and turn its lines into findings."""
    return _crm_verify_lines(_run_crm_verify(runner, xml), lambda: ids, skip_schema=skip_schema,
                             schema_failed=schema_failed)


def _run_crm_verify(runner: Runner, xml: bytes) -> Result:
    return runner.run(["crm_verify", "-VV", "-p"], stdin=xml, timeout=BIG_CIB_TIMEOUT)


def _schema_trouble(res: Result) -> bool:
    """crm_verify found the CIB invalid against its schema (rc 78, or Relax-NG lines)."""
    return res.rc == 78 or any(_RNG_LINE.search(line) for line in res.err.splitlines())


def _crm_verify_lines(res: Result, ids: Callable[[], set[str]], *, skip_schema: bool,
                      schema_failed: bool = False, root: etree._Element | None = None) -> list[Finding]:
    found: list[Finding] = []
    rng_said = False
    for line in res.err.splitlines():
        line = line.strip()
        if not line or any(n in line for n in NOISE):
            continue
        if _RNG_LINE.search(line):
            # libxml's cascade: its first line is the innermost element, the rest repeat it upwards
            if not skip_schema and not rng_said:
                found.append(_rng_finding(line, ids, root))
                rng_said = True
            continue
        m = _LOG_LINE.match(line)
        if not m:
            continue
        level = m.group("level")
        if level not in ("error", "warning", "crit"):
            continue
        msg = m.group("msg")
        finding = Finding(WARNING if level == "warning" else ERROR, _mentioned_id(msg, ids()), None,
                          f"crm_verify: {msg}")
        if finding not in found:  # crm_verify says some things twice (a duplicate op)
            found.append(finding)
    # rc 78 with "Warnings found during check" (no quorum, unclean nodes): warnings, not a failure
    warnings_only = "Warnings found during check" in res.err
    if res.rc not in (0, 78) or (
        res.rc == 78 and not any(f.is_error for f in found) and not schema_failed and not warnings_only
    ):
        found.append(Finding(ERROR, None, None, f"crm_verify failed (rc {res.rc}): {res.first_error_line()}"))
    return found


class _Background:
    """A call run in a thread; ``result()`` waits for it and returns or raises what it did."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            self._value = fn(*args)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def join(self) -> None:
        """Wait until the call has ended (what it returned or raised is kept for result())."""
        self._thread.join()

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


_RNG_WHERE = re.compile(
    r"^(?:Entity: )?line (?P<line>\d+): element (?P<tag>[\w-]+): Relax-NG validity error ?: ?(?P<msg>.*)$")


def _rng_finding(line: str, ids: Callable[[], set[str]], root: etree._Element | None) -> Finding:
    """One crm_verify schema line as a finding on the object at that line of the CIB sent."""
    m = _RNG_WHERE.match(line)
    if m and root is not None:
        for el in root.iter(m.group("tag")):
            if el.sourceline == int(m.group("line")):
                tag = m.group("tag")
                while el.getparent() is not None and el.getparent().getparent() is not None \
                        and el.getparent().getparent().tag != "configuration":
                    el = el.getparent()  # up to the top-level object
                return SchemaFinding(ERROR, el.get("id"), None, f"{tag}: {m.group('msg')}", "crm_verify")
    msg = m.group("msg") if m else line
    return SchemaFinding(ERROR, _mentioned_id(line, ids()), None, msg, "crm_verify")


# words of crm_verify's prose that are not taken for an object of the same name ("is not a valid ...")
_PROSE = frozenset("a an and as at be by for from in is it no not of on or the to with".split())


def _mentioned_id(text: str, ids: set[str]) -> str | None:
    """The object a crm_verify line is about: a quoted id first, else the first id-like word."""
    for word in re.findall(r"""['"]([A-Za-z0-9_.:-]+)['"]""", text):
        if word in ids:
            return word
    for word in re.findall(r"[A-Za-z0-9_.:-]+", text.replace("'", " ").replace('"', " ")):
        if word in ids and word.lower() not in _PROSE:
            return word
    return None


def in_background(fn: Callable[..., Any], *args: Any) -> _Background:
    """``fn(*args)`` in a thread; ``.result()`` waits for it and returns or raises what it did."""
    return _Background(fn, *args)


def start_crm_verify(runner: Runner, pending_xml: bytes) -> _Background | None:
    """crm_verify on ``pending_xml``, started now in the background (the slowest part of a commit:
    the caller prepares the rest meanwhile); None on a remote target, where the calls stay one at
    a time over the one connection. Hand the job to :func:`verify_cib` (same ``pending_xml``)."""
    return _Background(_run_crm_verify, runner, pending_xml) if runner.where == "local" else None


def verify_cib(runner: Runner, pending_xml: bytes, *, changed_ids: set[str] | None = None,
               use_crm_verify: bool = True, job: _Background | None = None,
               released: Callable[[], None] | None = None) -> list[Finding]:
    """Everything wrong with ``pending_xml``: schema, crm_verify, semantic checks (errors first).

    ``job``: crm_verify already started on ``pending_xml`` by :func:`start_crm_verify`.
    ``released``: called once our own checks are done and their tree is dropped (parsed again
    only if crm_verify's answer needs it): the caller's work may take that memory meanwhile."""
    # crm_verify runs while our own checks do (started before the parse: it is the long pole)
    if job is None and use_crm_verify:
        job = start_crm_verify(runner, pending_xml)
    try:
        root = etree.fromstring(pending_xml, etree.XMLParser(huge_tree=True, remove_blank_text=False))
    except etree.XMLSyntaxError as exc:
        return [Finding(ERROR, None, None, f"the CIB is not well-formed XML: {exc}")]
    held = [root]

    def tree() -> etree._Element:
        if held[0] is None:
            held[0] = etree.fromstring(pending_xml, etree.XMLParser(huge_tree=True, remove_blank_text=False))
        return held[0]

    ids = functools.cache(lambda: {el.get("id") for el in tree().iterfind("configuration//*[@id]")})

    def lookup(spec: str) -> AgentInfo | None:
        try:
            return ra.metadata(runner, spec)
        except ra.UnknownAgent:
            return None

    try:
        options = ra.cluster_options(runner)
    except ClushError:
        options = None
    semantic = check(root, lookup, cluster_options=options, changed_ids=changed_ids)
    if released is not None:
        ids()  # (what crm_verify's lines are matched against: kept, without the tree)
        del root
        held[0] = None
        released()
    findings: list[Finding] = []
    if use_crm_verify:
        try:
            res = job.result() if job is not None else _run_crm_verify(runner, pending_xml)
        except ToolMissing as exc:
            findings = list(relaxng_findings(tree()) or [])
            findings.append(Finding(WARNING, None, None, f"{exc}; Pacemaker's own check was skipped"))
        else:
            # crm_verify validates against the same schema: ours runs only to name what is wrong
            schema = relaxng_findings(tree()) if _schema_trouble(res) else []
            findings = list(schema or [])
            findings += _crm_verify_lines(res, ids, skip_schema=schema is not None, schema_failed=has_errors(findings),
                                          root=tree() if _RNG_LINE.search(res.err) else None)
    else:
        findings = list(relaxng_findings(tree()) or [])
    findings += semantic
    findings = list(dict.fromkeys(findings))  # one line per problem ('params a=1 a=2': a is unknown once)
    findings.sort(key=lambda f: f.severity != ERROR)
    return findings
