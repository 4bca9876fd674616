"""Undo log for edits of a CibModel: every change records how to take it back."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from clushell.cib.model import CibModel


class Journal:
    """Records how to undo each change made to the model."""

    def __init__(self, model: CibModel):
        self.model = model
        self._undo: list[Callable[[], None]] = []

    def add(self, el: etree._Element, parent: etree._Element) -> None:
        parent.append(el)
        self.model.register(el)
        self._undo.append(lambda: self.model.remove(el))

    def add_object(self, el: etree._Element, section: str) -> None:
        sec = self.model.configuration.find(section)
        if sec is None:
            sec = self.model.section(section)
            assert sec is not None
            self._undo.append(lambda: self.model.configuration.remove(sec))
        self.add(el, sec)

    def move(self, el: etree._Element, parent: etree._Element) -> None:
        old = el.getparent()
        assert old is not None
        idx = old.index(el)
        parent.append(el)
        self._undo.append(lambda: old.insert(idx, el))

    def remove(self, el: etree._Element) -> None:
        parent = el.getparent()
        assert parent is not None
        idx = parent.index(el)
        self.model.remove(el)

        def undo() -> None:
            parent.insert(idx, el)
            self.model.register(el)

        self._undo.append(undo)

    def set(self, el: etree._Element, name: str, value: str) -> None:
        old = el.get(name)
        el.set(name, value)
        self._undo.append(lambda: el.attrib.pop(name) if old is None else el.set(name, old))

    def rollback(self) -> None:
        while self._undo:
            self._undo.pop()()
