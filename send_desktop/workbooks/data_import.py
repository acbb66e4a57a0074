"""Reading the program's own supervision workbook back from its data sheets, every fact kept.

A workbook of an older version (no data sheets) goes through the tracker path instead; one
whose data sheets lack columns this version has (or have columns it does not know) imports
what it holds, and the plan says what it could not carry.
"""

from __future__ import annotations

import datetime as dt
import logging
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from send_desktop.errors import KnownError
from send_desktop.store.models import Case, Child
from send_desktop.workbooks.data_sheets import (
    CASES_SHEET,
    PEOPLE_HEADERS,
    REF_HEADER,
    case_headers,
    case_row_models,
    row_headers,
    sheet_for,
    table_name,
    typed,
)
from send_desktop.workbooks.import_plan import (
    EventRow,
    IgnoredColumn,
    ImportPlan,
    Problem,
    TrackerRow,
    _check_duplicates,
)

log = logging.getLogger(__name__)

# Tracker field keys -> the data sheet header, so problems found by the store point at a cell.
_TRACKER_KEYS = {
    "ref": "case.ref",
    "first_name": "child.first_name",
    "last_name": "child.last_name",
    "date_of_birth": "child.date_of_birth",
    "upn": "child.upn",
    "caseworker": "caseworker.name",
    "team": "team.name",
    "request_received": "case.request_received",
    "decision_to_assess": "case.decision_to_assess",
    "decision_outcome": "case.decision_outcome",
    "draft_served": "case.draft_served",
    "not_issue_decision": "case.not_issue_decision",
    "final_issued": "case.final_issued",
}


def _model_of(prefix: str) -> Any:
    return {"case": Case, "child": Child}[prefix]


def _headers(rows: list[tuple[object, ...]]) -> tuple[str, ...]:
    if not rows:
        return ()
    return tuple("" if v is None else str(v).strip() for v in rows[0])


