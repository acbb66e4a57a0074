"""Reading a team's own tracker (.xlsx or .csv) into checked rows, with every problem located."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import logging
import re
import threading
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Final, Literal, Protocol

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from send_desktop.errors import KnownError
from send_desktop.workbooks.dates import DateError, is_empty, parse_date
from send_desktop.workbooks.headers import (
    FIELDS_BY_KEY,
    HeaderRow,
    apply_hand_mapping,
    find_header_row,
    header_text,
    match_header,
)
from send_desktop.workbooks.import_plan import (
    EventRow,
    IgnoredColumn,
    ImportPlan,
    Problem,
    Severity,
    TrackerRow,
    _check_duplicates,
    iter_problem_lines,
    name_key,
)

log = logging.getLogger(__name__)

RawRow = tuple[int, Sequence[object]]

_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC: Final = b"PK\x03\x04"
_CSV_SUFFIXES: Final = {".csv", ".txt", ".tsv"}
# find_header_row's default search depth: the rows of a sheet read before choosing the sheet.
_HEADER_SEARCH_ROWS: Final = 50
_UPN: Final = re.compile(r"[A-Z]\d{11}[0-9A-Z]")
_ASSESS_WORDS: Final = {"assess", "yes", "y", "agreed", "agree", "accepted", "approved", "proceed"}
_NOT_ASSESS_WORDS: Final = {
    "not assess",
    "not to assess",
    "no",
    "n",
    "refused",
    "declined",
    "not agreed",
    "nta",
    "not assessed",
}


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a tracker is read or imported, back on after.

    Reading and importing build tens of thousands of objects that all live until the end (the
    plan's rows, the cases to write, their audit rows) and form no cycles worth collecting; with
    the collector on, each few hundred new objects start a collection that walks them again (a
    fifth of a 20,000-row import, more in a process that already holds much). Nested and
    threaded uses count: the collector comes back on when the last one ends, and only if it
    was on when the first began. Reference counting still frees everything as usual.
    """
    global _pauses, _collector_was_on
    with _pause_lock:
        if _pauses == 0:
            _collector_was_on = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_on:
                gc.enable()


_pause_lock = threading.Lock()
_pauses = 0
_collector_was_on = True


def read_tracker(
    path: str | Path,
    mapping: Mapping[str, str | None] | None = None,
    *,
    dayfirst: bool = True,
    sheet: str | None = None,
) -> ImportPlan:
    """Read a tracker and check every row; nothing is written anywhere.

    File-level failures (missing, empty, encrypted, not a workbook, no header row) raise
    KnownError naming the file; problems inside the table are returned in the plan so they can
    all be shown at once.
    """
    with collector_paused():
        return _read_tracker(path, mapping, dayfirst=dayfirst, sheet=sheet)


def _read_tracker(
    path: str | Path,
    mapping: Mapping[str, str | None] | None,
    *,
    dayfirst: bool,
    sheet: str | None,
) -> ImportPlan:
    source = Path(path)
    hand = dict(mapping or {})
    wanted = [h for h in hand.values() if h]
    if not hand and sheet is None and _has_data_sheets(source):
        from send_desktop.workbooks.data_import import read_data_workbook

        return read_data_workbook(source, dayfirst=dayfirst)
    sheets = _read_source(source, sheet, wanted)
    found = _best_header(sheets, wanted)
    if found is None:
        raise KnownError(
            f"{source.name}: no header row found in the first 50 rows "
            "(expected headers such as 'Child', 'Date of birth', 'Request received'). "
            "Check this is the tracker, or map the columns by hand."
        )
    sheet_name, header, rows = found
    plan = ImportPlan(source, sheet_name, header.row_number, header.headers, {}, dayfirst=dayfirst)
    mapped, mapping_errors = apply_hand_mapping(header.headers, header.suggested, hand)
    plan.mapping = mapped
    for message in mapping_errors:
        plan.problems.append(Problem(header.row_number, None, None, message))
    _check_required_columns(plan)
    _note_ignored(plan)
    _parse_rows(plan, rows, getattr(rows, "formulas", {}))
    _check_duplicates(plan)
    log.info(
        "tracker read: %d rows, %d errors, %d warnings, header row %d",
        len(plan.rows),
        len(plan.errors),
        len(plan.warnings),
        plan.header_row,
    )
    return plan


# --- reading the file -------------------------------------------------------------------------


def _has_data_sheets(path: Path) -> bool:
    """True for the program's own supervision workbook (it has the data sheets)."""
    from send_desktop.workbooks.data_sheets import CASES_SHEET

    try:
        with zipfile.ZipFile(path) as archive:
            listing = archive.read("xl/workbook.xml")
    except (OSError, zipfile.BadZipFile, KeyError):
        return False
    return f'name="{CASES_SHEET}"'.encode() in listing


