"""Dispatch `python main.py [command]`: no command starts the app, commands are `cmd_*` modules."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

import survey_app.cli as cli_package
from survey_app.cli.app_options import add_app_options
from survey_app.errors import UserFacingError
from survey_app.program_name import INSTALLED, SOURCE


def _command_modules() -> list[str]:
    import pkgutil  # here, not at the top: starting the app lists no commands

    return sorted(
        m.name for m in pkgutil.iter_modules(cli_package.__path__) if m.name.startswith("cmd_")
    )


def build_parser(prog: str = SOURCE) -> argparse.ArgumentParser:
    """Build the parser with every command module's sub-parser registered."""
    parser = argparse.ArgumentParser(
        prog=prog,
        usage=f"{prog} [APP OPTIONS]  (starts the app)\n       {prog} COMMAND [OPTIONS]",
        description="Offline encrypted survey app. Without a command, starts the app.",
        epilog=f"Each command has its own help: {prog} COMMAND --help",
    )
    parser.add_argument("--debug", action="store_true", help="show internal error details")
    # Hints a command prints ("next: ... import") name the program as typed (cli.program).
    parser.set_defaults(program=prog)
    # Listed for --help; a start with options goes to the app's own parser (see main()).
    add_app_options(
        parser.add_argument_group("app options (when starting the app)"), listed_only=True
    )
    # Without prog, a command's usage line would repeat the two-line app usage above.
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog=prog)
    for name in _command_modules():
        module = importlib.import_module(f"survey_app.cli.{name}")
        module.register(sub)
    return parser


def entry() -> int:
    """The installed `survey-app` program (console script and frozen app)."""
    return main(sys.argv[1:], prog=INSTALLED)


def main(argv: Sequence[str], prog: str = SOURCE) -> int:
    """Run the app or a command; return the process exit code."""
    argv = list(argv)
    asks_help = bool({"-h", "--help"} & set(argv))
    if not argv or (argv[0].startswith("-") and argv[0] != "--debug" and not asks_help):
        return _start_app(argv, prog)
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.command is None:
        return _start_app([a for a in argv if a != "--debug"], prog)
    try:
        code = int(args.handler(args) or 0)
        # Flush here, so a reader that went away is noticed while it can still be handled.
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _reader_went_away()
    except UserFacingError as exc:
        from survey_app.cli.ca_hint import with_ca_hint

        print(f"error: {with_ca_hint(_in_words(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if args.debug:
            raise
        # A path that cannot be used (below a file, no permission, a full disk): say which.
        print(f"error: {_os_problem(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"error: internal error ({type(exc).__name__}); run again with --debug for details",
            file=sys.stderr,
        )
        return 2


def _in_words(exc: UserFacingError) -> str:
    """The message for a terminal: an answer check's code (`code.format`) becomes its sentence."""
    from survey_app.answers.errors import AnswerError

    if isinstance(exc, AnswerError):
        from survey_app.answers.messages import message

        return message(exc, "en")
    return str(exc)


def _os_problem(exc: OSError) -> str:
    """The file-system failure of a command in a sentence: the path, then the system's reason."""
    reason = exc.strerror or type(exc).__name__
    if exc.filename is None:
        return f"the system refused: {reason}"
    if isinstance(exc, FileNotFoundError):
        from pathlib import Path

        # `--out stick/cards.pdf` with the stick not plugged in: the folder is what is missing.
        folder = Path(os.fsdecode(exc.filename)).parent
        if not folder.is_dir():
            return f"cannot use {exc.filename}: there is no folder {folder}"
    return f"cannot use {exc.filename}: {reason}"


def _reader_went_away() -> int:
    """`command | head`: the reader stopped; end quietly, like other command-line tools.

    stdout is pointed at the null device so the interpreter's final flush cannot fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader went away


def _start_app(argv: list[str], prog: str) -> int:
    from survey_app.ui.app import run_app

    return run_app(argv, prog)
