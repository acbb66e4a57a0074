"""Date entry by keystrokes into fresh dialogs, read back from the database; impossible dates are
errors at the field and write nothing; a breach asks for a reason and shows "Breached"."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from send_desktop.gui.case_data import load_case
from send_desktop.gui.record_event import RecordEventDialog
from send_desktop.gui.request_dialog import NewRequestDialog
from send_desktop.store import Database
from send_desktop.store.cases import chronology, create_case, update_case
from send_desktop.store.caseworkers import team_names
from send_desktop.store.facts import case_facts
from send_desktop.store.models import AuditEntry, Case, CaseNote, Child
from send_desktop.store.queries import add_caseworker
from send_desktop.timeline import Status, compute_steps

AS_OF = date(2025, 6, 2)


def _counts(db: Database) -> tuple[int, ...]:
    with db.session() as session:
        return tuple(
            session.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Case, Child, CaseNote, AuditEntry)
        )


def _fresh_request(qtbot: QtBot, db: Database) -> NewRequestDialog:
    with db.session() as session:
        if "Test User" not in team_names(session):
            add_caseworker(session, "setup", "Test User")
    dialog = NewRequestDialog(db, "Test User", AS_OF)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    assert QTest.qWaitForWindowActive(dialog)
    QTest.keyClicks(dialog.ui.firstNameEdit, "Amira")
    QTest.keyClicks(dialog.ui.lastNameEdit, "Khan")
    return dialog


@pytest.mark.parametrize("typed", ["05/03/2017", "5/3/17", "2017-03-05"])
def test_date_of_birth_typed_by_keystrokes_is_kept(
    qtbot: QtBot, sqlite_db: Database, typed: str
) -> None:
    dialog = _fresh_request(qtbot, sqlite_db)
    field = dialog.ui.dateOfBirthEdit
    # A fresh form: an empty field, "Not known" a separate unticked choice, not text in it.
    assert field.text() == ""
    assert field.not_known.isVisible() and not field.not_known.isChecked()
    field.edit.setFocus()
    QTest.keyClicks(field.edit, typed)
    QTest.keyClick(field.edit, Qt.Key.Key_Tab)  # leaving the field keeps what was typed
    assert field.text() == typed
    assert not field.edit.hasFocus()  # Tab really left the field
    assert not field.error_label.isVisible()
    dialog.save_button.click()
    assert dialog.created_case_id is not None, dialog.ui.validationMessage.text()
    with sqlite_db.session() as session:
        case = session.get(Case, dialog.created_case_id)
        assert case is not None
        assert case.child.date_of_birth == date(2017, 3, 5)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("31/02/2017", "there is no 31 February in 2017"),
        ("29/02/2027", "there is no 29 February in 2027"),
        ("03/06/2025", "is in the future"),
        ("01/01/1850", "is outside 01/01/1900 to 31/12/2200"),
        ("5032017", "is not a date"),
    ],
)
def test_an_impossible_date_of_birth_is_an_error_at_the_field_and_writes_nothing(
    qtbot: QtBot, sqlite_db: Database, typed: str, words: str
) -> None:
    dialog = _fresh_request(qtbot, sqlite_db)
    before = _counts(sqlite_db)
    field = dialog.ui.dateOfBirthEdit
    field.edit.setFocus()
    QTest.keyClicks(field.edit, typed)
    QTest.keyClick(field.edit, Qt.Key.Key_Tab)
    assert field.error_label.isVisible()
    assert words in field.error_label.text()
    assert field.text() == typed  # never changed into another date
    dialog.save_button.click()
    assert dialog.created_case_id is None
    assert words in dialog.ui.validationMessage.text()
    assert _counts(sqlite_db) == before


def test_not_known_is_an_explicit_choice(qtbot: QtBot, sqlite_db: Database) -> None:
    dialog = _fresh_request(qtbot, sqlite_db)
    dialog.save_button.click()  # an empty date of birth is neither a date nor "not known"
    assert dialog.created_case_id is None
    assert "type the date, or tick Not known" in dialog.ui.validationMessage.text()
    qtbot.mouseClick(dialog.ui.dateOfBirthEdit.not_known, Qt.MouseButton.LeftButton)
    assert "Not known" not in dialog.ui.dateOfBirthEdit.text()
    dialog.save_button.click()
    assert dialog.created_case_id is not None
    with sqlite_db.session() as session:
        case = session.get(Case, dialog.created_case_id)
        assert case is not None and case.child.date_of_birth is None


def test_messages_follow_the_typing(qtbot: QtBot, sqlite_db: Database) -> None:
    with sqlite_db.session() as session:
        add_caseworker(session, "setup", "Test User")
    dialog = NewRequestDialog(sqlite_db, "Test User", AS_OF)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.save_button.click()
    assert "Enter the child's first name." in dialog.ui.validationMessage.text()
    QTest.keyClicks(dialog.ui.firstNameEdit, "Amira")
    assert "Enter the child's first name." not in dialog.ui.validationMessage.text()
    assert "Enter the child's last name." in dialog.ui.validationMessage.text()


def test_future_event_date_is_refused_with_a_message(qtbot: QtBot, sqlite_db: Database) -> None:
    case_id = _case(sqlite_db)
    before = _counts(sqlite_db)
    dialog = _record(qtbot, sqlite_db, case_id, "draft", "03/06/2025")
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.ui.dateEdit.error_label.isVisible()
    assert "is in the future" in dialog.ui.dateEdit.error_label.text()
    assert _counts(sqlite_db) == before


def test_31_february_in_record_event_is_an_error_never_28(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    case_id = _case(sqlite_db)
    before = _counts(sqlite_db)
    dialog = _record(qtbot, sqlite_db, case_id, "decision", "31/02/2025")
    dialog.save()
    assert "there is no 31 February in 2025" in dialog.ui.dateEdit.error_label.text()
    assert dialog.ui.dateEdit.text() == "31/02/2025"
    assert _counts(sqlite_db) == before


# --- breaches ------------------------------------------------------------------------------


def _case(db: Database, *, draft: date | None = None) -> int:
    with db.session() as session:
        case = create_case(
            session,
            "setup",
            child=_child(),
            request_received=date(2025, 1, 6),
            decision_to_assess=date(2025, 2, 3),
            decision_outcome="assess",
            draft_served=draft,
            as_of=AS_OF,
        )
        return case.id


def _child() -> object:
    from send_desktop.store.cases import ChildDetails

    return ChildDetails("Amira", "Khan", date(2016, 3, 14))


def _record(qtbot: QtBot, db: Database, case_id: int, key: str, typed: str) -> RecordEventDialog:
    with db.session() as session:
        snapshot = load_case(session, case_id)
    dialog = RecordEventDialog(db, "Test User", snapshot, AS_OF, event=key)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    assert QTest.qWaitForWindowActive(dialog)
    field = dialog.ui.dateEdit.edit
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, typed)
    return dialog


def _answer_breach(dialog: RecordEventDialog, reason: str | None) -> list[str]:
    """Answer the breach confirmation when it opens: give a reason and record, or cancel."""
    seen: list[str] = []

    def answer() -> None:
        confirm = dialog.breach_dialog
        seen.append(confirm.windowTitle())
        seen.extend(label.text() for label in confirm.findChildren(QLabel))
        assert not confirm.record_button.isEnabled()  # no reason, no record
        if reason is None:
            confirm.reject()
            return
        confirm.reason_edit.setPlainText(reason)
        assert confirm.record_button.isEnabled()
        confirm.record_button.click()

    QTimer.singleShot(0, answer)
    return seen


def test_final_plan_inside_the_window_asks_records_the_reason_and_shows_breached(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    case_id = _case(sqlite_db, draft=date(2025, 3, 31))
    before = _counts(sqlite_db)
    cancelled = _record(qtbot, sqlite_db, case_id, "final", "31/03/2025")
    seen = _answer_breach(cancelled, None)
    cancelled.save()
    assert "Record a breach?" in seen
    assert any("inside the 15-day window" in text for text in seen)
    assert cancelled.result() != cancelled.DialogCode.Accepted
    assert _counts(sqlite_db) == before  # cancelled: nothing written

    dialog = _record(qtbot, sqlite_db, case_id, "final", "31/03/2025")
    _answer_breach(dialog, "Parent asked in writing for the plan to be finalised at once")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with sqlite_db.session() as session:
        assert load_case(session, case_id).final_issued == date(2025, 3, 31)
        entries = chronology(session, case_id)
        facts = case_facts(session, [case_id])[case_id]
    [breach] = [e for e in entries if e.title == "Breach recorded"]
    assert "inside the 15-day window" in breach.detail
    assert "Parent asked in writing" in breach.detail
    steps = {s.id: s for s in compute_steps(facts, AS_OF)}
    assert steps["N5"].status is Status.BREACHED
    assert steps["N5"].status.label == "Breached"


def test_store_refuses_a_breach_without_a_reason(sqlite_db: Database) -> None:
    from send_desktop.store.errors import BreachNeedsReason

    case_id = _case(sqlite_db, draft=date(2025, 3, 31))
    before = _counts(sqlite_db)
    with (
        pytest.raises(BreachNeedsReason, match="inside the 15-day window"),
        sqlite_db.session() as session,
    ):
        case = session.get(Case, case_id)
        assert case is not None
        update_case(
            session, case_id, case.version, "u", final_issued=date(2025, 4, 1), confirm_breach=True
        )
    assert _counts(sqlite_db) == before


# --- caseworkers -------------------------------------------------------------------------


def _click_in_modal(button_text: str) -> None:
    """Click a button of the message box that is about to open (polls until it is shown)."""

    def click() -> None:
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()
        ]
        if not boxes:
            QTimer.singleShot(20, click)
            return
        [box] = boxes
        assert "looks like 'Priya Shah'" in box.text()
        [button] = [b for b in box.buttons() if b.text() == button_text]
        button.click()

    QTimer.singleShot(0, click)


def test_caseworker_chosen_from_the_list_and_added_with_a_near_duplicate_warning(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    with sqlite_db.session() as session:
        add_caseworker(session, "setup", "Priya Shah")
        add_caseworker(session, "setup", "Tom Lee")
    dialog = NewRequestDialog(sqlite_db, "Somebody Else", AS_OF)
    qtbot.addWidget(dialog)
    combo = dialog.ui.caseworkerCombo
    assert [combo.itemText(i) for i in range(combo.count())] == ["Priya Shah", "Tom Lee"]
    assert combo.completer().filterMode() == Qt.MatchFlag.MatchContains  # type-ahead
    # A typo in "Add caseworker": warned, and choosing the existing one adds nobody.
    _click_in_modal("Use the existing caseworker")
    assert dialog.add_caseworker("Priya Sha") is None
    assert combo.currentText() == "Priya Shah"
    # Confirmed a different person: added and chosen.
    _click_in_modal("Add as a different person")
    assert dialog.add_caseworker("Priya Sharma") == "Priya Sharma"
    assert combo.currentText() == "Priya Sharma"
    with sqlite_db.session() as session:
        assert team_names(session) == ["Priya Shah", "Priya Sharma", "Tom Lee"]
    # A name typed into the box that is not on the list is refused, not created.
    QTest.keyClicks(dialog.ui.firstNameEdit, "Amira")
    QTest.keyClicks(dialog.ui.lastNameEdit, "Khan")
    dialog.ui.dateOfBirthEdit.set_not_known(True)
    combo.setEditText("Tom Le")
    dialog.save_button.click()
    assert dialog.created_case_id is None
    assert "'Tom Le' is not on the team's list. Did you mean Tom Lee?" in (
        dialog.ui.validationMessage.text()
    )


def test_the_calculator_uses_the_same_field_and_rules(qtbot: QtBot) -> None:
    from send_desktop.gui.calculator import DeadlineCalculator

    calc = DeadlineCalculator(AS_OF)
    qtbot.addWidget(calc)
    final = calc.edits["final_issued"]
    QTest.keyClicks(final.edit, "31/02/2025")
    assert "there is no 31 February in 2025" in calc.summary.text()
    assert final.text() == "31/02/2025"
    assert calc.model.rowCount() == 0
    final.edit.clear()
    QTest.keyClicks(final.edit, "1/1/25")
    assert (
        "Final plan issued (01/01/2025) cannot be before request received (02/06/2025)"
        in calc.summary.text()
    )
    final.edit.clear()
    QTest.keyClicks(final.edit, "2/6/25")
    assert "steps as of" in calc.summary.text()


def test_team_leader_merges_caseworkers_in_the_dialog(qtbot: QtBot, sqlite_db: Database) -> None:
    from send_desktop.gui.caseworkers_dialog import CaseworkersDialog
    from send_desktop.store.cases import ChildDetails

    with sqlite_db.session() as session:
        keep = add_caseworker(session, "setup", "Priya Shah").id
        typo = add_caseworker(session, "setup", "Priya Sha").id
        add_caseworker(session, "setup", "Lead Person", role="team_leader")
        create_case(
            session,
            "setup",
            child=ChildDetails("Amira", "Khan"),
            request_received=date(2025, 1, 6),
            caseworker_id=typo,
            as_of=AS_OF,
        )
    not_leader = CaseworkersDialog(sqlite_db, "Priya Shah", AS_OF)
    qtbot.addWidget(not_leader)
    rows = [not_leader.list.item(i).text() for i in range(not_leader.list.count())]
    assert "Priya Sha - 1 open cases  (looks like Priya Shah)" in rows
    not_leader.list.setCurrentRow(rows.index("Priya Sha - 1 open cases  (looks like Priya Shah)"))
    assert not_leader.keep_combo.currentText() == "Priya Shah"  # the look-alike is proposed
    assert not_leader.merge(confirmed=True) is None
    assert "Only a team leader" in not_leader.message.text()

    dialog = CaseworkersDialog(sqlite_db, "Lead Person", AS_OF)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(rows.index("Priya Sha - 1 open cases  (looks like Priya Shah)"))
    assert dialog.merge(confirmed=True) == 1
    with sqlite_db.session() as session:
        assert team_names(session) == ["Lead Person", "Priya Shah"]
        assert session.execute(select(Case.caseworker_id)).scalar_one() == keep
