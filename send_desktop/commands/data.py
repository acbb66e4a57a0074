"""`send-desktop demo`: data-safety and data-filling jobs that run without the GUI."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from send_desktop.errors import KnownError


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_parser(subparsers: Any) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="fill an empty database with a realistic synthetic caseload",
        description=(
            "Write N synthetic requests, plans and reviews (invented children, caseworkers in "
            "2-3 teams) so the program can be tried. Refuses a database that already holds "
            "cases unless --force."
        ),
    )
    demo.add_argument("--cases", type=int, default=500, metavar="N", help="how many (500)")
    demo.add_argument("--seed", type=int, default=1, help="same seed, same data (1)")
    demo.add_argument(
        "--as-of", type=_as_of, default=None, metavar="DATE", help="the 'today' of the data"
    )
    demo.add_argument("--force", action="store_true", help="add to a database holding cases")
    demo.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from send_desktop.store import Database
    from send_desktop.store.demo import make_demo

    if args.cases < 1:
        raise KnownError("--cases must be at least 1")
    db = Database.open(args.database, args.user)
    try:
        for warning in db.warnings:
            print(f"Warning: {warning}")
        summary = make_demo(db, args.cases, args.seed, args.as_of or date.today(), force=args.force)
    finally:
        db.close()
    print(
        f"Wrote {summary.cases} demo cases ({summary.advice_requests} advice requests, "
        f"{summary.reviews} reviews, {summary.caseworkers} caseworkers) in "
        f"{summary.seconds:.1f} s"
    )
    return 0
