"""The configure level's state: the CIB as loaded and the pending edited copy.

``Workspace`` implements the level-state contract of HACKING.md (``has_pending``,
``commit``, ``discard``, ``pending_summary``). It talks to the cluster through
``clushell.pacemaker.cibio`` and the session's Runner; clushell.cib stays pure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clushell.cib.change import VERSION_ATTRS
from clushell.cib.model import CibModel
from clushell.errors import ClushError
from clushell.session import StateKey

STATE = StateKey.CONFIGURE  # where the session keeps the workspace
Sections = tuple[Any, Any, list[tuple[Any, int, bytes]]]  # <configuration> serialised: see _sections


class Workspace:
    """``original`` is the CIB as last read from the target; ``pending`` is what the user edits.

    The pending copy is made on first access of :attr:`pending` (copy on write): read-only
    commands use :attr:`view`, so ``show`` on a big CIB never copies or re-indexes it.
    """

    def __init__(self, original: CibModel, pending: CibModel | None = None, original_xml: bytes | None = None):
        self._original: CibModel | None = original
        self._pending = pending
        self._original_xml = original_xml if original_xml is not None else original.to_xml(pretty=False)
        self._original_secs: Sections | None = None  # serialised only when a comparison needs it
        self._original_shape: tuple[Any, ...] | None = None  # _shape of the original, kept when handed over
        # the loaded model was given out (original, view): the first edit must then copy it
        self._original_seen = False
        self._reread: Any = None  # runner to re-read the CIB from when next needed (after a commit)
        # _known: the pending sections serialised when _handed (times the pending model was handed
        # out or replaced: only then can it have been edited) had that value
        self._handed, self._known = 0, None
        self._applied = False  # the running commit has written its change (what Ctrl-C then says)

    @property
    def original(self) -> CibModel:
        """The CIB as last read (re-read on first use after a commit)."""
        self._original_seen = True
        return self._loaded()

    def _loaded(self) -> CibModel:
        if self._original is None:
            if self._reread is not None:
                self._original_xml = read_cib(self._reread)
            self._original, self._reread = load(self._original_xml), None
        return self._original

    @property
    def original_xml(self) -> bytes:
        self.original  # noqa: B018  (re-reads if needed)
        return self._original_xml

    @property
    def pending(self) -> CibModel:
        """The model to edit (copied from ``original`` on first use)."""
        if self._pending is None:
            if not self._original_seen:
                # nobody holds the loaded model: the edit takes it over, and the original is parsed
                # again from its bytes only when asked (after crm_verify has started, in a commit)
                model = self._loaded()
                self._original_shape = _shape(model)
                self._pending, self._original = model, None
            else:  # parsed again from the bytes it was read as (faster than a deep copy of the tree)
                self._pending = self.original.copy(self._original_xml)
        self._handed += 1
        return self._pending

    @pending.setter
    def pending(self, model: CibModel) -> None:
        self._handed += 1
        self._pending = model

    @property
    def view(self) -> CibModel:
        """The pending configuration for reading only (no copy when nothing was edited)."""
        if self._pending is None:
            return self.original
        self._handed += 1  # read only by contract; counted all the same
        return self._pending

    @property
    def original_secs(self) -> Sections:
        if self._original_secs is None:
            self._original_secs = _sections(self.original)
        return self._original_secs

    def _pending_secs(self) -> Sections:  # serialised once per edit
        if self._known is None or self._known[0] != self._handed:
            self._known = (self._handed, _sections(self._pending))
        return self._known[1]

    # -- level-state contract ------------------------------------------------------------------
    def has_pending(self) -> bool:
        """True when the pending configuration differs from the one loaded."""
        if self._pending is None:
            return False
        if self._original_shape is None:
            self._original_shape = _shape(self.original)
        if _shape(self._pending) != self._original_shape:  # a section added or grown (every add):
            return True  # said without serialising both configurations before crm_verify starts
        return self._pending_secs() != self.original_secs

    def pending_summary(self) -> str:
        changed = self.changed_ids()
        if not changed:
            return "no changes"
        shown = ", ".join(changed[:5]) + (", ..." if len(changed) > 5 else "")
        return f"{len(changed)} object{'s' if len(changed) != 1 else ''} changed: {shown}"

    def discard(self) -> None:
        self._pending = None

    def commit(self, ctx: Any, *, force: bool = False, replace: bool = False, verify: bool = True) -> bool:
        """Verify (unless forced) and write the pending changes; reload afterwards. False: nothing
        to commit. Ctrl-C: the user is told whether the change was applied (pending changes stay
        when it was not), then KeyboardInterrupt goes on."""
        from clushell.pacemaker import filetxn
        from clushell.pacemaker.cibadmin import CommitInterrupted

        self._applied = False
        try:
            return self._commit(ctx, force=force, replace=replace, verify=verify)
        except CommitInterrupted as exc:
            ctx.out.error(exc.message)
            raise
        except KeyboardInterrupt:
            # before the write started, or after it was applied (while re-reading, printing the epoch)
            if self._applied:
                self.reload(ctx.session.runner)
            ctx.out.error(filetxn.interrupted_message(self._applied))
            raise CommitInterrupted(self._applied, filetxn.interrupted_message(self._applied)) from None

    def _commit(self, ctx: Any, *, force: bool, replace: bool, verify: bool) -> bool:
        from clushell.pacemaker import cibfile, cibio, commitwrite, filetxn
        from clushell.pacemaker.cibadmin import CommitInterrupted
        from clushell.pacemaker.verify import in_background, start_crm_verify

        runner = ctx.session.runner
        if not self.has_pending():
            ctx.out.info("apparently there is nothing to commit")
            return False
        force = force or ctx.session.options.force
        pending: CibModel = self._pending  # type: ignore[assignment]  (not .pending: keeps _known valid)
        pending_xml = pending.to_xml(pretty=False)
        check = verify and pending.resources_count() > 0  # crmsh 4.4 skips it without primitives
        job = start_crm_verify(runner, pending_xml) if check else None  # the slowest step: starts first
        path = cibfile.local_cib_file(runner)
        # only new objects: one cibadmin --modify (a local file: cibfile; the cluster here: cibio.commit_created)
        local = path or (runner.where == "local" and not runner.base_env.get("CIB_file"))
        appends = local and not replace and _may_append(self.original_secs, self._pending_secs())
        frag = cibfile.appended(self.original, pending, (self.original_secs, self._pending_secs())) if appends else None
        changed = (cibfile.added_ids(frag) if frag is not None else self.changed_ids()) if check else []
        loaded = tuple(self.original.root.get(a) for a in VERSION_ATTRS)
        # an edit here (the cluster, a local file): its patch is made (pure work) while crm_verify runs,
        # up to a size where the trees it parses may sit in memory beside verify's own
        prep = in_background(cibio.prepare, runner, self._original_xml, pending_xml) if (
            job and frag is None and not replace and local and len(pending_xml) <= PREPARE_AHEAD_MAX) else None
        del pending  # (the tree goes below)
        if not replace:
            # verify and cibio work on copies: the two big trees go meanwhile (peak memory; back from XML)
            self._original = self._pending = None
        state = commitwrite.WriteState()

        def write(runner: Any, gate: Callable[[], None] | None = None, start: Callable[[], None] | None = None
                  ) -> None:
            whole = (lambda: self._replace(runner, force)) if replace else None
            commitwrite.write(runner, path, state, replace=whole, force=force, frag=frag, loaded=loaded,
                              original_xml=self._original_xml, pending_xml=pending_xml, prep=prep, gate=gate,
                              start=start)

        def verified(released: Callable[[], None] | None = None) -> bool:
            return self._verify(ctx, pending_xml, changed, force, check, job, released)

        try:
            # a local CIB file, when verification cannot change how the write goes (no question to
            # ask): written to the locked copy while crm_verify runs, installed only on its verdict
            if path is not None and job is not None and not replace and (
                    force or not ctx.session.options.interactive):
                # a big CIB's three-way write parses trees of its own: only once verify has dropped its tree
                hold = frag is None and len(pending_xml) > PREPARE_AHEAD_MAX
                force = commitwrite.beside_verification(verified, write, runner, hold=hold)
            else:
                force = verified()
                write(runner)
            self._applied = True  # the last step inside the try: an interrupt from here on says applied
        except KeyboardInterrupt as exc:
            applied = exc.applied if isinstance(exc, CommitInterrupted) else state.applied()
            if applied:
                self.reload(runner)
            elif not replace:
                self._pending = load(pending_xml)
            if isinstance(exc, CommitInterrupted):
                raise
            raise CommitInterrupted(applied, filetxn.interrupted_message(applied)) from None
        except BaseException:
            if not replace:
                self._pending = load(pending_xml)
            raise
        message = state.message
        self.reload(runner)
        if message:
            ctx.out.info(message)  # the new epoch, and whether the CIB had moved on meanwhile
        return True

    def _verify(self, ctx: Any, pending_xml: bytes, changed: list[str], force: bool, check: bool,
                job: Any = None, released: Any = None) -> bool:  # job, released: see verify_cib
        """Report what verification finds; refuse on errors unless forced (returns force)."""
        from clushell.pacemaker.findings import refuse_schema, report
        from clushell.pacemaker.verify import SchemaFinding, relaxng_findings, verify_cib

        if not check:  # no resources: crm does not verify, but the schema still decides (cheap here)
            from lxml import etree

            refuse_schema(relaxng_findings(etree.fromstring(pending_xml, etree.XMLParser(huge_tree=True))) or [])
            return force
        session = ctx.session
        findings = verify_cib(session.runner, pending_xml, changed_ids=set(changed), job=job, released=released)
        refuse_schema([f for f in findings if isinstance(f, SchemaFinding)])
        # one error that refuses the commit is said once, in the refusal (naming object and attribute)
        fold = not force and not session.options.interactive
        errors = report(ctx, findings, fold_single_error=fold)
        if errors:
            if not force and session.options.interactive and session.ask("Do you still want to commit") == "y":
                force = True
            if not force:
                why = errors[0] if len(errors) == 1 and fold else "the configuration has errors"
                raise ClushError(f"commit refused: {why} (use 'commit force' to override)")
            ctx.out.info("commit forced")
        return force

    def _replace(self, runner: Any, force: bool) -> None:
        """crmsh's ``commit replace``: push the whole configuration if nobody changed the CIB."""
        from lxml import etree

        if not force:
            live = load(read_cib(runner)).root
            for attr in ("admin_epoch", "epoch"):
                if live.get(attr) != self.original.root.get(attr):
                    raise ClushError("CIB changed in the meantime: won't touch it (use 'commit force replace')")
        argv = ["cibadmin", "--replace", "--scope", "configuration", "--xml-pipe"]
        if force:
            argv.append("--force")
        res = runner.run(argv, stdin=etree.tostring(self.pending.configuration), timeout=120)
        if not res.ok:  # the tool's words, never a line of the CIB dump it prints first
            from clushell.pacemaker.cibadmin import tool_error

            raise ClushError(tool_error("commit failed", runner, res))

    # -- helpers ------------------------------------------------------------------------------
    def reload(self, runner: Any) -> None:
        """Drop pending changes; the CIB is re-read from the target when next needed."""
        self._original, self._reread = None, runner
        self._original_secs = self._original_shape = None
        self._original_seen = False
        self._pending = None

    def changed_ids(self) -> list[str]:
        """Ids of objects that differ between original and pending (added, changed, removed)."""
        from lxml import etree

        from clushell.cib.model import RESOURCE_TAGS

        def key(model: CibModel, el: Any) -> str:
            return f"{model.kind_of(el) or el.tag}:{model.object_id(el)}"

        def tops(model: CibModel) -> dict[str, Any]:
            """Top-level objects, as CibModel.objects() has them but without the nested resources."""
            out = {}
            for sec in model.configuration.iterchildren("*"):
                for el in [sec] if sec.tag == "fencing-topology" else sec.iterchildren("*"):
                    if model.kind_of(el) is not None:
                        out[key(model, el)] = el
            return out

        def objs(model: CibModel, top: dict[str, Any]) -> dict[str, bytes]:
            out = {}
            for k, el in top.items():
                if k in same:
                    continue
                out[k] = etree.tostring(el)
                if el.getparent().tag == "resources":  # resources inside containers are objects too
                    out.update((key(model, sub), etree.tostring(sub))
                               for sub in el.iter(*RESOURCE_TAGS) if sub is not el)
            return out

        if self._pending is None:
            return []
        # a top-level object serialised alike on both sides holds no change (ids are unique, so
        # what it contains appears nowhere else): only the rest is compared object by object
        found = _differing_tops(self.original, self._pending, key, self.original_secs, self._pending_secs())
        same: set[str] = set()
        if found is not None:
            old_top, new_top = found
        else:
            old_top, new_top = tops(self.original), tops(self._pending)
            same = {k for k, el in old_top.items() if k in new_top and etree.tostring(el) == etree.tostring(new_top[k])}
        old, new = objs(self.original, old_top), objs(self._pending, new_top)
        keys = [k for k in old.keys() | new.keys() if old.get(k) != new.get(k)]
        return sorted(k.split(":", 1)[1] for k in keys)


