"""crmsh-compatible id generation (crmsh 4.4, see crmsh-language.md §2.16).

A new object's element tree is walked depth first carrying a *prefix* (the object id,
a node's uname, or an enclosing element's id). Elements without an explicit id get
``<prefix>-<suffix>``, with ``-0``, ``-1``, ... appended until the candidate is free.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

#: elements that never get an id of their own
_NO_ID = frozenset(
    {
        "resource_ref",
        "obj_ref",
        "role_ref",
        "operations",
        "fencing-topology",
        "docker",
        "podman",
        "rkt",
        "network",
        "storage",
        "port-mapping",
        "storage-mapping",
        "select",
        "select_nodes",
        "select_fencing",
        "select_resources",
        "select_attributes",
        "crmsh-ref",
    }
)

#: elements whose generated id is prefix-<tag>
_TAG_SUFFIX = frozenset(
    {"instance_attributes", "meta_attributes", "utilization", "rule", "duration", "date_spec", "attributes"}
)

_ID_RE = re.compile(r"[A-Za-z_][\w.-]*")


def valid_id(ident: str) -> bool:
    """Object ids crmsh accepts (``^[A-Za-z_][\\w.-]*$``)."""
    return bool(_ID_RE.fullmatch(ident))  # fullmatch: '$' would let a trailing newline through


class IdGen:
    """Hands out free ids; ``taken(id)`` says whether an id is already used in the CIB."""

    def __init__(self, taken: Callable[[str], bool]):
        self._taken = taken
        self.assigned: set[str] = set()
        # candidate -> the first N not yet tried: ids are never freed while ids are handed out,
        # so the search for candidate-N resumes there (a rule with N clauses stays linear)
        self._next: dict[str, int] = {}

    def is_free(self, ident: str) -> bool:
        return ident not in self.assigned and not self._taken(ident)

    def claim(self, ident: str) -> str:
        self.assigned.add(ident)
        return ident

    def new(self, candidate: str) -> str:
        """The candidate, or the first free ``candidate-N`` (N = 0, 1, ...)."""
        if self.is_free(candidate):
            return self.claim(candidate)
        n = self._next.get(candidate, 0)
        while True:
            cand = f"{candidate}-{n}"
            n += 1
            if self.is_free(cand):
                self._next[candidate] = n
                return self.claim(cand)

    def candidate(self, el: etree._Element, prefix: str) -> str:
        """The generated id for ``el`` under ``prefix`` before collision handling."""
        if prefix.isdigit():
            prefix = f"num-{prefix}"
        tag = el.tag
        if tag == "nvpair":
            return f"{prefix}-{el.get('name')}"
        if tag == "op":
            interval = el.get("interval")
            return f"{prefix}-{el.get('name')}-{interval}" if interval is not None else f"{prefix}-{el.get('name')}"
        if tag in _TAG_SUFFIX:
            return f"{prefix}-{tag}"
        if tag in ("expression", "date_expression"):
            return f"{prefix}-expression"
        if tag in ("read", "write", "deny"):
            return f"{prefix}-{tag}"
        return prefix

    def assign(self, el: etree._Element, prefix: str) -> None:
        """Give ids to ``el`` (if it needs one) and its whole subtree."""
        if not isinstance(el.tag, str):
            return
        child_prefix = prefix
        if el.tag in _NO_ID or el.get("id-ref") is not None:
            if el.tag == "operations" and el.get("id"):
                child_prefix = self.claim(el.get("id"))  # type: ignore[arg-type]
        elif el.get("id") is not None:
            ident = el.get("id")
            assert ident is not None
            self.assigned.add(ident)
            child_prefix = ident
        else:
            ident = self.new(self.candidate(el, prefix))
            el.set("id", ident)
            child_prefix = ident
        if el.tag == "node":
            child_prefix = el.get("uname") or child_prefix
        for child in el:
            self.assign(child, child_prefix)

    def assign_object(self, el: etree._Element) -> None:
        """Ids for a new top-level object whose own id (or uname) is already set."""
        self.assign(el, el.get("uname") or el.get("id") or "")


