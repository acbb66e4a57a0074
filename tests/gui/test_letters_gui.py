"""Letters in the GUI over a real SQLite database: Record event offers the letter, the dialog
writes it, shows its text, marks it sent; the chronology shows it; Today writes chase letters."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from send_desktop.gui.case_window import CaseWindow
from send_desktop.gui.dates import to_qdate
from send_desktop.gui.letters_dialog import LettersDialog, write_chase_letters
from send_desktop.store import Database
from send_desktop.store.cases import add_advice_request
from send_desktop.store.facts import case_facts
from tests.letters.helpers import USER, base_case, save_contacts

SHOTS = os.environ.get("SEND_DESKTOP_SHOTS")


def _shot(widget: object, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


def test_record_decision_then_write_preview_and_mark_sent(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    as_of = date(2026, 2, 10)
    with sqlite_db.session() as s:
        save_contacts(s)
        case_id = base_case(s).id
    window = CaseWindow(sqlite_db, USER, case_id, as_of)
    qtbot.addWidget(window)
    window.show()
    record = window.record_event("decision")
    record.ui.dateEdit.setDate(to_qdate(date(2026, 2, 9)))
    record.ui.outcomeCombo.setCurrentIndex(record.ui.outcomeCombo.findData("not-assess"))
    record.save()
    # Record event offers the letter for the step just recorded.
    assert window.letter_offer_button.isVisible()
    assert window.letter_offer_button.text() == "Write the DNA letter..."
    window.letter_offer_button.click()
    dialog = window.findChild(LettersDialog)
    assert dialog is not None and dialog.kind == "DNA"
    # A missing fact is named, and nothing is written.
    dialog.write_button.click()
    assert "reasons for the decision" in dialog.message.text()
    assert dialog.letters_table.rowCount() == 0
    dialog.set_input("reasons", "Her needs are met through SEN support.")
    dialog.write_button.click()
    assert dialog.message.isHidden()
    text = dialog.preview.toPlainText()
    assert "Amelia Brightwater" in text and "Your right to appeal" in text
    assert "10 April 2026" in text  # A2 = 10 Feb + 2 months
    assert dialog.letters_table.rowCount() == 1
    assert dialog.letters_table.item(0, 3).text() == "not sent"
    _shot(dialog, "letters-dialog")
    dialog.channel_combo.setCurrentIndex(dialog.channel_combo.findData("post"))
    dialog.sent_button.click()
    assert dialog.letters_table.item(0, 3).text() == "10/02/2026"
    assert dialog.letters_table.item(0, 4).text() == "Post"
    assert not dialog.sent_button.isEnabled()
    dialog.close()
    # The case's chronology shows the letter, and the appeal clock runs from the day it was sent.
    titles = [e.title for e in window.chronology_model.all_rows()]
    assert "Letter written" in titles and "Letter sent" in titles
    sent = next(e for e in window.chronology_model.all_rows() if e.title == "Letter sent")
    assert "DNA to Dana Brightwater by post" in sent.detail
    with sqlite_db.session() as s:
        assert case_facts(s, [case_id])[case_id].decision_sent == as_of
    window.tabs.setCurrentIndex(window.tabs.count() - 1)
    _shot(window, "letters-chronology")


def test_overdue_step_offers_the_delay_notice(qtbot: QtBot, sqlite_db: Database) -> None:
    with sqlite_db.session() as s:
        save_contacts(s)
        case_id = base_case(s).id
    window = CaseWindow(sqlite_db, USER, case_id, date(2026, 3, 2))  # N1 was due 16 Feb
    qtbot.addWidget(window)
    assert window.letter_offer_button.text() == "Write the DEL letter..."
    assert window.letter_offer == ("DEL", {"step": "N1"})
    window.letter_offer_button.click()
    dialog = window.findChild(LettersDialog)
    assert dialog is not None and dialog.fills()["step"] == "N1"
    dialog.set_input("expected", "2026-03-09")
    dialog.set_input("reason", "We are waiting for the school's evidence.")
    dialog.write_button.click()
    assert "16 February 2026" in dialog.preview.toPlainText()


def test_family_and_team_contacts_tabs(qtbot: QtBot, sqlite_db: Database) -> None:
    with sqlite_db.session() as s:
        case_id = base_case(s, parent=False).id
    dialog = LettersDialog(sqlite_db, USER, case_id, date(2026, 1, 6))
    qtbot.addWidget(dialog)
    dialog.write_button.click()
    assert "the authority's name" in dialog.message.text()
    dialog.family_name.setText("Dana Brightwater")
    dialog.family_address.setPlainText("4 Mill Lane\nNorthtown")
    assert dialog.add_family()
    assert dialog.family_table.rowCount() == 1
    from tests.letters.helpers import CONTACTS

    for key, value in CONTACTS.items():
        dialog.contact_edits[key].setText(value)
    assert dialog.save_contacts()
    dialog.tabs.setCurrentIndex(2)
    _shot(dialog, "letters-team-contacts")
    dialog.tabs.setCurrentIndex(0)
    dialog.write_button.click()
    assert "4 Mill Lane" in dialog.preview.toPlainText()


def test_today_chase_letters(qtbot: QtBot, sqlite_db: Database) -> None:
    with sqlite_db.session() as s:
        save_contacts(s)
        case = base_case(s, decision_to_assess=date(2026, 2, 9), decision_outcome="assess")
        add_advice_request(
            s,
            case.id,
            USER,
            kind="EP",
            requested=date(2026, 2, 10),
            advice_giver="Dr Lee",
            as_of=date(2026, 4, 1),
        )
    dialog = write_chase_letters(sqlite_db, "Priya Shah", date(2026, 4, 1))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == "Dr Lee"
    _shot(dialog, "letters-chase")
    assert dialog.mark_all_sent() == 1
    with sqlite_db.session() as s:
        from send_desktop.store.cases import chronology

        assert any(e.title == "Advice chased" for e in chronology(s, case.id))


def test_exception_recorded_offers_the_delay_notice(qtbot: QtBot, sqlite_db: Database) -> None:
    with sqlite_db.session() as s:
        save_contacts(s)
        case_id = base_case(s, decision_to_assess=date(2026, 2, 9), decision_outcome="assess").id
    window = CaseWindow(sqlite_db, USER, case_id, date(2026, 4, 1))
    qtbot.addWidget(window)
    assert not window.letter_offer_button.isVisible()
    record = window.record_event("exception")
    record.ui.dateEdit.setDate(to_qdate(date(2026, 3, 30)))
    record.ui.outcomeCombo.setCurrentIndex(record.ui.outcomeCombo.findData("X3"))
    record.ui.detailEdit.setText("family bereavement")
    record.save()
    code, fills = window.letter_offer
    assert code == "DEL" and fills["step"] in {s.id for s in window.steps}


def test_cease_ground_is_a_choice_of_the_two_in_s45(qtbot: QtBot, sqlite_db: Database) -> None:
    from tests.letters.helpers import build

    with sqlite_db.session() as s:
        case_id, fills, as_of = build(s, "CD")
    dialog = LettersDialog(sqlite_db, USER, case_id, as_of, kind="CD", fills=fills)
    qtbot.addWidget(dialog)
    combo = dialog.inputs["ground"]
    assert [combo.itemData(i) for i in range(combo.count())] == [  # type: ignore[union-attr]
        "no longer responsible",
        "no longer necessary",
    ]
    assert dialog.fills()["ground"] == "no longer necessary"
    dialog.write_button.click()
    text = dialog.preview.toPlainText()
    assert "it is no longer necessary for the plan to be maintained" in text
    assert "section 51(2)(f)" in text
