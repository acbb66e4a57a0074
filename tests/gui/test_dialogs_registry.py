"""The dialogs take their fields from the registry (store/fields.py), on the real dialogs over a
real SQLite database (issue 19): the record-event dialog checks every ordered case date the
registry holds - so a plan ceased before the final plan being recorded is refused in the dialog,
in the store's own words (rules section 7: impossible orders are refused naming both facts) -
and the case snapshot and the new-request dialog read their dates, words and codes from it."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from send_desktop.errors import KnownError
from send_desktop.gui import record_event
from send_desktop.gui.case_data import CASE_DATES, load_case
from send_desktop.gui.record_event import ORDER_DATES
from send_desktop.gui.request_dialog import NewRequestDialog
from send_desktop.store import Database, fields
from send_desktop.store.cases import update_case
from send_desktop.store.models import Case
from send_desktop.timeline import catalogue as cat
from send_desktop.timeline import order
from tests.gui.test_dialogs import AS_OF, _new_request, _record, on_team


def _case_with_draft(qtbot: QtBot, db: Database) -> int:
    request = _new_request(qtbot, db)
    request.save_button.click()
    case_id = request.created_case_id
    assert case_id is not None
    for key, day, choices in (
        ("decision", date(2025, 2, 10), {"outcome": "assess"}),
        ("draft", date(2025, 4, 14), {"outcome": "email"}),
    ):
        dialog = _record(qtbot, db, case_id, key, day, **choices)
        dialog.save()
        assert dialog.result() == dialog.DialogCode.Accepted, dialog.ui.validationMessage.text()
    return case_id


def test_a_final_plan_after_the_plan_ceased_is_refused_in_the_dialog_as_the_store_refuses_it(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    case_id = _case_with_draft(qtbot, sqlite_db)
    with sqlite_db.session() as s:
        case = s.get(Case, case_id)
        assert case is not None
        update_case(s, case_id, case.version, "Test User", ceased=date(2025, 5, 1), as_of=AS_OF)

    final = _record(qtbot, sqlite_db, case_id, "final", date(2025, 5, 19))
    final.show()
    expected = "Plan ceased (01/05/2025) cannot be before final plan issued (19/05/2025)."
    # Before the dialog read the registry it let this through and the save failed in the store.
    assert final.problem() == expected
    assert final.ui.validationMessage.isVisible()
    assert final.ui.validationMessage.text() == expected
    final.save()
    assert final.result() != final.DialogCode.Accepted
    # The store refuses the same write with the same words.
    with pytest.raises(KnownError) as refused, sqlite_db.session() as s:
        case = s.get(Case, case_id)
        assert case is not None
        update_case(
            s,
            case_id,
            case.version,
            "Test User",
            final_issued=date(2025, 5, 19),
            plan_issued=date(2025, 5, 19),
            as_of=AS_OF,
        )
    assert str(refused.value).rstrip(".") + "." == expected
    with sqlite_db.session() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.final_issued is None
    # A final plan on or before the day the plan ceased is lawful and recorded.
    ok = _record(qtbot, sqlite_db, case_id, "final", date(2025, 4, 30))
    assert ok.problem() is None
    ok.save()
    assert ok.result() == ok.DialogCode.Accepted, ok.ui.validationMessage.text()


def test_the_dialog_checks_every_ordered_case_date_of_the_registry(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    ordered = {name for pair in order.ORDERS["case"] for name in pair}
    assert set(ORDER_DATES) == ordered & set(fields.CASE.names)
    assert "ceased" in ORDER_DATES  # the check the hand list lacked
    assert set(CASE_DATES) >= set(ORDER_DATES)
    case_id = _case_with_draft(qtbot, sqlite_db)
    with sqlite_db.session() as s:
        snapshot = load_case(s, case_id)
        case = s.get(Case, case_id)
        assert case is not None
        assert snapshot.dates == {name: getattr(case, name) for name in CASE_DATES}
    assert snapshot.dates["draft_served"] == snapshot.draft_served == date(2025, 4, 14)


def test_the_new_request_dialog_takes_words_and_codes_from_the_registry(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    on_team(sqlite_db)
    dialog = NewRequestDialog(sqlite_db, "Test User", AS_OF)
    qtbot.addWidget(dialog)
    channels = dialog.ui.channelCombo
    assert [channels.itemData(i) for i in range(channels.count())] == list(
        fields.CASE.codes["request_channel"]
    )
    assert [channels.itemText(i) for i in range(channels.count())] == [
        "Email",
        "Post",
        "By hand",
        "Online portal",
    ]
    sources = dialog.ui.sourceCombo
    assert [sources.itemData(i) for i in range(sources.count())] == list(
        fields.CASE.codes["request_source"]
    )
    assert sources.itemText(0) == "Parent"


def test_a_step_of_the_rule_table_done_on_a_case_date_gets_its_event_in_the_dialog(
    qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A made-up one-date step done on a case date no event records (the plan ceasing): the
    # dialog offers it with the registry's label, checks it and saves it with no edit there.
    rule = cat.DateRule(
        "T2", "final_issued", 5, "working days", "ceased", "Made up due", "final", "moves"
    )
    monkeypatch.setattr(record_event, "DATE_RULES", (rule,))
    base = tuple(e for e in record_event.EVENTS if e.column != "ceased")
    made = record_event._rule_events(base)
    assert [(e.key, e.title, e.column) for e in made] == [("ceased", "Plan ceased", "ceased")]
    assert "5 working days after final" in made[0].explanation
    events = (*base, *made)
    monkeypatch.setattr(record_event, "EVENTS", events)
    monkeypatch.setattr(record_event, "EVENTS_BY_KEY", {e.key: e for e in events})

    case_id = _case_with_draft(qtbot, sqlite_db)
    final = _record(qtbot, sqlite_db, case_id, "final", date(2025, 5, 19))
    final.save()
    assert final.result() == final.DialogCode.Accepted, final.ui.validationMessage.text()
    early = _record(qtbot, sqlite_db, case_id, "ceased", date(2025, 5, 1))
    assert early.kind.title == "Plan ceased"
    assert early.problem() == (
        "Plan ceased (01/05/2025) cannot be before final plan issued (19/05/2025)."
    )
    ceased = _record(qtbot, sqlite_db, case_id, "ceased", date(2025, 5, 28))
    ceased.save()
    assert ceased.result() == ceased.DialogCode.Accepted, ceased.ui.validationMessage.text()
    with sqlite_db.session() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.ceased == date(2025, 5, 28)
