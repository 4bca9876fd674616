"""CibModel: an lxml CIB document plus an index of configuration ids.

The model is pure (no I/O, no printing). Every edit that adds or removes elements goes
through :meth:`CibModel.register` / :meth:`CibModel.unregister` (or the helpers built on
them) so that id lookups stay O(1) even on a 4000-primitive CIB. The index is built on
first use (:attr:`CibModel.index`); a few object lookups before that walk the objects instead.

Vocabulary
----------
*object*: a top-level configuration element as crmsh sees it (one node, one primitive,
group, clone, constraint, property set, defaults set, tag, the fencing topology).
*kind*: crmsh's name for the object type (``primitive``, ``rsc_template``, ``group``,
``clone``, ``ms``, ``bundle``, ``node``, ``location``, ``colocation``, ``order``,
``rsc_ticket``, ``property``, ``rsc_defaults``, ``op_defaults``, ``tag``,
``fencing_topology``, ``alert``, ``acl``).

Two id namespaces, as in crmsh: nodes are indexed by their id in :attr:`nodes` (a node and
a resource may share an id); every other element carrying an ``id`` inside
``<configuration>`` is in the main index. Reference elements (``resource_ref``,
``obj_ref``, ``role_ref``...) carry an ``id`` that names something else and are not
indexed. ``<status>`` is never indexed (its lrm ids repeat resource ids).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

Element = etree._Element

#: configuration sections in the order we create them
SECTIONS = (
    "crm_config",
    "rsc_defaults",
    "op_defaults",
    "nodes",
    "resources",
    "constraints",
    "fencing-topology",
    "acls",
    "tags",
    "alerts",
)

#: elements whose ``id`` attribute refers to another element
REF_TAGS = frozenset({"resource_ref", "obj_ref", "role_ref", "role", "crmsh-ref"})  # <role> in acl_target: a reference

#: (section, tag) -> kind
_KINDS = {
    ("nodes", "node"): "node",
    ("resources", "primitive"): "primitive",
    ("resources", "template"): "rsc_template",
    ("resources", "group"): "group",
    ("resources", "clone"): "clone",
    ("resources", "master"): "ms",
    ("resources", "bundle"): "bundle",
    ("constraints", "rsc_location"): "location",
    ("constraints", "rsc_colocation"): "colocation",
    ("constraints", "rsc_order"): "order",
    ("constraints", "rsc_ticket"): "rsc_ticket",
    ("crm_config", "cluster_property_set"): "property",
    ("rsc_defaults", "meta_attributes"): "rsc_defaults",
    ("op_defaults", "meta_attributes"): "op_defaults",
    ("tags", "tag"): "tag",
    ("alerts", "alert"): "alert",
}

#: kind -> (section, tag) for creating objects
KIND_PLACE = {kind: place for place, kind in _KINDS.items()}

RESOURCE_TAGS = frozenset({"primitive", "group", "clone", "master", "bundle"})
CONTAINER_TAGS = frozenset({"group", "clone", "master", "bundle"})
CONSTRAINT_TAGS = frozenset({"rsc_location", "rsc_colocation", "rsc_order", "rsc_ticket"})

#: object lookups that walk the objects before the whole id index is built instead
_WALKS_BEFORE_INDEX = 4

#: pseudo id of the fencing topology object (the element has no id)
FENCING_ID = "fencing_topology"

EMPTY_CIB = (
    b'<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">'
    b"<configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/></cib>"
)


def is_element(node: object) -> bool:
    """True for real elements (not comments or processing instructions)."""
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


class CibModel:
    """A CIB document with an id index. Construct with :meth:`from_xml` or :meth:`empty`."""

    def __init__(self, root: Element):
        self.root: Element = root
        # the id index is built on first use: `show ID` and a commit's copies of a big CIB never
        # need all of it (a third of loading 16,000 primitives)
        self._index: dict[str, Element] | None = None
        self._nodes: dict[str, Element] = {}
        self._walks = 0  # lookups answered without the index (object_by_id)
        conf = root.find("configuration")
        if conf is None:
            conf = etree.SubElement(root, "configuration")
            root.insert(0, conf)
        self.configuration: Element = conf

    @property
    def index(self) -> dict[str, Element]:
        """id -> element for every indexed element in <configuration> except nodes."""
        if self._index is None:
            self._index = {}
            self.register(self.configuration)
        return self._index

    @property
    def nodes(self) -> dict[str, Element]:
        """node id -> <node> (read it only: before the index is built this is a new dict)."""
        if self._index is None:  # a few elements: read from the tree without building the index
            return {n.get("id"): n for sec in self.configuration.iterchildren("nodes")
                    for n in sec.iterchildren("node") if n.get("id") is not None}
        return self._nodes

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_xml(cls, data: bytes | str) -> CibModel:
        """Parse a whole ``<cib>`` document (blank text dropped, comments kept)."""
        if isinstance(data, str):
            data = data.encode()
        # collect_ids off: libxml2's table of ID attributes is a third of the parse of a big CIB,
        # and nothing here asks it (no XPath id(); RelaxNG runs on its own parse, pacemaker/verify)
        parser = etree.XMLParser(remove_blank_text=True, huge_tree=True, collect_ids=False)
        root = etree.fromstring(data, parser)
        if root.tag != "cib":
            raise ValueError(f"not a CIB document: root element is <{root.tag}>")
        return cls(root)

    @classmethod
    def empty(cls) -> CibModel:
        return cls.from_xml(EMPTY_CIB)

    def copy(self, source: bytes | None = None) -> CibModel:
        """An independent deep copy (index rebuilt).

        ``source``: the XML this model was parsed from and is still alike (the copy parses it
        again, which is faster than copying the tree element by element)."""
        if source is not None:
            return CibModel.from_xml(source)
        import copy as _copy

        return CibModel(_copy.deepcopy(self.root))

    def to_xml(self, pretty: bool = True) -> bytes:
        return etree.tostring(self.root, pretty_print=pretty, encoding="UTF-8", xml_declaration=False)

    # -- index --------------------------------------------------------------------------
    def register(self, el: Element) -> None:
        """Add ``el`` and its subtree to the index (call after inserting it)."""
        index, nodes = self._index, self._nodes
        if index is None:
            return  # not built yet: building it reads the tree as it is then
        for sub in el.iter(etree.Element):  # elements only (no comments or processing instructions)
            ident = sub.get("id")
            if ident is None:
                continue
            tag = sub.tag
            if tag in REF_TAGS or tag == "status":
                continue
            if tag == "node" and (parent := sub.getparent()) is not None and parent.tag == "nodes":
                nodes[ident] = sub
            else:
                index[ident] = sub

    def unregister(self, el: Element) -> None:
        """Remove ``el`` and its subtree from the index (call before/after detaching it)."""
        if self._index is None:
            return
        for sub in el.iter():
            if not isinstance(sub.tag, str):
                continue
            ident = sub.get("id")
            if ident is None or sub.tag in REF_TAGS:
                continue
            if sub.tag == "node" and self.nodes.get(ident) is sub:
                del self.nodes[ident]
            elif self.index.get(ident) is sub:
                del self.index[ident]

    def by_id(self, ident: str) -> Element | None:
        """The configuration element with this id (not nodes), or None."""
        return self.index.get(ident)

    def id_in_use(self, ident: str) -> bool:
        """True when any element (node or other) already uses ``ident``."""
        return ident in self.index or ident in self.nodes

    # -- sections -----------------------------------------------------------------------
    def section(self, name: str, create: bool = True) -> Element | None:
        """The ``<configuration>`` child ``name``; appended if missing (crm's order: a new section
        goes last, so a ``cibadmin -Q`` of what clush and crm wrote is the same)."""
        sec = self.configuration.find(name)
        if sec is None and create:
            sec = etree.SubElement(self.configuration, name)
        return sec

    # -- objects ------------------------------------------------------------------------
    @staticmethod
    def kind_of(el: Element) -> str | None:
        """crmsh kind of a top-level object element, None for anything else."""
        if el.tag == "fencing-topology":
            return "fencing_topology"
        parent = el.getparent()
        if parent is None:
            return None
        if parent.tag == "acls":
            return "acl"
        return _KINDS.get((parent.tag, el.tag))

    @staticmethod
    def object_id(el: Element) -> str:
        if el.tag == "fencing-topology":
            return FENCING_ID
        return el.get("id", "")

    def objects(self) -> Iterator[Element]:
        """Every top-level object, section by section, in document order.

        Resources inside containers are objects too (crmsh lists them separately);
        they follow their container's position.
        """
        for sec in self.configuration:
            if not is_element(sec):
                continue
            if sec.tag == "fencing-topology":
                yield sec
                continue
            for child in sec:
                if not is_element(child):
                    continue
                if self.kind_of(child) is None:
                    continue
                yield child
                if sec.tag == "resources":
                    yield from self._children_resources(child)

    def _children_resources(self, el: Element) -> Iterator[Element]:
        for child in el:
            if is_element(child) and child.tag in RESOURCE_TAGS:
                yield child
                yield from self._children_resources(child)

    def object_by_id(self, ident: str) -> Element | None:
        """What ``index.get(ident)`` gives when ``ident`` names an object (nodes are not looked at).

        Before the index is built, the first few lookups walk the objects only (a section's
        children, resources inside containers: a fifth of the elements) and find the element
        the index would have (the last of that id); an id of anything else gives None there, and
        a non-object here (the callers check what they get)."""
        if self._index is not None or self._walks >= _WALKS_BEFORE_INDEX:
            return self.index.get(ident)
        self._walks += 1
        found = None
        for sec in self.configuration.iterchildren("*"):
            if sec.tag in ("nodes", "fencing-topology"):
                continue  # nodes have their own ids; the topology is found by FENCING_ID
            for el in self._object_places(sec, sec.tag == "resources"):
                if el.get("id") == ident:
                    found = el
        return found

    @staticmethod
    def _object_places(parent: Element, nested: bool) -> Iterator[Element]:
        for el in parent.iterchildren("*"):
            yield el
            if nested and el.tag in CONTAINER_TAGS:
                yield from CibModel._object_places(el, True)

    def object(self, ident: str) -> Element | None:
        """Top-level object (or nested resource) by crmsh id; nodes by id or uname."""
        if ident == FENCING_ID:
            return self.configuration.find("fencing-topology")
        el = self.object_by_id(ident)
        if el is not None and self.is_object(el):
            return el
        return self.node(ident)

    def is_object(self, el: Element) -> bool:
        if el.tag in RESOURCE_TAGS or el.tag == "template":
            return True
        return self.kind_of(el) is not None

    def node(self, ident_or_uname: str) -> Element | None:
        """A node by id, else by uname."""
        el = self.nodes.get(ident_or_uname)
        if el is not None:
            return el
        for n in self.nodes.values():
            if n.get("uname") == ident_or_uname:
                return n
        return None

    def resource(self, ident: str) -> Element | None:
        """A resource (primitive, group, clone, master, bundle) or template by id."""
        el = self.index.get(ident)
        if el is not None and (el.tag in RESOURCE_TAGS or el.tag == "template"):
            return el
        return None

    @staticmethod
    def container_of(el: Element) -> Element | None:
        """The group/clone/master/bundle directly holding resource ``el``, if any."""
        parent = el.getparent()
        if parent is not None and parent.tag in CONTAINER_TAGS:
            return parent
        return None

    def top_of(self, el: Element) -> Element:
        """The outermost container of a resource (the resource itself if not contained)."""
        while True:
            up = self.container_of(el)
            if up is None:
                return el
            el = up

    def add(self, el: Element, section: str) -> None:
        """Append ``el`` to ``section`` (created if needed) and index it."""
        sec = self.section(section)
        assert sec is not None
        sec.append(el)
        self.register(el)

    def remove(self, el: Element) -> None:
        """Detach ``el`` from the document and drop its subtree from the index."""
        self.unregister(el)
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)

    def resources_count(self) -> int:
        """Primitives in the configuration (counted in the tree when the index is not built)."""
        if self._index is None:  # a commit after `set`: no whole index for this
            return len({el.get("id") for el in self.configuration.iter("primitive")} - {None})
        return sum(1 for el in self.index.values() if el.tag == "primitive")
