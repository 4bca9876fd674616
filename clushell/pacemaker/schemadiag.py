"""What is wrong, in one line, when Pacemaker's RelaxNG schema refuses a CIB.

libxml reports a schema failure as a cascade ("Expecting an element meta_attributes, got
nothing", "Extra element operations in interleave", "Element primitive failed to validate
content", "Element resources has extra content: primitive") that often does not name the
attribute at fault. :func:`diagnose` finds the innermost element the cascade points at and
tries it alone (the failing object in an otherwise empty CIB): without each attribute, without
each child element, with each missing attribute the schema declares. What makes it valid is
the fault; the schema files say whether the attribute is unknown or which values it takes.
"""

from __future__ import annotations

import copy
import functools
import os
import re
from dataclasses import dataclass

from lxml import etree

RNG = "{http://relaxng.org/ns/structure/1.0}"
SECTIONS = ("crm_config", "nodes", "resources", "constraints")
MAX_TRIALS = 40  # validations of the small document per diagnosis


@dataclass(frozen=True)
class Diagnosis:
    """``object_id`` is the top-level object at fault (None: the CIB itself); ``text`` says what
    (the element inside the object first when it is not the object itself)."""

    object_id: str | None
    text: str
    attribute: str | None = None


def diagnose(root: etree._Element, schema: etree.RelaxNG, name: str, schema_dir: str) -> Diagnosis | None:
    """One line for the first object ``schema`` (named ``name``) refuses in ``root``; None if valid."""
    if schema.validate(root):
        return None
    log = list(schema.error_log)
    entries = [e for e in log if e.type_name != "RELAXNG_OK"]
    if not entries:  # only references to missing ids ("RELAXNG_OK" is how libxml files them)
        return _dangling(root, log, name)
    located = [(e, _element(root, e.path)) for e in entries if e.path]
    located = [(e, el) for e, el in located if el is not None]
    if not located:
        first = entries[0].message if entries else "the CIB does not validate"
        return Diagnosis(None, f"{first}")
    deepest = max(located, key=lambda t: _depth(t[1]))  # max keeps the first of equal depth
    entry, el = deepest
    obj = _object_of(el)
    oid = obj.get("id") if obj is not None else None
    said = _said(entries, el)
    m = re.match(r"Element (\S+) has extra content: (\S+)$", said)
    if m and obj is not None and el is not obj and m.group(2) == el.tag:  # el itself is the stranger
        parent = el.getparent()
        return Diagnosis(oid, f"{_where(obj, parent)}element {el.tag} is not allowed in {parent.tag}")
    if obj is not None and el.tag == "group" and not [c for c in el if c.tag == "primitive"]:
        return Diagnosis(oid, f"{_where(obj, el)}a group needs at least one primitive")
    if obj is None:  # libxml stopped at a section (fencing-topology): a value its children cannot have
        bad = _bad_value(el, name, schema_dir)
        if bad is not None:
            return bad
    found = _experiment(root, schema, obj, el, name, schema_dir, said) if obj is not None else None
    what, attr = found if found is not None else (f"not allowed by the schema: {said or entry.message}", None)
    return Diagnosis(oid, f"{_where(obj, el)}{what}", attr)


def _bad_value(section: etree._Element, name: str, schema_dir: str, only: etree._Element | None = None
               ) -> Diagnosis | None:
    """The first attribute of a child of ``section`` (or of ``only``) outside what the schema allows."""
    for child in [only] if only is not None else list(section.iterchildren("*"))[:200]:
        for attr, value in child.attrib.items():
            allowed = attribute_values(schema_dir, name, child.tag, attr)
            if allowed is None:
                return Diagnosis(child.get("id"), f"{child.tag} has no attribute {attr}", attr)
            if not _allows(allowed, value):
                return Diagnosis(child.get("id"), f"{attr} {value!r} is not valid for {child.tag}{_expected(allowed)}",
                                 attr)
    return None


def _valid(schema: etree.RelaxNG, doc: etree._Element) -> bool:
    """Valid but for references to ids that are not there (the small document lacks them)."""
    return schema.validate(doc) or all(e.type_name == "RELAXNG_OK" for e in schema.error_log)


