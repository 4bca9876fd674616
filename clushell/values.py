"""Checks for values as the user types them (stdlib only; used by the command tree and the cib layer).

Every function returns ``None`` when the value is acceptable, or a short error text (no value
in it, so no control character can reach the screen: the caller names the token). The rules
are those of the places the values end up in: XML 1.0 (the CIB), Pacemaker's duration and
score syntax, XML ids (NCName), the file system (255-byte names) and DNS (63-byte labels).
"""

from __future__ import annotations

import re

#: the characters XML 1.0 cannot carry (C0 controls but tab/LF/CR, surrogates, U+FFFE/U+FFFF)
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ID = re.compile(r"[A-Za-z_][\w.-]*")
_XML_NAME = re.compile(r"[A-Za-z_][\w.-]*")
_NVPAIR_NAME = re.compile(r"[A-Za-z_#][\w.:#-]*")
_INT = re.compile(r"[+-]?\d+")
_SCORE = re.compile(r"[+-]?(\d+|inf|infinity)", re.IGNORECASE)
#: Pacemaker's duration units (crm_get_msec): none means seconds
_UNITS = ("", "ms", "msec", "us", "usec", "s", "sec", "m", "min", "h", "hr")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)", re.IGNORECASE)
_ISO_DURATION = re.compile(r"P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?",
                           re.IGNORECASE)

#: longest file name component most Linux file systems take, in bytes
NAME_MAX = 255
#: longest path the kernel takes, in bytes
PATH_MAX = 4096
#: longest host name label (RFC 1035) and whole name
LABEL_MAX = 63
HOST_MAX = 253


def show(value: str, limit: int = 40) -> str:
    """A printable, quoted, bounded form of a value for messages (escapes controls, cuts huge tokens)."""
    text = value if len(value) <= limit else value[:limit] + "..."
    out = repr(text)
    return out if out[0] == "'" else "'" + out[1:-1].replace("'", "\\'") + "'"


def xml_text(value: str) -> str | None:
    """Text the CIB (XML 1.0) can carry: no NUL, no control characters, valid UTF-8."""
    m = _BAD_XML.search(value)
    if m is None:
        return None
    ch = m.group()
    if ch == "\x00":
        return "NUL byte is not allowed"
    if "\ud800" <= ch <= "\udfff":  # invalid UTF-8 from argv or stdin (surrogateescape)
        return "bytes that are not UTF-8"
    return f"control character U+{ord(ch):04X} is not allowed"


def bad_xml_at(value: str) -> int:
    """Index of the first character XML cannot carry, or -1."""
    m = _BAD_XML.search(value)
    return m.start() if m else -1


def object_id(value: str, what: str = "id") -> str | None:
    """A CIB id: an XML NCName (letter or '_' first, then letters, digits, '.', '-', '_')."""
    bad = xml_text(value)
    if bad:
        return bad
    if not value:
        return f"empty {what}"
    if not _ID.fullmatch(value):
        return f"invalid {what} (ids start with a letter or '_' and contain only letters, digits, '.', '-', '_')"
    return None


def xml_name(value: str, what: str = "attribute name") -> str | None:
    """An XML attribute name as clush writes it (op attributes): no ':' namespaces, no '='."""
    bad = xml_text(value)
    if bad:
        return bad
    if not _XML_NAME.fullmatch(value):
        return f"invalid {what} (a letter or '_' first, then letters, digits, '.', '-', '_')"
    return None


def nvpair_name(value: str, what: str = "attribute name") -> str | None:
    """A name of an instance/meta attribute or node attribute (crmsh also allows '#' and ':')."""
    bad = xml_text(value)
    if bad:
        return bad
    if not _NVPAIR_NAME.fullmatch(value):
        return f"invalid {what} (a letter, '_' or '#' first, then letters, digits, '.', ':', '-', '_')"
    return None


def integer(value: str) -> str | None:
    if not _INT.fullmatch(value):
        return "not an integer"
    return None


def score(value: str) -> str | None:
    """A Pacemaker score: an integer, inf/INFINITY with an optional sign (a trailing ':' is allowed)."""
    text = value[:-1] if value.endswith(":") else value
    if not _SCORE.fullmatch(text):
        return "invalid score (expected an integer, inf or -inf)"
    return None


def duration(value: str) -> str | None:
    """A Pacemaker duration: ``30``, ``30s``, ``500ms``, ``2min``, ``1h`` or ISO 8601 ``PT1M30S``."""
    m = _DURATION.fullmatch(value.strip())
    if m and m.group(2).lower() in _UNITS:
        return None
    if value[:1] in "Pp" and len(value) > 1 and _ISO_DURATION.fullmatch(value) and value.upper() not in ("P", "PT"):
        return None
    return "invalid duration (expected e.g. 30s, 500ms, 2min, 1h or PT1M30S)"


def file_name(value: str, what: str = "name", limit: int = NAME_MAX) -> str | None:
    """One path component that the file system can take (``limit`` leaves room for a prefix)."""
    if "\x00" in value:
        return "NUL byte is not allowed"
    if "/" in value or value in ("", ".", ".."):
        return f"invalid {what} (no '/', not empty, not '.' or '..')"
    size = len(value.encode("utf-8", "surrogateescape"))
    if size > limit:
        return f"{what} too long ({size} bytes; at most {limit})"
    return None


def path(value: str) -> str | None:
    """A path the kernel can take: no NUL, no component over 255 bytes, at most 4096 bytes."""
    if "\x00" in value:
        return "NUL byte is not allowed in a file name"
    raw = value.encode("utf-8", "surrogateescape")
    if len(raw) >= PATH_MAX:
        return f"path too long ({len(raw)} bytes; at most {PATH_MAX - 1})"
    longest = max((len(p) for p in raw.split(b"/")), default=0)
    if longest > NAME_MAX:
        return f"file name too long ({longest} bytes; at most {NAME_MAX} per name)"
    return None


def host_name(value: str) -> str | None:
    """A host name (or ssh alias) DNS can take: labels of at most 63 characters, 253 in all.

    The character set is left to the resolver (ssh aliases may hold '_'); IP literals pass.
    """
    bad = xml_text(value)
    if bad:
        return bad
    if not value:
        return "empty host name"
    if ":" in value or value.replace(".", "").isdigit():  # IPv6 / IPv4 literal: the resolver judges
        return None
    if len(value.rstrip(".")) > HOST_MAX:
        return f"host name too long ({len(value)} characters; at most {HOST_MAX})"
    for label in value.rstrip(".").split("."):
        if len(label) > LABEL_MAX:
            return f"host name label too long ({len(label)} characters; at most {LABEL_MAX})"
        if not label or any(c.isspace() or c in "/\\" for c in label):
            return "invalid host name (empty label, white space or a slash)"
    return None


def node_name(value: str) -> str | None:
    """A cluster node name: XML-safe, no white space, at most 255 characters."""
    bad = xml_text(value)
    if bad:
        return bad
    if not value or any(c.isspace() for c in value):
        return "invalid node name (empty or contains white space)"
    if len(value) > NAME_MAX:
        return f"node name too long ({len(value)} characters; at most {NAME_MAX})"
    return None
