"""Parser and renderer of corosync.conf, with corosync's own rules (exec/coroparse.c).

A line is a comment (``#`` first), blank, ``name {`` (opens a section), ``key: value``
(the first ``:`` splits) or ``}``. Every line keeps its original text: rendering an
unchanged document gives back the same bytes, and a changed item is re-rendered with its
own indentation while every other line stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from clushell.errors import ClushError


class ConfError(ClushError):
    """A corosync.conf that corosync itself would refuse, with line and column."""

    def __init__(self, message: str, *, line: int, col: int, source: str = "corosync.conf"):
        super().__init__(f"{source}: line {line}, column {col}: {message}")
        self.line = line
        self.col = col
        self.source = source


@dataclass
class Raw:
    """A comment or blank line, kept as typed (line ending included)."""

    text: str

    def render(self) -> str:
        return self.text


@dataclass
class Item:
    """``key: value``; ``raw`` is the original line, dropped once the value changes."""

    key: str
    value: str
    indent: str = ""
    raw: str | None = None
    line: int = 0
    eol: str = "\n"

    def render(self) -> str:
        return self.raw if self.raw is not None else f"{self.indent}{self.key}: {self.value}{self.eol}"

    def set(self, value: str) -> None:
        if value != self.value:
            self.value = value
            self.raw = None


Node = Raw | Item


@dataclass
class Section:
    """``name { ... }``; the document itself is a Section without a name."""

    name: str
    children: list[Raw | Item | Section] = field(default_factory=list)
    indent: str = ""
    open_raw: str | None = None
    close_raw: str | None = None
    line: int = 0
    unit: str = "\t"  # one level of indentation for new lines (the document's own)

    # -- reading ---------------------------------------------------------------------------
    def sections(self, name: str | None = None) -> list[Section]:
        return [c for c in self.children if isinstance(c, Section) and (name is None or c.name == name)]

    def items(self, key: str | None = None) -> list[Item]:
        return [c for c in self.children if isinstance(c, Item) and (key is None or c.key == key)]

    def get(self, key: str) -> str | None:
        """The value of ``key`` here; corosync keeps the last of repeated keys."""
        found = self.items(key)
        return found[-1].value if found else None

    def walk(self, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Item]]:
        """Every item below with its dotted path of section names."""
        for c in self.children:
            if isinstance(c, Item):
                yield (*prefix, c.key), c
            elif isinstance(c, Section):
                yield from c.walk((*prefix, c.name))

    # -- changing --------------------------------------------------------------------------
    def child_indent(self) -> str:
        for c in self.children:
            if isinstance(c, Item | Section):
                return c.indent
        return self.indent + self.unit if self.name else ""

    def set(self, key: str, value: str) -> Item:
        """Change the (last) ``key`` or append it after this section's last item."""
        found = self.items(key)
        if found:
            for extra in found[:-1]:  # repeated keys: one value left, the one corosync used
                self.children.remove(extra)
            found[-1].set(value)
            return found[-1]
        item = Item(key, value, indent=self.child_indent())
        last = max((i for i, c in enumerate(self.children) if isinstance(c, Item)), default=-1)
        self.children.insert(last + 1, item)
        return item

    def remove(self, key: str) -> bool:
        found = self.items(key)
        for item in found:
            self.children.remove(item)
        return bool(found)

    def add_section(self, name: str) -> Section:
        """A new empty section appended at the end of this one."""
        sec = Section(name, indent=self.child_indent(), unit=self.unit)
        self.children.append(sec)
        return sec

    # -- rendering -------------------------------------------------------------------------
    def render(self) -> str:
        body = "".join(c.render() for c in self.children)
        if not self.name:
            return body
        open_line = self.open_raw if self.open_raw is not None else f"{self.indent}{self.name} {{\n"
        close_line = self.close_raw if self.close_raw is not None else f"{self.indent}}}\n"
        return open_line + body + close_line


def _split_eol(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body):]


def _indent_unit(lines: list[str]) -> str:
    for line in lines:
        body = line.rstrip("\r\n")
        stripped = body.lstrip()
        if stripped and not stripped.startswith("#") and body != stripped:
            return body[: len(body) - len(stripped)]
    return "\t"


def parse(text: str, source: str = "corosync.conf") -> Section:
    """The document model of ``text``; ConfError (line, column) where corosync would stop."""
    lines = text.splitlines(keepends=True)
    root = Section("", unit=_indent_unit(lines))
    stack = [root]
    for no, line in enumerate(lines, 1):
        body, eol = _split_eol(line)
        stripped = body.strip()
        indent = body[: len(body) - len(body.lstrip())]
        top = stack[-1]
        if not stripped or stripped.startswith("#"):
            top.children.append(Raw(line))
            continue
        if "{" in body:
            at = body.index("{")
            name, after = body[:at].strip(), body[at + 1:].strip()
            if not name:
                raise ConfError("missing section name before '{'", line=no, col=at + 1, source=source)
            if after:
                col = at + 2 + (len(body[at + 1:]) - len(body[at + 1:].lstrip()))
                raise ConfError(f"extra characters after '{{': '{after}'", line=no, col=col, source=source)
            if any(ch in name for ch in ":}") or " " in name.strip():
                raise ConfError(f"bad section name '{name}'", line=no, col=len(indent) + 1, source=source)
            sec = Section(name, indent=indent, open_raw=line, line=no, unit=root.unit)
            top.children.append(sec)
            stack.append(sec)
            continue
        if ":" in body:
            at = body.index(":")
            key, value = body[:at].strip(), body[at + 1:].strip()
            if not key:
                raise ConfError("missing key name before ':'", line=no, col=at + 1, source=source)
            top.children.append(Item(key, value, indent=indent, raw=line, line=no, eol=eol or "\n"))
            continue
        if "}" in body:
            if stripped != "}":
                col = len(indent) + 1 if not stripped.startswith("}") else body.index("}") + 2
                raise ConfError(f"extra characters before or after '}}': '{stripped}'", line=no, col=col,
                                source=source)
            if len(stack) == 1:
                raise ConfError("'}' closes no section", line=no, col=body.index("}") + 1, source=source)
            stack.pop().close_raw = line
            continue
        raise ConfError(f"not a section, a 'key: value' or '}}': '{stripped}'", line=no, col=len(indent) + 1,
                        source=source)
    if len(stack) > 1:
        sec = stack[-1]
        raise ConfError(f"section '{sec.name}' opened here is never closed (missing '}}')", line=sec.line,
                        col=len(sec.indent) + 1, source=source)
    return root


def render(doc: Section) -> str:
    return doc.render()
