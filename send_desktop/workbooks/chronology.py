"""Writing a case's chronology to CSV or .xlsx, safe to open in Excel (no formula injection).

A note or a user name that begins "=", "+", "-", "@", a tab or a carriage return would be run
as a formula when a CSV is opened in Excel or LibreOffice ("CSV injection"): =HYPERLINK(...)
can send data away, @SUM(...) runs. Such text is written with a leading apostrophe in a CSV
(the spreadsheet shows the text, the apostrophe hidden) and as a text cell in a workbook.
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from send_desktop.errors import KnownError
from send_desktop.store.cases import ChronologyEntry
from send_desktop.workbooks.cells import clean_text, looks_like_formula

log = logging.getLogger(__name__)

HEADERS: Final = ("Date", "Recorded at", "Kind", "What", "Detail", "By")


def csv_safe(value: object) -> str:
    """A CSV field a spreadsheet shows as the text it is, never runs."""
    if value is None:
        return ""
    text = str(value)
    if looks_like_formula(text):
        return "'" + text
    return text


def _fields(entry: ChronologyEntry) -> list[object]:
    return [
        entry.day,
        entry.at.replace(microsecond=0) if entry.at else None,
        entry.kind,
        entry.title,
        entry.detail,
        entry.user or "",
    ]


def write_csv_rows(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Any table as a formula-safe CSV (UTF-8 with BOM so Excel reads accents), mode 0600."""
    count = 0
    try:
        # Owner-only from the first byte: a chronology names the child.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if os.name == "posix":
            os.chmod(path, 0o600)  # a file that already existed keeps its mode otherwise
        with os.fdopen(descriptor, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow([csv_safe(h) for h in headers])
            for row in rows:
                writer.writerow([_csv_value(v) for v in row])
                count += 1
    except OSError as exc:
        raise KnownError(f"{path}: cannot be written ({exc.strerror or exc})") from exc
    return count


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        text: str = value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
        return text
    return csv_safe(value)


def write_chronology(path: str | Path, entries: Sequence[ChronologyEntry]) -> int:
    """The chronology as .csv or .xlsx (by the file's suffix); returns the rows written."""
    from send_desktop.workbooks.export import _cell, _check_folder, _Styles, save_atomically

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        count = write_csv_rows(target, HEADERS, (_fields(e) for e in entries))
        log.info("chronology written as CSV: %d rows", count)
        return count
    _check_folder(target)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Chronology")
    assert isinstance(sheet, WriteOnlyWorksheet)
    styles = _Styles(sheet)
    for letter, width in zip("ABCDEF", (12, 18, 9, 30, 60, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, h, styles.header) for h in HEADERS])
    for entry in entries:
        day, at, *texts = _fields(entry)
        sheet.append(
            [
                _cell(sheet, day, styles.date),
                _cell(sheet, at, styles.stamp) if at is not None else None,
                *(_cell(sheet, clean_text(str(t)), styles.user) for t in texts),
            ]
        )
    save_atomically(book, target)
    log.info("chronology written as a workbook: %d rows", len(entries))
    return len(entries)
