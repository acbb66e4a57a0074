"""Date fields: conversions between QDate and date, and an optional date shown as 'Not known'."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit

NOT_KNOWN = QDate(1900, 1, 1)
NOT_KNOWN_TEXT = "Not known"


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def make_optional(edit: QDateEdit) -> None:
    """The minimum date stands for 'not known', so a date field can be left empty."""
    edit.setMinimumDate(NOT_KNOWN)
    edit.setSpecialValueText(NOT_KNOWN_TEXT)
    edit.setDate(NOT_KNOWN)


def optional_date(edit: QDateEdit) -> date | None:
    qdate = edit.date()
    return None if qdate == edit.minimumDate() and edit.specialValueText() else to_date(qdate)


def set_optional_date(edit: QDateEdit, value: date | None) -> None:
    edit.setDate(to_qdate(value) if value else edit.minimumDate())


def uk(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "not recorded"
