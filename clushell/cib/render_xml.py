"""What has no crm-language form, and ``show xml`` (crmsh 4.4.1's rules)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from clushell.cib.render_fmt import _NODE_NAME, CONSTRAINT_TAGS, CONTAINER_TAGS, Element, Style

_BARE = _NODE_NAME  # no blank, quote or backslash


def render_xml_object(el: Element) -> str:
    """The fallback for objects without a CLI form: ``xml <element> \\`` lines."""
    text = etree.tostring(el, pretty_print=True).decode()
    lines = [x for x in text.split("\n") if x]
    return "xml " + " \\\n".join(lines)


_SETS = ("instance_attributes", "meta_attributes", "utilization")
_CHILDREN: dict[str, tuple[str, ...]] = {
    "primitive": (*_SETS, "operations"),
    "template": (*_SETS, "operations"),
    "group": ("instance_attributes", "meta_attributes", "primitive"),
    "clone": ("instance_attributes", "meta_attributes", "primitive", "group"),
    "master": ("instance_attributes", "meta_attributes", "primitive", "group"),
    "node": ("instance_attributes", "utilization"),
    "rsc_location": ("rule", "resource_set"),
    "rsc_colocation": ("resource_set",),
    "rsc_order": ("resource_set",),
    "rsc_ticket": ("resource_set",),
    "cluster_property_set": ("nvpair", "rule"),
    "tag": ("obj_ref",),
    "fencing-topology": ("fencing-level",),
    # below objects
    "instance_attributes": ("nvpair", "rule"),
    "meta_attributes": ("nvpair", "rule"),
    "utilization": ("nvpair", "rule"),
    "operations": ("op",),
    "op": ("instance_attributes", "meta_attributes"),
    "rule": ("expression", "date_expression"),
    "date_expression": ("date_spec", "duration"),
    "resource_set": ("resource_ref",),
}
_ATTRS = {
    "primitive": frozenset(("id", "class", "provider", "type", "template", "description")),
    "template": frozenset(("id", "class", "provider", "type", "description")),
    "resource_set": frozenset(("id", "sequential", "require-all", "role", "action")),
}
_COMMENT_OK = frozenset(("primitive", "template", "group", "clone", "master", "node", "op", "rsc_location",
                         "rsc_colocation", "rsc_order", "rsc_ticket", "tag", "cluster_property_set"))


def has_cli_form(el: Element) -> bool:
    """False for what the crm language cannot express (crmsh then shows raw XML):
    unknown child elements (nested rules, ...), unknown attributes on primitives and
    resource sets, an order constraint with a score instead of a kind, values that would
    not read back the same once printed (crmsh's own round-trip check, done by hand).
    Runs over every element of a show: attributes are read once, checks inlined."""
    tag = el.tag
    if tag == "rsc_order" and el.get("score") is not None:
        return False
    if tag == "fencing-topology":
        from clushell.cib.render_misc import fencing_has_cli_form

        return fencing_has_cli_form(el)
    attrib = el.attrib
    desc = attrib.get("description")
    if desc is not None and ("\\" in desc or "\n" in desc) and not _quoted_ok(desc):
        return False
    if tag == "rsc_location" and not _bare_ok(attrib.get("node")):
        return False
    if tag == "node" and not _NODE_NAME.match(attrib.get("uname") or ""):
        return False  # printed unquoted, it would not parse back
    if tag == "rule" and attrib.get("id-ref") is None:
        if not any(c.tag in ("expression", "date_expression") for c in el):
            return False
    allowed = _ATTRS.get(tag)
    if allowed is not None and not allowed.issuperset(attrib.keys()):
        return False
    known = _CHILDREN.get(tag)
    if known is None:
        return True
    comments_ok = tag in _COMMENT_OK
    for c in el:
        ctag = c.tag
        if ctag.__class__ is not str:
            if not comments_ok:
                return False
            continue
        if ctag not in known:
            return False
        if ctag == "nvpair":
            value = c.get("value")
            if value is not None and ("\\" in value or "\n" in value) and not _quoted_ok(value):
                return False
        elif ctag == "expression":
            if not (_bare_ok(c.get("value")) and _bare_ok(c.get("attribute"))):
                return False
        elif ctag in _RECURSE:
            if ctag in _LEAF_DESC_ONLY and not len(c):  # an op without children: its description only
                desc = c.get("description")
                if desc is not None and ("\\" in desc or "\n" in desc) and not _quoted_ok(desc):
                    return False
            elif not has_cli_form(c):
                return False
    return True


#: children checked in depth (containers' members and primitives are objects of their own)
_RECURSE = frozenset(t for t in _CHILDREN if t not in CONTAINER_TAGS and t != "primitive")
#: of those, where has_cli_form of a childless element checks nothing but its description
_LEAF_DESC_ONLY = frozenset(_RECURSE - set(_ATTRS) - {"rule", "rsc_order", "rsc_location", "node",
                                                       "fencing-topology"})


def _quoted_ok(value: str | None) -> bool:
    """A value printed in double quotes (only ``"`` escaped, as crmsh) reads back unchanged."""
    if value is None or ("\\" not in value and "\n" not in value):
        return True
    return "\n" not in value and "\\\\" not in value and '\\"' not in value and not value.endswith("\\")


def _bare_ok(value: str | None) -> bool:
    """A value printed without quotes (rule values, location nodes) is one plain word."""
    return value is None or _BARE.match(value) is not None


def _as_property(el: Element) -> Element:
    """Defaults sets are checked like property sets (same grammar)."""
    return el if el.tag != "meta_attributes" else _PropertyView(el)


class _PropertyView:
    """A defaults ``meta_attributes`` seen as a ``cluster_property_set`` for has_cli_form."""

    tag = "cluster_property_set"

    def __init__(self, el: Element):
        self._el = el
        self.attrib = el.attrib

    def __iter__(self):
        return iter(self._el)

    def get(self, key: str, default: Any = None) -> Any:
        return self._el.get(key, default)


# -- show xml ----------------------------------------------------------------------------------
_XML_RANK = {
    t: i
    for i, ts in enumerate(
        (
            ("node",),
            ("template",),
            ("primitive",),
            ("bundle",),
            ("group",),
            ("master",),
            ("clone",),
            ("op",),
            ("tag",),
            CONSTRAINT_TAGS,
            ("rsc_ticket", "fencing-topology"),
            ("cluster_property_set",),
            ("rsc_defaults",),
            ("op_defaults",),
            ("acl_role",),
            ("acl_target", "acl_group", "acl_user"),
            ("alert",),
        )
    )
    for t in ts
}


_XML_DEFAULTS = {
    "rule": (("boolean-op", "and"),),
    "expression": (("type", "string"),),
    "resource_set": (("sequential", "true"), ("require-all", "true")),
    "node": (("type", "normal"),),
}


def _xml_rank(el: Element) -> int:
    if el.tag == "meta_attributes":
        return _XML_RANK.get(el.getparent().tag, 1000)
    return _XML_RANK.get(el.tag, 1000)


def _top_parent(el: Element) -> Element:
    while el.getparent() is not None and el.getparent().tag in CONTAINER_TAGS:
        el = el.getparent()
    return el


def render_xml(objects: Iterable[Element], root: Element, style: Style | None = None, *, ordered: bool = True) -> str:
    """``show xml``: a ``<cib>`` document holding the top-level containers of ``objects``."""
    import copy

    style = style or Style()
    objs = sorted(objects, key=_xml_rank) if ordered else list(objects)
    cib = etree.Element("cib", dict(root.attrib))
    conf = etree.SubElement(cib, "configuration")
    sections = {name: etree.SubElement(conf, name) for name in ("crm_config", "nodes", "resources", "constraints")}
    seen: set[int] = set()
    for el in objs:
        top = _top_parent(el)
        if id(top) in seen:
            continue
        seen.add(id(top))
        parent_tag = top.getparent().tag if top.getparent() is not None else "configuration"
        if top.tag == "fencing-topology":
            holder = conf
        else:
            if parent_tag not in sections:
                sections[parent_tag] = etree.SubElement(conf, parent_tag)
            holder = sections[parent_tag]
        holder.append(copy.deepcopy(top))
    for el in cib.iter(*CONTAINER_TAGS):  # crmsh keeps attribute sets before the members
        for c in [c for c in el if c.tag in ("primitive", "group")]:
            el.append(c)
    for el in cib.iter("rule", "expression", "resource_set", "node"):
        for attr, default in _XML_DEFAULTS.get(el.tag, ()):
            if el.get(attr) == default:  # crmsh drops these defaults when it loads a CIB
                del el.attrib[attr]
    for nvp in cib.iter("nvpair"):
        if "value" in nvp.attrib:
            nvp.set("value", style.obscured(nvp.get("name"), nvp.get("value")) or "")
    for c in list(cib.iter(etree.Comment)):
        _as_crmsh_comment(c)
    # ASCII with character references, as crmsh prints it
    return '<?xml version="1.0" ?>\n' + etree.tostring(cib, pretty_print=True).decode()


def _as_crmsh_comment(c: Element) -> None:
    """crmsh reads the CIB as cibadmin pretty-prints it and keeps a comment's trailing
    whitespace, which stops lxml from indenting that element again; reproduce both that
    whitespace (two spaces a level) and crmsh's ``# text`` form of the comment."""
    text = (c.text or "").strip()
    c.text = text if text.startswith("#") else f"# {text}"
    depth = sum(1 for _ in c.iterancestors())
    nxt = c.getnext()
    c.tail = "\n" + "  " * (depth if nxt is not None else depth - 1)