def _dangling(root: etree._Element, log: list, name: str) -> Diagnosis:
    for e in log:
        m = re.match(r'IDREF attribute (\S+) references an unknown ID "(.*)"', e.message)
        if not m or not re.fullmatch(r"[A-Za-z_][\w.-]*", m.group(1)):
            continue
        for el in root.iterfind(f"configuration//*[@{m.group(1)}]"):
            if el.get(m.group(1)) == m.group(2):
                obj = _object_of(el)
                return Diagnosis(obj.get("id") if obj is not None else None,
                                 f"{_where(obj, el)}{m.group(1)} {m.group(2)!r} refers to no object")
    first = log[0].message if log else "the CIB does not validate"
    return Diagnosis(None, f"{first}")


def _element(root: etree._Element, path: str) -> etree._Element | None:
    try:
        found = root.xpath(path)
    except etree.XPathError:
        return None
    return found[0] if isinstance(found, list) and found and isinstance(found[0], etree._Element) else None


def _depth(el: etree._Element) -> int:
    return sum(1 for _ in el.iterancestors())


def _object_of(el: etree._Element) -> etree._Element | None:
    """The top-level object holding ``el`` (a child of a configuration section)."""
    chain = [el, *el.iterancestors()]
    for i, anc in enumerate(chain):
        if anc.tag == "configuration" and i >= 2:
            return chain[i - 2]
    return None


def _where(obj: etree._Element | None, el: etree._Element) -> str:
    """'' when the element is the object itself (the object id is said by the caller), else
    the nested element: 'op p-monitor-10s: ', 'instance_attributes p-ia: '."""
    if obj is None or el is obj:
        return "" if obj is not None else f"{el.tag}: "
    return f"{el.tag} {el.get('id')}: " if el.get("id") else f"{el.tag} in {obj.tag}: "


def _said(entries: list, el: etree._Element) -> str:
    """The most specific thing libxml said about ``el`` (a type error names the bad value)."""
    path = el.getroottree().getpath(el)
    mine = [e.message for e in entries if e.path and _element(el.getroottree().getroot(), e.path) is el]
    for msg in mine:
        if msg.startswith("Type ") or msg.startswith("Invalid attribute"):
            return msg
    return mine[0] if mine else path


def _alone(root: etree._Element, obj: etree._Element) -> tuple[etree._Element, etree._Element]:
    """A CIB with only ``obj`` in its section (a copy); returns the copy's root and object."""
    small = etree.Element(root.tag, dict(root.attrib))
    conf = etree.SubElement(small, "configuration")
    section = obj.getparent()
    for sec in root.find("configuration") if root.find("configuration") is not None else []:
        if not isinstance(sec.tag, str):
            continue
        new = etree.SubElement(conf, sec.tag, dict(sec.attrib))
        if sec is section:
            mine = copy.deepcopy(obj)
            new.append(mine)
    for sec in SECTIONS:
        if conf.find(sec) is None:
            etree.SubElement(conf, sec)
    etree.SubElement(small, "status")
    return small, conf.find(f"{section.tag}/*[last()]")


def _index_path(obj: etree._Element, el: etree._Element) -> list[int]:
    out = []
    while el is not obj:
        parent = el.getparent()
        out.append(parent.index(el))
        el = parent
    return out[::-1]


def _follow(obj: etree._Element, path: list[int]) -> etree._Element:
    for i in path:
        obj = obj[i]
    return obj


