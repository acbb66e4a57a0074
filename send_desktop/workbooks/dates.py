"""Reading the dates people type into trackers: Excel dates, 6/1/25, 06/01/2025, 6 Jan 2025, ISO."""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from openpyxl.utils.datetime import from_excel

# Cells that mean "nothing recorded yet" rather than a mistake.
EMPTY_MARKERS: Final = frozenset(
    {"", "n/a", "na", "n.a.", "-", "--", "---", "–", "—", "tbc", "tba", "tbd", "none", "nil", "?"}
)

# A tracker date outside these years is a typo (or Excel's 0 = 1900), not a real event.
EARLIEST_YEAR: Final = 1950
LATEST_YEAR: Final = 2099

_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS: Final = (
    r"(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)"
    r"(?:day|sday|nesday|rsday|urday)?"
)

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ tT]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_NUMERIC = re.compile(
    r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
_DAY_MONTH_NAME = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([a-z]+)\.?[\s\-/.,]*(\d{2}|\d{4})"
)
_MONTH_NAME_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{2}|\d{4})")
_LEADING_WEEKDAY = re.compile(rf"^{_WEEKDAYS}\.?,?\s+")


class DateError(ValueError):
    """A cell that should hold a date but does not; the message is written for the caseworker."""


def is_empty(value: object) -> bool:
    """Blank cells and the usual "nothing yet" markers (N/A, -, TBC)."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().casefold() in EMPTY_MARKERS
    return False


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # Same pivot as strptime's %y: 00-68 are 2000s, 69-99 are 1900s.
        year += 2000 if year <= 68 else 1900
    return year


def _make(year: int, month: int, day: int, original: str) -> dt.date:
    try:
        result = dt.date(year, month, day)
    except ValueError:
        raise DateError(f"{original!r} is not a real date") from None
    return _plausible(result, original)


def _plausible(value: dt.date, original: str) -> dt.date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise DateError(
            f"{original!r} is not a plausible date (year {value.year}; "
            f"expected {EARLIEST_YEAR}-{LATEST_YEAR})"
        )
    return value


def parse_date(value: object, dayfirst: bool = True) -> tuple[dt.date | None, str | None]:
    """The date in a cell, and a note when the reading needed a guess the user should check.

    Returns (None, None) for an empty cell. Raises DateError when the cell is not a date.
    `dayfirst` is the UK order (6/1/2025 = 6 January); with dayfirst=False (US order) it is
    June 1. A numeric date that only makes sense one way round (13/01/2025, 01/13/2025) is read
    that way, with a note.
    """
    if is_empty(value):
        return None, None
    if isinstance(value, bool):
        raise DateError(f"expected a date, found {'TRUE' if value else 'FALSE'}")
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            return day, None  # the commonest cell; the text below is only for the message
        return _plausible(day, value.strftime("%d/%m/%Y")), None
    if isinstance(value, int | float):
        return _from_serial(float(value), str(value))
    if not isinstance(value, str):
        raise DateError(f"expected a date, found {type(value).__name__}")
    return _parse_text(value, dayfirst)


def _from_serial(number: float, original: str) -> tuple[dt.date, str]:
    # A number in a date column is usually a date cell that lost its format on the way.
    if number != int(number) or not 1 <= number <= 2_958_465:
        raise DateError(f"expected a date, found the number {original}")
    converted = from_excel(number)
    assert isinstance(converted, dt.datetime)
    day = _plausible(converted.date(), original)
    return day, f"read the number {original} as an Excel date ({day:%d/%m/%Y})"


def _parse_text(value: str, dayfirst: bool) -> tuple[dt.date, str | None]:
    original = value.strip()
    text = _LEADING_WEEKDAY.sub("", original.casefold()).strip()
    if match := _ISO.fullmatch(text):
        y, m, d = (int(g) for g in match.groups())
        return _make(y, m, d, original), None
    if match := _NUMERIC.fullmatch(text):
        first, second, year = int(match[1]), int(match[2]), _year(match[3])
        return _numeric(first, second, year, dayfirst, original)
    if match := _DAY_MONTH_NAME.fullmatch(text):
        month = _MONTHS.get(match[2])
        if month is not None:
            return _make(_year(match[3]), month, int(match[1]), original), None
    if match := _MONTH_NAME_DAY.fullmatch(text):
        month = _MONTHS.get(match[1])
        if month is not None:
            return _make(_year(match[3]), month, int(match[2]), original), None
    if re.fullmatch(r"\d+(\.0+)?", text):
        return _from_serial(float(text), original)
    raise DateError(f"{_shorten(original)!r} is not a date (use dd/mm/yyyy)")


def _numeric(
    first: int, second: int, year: int, dayfirst: bool, original: str
) -> tuple[dt.date, str | None]:
    day, month = (first, second) if dayfirst else (second, first)
    if month <= 12:
        return _make(year, month, day, original), None
    if day <= 12:
        # Only one order gives a real month, so there is no ambiguity to guess about.
        swapped = _make(year, day, month, original)
        order = "month/day (US)" if dayfirst else "day/month (UK)"
        return swapped, f"read {original!r} in {order} order as {swapped:%d %b %Y}"
    raise DateError(f"{original!r} is not a real date (no month {max(first, second)})")


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
