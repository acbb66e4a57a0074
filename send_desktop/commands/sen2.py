"""`send-desktop sen2`: the SEN2 person-level return for DfE COLLECT, checked before writing."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from send_desktop.errors import KnownError


def _lea(text: str) -> str:
    if not re.fullmatch(r"\d{3}", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a 3-digit DfE LA number (e.g. 330)")
    return text


def _answer(text: str) -> str:
    value = text.strip().upper()[:1]
    if value not in ("Y", "N", "R"):
        raise argparse.ArgumentTypeError(f"{text!r}: answer Y (yes), N (no) or R (recruiting)")
    return value


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "sen2",
        help="write the SEN2 return (XML for DfE COLLECT), checked against every rule first",
        description=(
            "Build the SEN2 person-level return for a collection's census day from the case "
            "store, check every validation rule, list each problem per child in plain words, "
            "and write the XML only when COLLECT would accept it (exit 2 with the list "
            "otherwise). Prints a preview of the measures DfE will publish from it, beside "
            "England's and the authority's last published figures."
        ),
    )
    p.add_argument("--collection", type=int, required=True, metavar="YEAR", help="e.g. 2027")
    p.add_argument("--out", type=Path, metavar="FILE.xml", help="where to write the return")
    p.add_argument("--lea", type=_lea, metavar="NNN", help="the DfE LA number (saved setting)")
    p.add_argument("--dmo", type=_answer, metavar="Y|N|R", help="designated medical officer")
    p.add_argument("--dco", type=_answer, metavar="Y|N|R", help="designated clinical officer")
    p.add_argument("--dsco", type=_answer, metavar="Y|N|R", help="designated social care officer")
    p.add_argument("--serial", metavar="NNN", help="the file's serial number (default 001)")
    p.add_argument("--check", action="store_true", help="check only: write nothing")
    p.add_argument("--save", action="store_true", help="save --lea/--dmo/--dco/--dsco as settings")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from send_desktop.sen2.build import (
        SETTING_LEA,
        SETTING_OFFICERS,
        build_return,
        render_preview,
        render_problems,
    )
    from send_desktop.store import Database
    from send_desktop.store.settings import set_setting

    if args.out is None and not args.check:
        raise KnownError("Give --out FILE.xml to write the return, or --check to check only")
    out: Path | None = None if args.check else args.out
    if out is not None and out.is_dir():
        raise KnownError(f"{out} is a folder: give a file name such as sen2-{args.collection}.xml")
    db = Database.open(args.database, args.user)
    try:
        with db.session() as s:
            if args.save:
                for key, value in zip(
                    (SETTING_LEA, *SETTING_OFFICERS),
                    (args.lea, args.dmo, args.dco, args.dsco),
                    strict=True,
                ):
                    if value:
                        set_setting(s, key, value, db.user)
            result = build_return(
                s,
                args.collection,
                out,
                lea=args.lea,
                officers=(args.dmo, args.dco, args.dsco),
                serial=args.serial,
            )
    finally:
        db.close()
    print(
        f"SEN2 {result.collection}: {result.persons} persons, {result.requests} requests; "
        f"{len(result.errors)} errors, {len(result.queries)} queries ({result.seconds:.1f} s)."
    )
    if result.problems:
        print(render_problems(result.problems))
    print()
    print(render_preview(result))
    if result.would_be_rejected:
        print(
            f"\nCOLLECT would reject this return: {len(result.errors)} error(s) above. "
            + ("Nothing was written." if out is not None else ""),
            file=sys.stderr,
        )
        return 2
    if result.written is not None:
        print(f"\nWrote {result.written}")
    elif args.check:
        print("\nChecked: COLLECT would accept this return (nothing written: --check).")
    return 0
