"""Apply parsed statements to a CibModel: check references, assign ids, insert XML.

Every statement first checks everything it depends on, then mutates the model through
a :class:`Journal`; if anything fails later (e.g. a later statement of a ``load``), the
journal rolls every change back, so callers see all-or-nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterable, Iterator

from lxml import etree

from clushell.cib import build_misc, build_more, nodesets, parse_acl, parse_alert, parse_bundle, statements
from clushell.cib import constraints as cons
from clushell.cib import parse as P
from clushell.cib import parse_resources as PR
from clushell.cib.build_misc import existing_resource as _resource
from clushell.cib.build_misc import kind_name as _kind_name
from clushell.cib.ids import IdGen
from clushell.cib.journal import Journal
from clushell.cib.lexer import Statement, Token, split_statements, tokenize
from clushell.cib.model import CONTAINER_TAGS, CibModel, is_element
from clushell.cib.problems import Problem
from clushell.errors import ClushError

Providers = Callable[[str], list[str]]

# ids of containers that load/edit re-state (crmsh updates those in place: their members'
# constraints are not re-pointed, unlike for a container created anew)
_UPDATING: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("updating", default=frozenset())


@contextlib.contextmanager
def updating(ids: Iterable[str]) -> Iterator[None]:
    """Within: statements for the containers ``ids`` update them rather than create them."""
    token = _UPDATING.set(frozenset(ids))
    try:
        yield
    finally:
        _UPDATING.reset(token)


#: where an element created by ``xml`` goes
def fail(tok: Token, msg: str) -> ClushError:
    return P.fail(tok, msg)


def _check_new_id(model: CibModel, p: P.Parsed, kind: str, tok: Token) -> None:
    old = model.by_id(p.ident)
    if old is not None:
        raise ClushError(
            f"Cannot create {kind} with ID '{p.ident}': Found existing {_kind_name(old)} with same ID",
            column=tok.col,
            token=tok.text,
        )


def _id_tok(p: P.Parsed) -> Token:
    return p.extra.get("id_tok") or Token(p.ident, p.head.col)


class Builder:
    """Applies statements to one model; ``messages`` collects infos and warnings."""

    def __init__(self, model: CibModel, journal: Journal, providers: Providers | None = None):
        self.model = model
        self.j = journal
        self.providers = providers
        self.messages: list[Problem] = []

    def ids(self) -> IdGen:
        return IdGen(self.model.id_in_use)

    def apply(self, p: P.Parsed) -> None:
        getattr(self, "_" + p.kind.replace("-", "_"))(p)
        self.messages.extend(p.messages)

    # -- resources ---------------------------------------------------------------------------
    def _primitive(self, p: P.Parsed) -> None:
        el = p.element
        assert el is not None
        _check_new_id(self.model, p, p.kind, _id_tok(p))
        tpl = p.extra.get("template")
        if tpl is not None:
            ref = self.model.resource(tpl.text)
            if ref is None or ref.tag != "template":
                raise fail(tpl, "template does not exist")
        if el.get("class") == "ocf" and el.get("provider") is None:
            el.set("provider", self.pick_provider(el.get("type", "")))
        self._resolve_id_refs(el)
        self.ids().assign_object(el)
        self.j.add_object(el, "resources")

    _rsc_template = _primitive

    def pick_provider(self, agent: str) -> str:
        found = self.providers(agent) if self.providers else []
        if not found or "heartbeat" in found:
            return "heartbeat"
        return "pacemaker" if "pacemaker" in found else found[0]

    def _resolve_id_refs(self, el: etree._Element) -> None:
        """``$id-ref=X`` must name an existing set; a resource id means its first set of that kind."""
        for sub in el.iter():
            ref = sub.get("id-ref") if isinstance(sub.tag, str) else None
            if ref is None or sub.tag == "nvpair":
                continue
            target = self.model.by_id(ref)
            if target is not None and target.tag in ("primitive", "template", "group", "clone", "master"):
                first = next((c for c in target if c.tag == sub.tag and c.get("id")), None)
                if first is None:
                    raise ClushError(f"{ref} has no {sub.tag} to refer to", token=ref)
                sub.set("id-ref", first.get("id"))  # type: ignore[arg-type]
            elif target is None or target.tag != sub.tag:
                raise ClushError(f"id-ref {ref}: no {sub.tag} with that id", token=ref)

    def _container(self, p: P.Parsed) -> None:
        el = p.element
        assert el is not None
        _check_new_id(self.model, p, p.kind, _id_tok(p))
        children = []
        for tok in p.members:
            child = _resource(self.model, tok, templates=False)
            holder = self.model.container_of(child)
            if holder is not None:
                raise fail(tok, f"resource {tok.text} is already in {_kind_name(holder)} {holder.get('id')}")
            if p.kind == "group" and child.tag != "primitive":
                raise fail(tok, f"a group can only contain primitives, {tok.text} is a {_kind_name(child)}")
            if p.kind != "group" and child.tag in ("clone", "master", "bundle"):
                raise fail(tok, f"cannot make a {p.kind} of {_kind_name(child)} {tok.text}")
            children.append(child)
        self._resolve_id_refs(el)
        self.ids().assign_object(el)
        self.j.add_object(el, "resources")
        for child in children:
            self.j.move(child, el)
        if p.ident not in _UPDATING.get():
            build_misc.repoint_constraints(self, [c.get("id", "") for c in children], p.ident)

    _group = _container
    _clone = _container
    _ms = _container

    # -- bundle, alert, ACL (clushell.cib.build_more) ----------------------------------------
    def _bundle(self, p: P.Parsed) -> None:
        build_more.add_bundle(self, p)

    def _alert(self, p: P.Parsed) -> None:
        build_more.add_alert(self, p)

    def _role(self, p: P.Parsed) -> None:
        build_more.add_role(self, p)

    def _acl_target(self, p: P.Parsed) -> None:
        build_more.add_acl_target(self, p)

    # -- constraints -------------------------------------------------------------------------
    def _constraint(self, p: P.Parsed) -> None:
        el = p.element
        assert el is not None
        _check_new_id(self.model, p, p.kind, _id_tok(p))
        for tok in p.refs:
            found = self.model.index.get(tok.text)
            if found is None or found.tag != "tag":  # a tag stands for its resources (Pacemaker, crm)
                _resource(self.model, tok)
        for rule in el.iter("rule"):
            target = self.model.by_id(rule.get("id-ref", ""))
            if target is not None and target.tag == "rsc_location":
                # crm: `rule $id-ref=LOCATION` means that location's (first) rule
                first = next((r for r in target.iter("rule") if r.get("id")), None)
                if first is None:
                    raise ClushError(f"location {target.get('id')} has no rule to refer to", token=rule.get("id-ref"))
                rule.set("id-ref", first.get("id", ""))
        self.ids().assign_object(el)
        self.j.add_object(el, "constraints")

    _location = _constraint
    _colocation = _constraint
    _order = _constraint
    _rsc_ticket = _constraint

    def _tag(self, p: P.Parsed) -> None:
        el = p.element
        assert el is not None
        _check_new_id(self.model, p, "tag", _id_tok(p))
        for tok in p.refs:
            if self.model.object(tok.text) is None:
                raise fail(tok, "object does not exist")
        self.j.add_object(el, "tags")

    # -- sets: property, defaults, nodes -----------------------------------------------------
    def _defaults(self, p: P.Parsed) -> None:
        new = p.element
        assert new is not None
        section = {"property": "crm_config", "rsc_defaults": "rsc_defaults", "op_defaults": "op_defaults"}[p.kind]
        existing = self.model.by_id(p.ident)
        if existing is not None:
            parent = existing.getparent()
            if parent is None or parent.tag not in ("crm_config", "rsc_defaults", "op_defaults"):
                raise ClushError(f"{p.kind}: id {p.ident} is used by {_kind_name(existing)}", token=p.ident)
            self._merge_set(existing, new, p.ident)
            return
        new.set("id", p.ident)
        self.ids().assign_object(new)
        self.j.add_object(new, section)

    _property = _defaults
    _rsc_defaults = _defaults
    _op_defaults = _defaults

    def _merge_set(self, target: etree._Element, new: etree._Element, prefix: str) -> None:
        """Update nvpairs by name in place, append the others (ids from ``prefix``)."""
        by_name = {nv.get("name"): nv for nv in target if is_element(nv) and nv.tag == "nvpair"}
        gen = self.ids()
        for child in list(new):
            if not is_element(child):
                continue
            old = by_name.get(child.get("name")) if child.tag == "nvpair" else None
            if old is not None:
                value = child.get("value")
                if value is None:
                    if old.get("value") is not None:
                        self.j.set(old, "value", "")
                        old.attrib.pop("value")
                else:
                    self.j.set(old, "value", value)
                continue
            gen.assign(child, prefix)
            self.j.add(child, target)

    def _node(self, p: P.Parsed) -> None:
        new = p.element
        assert new is not None
        node_id = p.extra.get("node_id")
        old = self.model.nodes.get(node_id) if node_id else None
        if old is None:
            old = self.model.node(p.ident)
        if old is None:
            if new.get("id") in self.model.nodes:
                raise ClushError(f"node id {new.get('id')} is already used", token=new.get("id"))
            self.ids().assign_object(new)
            self.j.add_object(new, "nodes")
            return
        uname = old.get("uname") or old.get("id", "")
        # like crmsh, only attribute sets are merged into an existing node (description/type stay)
        # crmsh generates ids for the new node as if it were created (so a set id that is
        # taken becomes <uname>-utilization-0, and its new nvpairs keep that prefix), then merges
        new.set("id", old.get("id", uname))
        gen = IdGen(lambda i: self.model.id_in_use(i) and i != new.get("id"))
        gen.assign(new, uname)
        for child in list(new):
            if not is_element(child):
                continue
            same = next((c for c in old if is_element(c) and c.tag == child.tag), None)
            if same is None:
                self.j.add(child, old)
                continue
            by_name = {nv.get("name"): nv for nv in same if is_element(nv) and nv.tag == "nvpair"}
            for nv in list(child):
                prev = by_name.get(nv.get("name")) if nv.tag == "nvpair" else None
                if prev is not None and nv.get("value") is not None:
                    self.j.set(prev, "value", nv.get("value", ""))
                elif prev is None:
                    self.j.add(nv, same)

    # -- fencing, monitor, xml (clushell.cib.build_misc) ---------------------------------------
    def _fencing_topology(self, p: P.Parsed) -> None:
        build_misc.add_fencing_topology(self, p)

    def _monitor(self, p: P.Parsed) -> None:
        build_misc.add_monitor(self, p)

    def _xml(self, p: P.Parsed) -> None:
        build_misc.add_xml(self, p)


# -- statements (names, aliases and which parser: clushell.cib.statements) -------------------------
_PARSERS: dict[str, Callable[[P.Stream, Token, str], P.Parsed]] = {
    "primitive": PR.parse_primitive,
    "container": PR.parse_container,
    "defaults": nodesets.parse_defaults,
    "node": lambda ts, head, _name: nodesets.parse_node(ts, head),
    "location": lambda ts, head, _name: cons.parse_location(ts, head),
    "colocation": cons.parse_colocation,
    "order": lambda ts, head, _name: cons.parse_order(ts, head),
    "ticket": lambda ts, head, _name: cons.parse_ticket(ts, head),
    "fencing": lambda ts, head, _name: cons.parse_fencing(ts, head),
    "tag": lambda ts, head, _name: cons.parse_tag(ts, head),
    "monitor": lambda ts, head, _name: cons.parse_monitor(ts, head),
    "bundle": parse_bundle.parse_bundle,
    "alert": parse_alert.parse_alert,
    "role": parse_acl.parse_role,
    "acl_target": parse_acl.parse_acl_target,
    "user": parse_acl.parse_user,
}
KEYWORDS = tuple(w for s in statements.STATEMENTS for w in (s.name, *s.aliases))


def parse_statement(tokens: list[Token], raw: str = "") -> P.Parsed:
    """One statement (first token = statement keyword) -> Parsed."""
    p = _parse(tokens, raw)
    if len(tokens) > 1 and tokens[1].text.removesuffix(":") == p.ident:
        p.extra.setdefault("id_tok", tokens[1])  # errors about the id point at it
    return p


def _parse(tokens: list[Token], raw: str) -> P.Parsed:
    if not tokens:
        raise ClushError("empty statement")
    head = tokens[0]
    stmt = statements.find(head.text)
    if stmt is None or not stmt.accepted:
        raise P.fail(head, "unknown configure statement")
    ts = P.Stream(tokens[1:], end=head)
    if stmt.parser == "xml":
        if len(tokens) < 2:
            raise P.fail(head, "xml needs an element")
        # crm joins shlex words (so the XML is usually quoted as a whole); unquoted XML is taken as typed
        joined = " ".join(t.text for t in tokens[1:])
        if raw and not tokens[1].quoted:
            return cons.parse_xml(raw[tokens[1].col - 1 :], head, tokens[1].col)
        return cons.parse_xml(joined, head, tokens[1].col + 1 if len(tokens) == 2 else None)
    return _PARSERS[stmt.parser](ts, head, stmt.name)


def _prefixed(exc: ClushError, prefix: str) -> ClushError:
    """``exc`` placed in a file: the prefix names file:line:column, so the error no longer points
    into the command line (no column, no token: the caller would add a second position)."""
    return type(exc)(f"{prefix}{exc.message}", details=exc.details)


def apply_line(
    model: CibModel, line: str, *, providers: Providers | None = None, tokens: list[Token] | None = None
) -> list[Problem]:
    """Apply one statement typed at the configure prompt; columns refer to ``line``."""
    toks = tokens if tokens is not None else tokenize(line)
    journal = Journal(model)
    builder = Builder(model, journal, providers)
    try:
        p = parse_statement(toks, line)
        builder.apply(p)
    except ClushError:
        journal.rollback()
        raise
    except Exception:
        journal.rollback()
        raise
    return builder.messages


def apply_statements(
    model: CibModel, text: str, *, source: str = "<input>", providers: Providers | None = None
) -> list[Problem]:
    """All statements of ``text``, atomically (see clushell.cib.apply_text)."""
    journal = Journal(model)
    builder = Builder(model, journal, providers)
    stmt: Statement | None = None
    try:
        for stmt in split_statements(text, source=source):
            p = parse_statement(stmt.tokens, stmt.text)
            builder.apply(p)
            if stmt.comments and p.element is not None and p.element.getparent() is not None:
                for i, c in enumerate(stmt.comments):
                    p.element.insert(i, etree.Comment(c))  # crmsh keeps the line as typed: <!--# text-->
    except ClushError as exc:
        journal.rollback()
        where = f"{source}: "
        if stmt is not None:
            where = f"{source}:{stmt.position(exc.column)}: "
        raise _prefixed(exc, where) from None
    except Exception:
        journal.rollback()
        raise
    return builder.messages


__all__ = ["CONTAINER_TAGS", "KEYWORDS", "Builder", "Journal", "apply_line", "apply_statements", "parse_statement"]
