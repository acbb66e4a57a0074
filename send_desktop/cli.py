"""The `send-desktop` command: the GUI by default, sub-commands for headless jobs."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from send_desktop import __version__
from send_desktop.errors import KnownError

log = logging.getLogger(__name__)

# Each module in send_desktop/commands/ registers its sub-commands with add_parser(subparsers)
# and sets `func` on the parser. Listed explicitly (not discovered) so PyInstaller sees them and
# `send-desktop calc` does not import Qt.
COMMAND_MODULES: tuple[str, ...] = (
    "send_desktop.commands.calc",
    "send_desktop.commands.data",
    "send_desktop.commands.safety",
    "send_desktop.commands.workbooks",
    "send_desktop.commands.bench",
    "send_desktop.commands.report",
    "send_desktop.commands.letters",
    "send_desktop.commands.sen2",
)
# Sub-commands whose own module is enough to parse them: `report` in a fresh process reads
# plain sqlite3 and must not pay for every other command's imports (calc's load SQLAlchemy).
ALONE: dict[str, str] = {"report": "send_desktop.commands.report"}


def build_parser(commands: bool = True, only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; commands=False: the options only (the desktop program's start,
    which must not import every sub-command's modules - calc's loads SQLAlchemy); only: the
    sub-commands of that one module (ALONE)."""
    parser = argparse.ArgumentParser(
        prog="send-desktop",
        description=(
            "SEND Desktop: EHC needs assessments, plans and reviews with every statutory "
            "deadline explained. With no sub-command, starts the desktop program."
        ),
    )
    parser.add_argument("--version", action="version", version=f"send-desktop {__version__}")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL or SQLite file (default: SEND_DESKTOP_DATABASE, else the user data folder)",
    )
    parser.add_argument(
        "--user", metavar="NAME", help="caseworker name recorded in the audit trail"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="start offscreen, migrate a temporary database, build the windows, check, exit",
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (only,) if only else COMMAND_MODULES:
        importlib.import_module(name).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    # Only options (or none): the desktop program, parsed without loading the sub-commands.
    wants_help = any(a in ("-h", "--help") for a in given)
    args, rest = (None, given) if wants_help else build_parser(False).parse_known_args(given)
    if args is None or rest:
        alone = ALONE.get(rest[0]) if rest and not wants_help else None
        args = build_parser(only=alone).parse_args(given)
    from send_desktop.logs import setup_logging

    setup_logging()
    from send_desktop.tempfiles import use_private_tempdir

    use_private_tempdir()
    try:
        if args.self_test:
            from send_desktop.commands.selftest import run_self_test

            return run_self_test(args)
        if args.command is None:
            _require_display()
            from send_desktop.gui.app import run_gui

            return run_gui(args)
        result: int = args.func(args)
        return result
    except KnownError as exc:
        print(f"send-desktop: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of the output went away (`send-desktop report | head`): not a failure to
        # report. Python's own flush at exit would raise again, so stdout goes to devnull.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell command cut off by its pipe
    except Exception as exc:
        return _failed(exc)


def _require_display() -> None:
    """Without a display Qt aborts the process in C++ with no word from us: say it first."""
    import os

    if not sys.platform.startswith("linux"):
        return
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return  # offscreen, vnc, eglfs...: Qt needs no display server
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise KnownError(
            "There is no display to show the window on (DISPLAY is not set): start SEND "
            "Desktop from the desktop, or use a sub-command such as `send-desktop check` "
            "(`send-desktop --help` lists them)."
        )


def _failed(exc: Exception) -> int:
    """A failure of the machine (disk, folder, server, input) as a plain message, exit 2; a bug
    as one scrubbed line pointing at the log, exit 1 - never a traceback with case data."""
    from send_desktop.errors import known_failure, scrubbed_message
    from send_desktop.logs import log_file

    known = known_failure(exc)
    if known is not None:
        log.warning("known failure: %s (%s)", type(known).__name__, type(exc).__name__)
        print(f"send-desktop: {known}", file=sys.stderr)
        return known.exit_code
    log.error("unexpected error", exc_info=exc)
    print(
        f"send-desktop: unexpected error ({type(exc).__name__}: {scrubbed_message(exc)}). "
        f"Nothing more was done; the details are in {log_file()} - send them to IT.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
