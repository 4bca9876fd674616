"""crm text of fencing topology, ACL and alert objects (crmsh 4.4.1's rules)."""

from __future__ import annotations

import re
from typing import Any

from clushell.cib.render_fmt import _SET_NAMES, BREAK, Element, Style, _attr_set, is_element, nvpair_format, quote_wrap


def _fencing(node: Element, node_count: int) -> str:
    levels: dict[Any, dict[str, str]] = {}
    for c in node.iterchildren("fencing-level"):
        if "target-pattern" in c.attrib:
            target: Any = (None, c.get("target-pattern"))
        elif "target-attribute" in c.attrib:
            target = (c.get("target-attribute"), c.get("target-value"))
        else:
            target = c.get("target")
        levels.setdefault(target, {})[c.get("index")] = c.get("devices")
    ordered = {t: [d[str(i)] for i in sorted(int(k) for k in d)] for t, d in levels.items()}
    distinct = {" ".join(devs) for devs in ordered.values()}
    if len(distinct) == 1 and len(levels) == node_count and all(isinstance(t, str) for t in levels):
        return f"fencing_topology {next(iter(distinct))}"

    def fmt(t: Any) -> str:
        if isinstance(t, tuple):
            word = f"pattern:{t[1]}" if t[0] is None else f"attr:{t[0]}={t[1]}"
        else:
            word = f"{t}:"
        # one word when loaded back: quoted if it holds blanks or quotes (crm falls back to xml)
        return quote_wrap(word) if any(c.isspace() or c in "\"'" for c in word) else word

    return BREAK.join(["fencing_topology"] + [f"{fmt(t)} {' '.join(d)}" for t, d in ordered.items()])


def fencing_has_cli_form(node: Element) -> bool:
    """The fencing_topology statement can say these levels: per target, indexes 1..n, and
    values that read back the same (else show writes the XML, as crm does)."""
    indexes: dict[Any, list[int]] = {}
    for c in node.iterchildren("fencing-level"):
        target = (c.get("target"), c.get("target-attribute"), c.get("target-value"), c.get("target-pattern"))
        if sum(v is not None for v in target) != (2 if target[1] is not None else 1) or c.get("devices") is None:
            return False
        if any(v is not None and ("\n" in v or "\\" in v or v.endswith(":")) for v in target):
            return False
        if not (c.get("index") or "").isdigit():
            return False
        indexes.setdefault(target, []).append(int(c.get("index", "0")))
    # the statement numbers levels as shown, per node name, attribute name or pattern (one table)
    counter: dict[str, int] = {}
    for target, idx in indexes.items():
        key = target[0] or target[1] or target[3] or ""
        for i in sorted(idx):
            counter[key] = counter.get(key, 0) + 1
            if i != counter[key]:
                return False
    return True


# -- ACLs and alerts -----------------------------------------------------------------------
def _acl_xpath(value: str) -> tuple[str, str] | None:
    """The crm shortcut (name, arguments) that writes this xpath, if any (crm's own table)."""
    from clushell.cib.parse_acl import SHORTCUTS

    for short, parts in SHORTCUTS.items():
        res = [re.escape(p).replace("@@", r"([a-zA-Z_][a-zA-Z0-9_.-]*)") for p in parts]
        for i in range(len(res)):
            m = re.match("".join(res[: i + 1]) + "$", value)
            if not m:
                continue
            args = list(m.groups())
            if short == "location":  # both @@ are the resource
                if args[0] != args[1]:
                    continue
                args = args[:1]
            return short, ":".join(args)
    return None


def _acl_spec(key: str, value: str) -> str:
    if key == "xpath":
        short = _acl_xpath(value)
        if short:
            key, shown = short
        else:
            shown = quote_wrap(value)
    else:
        shown = value
    return f"{key}:{shown}" if shown else key


def _acl_child(c: Element) -> str | None:
    if c.tag in ("read", "write", "deny"):
        words = [c.tag]
        for key in ("xpath", "ref", "tag", "attribute"):
            if c.get(key):
                words.append(_acl_spec(key, c.get(key)))
        return " ".join(words)
    if c.tag == "role_ref":
        return f"role:{c.get('id')}"
    if c.tag == "role":
        return c.get("id")
    if c.tag == "acl_permission":
        words = [c.get("kind")]
        if c.get("description"):
            words.append(nvpair_format("description", c.get("description")))
        for attr, cli in (("xpath", "xpath"), ("reference", "ref"), ("attribute", "attr"), ("object-type", "type")):
            if attr in c.attrib:
                v = c.get(attr)
                shown = _acl_xpath(v) if attr == "xpath" else None
                if shown:
                    words.append(f"{shown[0]}:{shown[1]}" if shown[1] else shown[0])
                else:
                    val = quote_wrap(v) if attr == "xpath" else v
                    words.append(f"{cli}:{val}" if val else cli)
        return " ".join(words)
    return None


def _alert_child(node: Element, c: Element, style: Style) -> str | None:
    names = _SET_NAMES["alert"]
    if c.tag in names:
        return _attr_set(c, names[c.tag], style)
    if c.tag == "select":
        words = ["select"]
        for sel in c:
            if not is_element(sel) or not sel.tag.startswith("select_"):
                continue
            words.append(sel.tag.lstrip("select_"))  # noqa: B005 -- crmsh strips characters, not a prefix
            if sel.tag == "select_attributes":
                words.append("{")
                words.extend(a.get("name") for a in sel.iterchildren("attribute"))
                words.append("}")
        return " ".join(words)
    if c.tag == "recipient":
        wanted = ("recipient", "instance_attributes", "meta_attributes")
        tags = [x.tag for x in node if is_element(x) and x.tag in wanted]
        rest = tags[tags.index("recipient") + 1 :]
        complex_ = "instance_attributes" in rest or "meta_attributes" in rest
        words = ["to"] + (["{"] if complex_ else []) + [quote_wrap(c.get("value") or "")]
        if c.get("description") is not None:  # crm shows the alert as xml; this loads back the same
            words.append(nvpair_format("description", c.get("description")))
        for sub in c:
            if is_element(sub) and sub.tag in names:
                words.append(_attr_set(sub, names[sub.tag], style))
        if complex_:
            words.append("}")
        return " ".join(words)
    return None
