"""Export -> import -> export gives the same workbook; imports report everything in one pass."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import AS_OF, SAMPLE_ROWS, row_counts, write_tracker
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from send_desktop.cli import main
from send_desktop.store import Database
from send_desktop.store.cases import editable_fields
from send_desktop.store.models import AdviceRequest, AnnualReview, Case, CaseException, Child
from send_desktop.workbooks.data_sheets import (
    CASES_SHEET,
    case_headers,
    case_row_models,
    data_sheet_titles,
    fact_columns,
    sheet_for,
)
from send_desktop.workbooks.importer import ImportRefused, apply_import, read_tracker


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path, read_only=True)
    try:
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    finally:
        book.close()


def _differences(first: Path, second: Path) -> list[str]:
    """Every cell that differs, sheet by sheet; the Summary's "Generated" line aside."""
    a, b = _cells(first), _cells(second)
    found: list[str] = []
    if list(a) != list(b):
        found.append(f"sheets {list(a)} != {list(b)}")
    for name in a:
        rows_a, rows_b = a[name], b.get(name, [])
        if len(rows_a) != len(rows_b):
            found.append(f"{name}: {len(rows_a)} rows != {len(rows_b)}")
        for number, (x, y) in enumerate(zip(rows_a, rows_b, strict=False), start=1):
            if name == "Summary" and x and x[0] == "Generated":
                continue
            width = max(len(x), len(y))
            for col in range(width):
                p = x[col] if col < len(x) else None
                q = y[col] if col < len(y) else None
                if p != q:
                    found.append(f"{name}!R{number}C{col + 1}: {p!r} != {q!r}")
    return found


def _round_trip(first_db: str, second_db: str, folder: Path) -> tuple[Path, Path]:
    first, second = folder / "first.xlsx", folder / "second.xlsx"
    assert main(["--database", first_db, "demo", "--cases", "400"]) == 0
    assert main(["--database", first_db, "export", "--out", str(first)]) == 0
    assert main(["--database", second_db, "import", str(first)]) == 0
    assert main(["--database", second_db, "export", "--out", str(second)]) == 0
    return first, second


def test_round_trip_on_sqlite_is_cell_for_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = _round_trip(
        str(tmp_path / "first.sqlite3"), str(tmp_path / "second.sqlite3"), tmp_path
    )
    assert _differences(first, second) == []
    cells = _cells(first)
    # Every sheet is there and holds something: the facts travelled, not only the caseload.
    assert set(data_sheet_titles()) <= set(cells)
    assert len(cells[CASES_SHEET]) == 401  # header + every case, open and closed
    assert len(cells["Caseload"]) > 100 and len(cells[sheet_for(AdviceRequest)]) > 400
    assert "400 rows read" in capsys.readouterr().out


def test_round_trip_on_postgresql_is_cell_for_cell(pg_server: object, tmp_path: Path) -> None:
    first_db = pg_server.url(pg_server.create_database())  # type: ignore[attr-defined]
    second_db = pg_server.url(pg_server.create_database())  # type: ignore[attr-defined]
    first, second = _round_trip(first_db, second_db, tmp_path)
    assert _differences(first, second) == []
    # And across the two engines: a PostgreSQL workbook into SQLite gives the same again.
    third = tmp_path / "third.xlsx"
    sqlite = str(tmp_path / "third.sqlite3")
    assert main(["--database", sqlite, "import", str(second)]) == 0
    assert main(["--database", sqlite, "export", "--out", str(third)]) == 0
    assert _differences(first, third) == []


def test_importing_the_same_workbook_twice_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = str(tmp_path / "a.sqlite3")
    out = tmp_path / "a.xlsx"
    assert main(["--database", db_path, "demo", "--cases", "60"]) == 0
    assert main(["--database", db_path, "export", "--out", str(out)]) == 0
    db = Database.open(db_path, "Twice")
    try:
        before = row_counts(db)
        result = apply_import(db, read_tracker(out), "Twice")
        assert (result.created, result.updated, result.unchanged) == (0, 0, 60)
        assert result.rows_added == 0 and result.changes == {}
        assert row_counts(db) == before
    finally:
        db.close()


