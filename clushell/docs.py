"""Generate the man page and the shell completion scripts from the command tree.

``python -m clushell.docs [DIR]`` writes ``man/clush.8`` and ``completions/clush.bash``,
``completions/_clush``, ``completions/clush.fish`` below DIR (default: the checkout).
Everything comes from :mod:`clushell.commands` and :mod:`clushell.cliopts`, so the
documents cannot drift from what the shell accepts; a test regenerates and compares.
The date is fixed here (not "today") so regenerating is reproducible.
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

from clushell import __version__
from clushell.cliopts import OPTIONS
from clushell.commands.tree import Command, Level

#: date printed in the man page footer; bump on release, never computed
MAN_DATE = "2026-11-23"

ENVIRONMENT = (
    ("CIB_file", "Work on this CIB file instead of the live cluster (the sandbox target); the same "
     "variable Pacemaker's own tools honour. --cib-file takes precedence."),
    ("EDITOR, VISUAL", "The editor used by configure edit (VISUAL first, then EDITOR, then vi)."),
    ("PAGER", "The pager for long output on a terminal (default: less -R); PAGER=cat disables paging."),
    ("NO_COLOR", "When set and not empty, no colours are used (as with --no-color)."),
    ("XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_CACHE_HOME, XDG_DATA_HOME",
     "Base directories for configuration, history, caches and the sandbox CIB "
     "(defaults ~/.config, ~/.local/state, ~/.cache and ~/.local/share)."),
)

FILES = (
    ("$XDG_STATE_HOME/clush/history", "Command history of the interactive shell (mode 0600)."),
    ("$XDG_CACHE_HOME/clush/", "Cached resource agent lists and metadata, and completion data."),
    ("$XDG_CONFIG_HOME/clush/, /etc/clush/", "Per-user and system-wide configuration."),
    ("$XDG_DATA_HOME/clush/sandbox.xml", "The sandbox CIB used when no cluster answers and no CIB file is given."),
)

EXIT_STATUS = (
    ("0", "Every command succeeded."),
    ("1", "A command failed (in a script, nothing after it ran and nothing was committed)."),
    ("2", "Bad command-line usage."),
    ("130", "Interrupted (Ctrl-C)."),
)


# -- roff -----------------------------------------------------------------------------------
def roff(text: str) -> str:
    """Escape text for a roff line: backslashes, hyphens, and control characters at line start."""
    out = text.replace("\\", "\\e").replace("-", "\\-")
    if not out.isascii():  # groff reads ASCII: name the other characters
        out = "".join(ch if ch.isascii() else _GLYPHS.get(ch, f"\\[u{ord(ch):04X}]") for ch in out)
    lines = []
    for line in out.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


_GLYPHS = {"\u2014": "\\(em", "\u2013": "\\(en", "\u2018": "\\(oq", "\u2019": "\\(cq", "\u201c": "\\(lq",
           "\u201d": "\\(rq", "\u2192": "\\(->", "\u2190": "\\(<-", "\u2264": "\\(<=", "\u2265": "\\(>=",
           "\u2026": "...", "\u00d7": "\\(mu", "\u00a0": "\\ "}


def _bold(text: str) -> str:
    return f"\\fB{roff(text)}\\fR"


def _paragraphs(text: str) -> list[str]:
    text = textwrap.dedent(text).strip()
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def _long_help(text: str, short: str) -> list[str]:
    """Long help as roff: prose lines become paragraphs, indented "name  text" lines a list."""
    out: list[str] = []
    prose: list[str] = []
    items: list[tuple[str, str]] = []

    def flush() -> None:
        para = " ".join(" ".join(prose).split())
        if para and para != short:
            out.extend([".IP", roff(para)])
        prose.clear()
        if items:
            out.append(".RS")
            for name, desc in items:
                out.extend([".TP", _bold(name), roff(desc)] if desc else [".TP", _bold(name)])
            out.append(".RE")
            items.clear()

    for line in textwrap.dedent(text).strip().splitlines():
        if not line.strip():
            flush()
        elif line[:1].isspace():
            if prose:
                flush()
            parts = re.split(r"\s{2,}", line.strip(), maxsplit=1)
            items.append((parts[0], parts[1] if len(parts) == 2 else ""))
        else:
            if items:
                flush()
            prose.append(line)
    flush()
    return out


def _option_usage(opt) -> str:
    flags = ", ".join(_bold(f) for f in opt.flags)
    return f"{flags} \\fI{roff(opt.metavar)}\\fR" if opt.takes_value else flags


def _command_entry(cmd: Command, path: tuple[str, ...]) -> list[str]:
    words = " ".join(path[:-1] + (cmd.usage_line(),))
    out = [".TP", _bold(words)]
    out.append(roff(cmd.help))
    if cmd.aliases:
        out += [".br", "Aliases: " + ", ".join(_bold(a) for a in cmd.aliases) + "."]
    out += _long_help(cmd.long_help, cmd.help)
    if cmd.args:
        out += [".IP", "Arguments:", ".RS"]
        for arg in cmd.args:
            out += [".TP", _bold(arg.usage()), roff(arg.help)]
        out.append(".RE")
    if cmd.opts:
        out += [".IP", "Options:", ".RS"]
        for opt in cmd.opts:
            out += [".TP", _bold(opt.usage().strip("[]")), roff(opt.help)]
        out.append(".RE")
    if cmd.examples:
        out += [".IP", "Examples:", ".nf"]
        out += ["\\ \\ \\ \\ " + roff(ex) for ex in cmd.examples]  # unpaddable spaces indent them
        out += [".fi"]
    return out


def _level_section(level: Level, path: tuple[str, ...]) -> list[str]:
    title = " ".join(path) if path else "root"
    out = [f".SS {roff(title)}", roff(level.help)]
    for para in _paragraphs(level.long_help):
        if para != level.help:
            out += [".PP", roff(para)]
    if path:
        out += [".PP", f"Enter with {_bold(' '.join(path))}; commands may also be typed after the level name "
                       f"(for example {_bold(' '.join(path) + ' help')})."]
    for cmd in level.commands:
        if not cmd.hidden:
            out += _command_entry(cmd, (*path, cmd.name))
    for sub in level.levels:
        out += [".TP", _bold(" ".join((*path, sub.name))), roff(sub.help) + f" See the {roff(sub.name)} level below."]
    return out


def _levels(level: Level, path: tuple[str, ...] = ()):
    yield path, level
    for sub in level.levels:
        yield from _levels(sub, (*path, sub.name))


def render_man(root: Level, globals_: list[Command]) -> str:
    """The whole clush(8) man page as roff text."""
    out = [
        '.\\" Generated by python -m clushell.docs from the command tree; do not edit.',
        f'.TH CLUSH 8 "{MAN_DATE}" "clush {__version__}" "System Administration"',
        ".nh",
        ".ad l",
        ".SH NAME",
        "clush \\- interactive shell for Pacemaker clusters and IPVS load balancers",
        ".SH SYNOPSIS",
        ".B clush",
        "[\\fIOPTIONS\\fR] [\\fILEVEL\\fR...] [\\fICOMMAND\\fR [\\fIARGS\\fR...]]",
        ".br",
        ".B clush",
        "[\\fIOPTIONS\\fR] \\fB\\-f\\fR \\fIFILE\\fR",
        ".br",
        ".B clush",
        "[\\fIOPTIONS\\fR] < \\fISCRIPT\\fR",
        ".SH DESCRIPTION",
        roff("clush configures and operates Pacemaker high-availability clusters and Linux Virtual Server "
             "(IPVS) load balancers. It speaks the crm configuration language of crmsh and is organised "
             "in levels (configure, resource, node, ra, ipvs, ...) that group related commands."),
        ".PP",
        roff("Without arguments on a terminal, clush starts an interactive shell with completion, history "
             "and highlighting. With a level and a command it runs that one command (like crm configure "
             "show). With -f FILE, or when standard input is not a terminal, it reads commands line by "
             "line: # starts a comment line, a trailing backslash continues a line, and levels entered "
             "stay entered until up, end or quit. A failing command stops the script and discards "
             "pending changes, so nothing half-done is ever committed."),
        ".PP",
        roff("clush works on the live local cluster when Pacemaker answers, on a CIB file (--cib-file or "
             "CIB_file), on a remote node over SSH (--host), or else on a sandbox CIB of its own."),
        ".SH OPTIONS",
    ]
    for opt in OPTIONS:
        out += [".TP", _option_usage(opt), roff(opt.help[:1].upper() + opt.help[1:] + ".")]
    out += [".TP", _bold("-h") + ", " + _bold("--help"), "Print a summary of the options and exit."]
    out += [
        ".SH INTERACTIVE USE",
        roff("The prompt shows the target and the level, as in clush(live/node1)configure#. Type a level "
             "name to enter it, cd LEVEL, cd .. or up to move, top to return to the root, and quit "
             "(or Ctrl-D) to leave. Tab completes level and command names, object ids, resource agents "
             "and their parameters, nodes, properties and files, with a short description of each "
             "candidate; unknown commands and unknown object ids are underlined while you type. Ctrl-C "
             "cancels the line being typed, Ctrl-R searches the history, and the right arrow key "
             "accepts the grey suggestion taken from the history. A line ending with a backslash "
             "continues on the next one. Unique prefixes of names are accepted (conf for configure)."),
        ".PP",
        "These commands are available at every level:",
    ]
    for cmd in globals_:
        out += _command_entry(cmd, (cmd.name,))
    out.append(".SH COMMANDS")
    for path, level in _levels(root):
        out += _level_section(level, path)
    out += [
        ".SH SHELL COMPLETION",
        roff("clush completion bash|zsh|fish prints a completion script for that shell. The scripts ask "
             "clush itself (clush __complete) for candidates, so they complete the same words as the "
             "interactive shell, including object ids, nodes and agents. To install them:"),
        ".PP",
        ".nf",
        roff("clush completion bash > ~/.local/share/bash-completion/completions/clush"),
        roff("clush completion zsh > ~/.zfunc/_clush     # with fpath+=(~/.zfunc) before compinit"),
        roff("clush completion fish > ~/.config/fish/completions/clush.fish"),
        ".fi",
        ".SH EXIT STATUS",
    ]
    for code, text in EXIT_STATUS:
        out += [".TP", _bold(code), roff(text)]
    out.append(".SH ENVIRONMENT")
    for name, text in ENVIRONMENT:
        out += [".TP", _bold(name), roff(text)]
    out.append(".SH FILES")
    for name, text in FILES:
        out += [".TP", f"\\fI{roff(name)}\\fR", roff(text)]
    out += [
        ".SH EXAMPLES",
        ".nf",
        roff("clush configure show"),
        roff("clush --cib-file /tmp/test.xml configure primitive vip IPaddr2 params ip=192.0.2.10"),
        roff("clush resource stop web"),
        roff("clush -f setup.crm"),
        roff("printf 'configure\\nproperty stonith-enabled=false\\ncommit\\n' | clush"),
        ".fi",
        ".SH SEE ALSO",
        ".BR crm (8),",
        ".BR pcs (8),",
        ".BR crm_mon (8),",
        ".BR cibadmin (8),",
        ".BR ipvsadm (8)",
    ]
    return "\n".join(out) + "\n"


# -- completion scripts -----------------------------------------------------------------------
def _all_flags() -> list[str]:
    return ["-h", "--help", *(f for o in OPTIONS for f in o.flags)]


def _file_flags() -> list[str]:
    return [f for o in OPTIONS if o.metavar in ("FILE", "PATH") for f in o.flags]


def _fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace(f"@{key.upper()}@", value)
    return template


def render_bash() -> str:
    from clushell.complete.scripts import BASH

    return _fill(
        BASH,
        version=__version__,
        options=" ".join(_all_flags()),
        file_options="|".join(_file_flags()),
        value_options="|".join(f for o in OPTIONS if o.takes_value and o.metavar not in ("FILE", "PATH")
                               for f in o.flags) or "--no-such-option",
    )


def render_zsh() -> str:
    from clushell.complete.scripts import ZSH

    specs = []
    for o in OPTIONS:
        desc = o.help.replace("'", "'\\''").replace(":", "\\:").replace("[", "\\[").replace("]", "\\]")
        if o.metavar in ("FILE", "PATH"):
            action = ":file:_files"
        elif o.metavar:
            action = f":{o.flags[-1].lstrip('-')}: "
        else:
            action = ""
        for flag in o.flags:
            specs.append(f"        '{flag}[{desc}]{action}'")
    specs.append("        '--help[show the options and exit]'")
    return _fill(ZSH, version=__version__, option_specs=" \\\n".join(specs))


def render_fish() -> str:
    from clushell.complete.scripts import FISH

    lines = []
    for o in OPTIONS:
        parts = ["complete -c clush -n __clush_no_command"]
        for flag in o.flags:
            parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
        if o.takes_value:
            parts.append("-r -F" if o.metavar in ("FILE", "PATH") else "-x")
        desc = o.help.replace("\\", "\\\\").replace("'", "\\'")
        parts.append(f"-d '{desc}'")
        lines.append(" ".join(parts))
    lines.append("complete -c clush -n __clush_no_command -s h -l help -d 'show the options and exit'")
    return _fill(FISH, version=__version__, option_lines="\n".join(lines))


SCRIPTS = {"bash": render_bash, "zsh": render_zsh, "fish": render_fish}


def outputs(root: Level | None = None, globals_: list[Command] | None = None) -> dict[str, str]:
    """Relative path -> content of every generated file."""
    from clushell.commands.root import GLOBALS, build_tree

    root = root or build_tree()
    return {
        "man/clush.8": render_man(root, globals_ if globals_ is not None else GLOBALS),
        "completions/clush.bash": render_bash(),
        "completions/_clush": render_zsh(),
        "completions/clush.fish": render_fish(),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    checkout = Path(__file__).resolve().parent.parent
    # from a checkout, write into it; from an installed package, into the current directory
    base = Path(args[0]) if args else (checkout if (checkout / "pyproject.toml").exists() else Path.cwd())
    for rel, text in outputs().items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
