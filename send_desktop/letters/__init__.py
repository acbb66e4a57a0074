"""Statutory letters: filled from the case and the clock engine, kept with the case (no Qt)."""

from send_desktop.letters.contacts import CONTACTS, load_contacts, save_contact
from send_desktop.letters.context import LetterData, gather, letter_date
from send_desktop.letters.kinds import APPEALABLE, KINDS, KINDS_BY_CODE, LetterKind
from send_desktop.letters.render import letter_text, render, template_path, to_pdf
from send_desktop.letters.service import (
    Written,
    case_letters,
    chase_letters,
    mark_sent,
    overdue_advice,
    write_letter,
)

__all__ = [
    "APPEALABLE",
    "CONTACTS",
    "KINDS",
    "KINDS_BY_CODE",
    "LetterData",
    "LetterKind",
    "Written",
    "case_letters",
    "chase_letters",
    "gather",
    "letter_date",
    "letter_text",
    "load_contacts",
    "mark_sent",
    "overdue_advice",
    "render",
    "save_contact",
    "template_path",
    "to_pdf",
    "write_letter",
]