def _experiment(root: etree._Element, schema: etree.RelaxNG, obj: etree._Element, el: etree._Element,
                name: str, schema_dir: str, said: str) -> tuple[str, str | None] | None:
    """(what is wrong, the attribute at fault) found by trying variants of ``el``; None if nothing did."""
    m = re.match(r"Type (\S+) doesn't allow value '(.*)'$", said)
    typed = [a for a, v in el.attrib.items() if m and v == m.group(2)]
    if typed:  # libxml named the value: the attribute holding it is at fault
        return f"{typed[0]} {m.group(2)!r} is not valid for {el.tag}{_expected([f'({m.group(1)})'])}", typed[0]
    small, small_obj = _alone(root, obj)
    if small_obj is None or _valid(schema, small):
        return None  # the object is fine alone (a duplicate id, a reference): libxml's words are kept
    path = _index_path(obj, el)
    trials = 0

    def fixed(change) -> bool:
        nonlocal trials
        trials += 1
        doc = copy.deepcopy(small)
        target = _follow(doc.find(f"configuration/{obj.getparent().tag}/*[last()]"), path)
        change(target)
        return _valid(schema, doc)

    info = functools.partial(attribute_values, schema_dir, name, el.tag)
    for attr, value in el.attrib.items():
        allowed = info(attr) or []
        if _allows(allowed, value):
            continue
        for sample in _samples(allowed):
            if trials < MAX_TRIALS and fixed(lambda t, a=attr, v=sample: t.set(a, v)):
                return f"{attr} {value!r} is not valid for {el.tag}{_expected(allowed)}", attr
    for attr, value in el.attrib.items():
        if trials < MAX_TRIALS and fixed(lambda t, a=attr: t.attrib.pop(a)):
            allowed = info(attr)
            if allowed is None:
                return f"{el.tag} has no attribute {attr}", attr
            return f"{attr} {value!r} is not valid for {el.tag}{_expected(allowed)}", attr
    for i, child in enumerate([c for c in el if isinstance(c.tag, str)]):
        if trials < MAX_TRIALS and fixed(lambda t, i=i: t.remove([c for c in t if isinstance(c.tag, str)][i])):
            inner = _bad_value(el, name, schema_dir, only=child)  # a known child with a bad value?
            if inner is not None and declared_attributes(schema_dir, name, child.tag):
                label = f"{child.tag} {child.get('id')}" if child.get("id") else child.tag
                return f"{label}: {inner.text}", inner.attribute
            return f"element {child.tag} is not allowed in {el.tag}", None
    for attr in declared_attributes(schema_dir, name, el.tag):
        if attr in el.attrib or trials >= MAX_TRIALS:
            continue
        sample = (_samples(attribute_values(schema_dir, name, el.tag, attr) or []) or ["1"])[0]
        if fixed(lambda t, a=attr, v=sample: t.set(a, v)):
            return f"{el.tag} needs attribute {attr}", attr
    return None


_CHECKS = {
    "integer": r"[+-]?\d+", "nonNegativeInteger": r"\+?\d+", "positiveInteger": r"\+?0*[1-9]\d*",
    "boolean": r"true|false|1|0", "ID": r"[A-Za-z_][\w.-]*", "IDREF": r"[A-Za-z_][\w.-]*",
}
_SAMPLES = {"integer": "1", "nonNegativeInteger": "1", "positiveInteger": "1", "boolean": "true"}


def _allows(allowed: list[str], value: str) -> bool:
    """True unless ``value`` is surely outside ``allowed`` (types we do not know allow anything)."""
    for a in allowed:
        if not a.startswith("("):
            if a == value:
                return True
        elif a[1:-1] not in _CHECKS or re.fullmatch(_CHECKS[a[1:-1]], value.strip()):
            return True
    return False


def _samples(allowed: list[str]) -> list[str]:
    """Values ``allowed`` surely takes (a few; none for types we cannot make a value of)."""
    out = [_SAMPLES[a[1:-1]] if a.startswith("(") else a for a in allowed
           if not a.startswith("(") or a[1:-1] in _SAMPLES]
    return out[:8]


_TYPES = {
    "integer": "an integer", "nonNegativeInteger": "an integer >= 0", "positiveInteger": "an integer > 0",
    "boolean": "true or false", "ID": "a name starting with a letter or _ (then letters, digits, '-', '_', '.')",
    "IDREF": "the id of an object", "text": "any text", "string": "any text", "token": "a word",
}