def _differing_tops(old: CibModel, new: CibModel, key: Any, old_bytes: Sections,
                    new_bytes: Sections) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The top-level objects of each side not serialised alike on the other, by ``key(model, el)``,
    found section by section (a section serialised alike is one comparison, not one per object;
    ``*_bytes``: the sections serialised, from :func:`_sections`). None when objects cannot be
    paired by tag and id: the caller then compares them all."""
    from lxml import etree

    def sections(model: CibModel) -> dict[str, Any]:
        return {sec.tag: sec for sec in model.configuration.iterchildren("*")}

    def serialised(secs: Sections) -> dict[str, bytes]:  # by tag, as sections() pairs them
        return {tag: data for tag, _, data in secs[2] if isinstance(tag, str)}

    def by_id(sec: Any) -> dict[tuple[str, str | None], Any] | None:
        if sec is None:
            return {}
        kids = [sec] if sec.tag == "fencing-topology" else list(sec.iterchildren("*"))
        out = {(el.tag, el.get("id")): el for el in kids}
        return out if len(out) == len(kids) else None

    old_top: dict[str, Any] = {}
    new_top: dict[str, Any] = {}
    old_secs, new_secs = sections(old), sections(new)
    old_data, new_data = serialised(old_bytes), serialised(new_bytes)
    for tag in [*old_secs, *(t for t in new_secs if t not in old_secs)]:
        a, b = old_secs.get(tag), new_secs.get(tag)
        if a is not None and b is not None and old_data[tag] == new_data[tag]:
            continue
        ka, kb = by_id(a), by_id(b)
        if ka is None or kb is None:
            return None
        same = {k for k, el in ka.items() if k in kb and etree.tostring(el) == etree.tostring(kb[k])}
        for model, kids, top in ((old, ka, old_top), (new, kb, new_top)):
            top.update((key(model, el), el) for k, el in kids.items()
                       if k not in same and model.kind_of(el) is not None)
    return old_top, new_top


def _sections(model: CibModel) -> Sections:
    """``<configuration>`` as (attributes, text, [(tag, children, bytes) of each child]): equal
    exactly when the whole element serialises alike, and each section is serialised once."""
    from lxml import etree

    conf = model.configuration
    return tuple(conf.attrib.items()), conf.text, [(c.tag, len(c), etree.tostring(c)) for c in conf]


#: the biggest CIB (bytes) whose patch is made while crm_verify runs: ~6,000 primitives; beyond it
#: the four trees alive at once would pass 400 MB at 16,000 primitives (three, one after the other)
PREPARE_AHEAD_MAX = 6 * 1024 * 1024


def _shape(model: CibModel) -> tuple[Any, ...]:
    """``<configuration>``'s attributes, text and each child's tag and number of children: when
    two shapes differ, so do the configurations (as _sections compares them)."""
    conf = model.configuration
    return tuple(conf.attrib.items()), conf.text, [(c.tag, len(c)) for c in conf]


def _may_append(old: Sections, new: Sections) -> bool:
    """False when a section keeps its number of children but changes: then not only appends
    (cibfile.appended would say None after serialising both sides again)."""
    return not any(o[0] == n[0] and o[1] == n[1] and o[2] != n[2] for o, n in zip(old[2], new[2], strict=False))


def read_cib(runner: Any) -> bytes:
    """The whole CIB, as ``cibadmin --query`` gives it (a local file is read directly)."""
    from clushell.pacemaker import cibio

    return cibio.query(runner)


def load(xml: bytes) -> CibModel:
    try:
        return CibModel.from_xml(xml)
    except Exception as exc:  # lxml syntax errors, wrong root element
        raise ClushError(f"configure: cannot parse the CIB: {exc}") from None


def get_workspace(ctx: Any) -> Workspace:
    """The session's workspace, loading the CIB on first use."""
    ws = ctx.session.get_state(STATE)
    if ws is None:
        xml = read_cib(ctx.session.runner)
        original = load(xml)
        ws = Workspace(original, None, xml)
        ctx.session.set_state(STATE, ws)
    return ws