class SheetRows(list[RawRow]):
    """A sheet's rows, with the cells that hold a formula but no saved value: {(row, col): f}."""

    formulas: dict[tuple[int, int], str]

    def __init__(self, rows: list[RawRow], formulas: dict[tuple[int, int], str]) -> None:
        super().__init__(rows)
        self.formulas = formulas


class _NotingFormulas(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's sheet parser reading saved values, also noting the formula cells that have
    none (a file written by a script, never opened in Excel): read with data_only they are
    empty, which would be misreported as blank. One pass gives both."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.formulas: dict[tuple[int, int], str] = {}

    def parse_cell(self, element: Any) -> dict[str, Any]:
        if element.get("t") == "inlineStr":
            plain = self._plain_inline(element)
            if plain is not None:
                return plain
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            formula = self.parse_formula(element)
            if isinstance(formula, str) and formula.startswith("="):
                self.formulas[(cell["row"], cell["column"] - 1)] = formula
        return cell

    def _plain_inline(self, element: Any) -> dict[str, Any] | None:
        """openpyxl's cell for the commonest inline string, <is><t>text</t></is> (every text
        cell openpyxl writes, the program's own workbook included), without building a rich
        text object for it (Text.from_tree: a fifth of reading such a sheet); None for any
        other shape, which openpyxl's own parse_cell reads."""
        held = element.find(INLINE_STRING)
        if held is None or len(held) != 1 or self.rich_text or not self.data_only:
            return None
        text = held[0]
        if text.tag != _TEXT_TAG or len(text) or held.attrib:
            return None
        # As WorkSheetParser.parse_cell: the position, the style, then the value.
        coordinate = element.get("r")
        style_id = element.get("s", 0)
        if style_id:
            style_id = int(style_id)
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        value = text.text if text.text is not None else ""
        return {
            "row": row,
            "column": column,
            "value": value,
            "data_type": "s",
            "style_id": style_id,
        }


_TEXT_TAG: Final = f"{{{SHEET_MAIN_NS}}}t"


def _read_sheet(worksheet: Any, last: int | None) -> SheetRows:
    """A sheet's rows (number, values) as openpyxl's iter_rows(values_only) gives them after
    reset_dimensions (some programs write a wrong <dimension>: read what is really there), up to
    row `last`, with the formula cells that have no saved value."""
    book = worksheet.parent
    rows: list[RawRow] = []
    counter = number = 1
    with worksheet._get_source() as source:
        parser = _NotingFormulas(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            if last is not None and number > last:
                break
            for missing in range(counter, number):
                rows.append((missing, ()))
            if counter <= number:
                # As wide as its last cell, as openpyxl makes a row.
                width = cells[-1]["column"] if cells else 0
                values: list[object] = [None] * width
                for cell in cells:
                    if 1 <= cell["column"] <= width:
                        values[cell["column"] - 1] = cell["value"]
                rows.append((number, tuple(values)))
                counter = number + 1
    if last is not None and last < number:
        for missing in range(counter, last + 1):
            rows.append((missing, ()))
    return SheetRows(_trim(rows), parser.formulas)


class _UnsizedSheet(ReadOnlyWorksheet):  # type: ignore[misc]
    """A read-only sheet that does not parse itself to find its size when the workbook opens
    (without a <dimension> at its top, openpyxl reads the whole sheet for it): _read_sheet
    never uses the stored size."""

    def _get_size(self) -> None:
        return None


class _OnePassReader(ExcelReader):  # type: ignore[misc]
    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            worksheet = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def _open_read_only(path: Path) -> Any:
    """openpyxl's load_workbook(read_only=True, data_only=True) without sizing every sheet."""
    reader = _OnePassReader(path, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def _read_source(
    path: Path, sheet: str | None, wanted: list[str]
) -> list[tuple[str | None, list[RawRow]]]:
    if not path.exists():
        raise KnownError(f"{path}: file not found")
    if path.is_dir():
        raise KnownError(f"{path}: is a folder, not a tracker file")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise KnownError(f"{path.name}: cannot be opened ({exc.strerror or exc})") from exc
    if not head:
        raise KnownError(f"{path.name}: the file is empty")
    if head.startswith(_OLE_MAGIC):
        raise KnownError(_ole_message(path))
    from send_desktop.workbooks.limits import check_unpack_limits

    if head.startswith(_ZIP_MAGIC):
        check_unpack_limits(path, zipped=True)
        return _read_xlsx(path, sheet, wanted)
    if path.suffix.lower() in _CSV_SUFFIXES:
        check_unpack_limits(path, zipped=False)
        return [(None, _read_csv(path))]
    raise KnownError(
        f"{path.name}: not an Excel workbook (.xlsx) or CSV file. "
        "Save the tracker as .xlsx or .csv and try again."
    )


def _ole_message(path: Path) -> str:
    # Encrypted .xlsx files are OLE containers holding "EncryptionInfo" and "EncryptedPackage"
    # streams; their names sit in the directory near the start of a small file.
    with path.open("rb") as handle:
        start = handle.read(1 << 20)
    if (
        "EncryptedPackage".encode("utf-16-le") in start
        or "EncryptionInfo".encode("utf-16-le") in start
    ):
        return (
            f"{path.name}: the workbook is password-protected (encrypted). Open it in Excel, "
            "remove the password (File > Info > Protect Workbook), save, and import again."
        )
    return (
        f"{path.name}: this is an old Excel 97-2003 (.xls) file or is password-protected. "
        "Open it in Excel and save it as an Excel Workbook (.xlsx) without a password."
    )


def _read_xlsx(
    path: Path, wanted: str | None, wanted_headers: list[str]
) -> list[tuple[str | None, list[RawRow]]]:
    """Every visible sheet's first rows (where headers are searched), the best one in full.

    Reading only the top of the other sheets keeps a workbook of several big sheets (a
    supervision export) from costing several times what its tracker sheet does.
    """
    try:
        book = _open_read_only(path)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise KnownError(
            f"{path.name}: not a readable Excel workbook ({type(exc).__name__}: {exc}). "
            "Open it in Excel, save as .xlsx, and try again."
        ) from exc
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise KnownError(
            f"{path.name}: the workbook is damaged or not an .xlsx file ({type(exc).__name__})"
        ) from exc
    try:
        names = book.sheetnames
        if wanted is not None and wanted not in names:
            raise KnownError(
                f"{path.name}: no sheet called {wanted!r} (sheets: {', '.join(names)})"
            )
        result: list[tuple[str | None, list[RawRow]]] = []
        for name in [wanted] if wanted else names:
            assert name is not None
            worksheet = book[name]
            if getattr(worksheet, "sheet_state", "visible") != "visible" and not wanted:
                continue
            result.append((name, _read_sheet(worksheet, _HEADER_SEARCH_ROWS)))
        found = _best_header(result, wanted_headers)
        if found is not None:
            best = found[0]
            result = [
                (name, _read_sheet(book[name], None) if name == best else rows)
                for name, rows in result
            ]
        return result
    except KnownError:
        raise
    except Exception as exc:
        raise KnownError(
            f"{path.name}: the workbook could not be read ({type(exc).__name__}: {exc})"
        ) from exc
    finally:
        book.close()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page.
        return data.decode("cp1252", errors="replace")


def _read_csv(path: Path) -> list[RawRow]:
    text = _decode(path.read_bytes())
    if "\x00" in text:
        raise KnownError(f"{path.name}: not a text CSV file (it contains binary data)")
    reader = csv.reader(io.StringIO(text, newline=""), _csv_dialect(text))
    rows: list[RawRow] = []
    try:
        for number, values in enumerate(reader, start=1):
            rows.append((number, tuple(values)))
    except csv.Error as exc:
        raise KnownError(
            f"{path.name}: row {len(rows) + 1}: cannot be read as CSV ({exc})"
        ) from exc
    return _trim(rows)


def _csv_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """The delimiter under which a header row is recognisable; else csv.Sniffer's guess.

    A title line above the table ("Exported from ...") often confuses the sniffer on its own.
    """
    sample = text[:65536]
    lines = sample.splitlines()[:50]
    best: tuple[int, str] | None = None
    for delimiter in (",", ";", "\t", "|"):
        try:
            parsed = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        header = find_header_row(list(enumerate(parsed, start=1)))
        if header is not None and (best is None or len(header.suggested) > best[0]):
            best = (len(header.suggested), delimiter)
    if best is not None:
        chosen = best[1]

        class Found(csv.excel):
            delimiter = chosen

        return Found
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _blank(values: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _trim(rows: list[RawRow]) -> list[RawRow]:
    while rows and _blank(rows[-1][1]):
        rows.pop()
    return rows


def _best_header(
    sheets: list[tuple[str | None, list[RawRow]]], wanted: list[str]
) -> tuple[str | None, HeaderRow, list[RawRow]] | None:
    best: tuple[int, str | None, HeaderRow, list[RawRow]] | None = None
    for name, rows in sheets:
        header = find_header_row(rows, wanted)
        if header is None:
            continue
        score = len(header.suggested) + (1 if name == "Caseload" else 0)
        if best is None or score > best[0]:
            best = (score, name, header, rows)
    if best is None:
        return None
    _, name, header, rows = best
    return name, header, rows


# --- checking the rows ------------------------------------------------------------------------


def _note_ignored(plan: ImportPlan) -> None:
    """Every header the import will not read, with the reason, for the dry run and report."""
    used = set(plan.mapping.values())
    for index, text in enumerate(plan.headers):
        if not text or index in used:
            continue
        if match_header(text) == "computed":
            reason = (
                "worked out by the program from the recorded facts (exceptions, reviews, "
                "deadlines); not imported - record those facts on the case"
            )
        else:
            reason = "not a column the import knows; ignored (map it by hand if it should be read)"
        plan.ignored.append(IgnoredColumn(plan.sheet, get_column_letter(index + 1), text, reason))


def _check_required_columns(plan: ImportPlan) -> None:
    names = {"child_name", "first_name", "last_name"} & plan.mapping.keys()
    if not names:
        plan.problems.append(
            Problem(
                plan.header_row,
                None,
                None,
                "no column for the child's name (expected 'Child', 'Name', or 'Forename' and "
                "'Surname'); map one by hand",
            )
        )
    if "request_received" not in plan.mapping:
        plan.problems.append(
            Problem(
                plan.header_row,
                None,
                None,
                "no column for the date the request was received (expected 'Request received', "
                "'Date of request'...); map one by hand",
            )
        )


class _CellError(ValueError):
    pass


class _Report(Protocol):
    def __call__(
        self, number: int, key: str, reason: str, severity: Severity = "error"
    ) -> None: ...


def _text(value: object, key: str) -> str | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise _CellError(f"expected text, found {'TRUE' if value else 'FALSE'}")
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        raise _CellError("expected text, found a date or time")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split()) if key != "notes" else str(value).strip()
    limit = FIELDS_BY_KEY[key].max_length
    if len(text) > limit:
        raise _CellError(f"too long ({len(text):,} characters; at most {limit:,})")
    return text or None


def _name(value: object, key: str) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise _CellError(f"expected a name, found the number {value}")
    text = _text(value, key)
    if text is not None and not any(ch.isalpha() for ch in text):
        raise _CellError(f"expected a name, found {text[:40]!r}")
    return text


def _upn(value: object) -> str | None:
    text = _text(value, "upn")
    if text is None:
        return None
    upn = text.replace(" ", "").upper()
    if not _UPN.fullmatch(upn):
        raise _CellError(
            f"{text[:20]!r} is not a UPN (13 characters: a letter, 11 digits, then a digit or letter)"
        )
    return upn


def _outcome(value: object) -> Literal["assess", "not-assess"] | None:
    text = _text(value, "decision_outcome")
    if text is None:
        return None
    words = " ".join(re.sub(r"[^a-z ]", " ", text.casefold()).split())
    if words in _NOT_ASSESS_WORDS or words.startswith(("not ", "no ", "refuse", "decline")):
        return "not-assess"
    if words in _ASSESS_WORDS or words.startswith("assess") or words.startswith("agreed"):
        return "assess"
    raise _CellError(f"{text[:30]!r} is not a decision (use 'assess' or 'not assess')")


def split_name(full: str) -> tuple[str, str]:
    """(first, last) from "Jane Smith", "Jane van Dyke" is ("Jane van", "Dyke"), "SMITH, Jane"."""
    if "," in full:
        last, _, first = full.partition(",")
        return " ".join(first.split()), " ".join(last.split())
    parts = full.split()
    if len(parts) == 1:
        return parts[0], ""
    return " ".join(parts[:-1]), parts[-1]


def _parse_rows(
    plan: ImportPlan, rows: list[RawRow], formulas: Mapping[tuple[int, int], str]
) -> None:
    letters = {key: get_column_letter(i + 1) for key, i in plan.mapping.items()}
    failed: set[tuple[int, str]] = set()

    def problem(
        number: int, key: str, reason: str, severity: Severity = "error", value: object = None
    ) -> None:
        if (number, key) in failed:
            return  # one error per cell: the first says what is wrong
        if severity == "error":
            failed.add((number, key))
        index = plan.mapping[key]
        shown = None if value is None else str(value)[:60]
        plan.problems.append(
            Problem(number, letters[key], plan.headers[index], reason, severity, value=shown)
        )

    for number, cells in rows:
        if number <= plan.header_row:
            continue
        raw = {key: (cells[i] if i < len(cells) else None) for key, i in plan.mapping.items()}
        pending = {
            key: formulas[(number, i)] for key, i in plan.mapping.items() if (number, i) in formulas
        }
        if all(is_empty(v) for v in raw.values()) and not pending:
            continue  # blank or "N/A"-only rows, e.g. spacing between blocks
        plan.rows_read += 1
        values: dict[str, object] = {}
        bad = False
        for key, formula in pending.items():
            cell = f"{letters[key]}{number}"
            problem(
                number,
                key,
                f"cell {cell} holds the formula {formula[:60]} but no saved value (the file was "
                "written by a program that does not calculate formulas). Open it in Excel and "
                "save it, or copy the column and paste values, then import again",
            )
            bad = True
        for key, value in raw.items():
            if key in pending:
                continue
            kind = FIELDS_BY_KEY[key].kind
            try:
                if kind == "date":
                    parsed, note = parse_date(value, plan.dayfirst)
                    if note:
                        problem(number, key, note, "warning")
                    values[key] = parsed
                elif kind == "name":
                    values[key] = _name(value, key)
                elif kind == "upn":
                    values[key] = _upn(value)
                elif kind == "outcome":
                    values[key] = _outcome(value)
                else:
                    values[key] = _text(value, key)
            except (DateError, _CellError) as exc:
                problem(number, key, str(exc), value=value)
                bad = True
        names_failed = any((number, k) in failed for k in ("child_name", "first_name", "last_name"))
        row = _build_row(plan, number, values, problem, names_failed)
        if row is not None:
            # A row with a bad cell still goes on to the store's checks (so every problem of
            # the tracker shows in one pass); it is never written.
            plan.rows.append(replace(row, bad=True) if bad else row)


def _build_row(
    plan: ImportPlan,
    number: int,
    values: dict[str, object],
    report: _Report,
    names_failed: bool = False,
) -> TrackerRow | None:
    first = values.get("first_name")
    last = values.get("last_name")
    full = values.get("child_name")
    if not (first or last) and isinstance(full, str):
        first, last = split_name(full)
    first_name = first if isinstance(first, str) else ""
    last_name = last if isinstance(last, str) else ""
    ok = True
    name_field = next(
        (k for k in ("child_name", "last_name", "first_name") if k in plan.mapping), None
    )
    if name_field is None:
        ok = False  # already reported once for the whole sheet
    elif not (first_name or last_name):
        if not names_failed:
            report(number, name_field, "no child's name")
        ok = False
    elif len(first_name) > 100 or len(last_name) > 100:
        report(number, name_field, "name too long (at most 100 characters for each part)")
        ok = False
    elif not (first_name and last_name) and not names_failed:
        report(number, name_field, "only one name given; the other is left blank", "warning")
    request = values.get("request_received")
    if "request_received" in plan.mapping and request is None:
        report(number, "request_received", "no date (the request date starts the 20-week clock)")
        ok = False
    # The order of the dates (decision after request, birth before it...) is the store's rule,
    # checked with every other store rule when the row is applied.
    if not ok or not isinstance(request, dt.date):
        return None
    outcome = values.get("decision_outcome")
    stated = outcome is not None
    if outcome is None:
        stage = values.get("stage")
        if isinstance(stage, str) and stage.casefold() == "not assessed":
            outcome, stated = "not-assess", True
        elif values.get("decision_to_assess") is not None:
            # A decision date with no outcome column: the case went on to assessment unless the
            # tracker says otherwise, which is what a decision date means in most trackers.
            outcome = "assess"
    return TrackerRow(
        row_number=number,
        ref=_str(values.get("ref")),
        first_name=first_name,
        last_name=last_name,
        date_of_birth=_date(values.get("date_of_birth")),
        upn=_str(values.get("upn")),
        caseworker=_str(values.get("caseworker")),
        team=_str(values.get("team")),
        request_received=request,
        decision_to_assess=_date(values.get("decision_to_assess")),
        decision_outcome="not-assess"
        if outcome == "not-assess"
        else ("assess" if outcome == "assess" else None),
        outcome_stated=stated,
        draft_served=_date(values.get("draft_served")),
        not_issue_decision=_date(values.get("not_issue_decision")),
        final_issued=_date(values.get("final_issued")),
        notes=_str(values.get("notes")),
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _date(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


__all__ = [
    "EventRow",
    "IgnoredColumn",
    "ImportPlan",
    "Problem",
    "TrackerRow",
    "collector_paused",
    "header_text",
    "iter_problem_lines",
    "name_key",
    "read_tracker",
    "split_name",
]
