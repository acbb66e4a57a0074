"""`send-desktop letter`: write a statutory letter for a case, list the kinds, keep the contacts."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from send_desktop.errors import KnownError


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: give NAME=VALUE")
    return key.strip(), value


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "letter",
        help="write a statutory letter for a case (a .docx, optionally a PDF)",
        description=(
            "Write a letter for a case from the authority's template (or the default), with every "
            "date from the clock engine and the rights the law requires. The letter is kept "
            "with the case in the private data folder. --list names every kind."
        ),
    )
    p.add_argument("--list", action="store_true", help="name every kind of letter and exit")
    p.add_argument("--case", metavar="REF", help="the case reference (EHC-2026-00012)")
    p.add_argument("--kind", metavar="KIND", help="which letter (see --list)")
    p.add_argument("--out", type=Path, metavar="FILE.docx", help="also save a copy here")
    p.add_argument(
        "--as-of", type=_day, metavar="DATE", help="the letter's date = the day it is sent (today)"
    )
    p.add_argument("--pdf", action="store_true", help="also make a PDF (needs LibreOffice)")
    p.add_argument(
        "--fill",
        type=_pair,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="what the letter needs that the case does not hold (reasons=..., time=..., place=...)",
    )
    p.add_argument(
        "--advice", type=int, metavar="ID", help="ADV: which advice request (default the latest)"
    )
    p.add_argument(
        "--mark-sent", type=int, metavar="LETTER_ID", help="record that a written letter was sent"
    )
    p.add_argument("--channel", choices=("email", "post", "hand", "portal"), help="how it was sent")
    p.add_argument("--letters", action="store_true", help="list the case's letters")
    p.add_argument(
        "--family",
        metavar="NAME",
        help="add a family contact to the case (with --role, --address, --channel)",
    )
    p.add_argument(
        "--role", choices=("parent", "young_person", "alternative_person"), default="parent"
    )
    p.add_argument("--address", default="", help="postal address; use \\n between lines")
    p.add_argument("--contacts", action="store_true", help="show the team's letter contacts")
    p.add_argument(
        "--set",
        type=_pair,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="save a team contact",
    )
    p.add_argument(
        "--chase",
        action="store_true",
        help="write the chase letters for every overdue advice request",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from send_desktop.letters import CONTACTS, KINDS

    if args.list:
        for kind in KINDS:
            print(f"{kind.code:6} {kind.title} - to {kind.to} ({kind.source})")
        return 0
    from sqlalchemy import select

    from send_desktop.letters import (
        case_letters,
        chase_letters,
        load_contacts,
        mark_sent,
        save_contact,
        to_pdf,
        write_letter,
    )
    from send_desktop.store import Database
    from send_desktop.store.cases import add_row
    from send_desktop.store.models import Case, FamilyContact, Letter

    user = args.user or "send-desktop"
    as_of = args.as_of or date.today()
    db = Database.open(args.database, args.user)
    try:
        with db.session() as s:
            for key, value in args.set:
                save_contact(s, key, value, user)
            if args.set:
                print(f"Saved {len(args.set)} contact(s)")
            if args.contacts:
                saved = load_contacts(s)
                for key, what in CONTACTS.items():
                    print(f"{key:22} {saved[key] or '(not set)'}  - {what}")
                return 0
            if args.chase:
                for w in chase_letters(s, user, as_of):
                    print(f"{w.kind} to {w.recipient}: {w.path}")
                return 0
            if args.set and not args.case:
                return 0
            if not args.case:
                raise KnownError("Give --case REF (or --list, --contacts, --chase)")
            case = s.execute(select(Case).where(Case.ref == args.case)).scalar()
            if case is None:
                raise KnownError(f"No case has the reference {args.case}")
            if args.family:
                add_row(
                    s,
                    FamilyContact,
                    user,
                    case.id,
                    {
                        "name": args.family,
                        "role": args.role,
                        "address": args.address.replace("\\n", "\n"),
                        "preferred_channel": args.channel,
                        "may_appeal": True,
                    },
                    as_of=as_of,
                )
                print(f"Added {args.role.replace('_', ' ')} to {case.ref}")
                return 0
            if args.letters:
                for row in case_letters(s, case.id):
                    sent = f"sent {row.sent_on} by {row.sent_by}" if row.sent_on else "not sent"
                    print(
                        f"{row.id:5} {row.dated} {row.letter:6} to {row.recipient} - {sent} - {row.file_path}"
                    )
                return 0
            if args.mark_sent:
                chosen = s.get(Letter, args.mark_sent)
                if chosen is None or chosen.case_id != case.id:
                    raise KnownError(f"Letter {args.mark_sent} is not on case {case.ref}")
                if not args.channel:
                    raise KnownError("Give --channel (email, post, hand or portal)")
                mark_sent(s, user, chosen.id, chosen.version, as_of, args.channel, as_of=as_of)
                print(
                    f"Marked the {chosen.letter} letter sent on {as_of:%d/%m/%Y} by {args.channel}"
                )
                return 0
            if not args.kind:
                raise KnownError("Give --kind KIND (see `send-desktop letter --list`)")
            written = write_letter(
                s,
                user,
                case.id,
                args.kind,
                as_of,
                dict(args.fill),
                out=args.out,
                advice_id=args.advice,
            )
        print(f"Wrote the {written.kind} letter to {written.recipient}: {written.path}")
        if args.out:
            print(f"Copy: {args.out}")
        if args.pdf:
            pdf = to_pdf(args.out if args.out else written.path)
            print(f"PDF: {pdf}")
    finally:
        db.close()
    return 0
