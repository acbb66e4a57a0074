"""Cell values made safe for a workbook: user text is never written as a formula or an error."""

from __future__ import annotations

import re
from typing import Final

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

# Excel refuses longer cell text; keep the start and say it was cut rather than fail the export.
EXCEL_MAX_TEXT: Final = 32_767
_CUT_MARK: Final = " [cut: too long for Excel]"

# Spreadsheet programs (and CSV consumers) treat these leading characters as the start of a
# formula; a child's name or a note that begins with one must stay inert text ("CSV injection").
FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")

_ERROR_CODES: Final = frozenset(ERROR_CODES)


def clean_text(value: str) -> str:
    """Text Excel will accept: control characters removed, cut to Excel's limit."""
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) > EXCEL_MAX_TEXT:
        value = value[: EXCEL_MAX_TEXT - len(_CUT_MARK)] + _CUT_MARK
    return value


def looks_like_formula(value: str) -> bool:
    """True when a program opening the file could read this text as a formula or an error."""
    return value.startswith(FORMULA_TRIGGERS) or value in _ERROR_CODES


_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A legal, unique worksheet title (31 characters, none of []:*?/\\) for a caseworker's name."""
    base = _SHEET_TITLE_BAD.sub(" ", name).strip().strip("'") or "Sheet"
    base = base[:31]
    title, n = base, 2
    while title.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title)
    return title
