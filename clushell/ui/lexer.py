"""A pygments lexer for the crm configuration language (what `configure show` prints).

Registered as the pygments entry point ``crmsh`` (see pyproject.toml), so other tools can
use it: ``pygmentize -l crm file.crm``. The REPL uses it for configure statements on the
input line and ``show`` uses it on a terminal (:func:`highlight`).
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, include
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

from clushell.cib import statements

#: every word that starts a statement, from the one table (those `show` prints only included)
STATEMENTS = statements.all_words()
SECTIONS = ("params", "meta", "utilization", "op", "operations", "attributes", "rule", "to",
            "docker", "rkt", "podman", "network", "storage", "primitive", "port-mapping", "storage-mapping",
            "select", "recipient")
WORD_OPS = ("and", "or", "not", "defined", "not_defined", "eq", "ne", "lt", "lte", "gt", "gte", "in_range",
            "date", "date_spec", "duration", "string", "integer", "number", "version", "eq", "ne")
ROLES = ("Started", "Stopped", "Promoted", "Unpromoted", "Master", "Slave")

_WORD = r"[^\s=()\[\]{}:\\\"']+"


def _alt(words: tuple[str, ...]) -> str:
    return "|".join(sorted(set(words), key=len, reverse=True))


class CrmLexer(RegexLexer):
    """Lexer for crmsh's configuration language (``crm configure show`` output and scripts)."""

    # pygments ships a smaller lexer called "crmsh"; ours answers to "crm" and "clush"
    name = "crm configure (clush)"
    aliases = ["crm", "clush"]
    filenames = ["*.crm"]
    mimetypes = ["text/x-crmsh"]

    tokens = {
        "root": [
            (r"\n", Whitespace),
            (r"^[ \t]*#.*$", Comment.Single),
            (r"\\\n", Text),
            (r"^([ \t]*)(primitive|rsc_template)(?=[ \t]|$)", bygroups(Whitespace, Keyword.Declaration),
             ("agent", "id")),
            (rf"^([ \t]*)({_alt(STATEMENTS)})(?=[ \t]|$)", bygroups(Whitespace, Keyword.Declaration), "id"),
            include("body"),
        ],
        "id": [
            (r"[ \t]+", Whitespace),
            (r"(\$id)(=)", bygroups(Name.Variable, Operator)),
            (rf"({_WORD})(:)(?=[ \t]|$)", bygroups(Name.Function, Punctuation), "#pop"),
            (_WORD, Name.Function, "#pop"),
            (r"", Text, "#pop"),
        ],
        "agent": [  # the word after a primitive's id names its resource agent (or @template)
            (r"[ \t]+", Whitespace),
            (r"[^\s]+", Name.Class, "#pop"),
            (r"", Text, "#pop"),
        ],
        "body": [
            (r"[ \t]+", Whitespace),
            (r"\\\n", Text),
            (r"\n", Whitespace),
            (r'"(\\\\|\\"|[^"])*"', String.Double),
            (r"'[^']*'", String.Single),
            (r"[()\[\]{}]", Punctuation),
            (rf"(?:{_alt(SECTIONS)})(?=[ \t]|$)", Keyword),
            (rf"(?:{_alt(WORD_OPS)})(?=[ \t]|$)", Operator.Word),
            (r"(?:ocf|lsb|service|systemd|stonith|nagios|upstart|heartbeat):[^\s]+", Name.Class),
            (r"@[^\s]+", Name.Class),
            (r"(?:-?inf|[+-]?INFINITY|-?\d+|Mandatory|Optional|Serialize)(:)(?=[ \t]|$)", Number),
            (r"(\$?[A-Za-z0-9_#.-]+)(=)", bygroups(Name.Attribute, Operator), "value"),
            (rf"({_WORD})(:)({_alt(ROLES)}|start|stop|promote|demote)\b",
             bygroups(Name, Punctuation, Name.Constant)),
            (r"#[A-Za-z_-]+", Name.Builtin),
            (r"-?\d+(\.\d+)?[a-z]*\b", Number),
            (_WORD, Name),
            (r".", Text),
        ],
        "value": [
            (r'"(\\\\|\\"|[^"])*"', String.Double, "#pop"),
            (r"'[^']*'", String.Single, "#pop"),
            (r"[^\s\"']+", String, "#pop"),
            (r"", Text, "#pop"),
        ],
    }


def highlight(text: str) -> str:
    """``text`` with ANSI colours for a terminal (callers decide whether colour is wanted)."""
    from pygments import highlight as _highlight
    from pygments.formatters import TerminalFormatter

    return _highlight(text, CrmLexer(), TerminalFormatter())


#: prompt_toolkit style classes for the token types above (used by the REPL input lexer)
PTK_STYLES = {
    "pygments.keyword": "ansiblue bold",
    "pygments.keyword.declaration": "ansigreen bold",
    "pygments.name.function": "ansiyellow bold",
    "pygments.name.class": "ansicyan",
    "pygments.name.attribute": "ansimagenta",
    "pygments.name.constant": "ansicyan",
    "pygments.name.builtin": "ansicyan",
    "pygments.literal.string": "ansigreen",
    "pygments.literal.number": "ansiyellow",
    "pygments.operator.word": "ansiblue",
    "pygments.comment": "ansibrightblack italic",
}