def test_data_sheets_cover_every_column_of_the_models() -> None:
    """A column another engineer adds to a model is carried with no change to the workbook code."""
    bookkeeping = {"id", "version", "updated_at", "updated_by", "case_id", "child_id"}
    for model in (Case, Child, *case_row_models()):
        columns = set(model.__table__.columns.keys()) - bookkeeping - {"caseworker_id"}
        assert set(fact_columns(model)) == columns, model.__name__
        # Everything the store lets a user record is in the workbook.
        assert editable_fields(model) - {"caseworker_id"} <= set(fact_columns(model))
    assert {AdviceRequest, CaseException, AnnualReview} <= set(case_row_models())
    assert "child.date_of_birth" in case_headers() and "caseworker.name" in case_headers()


def test_an_older_workbook_imports_what_it_holds_and_says_what_it_ignored(
    tmp_path: Path,
) -> None:
    db_path = str(tmp_path / "a.sqlite3")
    out = tmp_path / "a.xlsx"
    assert main(["--database", db_path, "demo", "--cases", "30"]) == 0
    assert main(["--database", db_path, "export", "--out", str(out)]) == 0
    # An export from before the data sheets existed: the same workbook without them.
    book = load_workbook(out)
    for title in data_sheet_titles():
        del book[title]
    old = tmp_path / "old.xlsx"
    book.save(old)
    fresh = Database.open(str(tmp_path / "b.sqlite3"), "Older")
    try:
        plan = read_tracker(old)
        assert not plan.data and plan.sheet == "Caseload"
        result = apply_import(fresh, plan, "Older", dry_run=True)
        ignored = {c.header for c in result.ignored}
        assert {"Exception", "Review due", "Next deadline", "Status"} <= ignored
        lines = "\n".join(result.summary_lines())
        assert "ignored: sheet 'Caseload', column R (Exception): worked out by the program" in lines
        assert "new caseworker:" in lines
        assert result.created == plan.rows_read > 0
    finally:
        fresh.close()


def test_a_data_sheet_problem_names_its_sheet_cell_and_value(tmp_path: Path) -> None:
    db_path = str(tmp_path / "a.sqlite3")
    out = tmp_path / "a.xlsx"
    assert main(["--database", db_path, "demo", "--cases", "30"]) == 0
    assert main(["--database", db_path, "export", "--out", str(out)]) == 0
    book = load_workbook(out)
    advice = book[sheet_for(AdviceRequest)]
    headers = [c.value for c in advice[1]]
    column = headers.index("advice_request.received") + 1
    advice.cell(2, column).value = dt.date.today() + dt.timedelta(days=800)
    cases = book[CASES_SHEET]
    case_cols = [c.value for c in cases[1]]
    cases.cell(3, case_cols.index("case.need_rank") + 1).value = "first"
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    fresh = Database.open(str(tmp_path / "b.sqlite3"), "Checker")
    try:
        with pytest.raises(ImportRefused) as caught:
            apply_import(fresh, read_tracker(edited), "Checker")
        text = str(caught.value)
        letter = chr(ord("A") + column - 1)
        assert (
            f"sheet 'Data - advice_request', row 2, column {letter} (advice_request.received): "
            "Advice received" in text
        )
        assert "is more than a year ahead" in text
        assert "sheet 'Data - case', row 3, column" in text and "expected a whole number" in text
        assert "2 problems" in text
        with fresh.session() as session:
            assert session.execute(select(func.count(Case.id))).scalar_one() == 0
    finally:
        fresh.close()