def _expected(allowed: list[str]) -> str:
    if not allowed or "(text)" in allowed or "(string)" in allowed:
        return ""
    quote = any(a in ("or", "and") for a in allowed)  # "expected 'or' or 'and'"
    shown = [_TYPES.get(a[1:-1], a[1:-1]) if a.startswith("(") else (repr(a) if quote else a) for a in allowed[:12]]
    words = ", ".join(shown[:-1]) + (" or " if len(shown) > 1 else "") + shown[-1]
    return f" (expected {words}{', ...' if len(allowed) > 12 else ''})"


# -- what the schema files declare -------------------------------------------------------------
@functools.cache
def _files(schema_dir: str, name: str) -> tuple[etree._ElementTree, ...]:
    """The parsed RelaxNG files of schema ``name`` and those they reference."""
    seen: dict[str, etree._ElementTree] = {}
    todo = [f"{name}.rng"]
    while todo:
        fname = todo.pop()
        path = os.path.join(schema_dir, fname)
        if fname in seen or not re.fullmatch(r"[A-Za-z0-9._-]+", fname) or not os.path.exists(path):
            continue
        seen[fname] = etree.parse(path)
        todo += [ref.get("href") for ref in seen[fname].iter(f"{RNG}externalRef", f"{RNG}include")
                 if ref.get("href")]
    return tuple(seen.values())


def _defines(tree: etree._ElementTree, ref: str) -> list[etree._Element]:
    return [d for d in tree.iter(f"{RNG}define") if d.get("name") == ref]


def _walk(tree: etree._ElementTree, node: etree._Element, schema_dir: str, seen: set, found: list) -> None:
    """Every pattern under ``node`` that belongs to the same element (refs followed, nested
    elements not entered)."""
    for sub in node:
        if not isinstance(sub.tag, str) or sub.tag == f"{RNG}element":
            continue
        found.append(sub)
        if sub.tag == f"{RNG}ref" and (id(tree), sub.get("name")) not in seen:
            seen.add((id(tree), sub.get("name")))
            for d in _defines(tree, sub.get("name")):
                _walk(tree, d, schema_dir, seen, found)
        elif sub.tag == f"{RNG}externalRef":
            path = os.path.join(schema_dir, sub.get("href", ""))
            if os.path.exists(path) and path not in seen:
                seen.add(path)
                other = etree.parse(path)
                for start in other.getroot().iter(f"{RNG}start"):
                    _walk(other, start, schema_dir, seen, found)
        else:
            _walk(tree, sub, schema_dir, seen, found)


@functools.cache
def _attributes(schema_dir: str, name: str, tag: str) -> dict[str, tuple[str, ...]]:
    """Attribute name -> allowed values ('(integer)' for a data type, '(text)') of element ``tag``."""
    out: dict[str, list[str]] = {}
    for tree in _files(schema_dir, name):
        for el in tree.iter(f"{RNG}element"):
            if el.get("name") != tag:
                continue
            patterns: list[etree._Element] = []
            _walk(tree, el, schema_dir, set(), patterns)
            for attr in (p for p in patterns if p.tag == f"{RNG}attribute" and p.get("name")):
                values = out.setdefault(attr.get("name"), [])
                inner: list[etree._Element] = []
                _walk(tree, attr, schema_dir, set(), inner)
                for p in inner:
                    if p.tag == f"{RNG}value" and p.text and p.text not in values:
                        values.append(p.text)
                    elif p.tag == f"{RNG}data" and f"({p.get('type')})" not in values:
                        values.append(f"({p.get('type')})")
                    elif p.tag == f"{RNG}text" and "(text)" not in values:
                        values.append("(text)")
    return {k: tuple(v) for k, v in out.items()}


def declared_attributes(schema_dir: str, name: str, tag: str) -> list[str]:
    return list(_attributes(schema_dir, name, tag))


def attribute_values(schema_dir: str, name: str, tag: str, attr: str) -> list[str] | None:
    """What ``attr`` of ``tag`` may be (values, '(type)'), None if the schema has no such attribute."""
    found = _attributes(schema_dir, name, tag)
    return list(found[attr]) if attr in found else None
