"""Tracker import: the messy sample, re-import, every hostile input refused with its place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import AS_OF, HEADERS, SAMPLE_ROWS, encrypted_workbook, row_counts
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from send_desktop.errors import KnownError
from send_desktop.store import Database
from send_desktop.store.models import Case, CaseNote, Caseworker, Child
from send_desktop.workbooks.importer import (
    ImportRefused,
    apply_import,
    read_tracker,
    write_import_report,
)


def test_sample_tracker_is_read_past_its_title_rows(sample_tracker: Path) -> None:
    plan = read_tracker(sample_tracker)
    assert plan.header_row == 3
    assert plan.sheet == "Tracker 2025"
    assert plan.errors == []
    assert plan.mapping_by_header == {
        "ref": "Case Ref",
        "first_name": "Forename",
        "last_name": "Surname",
        "date_of_birth": "D.O.B.",
        "upn": "UPN",
        "request_received": "EHCNA request received",
        "caseworker": "Officer",
        "decision_to_assess": "Decision date",
        "draft_served": "Date draft issued",
        "final_issued": "Final EHCP issued",
        "notes": "Notes",
    }
    assert [r.row_number for r in plan.rows] == [4, 5, 6, 7, 8]
    jane, tom, ali, mary, zara = plan.rows
    assert jane.request_received == dt.date(2025, 1, 6)
    assert jane.decision_to_assess == dt.date(2025, 2, 10)
    assert jane.draft_served is None and jane.final_issued is None
    assert tom.request_received == dt.date(2025, 1, 6)
    assert tom.date_of_birth == dt.date(2014, 7, 1)
    assert tom.decision_to_assess is None
    assert ali.request_received == dt.date(2025, 2, 3)
    assert ali.final_issued == dt.date(2025, 5, 20)
    assert ali.decision_outcome == "assess"
    assert mary.date_of_birth is None and mary.last_name == "O'Neil"
    assert zara.date_of_birth == dt.date(2013, 11, 2)


def test_import_then_reimport_updates_instead_of_duplicating(
    sqlite_db: Database, sample_tracker: Path
) -> None:
    result = apply_import(sqlite_db, read_tracker(sample_tracker), "Importer", as_of=AS_OF)
    assert (result.created, result.updated, result.errors) == (5, 0, [])
    with sqlite_db.session() as s:
        refs = set(s.execute(select(Case.ref)).scalars())
        workers = set(s.execute(select(Caseworker.name)).scalars())
        notes = list(s.execute(select(CaseNote.text)).scalars())
    assert {"EHC-T-001", "EHC-T-002", "EHC-T-005"} <= refs
    assert len(refs) == 5  # two generated refs for the rows without one
    assert workers == {"Amy Brown", "Ben Clark", "Cara Davis"}  # "amy brown" is the same person
    assert sorted(notes) == ["Chased EP advice", "Placement agreed"]
    before = row_counts(sqlite_db)

    again = apply_import(sqlite_db, read_tracker(sample_tracker), "Importer", as_of=AS_OF)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert row_counts(sqlite_db) == before
    matched = [p for p in again.warnings if "matched existing case" in p.reason]
    assert [p.row for p in matched] == [6, 7]


def test_reimport_with_changes_updates_the_case(
    sqlite_db: Database, write_rows: Callable[..., Path]
) -> None:
    first = write_rows(SAMPLE_ROWS[:1], name="a.xlsx")
    apply_import(sqlite_db, read_tracker(first), "Importer", as_of=AS_OF)
    changed = [list(SAMPLE_ROWS[0])]
    changed[0][8] = "03/03/2025"  # draft now issued
    changed[0][2] = "Smith-Jones"
    apply_import(
        sqlite_db, read_tracker(write_rows(changed, name="b.xlsx")), "Importer", as_of=AS_OF
    )
    with sqlite_db.session() as s:
        case = s.execute(select(Case).where(Case.ref == "EHC-T-001")).scalar_one()
        assert case.draft_served == dt.date(2025, 3, 3)
        assert case.version == 2
        assert s.get(Child, case.child_id).last_name == "Smith-Jones"  # type: ignore[union-attr]


def test_dry_run_writes_nothing(sqlite_db: Database, sample_tracker: Path) -> None:
    before = row_counts(sqlite_db)
    result = apply_import(
        sqlite_db, read_tracker(sample_tracker), "Importer", dry_run=True, as_of=AS_OF
    )
    assert result.created == 5 and result.dry_run
    assert row_counts(sqlite_db) == before


def test_csv_with_semicolons_and_cp1252(sqlite_db: Database, tmp_path: Path) -> None:
    text = (
        "Exported from the old system\r\n\r\n"
        "Name;DOB;Date of request;Caseworker\r\n"
        "Zoë Brontë;01/02/2016;06/01/2025;Amy Brown\r\n"
        "Sam Lee;N/A;7 Jan 2025;TBC\r\n"
        ";;;\r\n"
    )
    path = tmp_path / "tracker.csv"
    path.write_bytes(text.encode("cp1252"))
    plan = read_tracker(path)
    assert plan.header_row == 3 and plan.errors == []
    assert [(r.first_name, r.last_name) for r in plan.rows] == [("Zoë", "Brontë"), ("Sam", "Lee")]
    assert plan.rows[1].caseworker is None
    utf = tmp_path / "utf.csv"
    utf.write_bytes(text.replace(";", ",").encode("utf-8-sig"))
    assert read_tracker(utf).rows[0].first_name == "Zoë"


def test_us_dates_when_told(tmp_path: Path) -> None:
    path = tmp_path / "us.csv"
    path.write_text("Child,Request date\nAnn Bee,03/04/2025\nCal Dee,01/13/2025\n")
    uk = read_tracker(path)
    assert [r.request_received for r in uk.rows] == [dt.date(2025, 4, 3), dt.date(2025, 1, 13)]
    assert [p.row for p in uk.warnings] == [3]  # 01/13 could only be US order: said so
    us = read_tracker(path, dayfirst=False)
    assert [r.request_received for r in us.rows] == [dt.date(2025, 3, 4), dt.date(2025, 1, 13)]


def test_mapping_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Pupil,Got it on,Who\nAnn Bee,03/04/2025,Amy\n")
    plan = read_tracker(path, {"request_received": "Got it on", "caseworker": "Who"})
    assert plan.errors == []
    assert plan.rows[0].request_received == dt.date(2025, 4, 3)
    assert plan.rows[0].caseworker == "Amy"


def test_duplicates_by_name_and_dob_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "dups.csv"
    path.write_text(
        "Ref,Name,DOB,Request date\n"
        ",Ann Bee,01/01/2015,03/04/2025\n"
        ",ann  bee,01/01/2015,05/05/2025\n"
        "R1,Cal Dee,,01/01/2025\n"
        "R1,Cal Dee,,02/01/2025\n"
    )
    plan = read_tracker(path)
    assert [(p.row, p.severity) for p in plan.problems] == [(3, "warning"), (5, "error")]
    assert "row 2" in plan.problems[0].reason and "row 4" in plan.problems[1].reason


# --- hostile inputs: each a KnownError naming file/row/column; nothing written -----------


def _refused(db: Database, path: Path) -> ImportRefused:
    before = row_counts(db)
    plan = read_tracker(path)
    with pytest.raises(ImportRefused) as caught:
        apply_import(db, plan, "Importer", as_of=AS_OF)
    assert row_counts(db) == before
    assert path.name in str(caught.value)
    return caught.value


def test_ten_thousand_character_cells(sqlite_db: Database, write_rows: Callable[..., Path]) -> None:
    rows = [list(SAMPLE_ROWS[0]), list(SAMPLE_ROWS[1])]
    rows[0][2] = "S" * 10_000
    rows[1][10] = "note " * 2_000
    refused = _refused(sqlite_db, write_rows(rows))
    text = str(refused)
    assert "row 4, column C (Surname): too long (10,000 characters; at most 200)" in text
    assert "row 5, column K (Notes): too long" in text
    assert len(text) < 3_000


def test_wrong_types(sqlite_db: Database, write_rows: Callable[..., Path]) -> None:
    rows = [list(SAMPLE_ROWS[0]), list(SAMPLE_ROWS[1]), list(SAMPLE_ROWS[2])]
    rows[0][5] = "yes"
    rows[1][7] = True
    rows[2][1] = 42
    rows[2][4] = "12345"
    text = str(_refused(sqlite_db, write_rows(rows)))
    assert "row 4, column F (EHCNA request received): 'yes' is not a date" in text
    assert "row 5, column H (Decision date): expected a date, found TRUE" in text
    assert "row 6, column B (Forename): expected a name, found the number 42" in text
    assert "row 6, column E (UPN): '12345' is not a UPN" in text


def test_dates_in_the_wrong_order(sqlite_db: Database, write_rows: Callable[..., Path]) -> None:
    rows = [list(SAMPLE_ROWS[0])]
    rows[0][7] = "01/01/2025"  # decision before the request
    text = str(_refused(sqlite_db, write_rows(rows)))
    assert (
        "row 4, column H (Decision date): Decision whether to assess (01/01/2025) cannot be "
        "before request received (06/01/2025)" in text
    )


def test_store_rules_are_reported_by_row(
    sqlite_db: Database, write_rows: Callable[..., Path]
) -> None:
    rows = [list(SAMPLE_ROWS[0]), list(SAMPLE_ROWS[1])]
    rows[1][5] = "01/01/2027"  # far in the future: the store refuses it
    text = str(_refused(sqlite_db, write_rows(rows)))
    assert (
        "row 5, column F (EHCNA request received): Request received: 01/01/2027 is more than "
        "a year ahead" in text
    )


def test_formula_like_names_are_kept_as_text(
    sqlite_db: Database, write_rows: Callable[..., Path]
) -> None:
    rows = [list(SAMPLE_ROWS[0])]
    rows[0][1] = '=HYPERLINK("http://x")'
    rows[0][2] = "@Smith"
    apply_import(sqlite_db, read_tracker(write_rows(rows)), "Importer", as_of=AS_OF)
    with sqlite_db.session() as s:
        child = s.execute(select(Child)).scalar_one()
        assert (child.first_name, child.last_name) == ('=HYPERLINK("http://x")', "@Smith")


def test_missing_required_columns(sqlite_db: Database, write_rows: Callable[..., Path]) -> None:
    path = write_rows([["Ann Bee", "hello"]], headers=["Name", "Notes"])
    text = str(_refused(sqlite_db, path))
    assert "no column for the date the request was received" in text
    assert "row 3" in text


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.xlsx", b"", "the file is empty"),
        ("empty.csv", b"", "the file is empty"),
        ("notes.xlsx", b"just some text, not a workbook", "not an Excel workbook"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200, "not a readable Excel workbook"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "not an Excel workbook"),
        ("binary.csv", b"a,b\x00,c\n", "binary data"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "97-2003"),
    ],
)
def test_files_that_are_not_trackers(
    sqlite_db: Database, tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = row_counts(sqlite_db)
    with pytest.raises(KnownError, match=words) as caught:
        read_tracker(path)
    assert name in str(caught.value)
    assert row_counts(sqlite_db) == before


def test_password_protected_workbook(tmp_path: Path) -> None:
    path = encrypted_workbook(tmp_path / "secret.xlsx")
    with pytest.raises(KnownError, match=r"secret\.xlsx: the workbook is password-protected"):
        read_tracker(path)


def test_empty_workbook_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    Workbook().save(path)
    with pytest.raises(KnownError, match=r"blank\.xlsx: no header row found"):
        read_tracker(path)
    with pytest.raises(KnownError, match="file not found"):
        read_tracker(tmp_path / "nope.xlsx")


def test_report_workbook_lists_every_problem(
    tmp_path: Path, write_rows: Callable[..., Path]
) -> None:
    rows = [list(SAMPLE_ROWS[0]), list(SAMPLE_ROWS[1])]
    rows[0][5] = "soon"
    rows[1][1] = "=1+1"
    rows[1][3] = "31/02/2014"
    plan = read_tracker(write_rows(rows))
    report = write_import_report(tmp_path / "report.xlsx", plan)
    book = load_workbook(report, read_only=True)
    try:
        listed = [r[:5] for r in book["Problems"].iter_rows(min_row=2, values_only=True)]
    finally:
        book.close()
    assert listed == [
        ("error", 4, "F", "EHCNA request received", "'soon' is not a date (use dd/mm/yyyy)"),
        ("error", 5, "B", "Forename", "expected a name, found '=1+1'"),
        ("error", 5, "D", "D.O.B.", "'31/02/2014' is not a real date"),
    ]
    assert HEADERS[5] == "EHCNA request received"


def test_same_child_already_in_the_database_is_reported(
    sqlite_db: Database, tmp_path: Path
) -> None:
    first = tmp_path / "first.csv"
    first.write_text("Name,DOB,Request date\nAnn Bee,01/01/2015,06/01/2025\n")
    apply_import(sqlite_db, read_tracker(first), "Importer", as_of=AS_OF)
    second = tmp_path / "second.csv"
    second.write_text("Name,DOB,Request date\nAnn Bee,01/01/2015,03/03/2025\n")
    result = apply_import(sqlite_db, read_tracker(second), "Importer", as_of=AS_OF)
    assert result.created == 1
    [warning] = result.warnings
    assert (warning.row, warning.column, warning.header) == (2, "A", "Name")
    assert "already has case EHC-2025-00001" in warning.reason


def test_cancelled_import_writes_nothing(sqlite_db: Database, sample_tracker: Path) -> None:
    before = row_counts(sqlite_db)
    seen: list[tuple[int, int]] = []

    def cancel_at_the_end(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < total

    result = apply_import(
        sqlite_db, read_tracker(sample_tracker), "Importer", cancel_at_the_end, as_of=AS_OF
    )
    assert result.cancelled and result.created == 0
    assert seen[-1] == (5, 5)
    assert row_counts(sqlite_db) == before


def test_cli_mapping_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from send_desktop.cli import main

    tracker = tmp_path / "odd.csv"
    tracker.write_text("Pupil,Got it on\nAnn Bee,03/04/2025\n")
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"request_received": "Got it on"}')
    database = str(tmp_path / "m.sqlite3")
    assert main(["--database", database, "import", str(tracker)]) == 2
    assert "no header row found" in capsys.readouterr().err  # one known header is not enough
    args = ["--database", database, "import", str(tracker), "--mapping", str(mapping)]
    assert main([*args, "--show-mapping"]) == 0
    shown = capsys.readouterr().out
    assert '"child_name": "Pupil"' in shown and '"request_received": "Got it on"' in shown
    assert main(args) == 0
    assert "Created 1" in capsys.readouterr().out
    mapping.write_text("{not json")
    assert main(args) == 2
    assert "not valid JSON" in capsys.readouterr().err
