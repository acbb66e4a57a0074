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


def build_parser() -> argparse.ArgumentParser:
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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from send_desktop.logs import setup_logging

    setup_logging()
    try:
        if args.self_test:
            from send_desktop.commands.selftest import run_self_test

            return run_self_test(args)
        if args.command is None:
            from send_desktop.gui.app import run_gui

            return run_gui(args)
        result: int = args.func(args)
        return result
    except KnownError as exc:
        print(f"send-desktop: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
