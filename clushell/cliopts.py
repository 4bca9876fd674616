"""clush's own command-line options, declared once for argparse, completion and the man page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Opt:
    flags: tuple[str, ...]
    help: str
    metavar: str = ""  # empty: a switch without value
    dest: str = ""

    @property
    def takes_value(self) -> bool:
        return bool(self.metavar)


OPTIONS: tuple[Opt, ...] = (
    Opt(("--version",), "print the version and exit"),
    Opt(("-f", "--file"), "read commands from FILE ('-' for standard input)", "FILE"),
    Opt(("-F", "--force"), "force what needs forcing (commit despite verify errors, delete running resources)"),
    Opt(("-y", "--yes"), "answer yes to every question"),
    Opt(("-w", "--wait"), "wait for the cluster to settle after each change"),
    Opt(("--no-color",), "no colours (also when NO_COLOR is set)"),
    Opt(("--host",), "run the cluster tools on HOST over SSH", "[USER@]HOST[:PORT]"),
    Opt(("--cib-file",), "work on the CIB in PATH (like CIB_file=PATH)", "PATH"),
    Opt(("--accept-new-host-key",), "trust an SSH host key seen for the first time"),
    Opt(("--continue-on-error",), "in scripts, go on after a failing command to report every error"
        " (nothing is committed)"),
    Opt(("--demo",), "open the demo sandbox (a two-node cluster with a web service)"),
    Opt(("--recreate",), "with --demo: start from a fresh demo sandbox"),
    Opt(("--ipvs-file",), "the ipvs level works on the offline table in PATH (ipvsadm -Sn format)", "PATH"),
    Opt(("-d", "--debug"), "show tracebacks and the external commands run"),
)


def option_words() -> list[str]:
    return ["--help", *(f for o in OPTIONS for f in o.flags)]


def value_options() -> tuple[str, ...]:
    return tuple(f for o in OPTIONS if o.takes_value for f in o.flags)
