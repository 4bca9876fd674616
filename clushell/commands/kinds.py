"""Argument kinds: what a value is. Each kind owns its check (here) and its completion
(``clushell.complete.engine.KIND_SOURCES``). Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable

from clushell import values


class Kind:
    """What an argument is; completion and checks choose providers by kind."""

    RESOURCE = "resource"  # any resource id (primitive, group, clone, ...)
    STOPPED_RESOURCE = "stopped-resource"  # a resource id; completion offers stopped ones (start)
    RUNNING_RESOURCE = "running-resource"  # a resource id; completion offers running ones (stop)
    PROMOTABLE = "promotable"  # a promotable clone id
    PRIMITIVE = "primitive"
    GROUP = "group"
    NODE = "node"
    ID = "id"  # any configuration object id
    NEW_ID = "new-id"  # an id that does not exist yet
    RA = "ra"  # class:provider:type agent spec
    RA_CLASS = "ra-class"
    PROPERTY = "property"
    SCORE = "score"
    KEYWORD = "keyword"  # one of Arg.choices
    FILE = "file"
    TEXT = "text"  # free text
    NUMBER = "number"
    LEVEL = "level"
    COMMAND = "command"  # a command name (help CMD)
    SELECTOR = "selector"  # show/edit selectors: ids, changed, type:T, tag:T, related:ID
    CONFIG = "config"  # the rest of a configure-language statement
    SERVICE = "service"  # ipvs service tcp:VIP:PORT, fwm:MARK, ...
    REAL = "real"  # ipvs real server RIP[:PORT]
    OPTION = "option"  # key=value option (old style; prefer Command.opts)
    DIRECTOR = "director"
    DURATION = "duration"  # Pacemaker duration: 30s, 500ms, 2min, PT1M
    ATTR = "attr"  # an attribute name (nvpair)
    META_ATTR = "meta-attr"  # a resource's meta attribute name
    PARAM_ATTR = "param-attr"  # a resource's agent parameter name
    SHADOW = "shadow"  # a shadow CIB name
    HOST = "host"  # a host name or address
    FLAG = "flag"  # an Opt without a value: the word itself (--now, -w, force)
    COROSYNC_KEY = "corosync-key"  # dotted corosync.conf key, totem.token (corosync.keys: section by section)


def check_value(kind: str, value: str) -> str | None:
    """Why ``value`` cannot be a ``kind``, or None. The text names no value (the caller names the token).

    Values of existing objects (resources, ids, nodes) are only checked for what no id can
    contain; whether they exist is the handler's business ("no such resource").
    """
    return _CHECKS.get(kind, values.xml_text)(value)


def _shadow(value: str) -> str | None:
    # the character set is the shadow store's to judge; the length is the file system's
    if "/" in value:
        return None
    return values.xml_text(value) or values.file_name(value, "shadow name", SHADOW_NAME_MAX)


#: the shadow store's longest file name is the temp file of its base record,
#: ``..shadow.NAME.base.XXXXXXXX.tmp`` (27 bytes more than NAME)
SHADOW_NAME_MAX = values.NAME_MAX - len("..shadow.") - len(".base.XXXXXXXX.tmp")


_CHECKS: dict[str, Callable[[str], str | None]] = {
    Kind.NEW_ID: values.object_id,
    Kind.NODE: values.node_name,
    Kind.SCORE: values.score,
    Kind.NUMBER: values.integer,
    Kind.DURATION: values.duration,
    Kind.ATTR: values.nvpair_name,
    Kind.META_ATTR: values.nvpair_name,
    Kind.PARAM_ATTR: values.nvpair_name,
    Kind.PROPERTY: values.nvpair_name,
    Kind.FILE: values.path,
    Kind.SHADOW: _shadow,
    Kind.HOST: values.host_name,
    Kind.FLAG: lambda value: None,
}
