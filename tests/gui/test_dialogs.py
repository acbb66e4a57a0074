"""New request and record event dialogs over a real SQLite database: validation, duplicates,
each stage recorded, impossible dates refused, and a conflict shown with Reload."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from send_desktop.gui.case_data import load_case
from send_desktop.gui.dates import to_qdate
from send_desktop.gui.record_event import EVENTS, RecordEventDialog
from send_desktop.gui.request_dialog import NewRequestDialog
from send_desktop.store import Database
from send_desktop.store.cases import update_case
from send_desktop.store.caseworkers import find_caseworker
from send_desktop.store.models import Case
from send_desktop.store.queries import add_caseworker

AS_OF = date(2025, 6, 2)


def on_team(db: Database, name: str = "Test User") -> None:
    """Caseworkers are chosen from the team's list, so the test's user must be on it."""
    with db.session() as session:
        if find_caseworker(session, name) is None:
            add_caseworker(session, "setup", name)


def _new_request(
    qtbot: QtBot, db: Database, first: str = "Amira", last: str = "Khan"
) -> NewRequestDialog:
    on_team(db)
    dialog = NewRequestDialog(db, "Test User", AS_OF)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.ui.firstNameEdit, first)
    qtbot.keyClicks(dialog.ui.lastNameEdit, last)
    dialog.ui.dateOfBirthEdit.setDate(to_qdate(date(2016, 3, 14)))
    dialog.ui.receivedEdit.setDate(to_qdate(date(2025, 1, 6)))
    return dialog


def _record(
    qtbot: QtBot, db: Database, case_id: int, key: str, day: date, **choices: object
) -> RecordEventDialog:
    with db.session() as session:
        snapshot = load_case(session, case_id)
    dialog = RecordEventDialog(db, "Test User", snapshot, AS_OF, event=key)
    qtbot.addWidget(dialog)
    dialog.ui.dateEdit.setDate(to_qdate(day))
    if "outcome" in choices:
        index = dialog.ui.outcomeCombo.findData(choices["outcome"])
        assert index >= 0, f"{choices['outcome']} not offered"
        dialog.ui.outcomeCombo.setCurrentIndex(index)
    if "detail" in choices:
        dialog.ui.detailEdit.setText(str(choices["detail"]))
    return dialog


def test_new_request_validation_messages(qtbot: QtBot, sqlite_db: Database) -> None:
    dialog = NewRequestDialog(sqlite_db, "Test User", AS_OF)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.save_button.click()
    message = dialog.ui.validationMessage.text()
    assert "Enter the child's first name." in message
    assert "Enter the child's last name." in message
    assert dialog.ui.validationMessage.isVisible()
    qtbot.keyClicks(dialog.ui.firstNameEdit, "Amira")
    qtbot.keyClicks(dialog.ui.lastNameEdit, "Khan")
    dialog.ui.dateOfBirthEdit.setDate(to_qdate(date(2016, 3, 14)))
    dialog.ui.receivedEdit.setDate(to_qdate(date(2015, 1, 6)))
    qtbot.keyClicks(dialog.ui.upnEdit, "A12")
    dialog.save_button.click()
    message = dialog.ui.validationMessage.text()
    assert "Request received (06/01/2015) cannot be before date of birth (14/03/2016)." in message
    assert "A UPN has 13 letters and digits" in message
    assert dialog.created_case_id is None
    with sqlite_db.session() as session:
        assert session.execute(select(Case)).first() is None


def test_new_request_creates_case_and_warns_about_a_duplicate(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    first = _new_request(qtbot, sqlite_db)
    first.save_button.click()
    assert first.result() == first.DialogCode.Accepted
    assert first.created_case_id is not None
    with sqlite_db.session() as session:
        case = session.get(Case, first.created_case_id)
        assert case is not None
        assert case.request_received == date(2025, 1, 6)
        assert case.child.last_name == "Khan"

    second = _new_request(qtbot, sqlite_db)
    second.show()
    second.save_button.click()  # first Save only warns
    assert second.ui.duplicateWarning.isVisible()
    assert "same name and date of birth already has a case" in second.ui.duplicateWarning.text()
    assert case.ref in second.ui.duplicateWarning.text()
    assert second.created_case_id is None
    assert second.save_button.text() == "Save anyway"
    second.save_button.click()
    assert second.created_case_id not in (None, first.created_case_id)


def test_record_each_stage_and_refuse_impossible_dates(qtbot: QtBot, sqlite_db: Database) -> None:
    request = _new_request(qtbot, sqlite_db)
    request.save_button.click()
    case_id = request.created_case_id
    assert case_id is not None

    early = _record(qtbot, sqlite_db, case_id, "decision", date(2025, 1, 2), outcome="assess")
    early.show()
    assert early.ui.validationMessage.isVisible()
    assert early.ui.validationMessage.text() == (
        "Decision whether to assess (02/01/2025) cannot be before request received (06/01/2025)."
    )
    early.ui.buttonBox.button(early.ui.buttonBox.StandardButton.Save).click()
    assert early.result() != early.DialogCode.Accepted

    steps = [
        ("decision", date(2025, 2, 10), {"outcome": "assess"}),
        ("advice_requested", date(2025, 2, 11), {"outcome": "EP", "detail": "Dr Shah"}),
        ("consultation_sent", date(2025, 4, 1), {"detail": "Oak Primary"}),
        ("advice_received", date(2025, 3, 20), {}),
        ("draft", date(2025, 4, 14), {"outcome": "email"}),
        ("exception", date(2025, 4, 20), {"outcome": "X3", "detail": "family illness"}),
        ("note", date(2025, 4, 21), {"detail": "Parent phoned"}),
    ]
    for key, day, choices in steps:
        dialog = _record(qtbot, sqlite_db, case_id, key, day, **choices)
        dialog.save()
        assert dialog.result() == dialog.DialogCode.Accepted, dialog.ui.validationMessage.text()

    assert not _record(qtbot, sqlite_db, case_id, "advice_received", AS_OF).ui.outcomeCombo.count()

    too_early = _record(qtbot, sqlite_db, case_id, "final", date(2025, 4, 1))
    assert too_early.problem() == (
        "Final plan issued (01/04/2025) cannot be before draft plan served (14/04/2025)."
    )
    final = _record(qtbot, sqlite_db, case_id, "final", date(2025, 5, 19))
    final.save()
    assert final.result() == final.DialogCode.Accepted

    with sqlite_db.session() as session:
        snapshot = load_case(session, case_id)
    assert snapshot.decision_outcome == "assess"
    assert snapshot.draft_served == date(2025, 4, 14)
    assert snapshot.final_issued == date(2025, 5, 19)
    assert snapshot.advice[0].received == date(2025, 3, 20)
    assert [e.code for e in snapshot.exceptions] == ["X3"]
    assert snapshot.notes[0].text == "Parent phoned"
    assert len(EVENTS) >= 10


def test_conflict_is_shown_with_reload_and_input_is_kept(qtbot: QtBot, sqlite_db: Database) -> None:
    request = _new_request(qtbot, sqlite_db)
    request.save_button.click()
    case_id = request.created_case_id
    assert case_id is not None
    dialog = _record(qtbot, sqlite_db, case_id, "decision", date(2025, 2, 10), outcome="not-assess")
    dialog.show()
    with sqlite_db.session() as session:  # a colleague saves first
        case = session.get(Case, case_id)
        assert case is not None
        update_case(session, case_id, case.version, "Sam Colleague", request_channel="post")
    dialog.save()
    assert dialog.conflict_banner.isVisible()
    assert dialog.conflict_label.text().startswith("Changed by Sam Colleague at ")
    assert dialog.result() != dialog.DialogCode.Accepted
    qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    assert not dialog.conflict_banner.isVisible()
    assert dialog.ui.outcomeCombo.currentData() == "not-assess"
    assert dialog.ui.dateEdit.date() == to_qdate(date(2025, 2, 10))
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with sqlite_db.session() as session:
        assert load_case(session, case_id).decision_outcome == "not-assess"
