"""Entry point: argv → mode (version, completion, one-shot, script, REPL) → exit code.

Exit status: 0 every command succeeded, 1 a command failed, 2 bad command-line usage,
130 interrupted. The fast paths (--version, __complete) import nothing heavy.
"""

from __future__ import annotations

import os
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _parser():
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message: str):  # one line, exit 2
            sys.stderr.write(f"clush: error: {message} (see clush --help)\n")
            raise SystemExit(EXIT_USAGE)

    p = Parser(
        prog="clush",
        description="Interactive shell for Pacemaker clusters and IPVS load balancers.",
        epilog="Without arguments and on a terminal, starts the interactive shell. "
        "Commands are read from standard input when it is not a terminal.",
    )
    from clushell.cliopts import OPTIONS

    for opt in OPTIONS:
        if opt.takes_value:
            p.add_argument(*opt.flags, metavar=opt.metavar, help=opt.help)
        else:
            p.add_argument(*opt.flags, action="store_true", help=opt.help)
    p.add_argument("words", nargs="*", metavar="LEVEL CMD ARGS", help="a command to run, e.g. configure show")
    return p


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        from clushell import __version__

        print(f"clush {__version__}")
        return EXIT_OK
    if args[:1] == ["__complete"]:
        from clushell.complete import stamp

        if len(args) > 2 and args[2].isdigit():  # the live version's read runs while Python imports
            stamp.start_live_read(args[3 : 3 + int(args[2])])
        try:
            from clushell.complete.shell import shell_main

            return shell_main(args[1:])
        finally:
            stamp.discard_live_read()
    prefetch = _loads_cib_first(args)
    if prefetch:  # the CIB read runs while Python imports and sets up (clushell.readahead)
        from clushell import readahead

        readahead.start()
    try:
        return _run(args)
    except KeyboardInterrupt:
        sys.stderr.write("\nclush: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: one line, the traceback only with --debug
        if "-d" in args or "--debug" in args:
            raise
        sys.stderr.write(f"clush: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)\n")
        return EXIT_FAILED
    finally:
        if prefetch:  # nobody took it: kill and reap it
            from clushell import readahead

            readahead.discard()
        if argv is None:  # the process ends now: its last full garbage collection would walk the
            import gc  # loaded CIB's objects for nothing (0.1-0.2 s at 4000 primitives)

            gc.freeze()


# options that change neither the target nor the first command (anything else: no prefetch)
_PREFETCH_SWITCHES = frozenset(("-F", "--force", "-y", "--yes", "-w", "--wait", "--no-color", "-d", "--debug"))


def _loads_cib_first(args: list[str]) -> bool:
    """True when the first thing this run does is load the CIB in configure, outside the REPL:
    `clush configure CMD ...`, or a script (-f FILE, stdin) entered at or starting with configure.
    Cheap and conservative: no --host, --cib-file, --demo, abbreviated or `--opt=value` options."""
    script, i = None, 0
    while i < len(args):
        a = args[i]
        if a in ("-f", "--file") and i + 1 < len(args) and script is None:
            script, i = args[i + 1], i + 2
            continue
        if a == "--":
            i += 1
            break
        if not a.startswith("-") or a == "-":
            break
        if a not in _PREFETCH_SWITCHES:
            return False
        i += 1
    words = args[i:]
    if words[:1] == ["configure"]:
        if len(words) > 1:
            return script is None  # one-shot (with -f: a usage error)
        return script is not None or not _stdin_is_tty()  # a script runs in it; a terminal: the REPL
    if words:
        return False
    if script is None or script == "-":
        return not _stdin_is_tty() and _first_word(None) == "configure"
    return _first_word(script) == "configure"


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # no standard input (closed): _run says what is wrong
        return True


def _first_word(path: str | None) -> str:
    """The first word of a script's first command line (standard input is peeked, not consumed)."""
    try:
        if path is None:
            head = sys.stdin.buffer.peek(65536)
        else:
            import stat

            if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block here, or lose its first bytes
                return ""
            with open(path, "rb") as f:
                head = f.read(65536)
    except (OSError, ValueError, AttributeError):
        return ""
    for line in head.decode("utf-8", "replace").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.split()[0]
    return ""


def _split_words(args: list[str]) -> tuple[list[str], list[str]]:
    """Options come first; everything from the first plain word on is the command."""
    from clushell.cliopts import value_options

    opts_with_value = set(value_options())
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            return args[:i], args[i + 1 :]
        if not a.startswith("-") or a == "-":
            return args[:i], args[i:]
        i += 2 if a in opts_with_value else 1
    return args, []


def _run(args: list[str]) -> int:
    opts, words = _split_words(args)
    ns = _parser().parse_args(opts)
    if ns.version:
        from clushell import __version__

        print(f"clush {__version__}")
        return EXIT_OK
    from clushell.commands.root import GLOBALS, build_tree
    from clushell.config import Config
    from clushell.dispatch import Dispatcher
    from clushell.errors import ClushError
    from clushell.output import Output
    from clushell.session import Options, Session, StateKey

    try:
        config = Config()
    except ClushError as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        return EXIT_FAILED

    stdin_tty = sys.stdin.isatty()
    script = ns.file
    interactive = stdin_tty and script is None and _only_levels(words)
    options = Options(
        force=ns.force, yes=ns.yes, color=not ns.no_color and config.get("core.color") != "never",
        debug=ns.debug, wait=ns.wait,
        continue_on_error=ns.continue_on_error, interactive=interactive,
        accept_new_host_key=ns.accept_new_host_key, host=ns.host, cib_file=ns.cib_file,
        demo=ns.demo, recreate=ns.recreate, ipvs_file=ns.ipvs_file,
    )
    out = Output(color=options.color, interactive=interactive, pager=config.get("core.pager"),
                 force_color=config.get("core.color") == "always" and not ns.no_color)
    session = Session(options, build_tree(), out)
    session.config = config
    session.highlight = _highlight
    session.set_state(StateKey.OPTIONS, config)
    dispatcher = Dispatcher(session, GLOBALS)
    try:
        return _run_mode(dispatcher, words, script, stdin_tty)
    except ClushError as exc:
        session.out.error(str(exc))
        return EXIT_FAILED
    finally:
        session.close()


def _highlight(text: str, language: str) -> str:
    """Syntax colours for `configure show` on a terminal (pygments, the shell's crm lexer)."""
    from pygments import highlight
    from pygments.formatters import TerminalFormatter
    from pygments.lexers import XmlLexer

    from clushell.ui.lexer import CrmLexer

    lexer = XmlLexer() if language == "xml" else CrmLexer()
    try:
        return highlight(text, lexer, TerminalFormatter()).rstrip("\n")
    except Exception:  # colour is cosmetic: never fail a show because of it
        return text


def _only_levels(words: list[str]) -> bool:
    """`clush configure` enters a level: interactive on a terminal, a script otherwise."""
    if not words:
        return True
    from clushell.commands.root import build_tree
    from clushell.commands.tree import Level

    level = build_tree()
    for w in words:
        child = level.find(w)
        if not isinstance(child, Level):
            return False
        level = child
    return True


def _run_mode(dispatcher, words: list[str], script: str | None, stdin_tty: bool) -> int:
    from clushell import batch
    from clushell.textfile import TextLines

    session = dispatcher.session
    if script is not None:
        if words and not _only_levels(words):
            sys.stderr.write("clush: error: -f FILE cannot be combined with a command (see clush --help)\n")
            return EXIT_USAGE
        if words:
            if not dispatcher.run_line(" ".join(words)):
                return EXIT_FAILED
        if script == "-":
            return batch.run_stream(dispatcher, TextLines(sys.stdin.buffer, "<stdin>"), "<stdin>")
        try:
            with open(script, "rb") as f:
                return batch.run_stream(dispatcher, TextLines(f, script), script)
        except OSError as exc:
            session.out.error(f"cannot read {script}: {exc.strerror}")
            return EXIT_FAILED
    if words and not _only_levels(words):
        return batch.run_words(dispatcher, words)
    if words:  # level names only: enter them, then read commands there
        if not dispatcher.run_line(" ".join(words)):
            return EXIT_FAILED
    if not stdin_tty:
        return batch.run_stream(dispatcher, TextLines(sys.stdin.buffer, "<stdin>"), "<stdin>")
    from clushell.ui.repl import run_repl

    return run_repl(dispatcher)


if __name__ == "__main__":
    sys.exit(main())