def test_tracker_and_store_problems_come_in_one_pass(
    sqlite_db: Database, write_rows: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [list(r) for r in SAMPLE_ROWS]
    rows[0][3] = "31/02/2014"  # a tracker-level problem: no such date
    rows[1][5] = "01/01/2029"  # a store-level problem: more than a year ahead
    path = write_rows(rows)
    before = row_counts(sqlite_db)
    plan = read_tracker(path)
    assert plan.rows_read == 5 and len(plan.errors) == 1
    with pytest.raises(ImportRefused) as caught:
        apply_import(sqlite_db, plan, "Importer", as_of=AS_OF)
    text = str(caught.value)
    assert "2 problems to fix first" in text
    assert "row 4, column D (D.O.B.): '31/02/2014' is not a real date" in text
    assert (
        "row 5, column F (EHCNA request received): Request received: 01/01/2029 is more than a "
        "year ahead" in text
    )
    assert row_counts(sqlite_db) == before
    # The command line says the same, with the right grammar.
    code = main(["--database", str(sqlite_db.url.database), "import", str(path)])
    assert code == 2
    captured = capsys.readouterr()
    assert "nothing imported: 2 errors" in captured.err
    assert "5 rows read" in captured.out
    assert "Nothing was imported. With the errors fixed it would create" in captured.out
    assert "Created" not in captured.out


def test_one_error_is_singular(sqlite_db: Database, write_rows: Callable[..., Path]) -> None:
    rows = [list(SAMPLE_ROWS[0])]
    rows[0][5] = "01/01/2027"
    with pytest.raises(ImportRefused) as caught:
        apply_import(sqlite_db, read_tracker(write_rows(rows)), "Importer", as_of=AS_OF)
    assert "1 problem to fix first" in str(caught.value)
    assert caught.value.result is not None
    assert "1 error, 0 warnings" in caught.value.result.summary_lines()


def test_a_formula_without_a_saved_value_is_named(sqlite_db: Database, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Case ref", "Child's Name", "Date of birth", "Request received"])
    sheet.append(["EHC-F-1", "Jane Smith", dt.date(2015, 3, 1), dt.date(2025, 1, 6)])
    sheet.append(
        ["EHC-F-2", '=CONCAT("Tom"," ","Jones")', dt.date(2014, 7, 1), dt.date(2025, 2, 3)]
    )
    sheet.append(["EHC-F-3", "=looks like a formula", dt.date(2014, 7, 1), dt.date(2025, 2, 3)])
    sheet["B4"].data_type = "s"  # typed text, not a formula: imported as text
    path = tmp_path / "scripted.xlsx"
    book.save(path)  # openpyxl saves formulas without values, as a script would
    plan = read_tracker(path)
    text = "\n".join(str(p) for p in plan.errors)
    assert len(plan.errors) == 1, text
    assert "row 3, column B (Child's Name): cell B3 holds the formula" in text
    assert 'CONCAT("Tom"," ","Jones")' in text
    assert "Open it in Excel and save it, or copy the column and paste values" in text
    assert "no child's name" not in text
    names = {r.ref: r.child_name for r in plan.rows if not r.bad}
    assert names["EHC-F-3"] == "=looks like a formula"


def test_report_lists_ignored_columns_and_new_names(sqlite_db: Database, tmp_path: Path) -> None:
    headers = ["Case ref", "Child", "Request received", "Caseworker", "Team", "Shoe size"]
    rows: list[list[object]] = [
        ["EHC-N-1", "Jane Smith", "06/01/2025", "Priya Shah", "North"],
        ["EHC-N-2", "Tom Jones", "07/01/2025", "Priya Sha", "North"],
    ]
    rows[0].append("5")
    rows[1].append("6")
    path = write_tracker(tmp_path / "names.xlsx", rows, headers)
    result = apply_import(sqlite_db, read_tracker(path), "Importer", as_of=AS_OF, dry_run=True)
    lines = result.summary_lines()
    assert "new caseworker: Priya Shah" in lines
    assert any(
        line.startswith("new caseworker: Priya Sha (looks like Priya Shah") for line in lines
    )
    assert "new team: North" in lines
    assert any("column F (Shoe size): not a column the import knows" in line for line in lines)
    # The dry run wrote nothing, caseworkers included.
    assert row_counts(sqlite_db)["caseworker"] == 0


def test_updates_list_the_fields_that_change(sqlite_db: Database, tmp_path: Path) -> None:
    headers = ["Case ref", "Child", "Request received", "Final plan issued"]
    first = write_tracker(
        tmp_path / "one.xlsx", [["EHC-U-1", "Jane Smith", "06/01/2025", None]], headers
    )
    apply_import(sqlite_db, read_tracker(first), "Importer", as_of=AS_OF)
    second = write_tracker(
        tmp_path / "two.xlsx", [["EHC-U-1", "Jane Smyth", "06/01/2025", "20/05/2025"]], headers
    )
    result = apply_import(sqlite_db, read_tracker(second), "Importer", as_of=AS_OF, dry_run=True)
    assert result.updated == 1
    assert result.changes["EHC-U-1"] == [
        "Last name: Smith -> Smyth",
        "Final plan issued: (empty) -> 20/05/2025",
    ]
