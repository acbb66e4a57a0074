"""Each impossible order is refused at every way in - the Record event dialog, the store, the
tracker import and `calc` - with the same words, and nothing is written (rules section 7)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from send_desktop.cli import main
from send_desktop.errors import KnownError
from send_desktop.gui.case_data import load_case
from send_desktop.gui.record_event import RecordEventDialog
from send_desktop.store import Database
from send_desktop.store.cases import ChildDetails, add_review, create_case, update_case
from send_desktop.store.models import AuditEntry, Case, CaseNote, Child
from send_desktop.workbooks.importer import ImportRefused, apply_import, read_tracker

AS_OF = dt.date(2025, 6, 2)
RECEIVED = dt.date(2025, 1, 6)
DECIDED = dt.date(2025, 2, 3)
DRAFT = dt.date(2025, 4, 14)
FINAL = dt.date(2025, 5, 19)


def _counts(db: Database) -> tuple[int, ...]:
    with db.session() as session:
        return tuple(
            session.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Case, Child, CaseNote, AuditEntry)
        )


def _case(db: Database, **dates: Any) -> int:
    with db.session() as session:
        return create_case(
            session,
            "setup",
            child=ChildDetails("Amira", "Khan", dt.date(2016, 3, 14)),
            request_received=RECEIVED,
            as_of=AS_OF,
            **dates,
        ).id


def _dialog_problem(qtbot: QtBot, db: Database, case_id: int, key: str, day: dt.date) -> str:
    with db.session() as session:
        snapshot = load_case(session, case_id)
    dialog = RecordEventDialog(db, "Test User", snapshot, AS_OF, event=key)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    assert QTest.qWaitForWindowActive(dialog)
    dialog.ui.dateEdit.edit.setFocus()
    dialog.ui.dateEdit.edit.selectAll()
    QTest.keyClicks(dialog.ui.dateEdit.edit, day.strftime("%d/%m/%Y"))
    if dialog.ui.outcomeCombo.count():
        dialog.ui.outcomeCombo.setCurrentIndex(0)
    before = _counts(db)
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert _counts(db) == before
    return dialog.ui.validationMessage.text().rstrip(".")


def _store_problem(db: Database, case_id: int, **change: Any) -> str:
    before = _counts(db)
    with pytest.raises(KnownError) as caught, db.session() as session:
        case = session.get(Case, case_id)
        assert case is not None
        if "meeting" in change:
            add_review(session, case_id, "u", as_of=AS_OF, **change)
        else:
            update_case(session, case_id, case.version, "u", as_of=AS_OF, **change)
    assert _counts(db) == before
    return str(caught.value)


def _calc_problem(capsys: pytest.CaptureFixture[str], *facts: str) -> str:
    assert main(["calc", "--as-of", AS_OF.isoformat(), *facts]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    return err.strip().removeprefix("send-desktop: ")


def _import_problem(db: Database, tmp_path: Path, row: dict[str, object]) -> str:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    headers = list(row)
    sheet.append(headers)
    sheet.append([row[h] for h in headers])
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    before = _counts(db)
    with pytest.raises(ImportRefused) as caught:
        apply_import(db, read_tracker(path), "Importer", as_of=AS_OF)
    assert _counts(db) == before
    return str(caught.value)


def test_final_plan_before_the_draft(
    qtbot: QtBot,
    sqlite_db: Database,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    early = dt.date(2025, 4, 1)
    message = "Final plan issued (01/04/2025) cannot be before draft plan served (14/04/2025)"
    case_id = _case(
        sqlite_db, decision_to_assess=DECIDED, decision_outcome="assess", draft_served=DRAFT
    )
    assert _dialog_problem(qtbot, sqlite_db, case_id, "final", early) == message
    assert _store_problem(sqlite_db, case_id, final_issued=early) == message
    assert (
        _calc_problem(
            capsys,
            f"request_received={RECEIVED}",
            f"draft_served={DRAFT}",
            f"final_issued={early}",
        )
        == message
    )
    imported = _import_problem(
        sqlite_db,
        tmp_path,
        {
            "Case Ref": "EHC-T-9",
            "Forename": "Jo",
            "Surname": "Lee",
            "D.O.B.": dt.datetime(2016, 1, 1),
            "EHCNA request received": dt.datetime(2025, 1, 6),
            "Officer": "Amy Brown",
            "Decision date": dt.datetime(2025, 2, 3),
            "Date draft issued": dt.datetime(2025, 4, 14),
            "Final EHCP issued": dt.datetime(2025, 4, 1),
        },
    )
    assert message in imported


def test_review_meeting_before_the_plan(
    qtbot: QtBot, sqlite_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    early = dt.date(2025, 5, 1)
    message = "Review meeting (01/05/2025) cannot be before plan issued (19/05/2025)"
    case_id = _case(
        sqlite_db,
        decision_to_assess=DECIDED,
        decision_outcome="assess",
        draft_served=DRAFT,
        final_issued=FINAL,
        plan_issued=FINAL,
    )
    assert _dialog_problem(qtbot, sqlite_db, case_id, "review_meeting", early) == message
    assert _store_problem(sqlite_db, case_id, meeting=early) == message
    assert _calc_problem(capsys, f"final_issued={FINAL}", f"review_meeting={early}") == message


def test_decision_before_the_request(
    qtbot: QtBot, sqlite_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    # The tracker import reports this one itself, in its own words, before the store sees it
    # (workbooks/tracker.py, another engineer's area): not part of this test.
    early = dt.date(2025, 1, 2)
    message = (
        "Decision whether to assess (02/01/2025) cannot be before request received (06/01/2025)"
    )
    case_id = _case(sqlite_db)
    assert _dialog_problem(qtbot, sqlite_db, case_id, "decision", early) == message
    assert (
        _store_problem(sqlite_db, case_id, decision_to_assess=early, decision_outcome="assess")
        == message
    )
    assert (
        _calc_problem(capsys, f"request_received={RECEIVED}", f"decision_to_assess={early}")
        == message
    )


def test_a_breach_from_an_import_is_kept_as_a_fact_and_shows_breached(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """A tracker has no place for the reason, so the import records the fact as it happened
    and the step shows "Breached"; where a user can be asked (confirm_breach, the dialogs) the
    store refuses it until a reason is given, in the words below."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    headers = ["Case Ref", "Forename", "Surname", "EHCNA request received", "Officer"]
    headers += ["Decision date", "Date draft issued", "Final EHCP issued"]
    sheet.append(headers)
    dates = [dt.datetime(2025, 2, 3), dt.datetime(2025, 3, 31), dt.datetime(2025, 3, 31)]
    sheet.append(["EHC-T-7", "Jo", "Lee", dt.datetime(2025, 1, 6), "Amy Brown", *dates])
    path = tmp_path / "breach.xlsx"
    book.save(path)
    apply_import(sqlite_db, read_tracker(path), "Importer", as_of=AS_OF)
    from send_desktop.store.errors import BreachNeedsReason
    from send_desktop.store.facts import case_facts
    from send_desktop.timeline import Status, compute_steps

    with sqlite_db.session() as session:
        case_id = session.execute(select(Case.id)).scalar_one()
        facts = case_facts(session, [case_id])[case_id]
    assert {s.id: s for s in compute_steps(facts, AS_OF)}["N5"].status is Status.BREACHED

    before = _counts(sqlite_db)
    with pytest.raises(BreachNeedsReason) as caught, sqlite_db.session() as session:
        create_case(
            session,
            "u",
            child=ChildDetails("Jo", "Lee"),
            request_received=RECEIVED,
            decision_to_assess=DECIDED,
            decision_outcome="assess",
            draft_served=dt.date(2025, 3, 31),
            final_issued=dt.date(2025, 3, 31),
            as_of=AS_OF,
            confirm_breach=True,
        )
    assert "This would record a breach: Final plan issued (31/03/2025) inside the 15-day" in str(
        caught.value
    )
    assert _counts(sqlite_db) == before