def read_data_workbook(path: Path, *, dayfirst: bool = True) -> ImportPlan:
    """Every case, child and case row in the workbook's data sheets, typed and located."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise KnownError(
            f"{path.name}: not a readable Excel workbook ({type(exc).__name__}: {exc})"
        ) from exc
    try:
        sheets: dict[str, list[tuple[object, ...]]] = {}
        wanted = {CASES_SHEET, *(sheet_for(m) for m in case_row_models())}
        for name in book.sheetnames:
            if name in wanted:
                sheet = book[name]
                reset = getattr(sheet, "reset_dimensions", None)
                if reset is not None:
                    reset()
                sheets[name] = list(sheet.iter_rows(values_only=True))
        others = [n for n in book.sheetnames if n not in wanted]
    finally:
        book.close()
    cases = sheets.get(CASES_SHEET, [])
    headers = _headers(cases)
    if not headers or headers[0] != REF_HEADER:
        raise KnownError(
            f"{path.name}: the sheet {CASES_SHEET!r} does not start with the header "
            f"{REF_HEADER!r}; it was changed by hand. Import the Caseload sheet instead "
            "(choose the sheet in the import) or export the workbook again."
        )
    index = {h: i for i, h in enumerate(headers) if h}
    plan = ImportPlan(
        path,
        CASES_SHEET,
        1,
        headers,
        {key: index[h] for key, h in _TRACKER_KEYS.items() if h in index},
        dayfirst=dayfirst,
        data=True,
    )
    plan.sheet_headers[CASES_SHEET] = headers
    known = set(case_headers())
    for name in others:
        plan.ignored.append(
            IgnoredColumn(
                name,
                "",
                "",
                "worked out by the program; the cases are read from the data sheets",
            )
        )
    _note_columns(plan, CASES_SHEET, headers, known)
    _read_cases(plan, cases, headers)
    refs = {row.ref for row in plan.rows if row.ref}
    for model in case_row_models():
        title = sheet_for(model)
        rows = sheets.get(title)
        if rows is None:
            plan.not_carried.append(
                f"no sheet {title!r}: no {table_name(model).replace('_', ' ')} rows imported"
            )
            continue
        sheet_headers = _headers(rows)
        plan.sheet_headers[title] = sheet_headers
        _note_columns(plan, title, sheet_headers, set(row_headers(model)))
        _read_rows(plan, model, title, rows, sheet_headers, refs)
    _check_duplicates(plan)
    log.info(
        "data sheets read: %d cases, %d case rows, %d errors",
        len(plan.rows),
        sum(len(v) for v in plan.events.values()),
        len(plan.errors),
    )
    return plan


def _note_columns(plan: ImportPlan, sheet: str, headers: tuple[str, ...], known: set[str]) -> None:
    for number, text in enumerate(headers, start=1):
        if text and text not in known:
            plan.ignored.append(
                IgnoredColumn(
                    sheet,
                    get_column_letter(number),
                    text,
                    "not a field of this version's database; ignored",
                )
            )
    present = set(headers)
    for text in sorted(known - present):
        plan.not_carried.append(f"{sheet!r} has no column {text!r}: left empty")


def _problem(plan: ImportPlan, sheet: str, row: int, column: int, header: str, reason: str) -> None:
    plan.problems.append(Problem(row, get_column_letter(column + 1), header, reason, sheet=sheet))


def _read_cases(plan: ImportPlan, rows: list[tuple[object, ...]], headers: tuple[str, ...]) -> None:
    columns: list[tuple[int, str, Any, str]] = []  # index, table prefix, model, field
    for i, header in enumerate(headers):
        prefix, _, name = header.partition(".")
        if header in PEOPLE_HEADERS:
            columns.append((i, prefix, None, name))
        elif prefix in ("case", "child") and header in set(case_headers()):
            columns.append((i, prefix, _model_of(prefix), name))
    for number, cells in enumerate(rows[1:], start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        plan.rows_read += 1
        case: dict[str, Any] = {}
        child: dict[str, Any] = {}
        people: dict[str, str | None] = {}
        bad = False
        for i, prefix, model, name in columns:
            value = cells[i] if i < len(cells) else None
            if model is None:
                people[prefix] = None if value is None else str(value).strip() or None
                continue
            try:
                parsed = typed(model, name, value)
            except ValueError as exc:
                _problem(plan, CASES_SHEET, number, i, headers[i], str(exc))
                bad = True
                continue
            (case if prefix == "case" else child)[name] = parsed
        ref = case.get("ref")
        received = case.get("request_received")
        if not ref:
            _problem(plan, CASES_SHEET, number, 0, REF_HEADER, "no case ref")
            continue
        if not isinstance(received, dt.date):
            if "request_received" in case and not bad:
                i = headers.index("case.request_received")
                _problem(plan, CASES_SHEET, number, i, headers[i], "no request date")
            continue
        plan.rows.append(
            TrackerRow(
                row_number=number,
                ref=str(ref),
                first_name=str(child.get("first_name") or ""),
                last_name=str(child.get("last_name") or ""),
                date_of_birth=child.get("date_of_birth"),
                upn=child.get("upn"),
                caseworker=people.get("caseworker"),
                team=people.get("team"),
                request_received=received,
                decision_to_assess=case.get("decision_to_assess"),
                decision_outcome=case.get("decision_outcome"),
                outcome_stated=True,
                draft_served=case.get("draft_served"),
                not_issue_decision=case.get("not_issue_decision"),
                final_issued=case.get("final_issued"),
                case_values=case,
                child_values=child,
                bad=bad,
            )
        )


def _read_rows(
    plan: ImportPlan,
    model: Any,
    title: str,
    rows: list[tuple[object, ...]],
    headers: tuple[str, ...],
    refs: set[str],
) -> None:
    prefix = table_name(model) + "."
    columns = [
        (i, h[len(prefix) :]) for i, h in enumerate(headers) if h.startswith(prefix) and h != ""
    ]
    known = set(row_headers(model))
    columns = [(i, name) for i, name in columns if prefix + name in known]
    ref_at = headers.index(REF_HEADER) if REF_HEADER in headers else None
    for number, cells in enumerate(rows[1:], start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        ref = cells[ref_at] if ref_at is not None and ref_at < len(cells) else None
        if ref is None or str(ref) not in refs:
            _problem(
                plan,
                title,
                number,
                ref_at or 0,
                REF_HEADER,
                f"case ref {ref!r} is not on the sheet {CASES_SHEET!r}",
            )
            continue
        values: dict[str, Any] = {}
        bad = False
        for i, name in columns:
            try:
                values[name] = typed(model, name, cells[i] if i < len(cells) else None)
            except ValueError as exc:
                _problem(plan, title, number, i, headers[i], str(exc))
                bad = True
        if not bad:
            plan.events.setdefault(str(ref), []).append(EventRow(model, title, number, values))
