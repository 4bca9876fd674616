"""Small edits of CIB documents for the live commit tests."""

from __future__ import annotations

from lxml import etree


def with_property(xml: bytes, name: str, value: str) -> bytes:
    """``xml`` with the nvpair named ``name`` set to ``value``."""
    doc = etree.fromstring(xml)
    doc.xpath(f"//nvpair[@name='{name}']")[0].set("value", value)
    return etree.tostring(doc)
