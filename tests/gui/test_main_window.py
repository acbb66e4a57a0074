"""The main window over a real SQLite demo database: load, filter, search, sort by date,
Today list, a new request recorded stage by stage in the case window, export, state saved."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from send_desktop.gui import qt_settings
from send_desktop.gui.case_window import STEP_COLUMNS, CaseWindow
from send_desktop.gui.caseload import COL_DUE, QuickFilter, Scope
from send_desktop.gui.dates import to_qdate
from send_desktop.gui.main_window import HEADER_KEY, MainWindow
from send_desktop.gui.request_dialog import NewRequestDialog
from send_desktop.gui.table_model import RowTableModel
from send_desktop.gui.workers import wait_for_workers
from send_desktop.store import Database
from send_desktop.store.demo import make_demo
from send_desktop.store.queries import add_caseworker, caseload
from send_desktop.timeline import Policy, Step

AS_OF = date(2025, 6, 2)


@pytest.fixture
def demo_db(sqlite_db: Database) -> Database:
    make_demo(sqlite_db, cases=120, seed=11, as_of=AS_OF, force=True)
    return sqlite_db


def _busiest_caseworker(db: Database) -> str:
    with db.session() as session:
        rows = caseload(session, AS_OF, Policy())
    name, _ = Counter(r.caseworker for r in rows if r.caseworker).most_common(1)[0]
    assert name is not None
    return name


def _window(qtbot: QtBot, db: Database, user: str) -> MainWindow:
    window = MainWindow(db, user, as_of=AS_OF, load=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.caseload_loaded, timeout=20000):
        window.reload()
    return window


def test_caseload_filters_search_and_date_sort(
    qtbot: QtBot, demo_db: Database, qtmodeltester: ModelTester
) -> None:
    user = _busiest_caseworker(demo_db)
    window = _window(qtbot, demo_db, user)
    window.show()
    model = window.model
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(window.today_model, force_py=True)
    mine = model.visible_rows()
    assert mine and all(r.caseworker == user for r in mine)
    assert "Showing" in window.counts_label.text()

    window.scope_combo.setCurrentIndex(window.scope_combo.findData(Scope.EVERYONE))
    everyone = model.rowCount()
    with demo_db.session() as session:
        assert everyone == len(caseload(session, AS_OF, Policy())) > len(mine)

    qtbot.mouseClick(window.quick_buttons[QuickFilter.OVERDUE], Qt.MouseButton.LeftButton)
    overdue = model.visible_rows()
    assert overdue, "the demo data should have overdue cases"
    assert all(r.days_left is not None and r.days_left < 0 for r in overdue)
    assert all(str(r.status) == "overdue" for r in overdue)  # never a late, excused one
    window.quick_buttons[QuickFilter.THIS_WEEK].click()
    assert all(0 <= (r.days_left or 0) <= 7 for r in model.visible_rows())
    window.quick_buttons[QuickFilter.ALL].click()

    target = model.row_at(5)
    with qtbot.waitSignal(window.filtered):
        qtbot.keyClicks(window.search_box, target.last_name.lower())
    found = model.visible_rows()
    assert target in found
    assert all(target.last_name.lower() in r.child_name.lower() for r in found)
    assert window.last_filter_ms < 200
    window.search_box.setText(target.ref)
    assert model.visible_rows() == [target]
    window.search_box.clear()

    header = window.table.horizontalHeader()
    window.table.sortByColumn(COL_DUE, Qt.SortOrder.DescendingOrder)
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(header, COL_DUE)
    )
    dues = [r.next_due for r in model.visible_rows() if r.next_due is not None]
    assert dues == sorted(dues)
    assert model.data(model.index(0, COL_DUE)).endswith(f"{dues[0]:%d/%m/%Y}")

    today = window.today_model.visible_rows()
    assert [i.due for i in today] == sorted(i.due for i in today)
    assert all(i.days <= 7 for i in today)
    window.close()
    settings = qt_settings.app_settings()
    assert settings.value(HEADER_KEY) is not None


def _section_centre(header: object, section: int) -> object:
    from PySide6.QtCore import QPoint

    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2  # type: ignore[attr-defined]
    return QPoint(x, header.height() // 2)  # type: ignore[attr-defined]


def test_today_the_banner_and_the_status_bar_say_the_same_overdue_figures(
    qtbot: QtBot, demo_db: Database
) -> None:
    """The Today tab's "N overdue" is the banner's "N steps past the deadline" (statutory
    duties, store/counts.py); planning targets past their date are listed but said apart; the
    banner's cases overdue are the status bar's."""
    import re

    user = _busiest_caseworker(demo_db)
    window = _window(qtbot, demo_db, user)
    items = window.today_model.visible_rows()
    banner, label = window.banner_label.text(), window.today_label.text()
    steps = re.search(r"\((\d[\d,]*) steps? past the deadline\)", banner)
    cases = re.search(r"(\d[\d,]*) of your cases overdue", banner)
    today = re.search(r"Your open steps: (\d+) overdue", label)
    assert steps and cases and today, (banner, label)
    assert today.group(1) == steps.group(1).replace(",", "")
    assert f"{cases.group(1)} cases overdue" in window.counts_label.text()
    late_targets = [i for i in items if i.days < 0 and not i.duty]
    if late_targets:
        assert f"{len(late_targets)} planning target" in label
    assert int(today.group(1)) == sum(
        1 for i in items if i.days < 0 and i.duty and str(i.status) == "overdue"
    )


def test_new_request_recorded_in_the_case_window_changes_status(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    window = _window(qtbot, sqlite_db, "Test User")
    assert window.model.rowCount() == 0
    with sqlite_db.session() as session:  # caseworkers are chosen from the team's list
        add_caseworker(session, "setup", "Test User")
    dialog = NewRequestDialog(sqlite_db, "Test User", AS_OF, window)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.ui.firstNameEdit, "Leo")
    qtbot.keyClicks(dialog.ui.lastNameEdit, "Brown")
    dialog.ui.dateOfBirthEdit.setDate(to_qdate(date(2017, 9, 1)))
    dialog.ui.receivedEdit.setDate(to_qdate(date(2025, 3, 3)))
    dialog.save()
    case_id = dialog.created_case_id
    assert case_id is not None
    with qtbot.waitSignal(window.caseload_loaded, timeout=20000):
        window.reload()
    row = window.model.visible_rows()[0]
    assert (row.ref, str(row.status), row.next_step) == (row.ref, "overdue", "N1")
    status_cell = window.model.data(window.model.index(0, 7))
    assert status_cell == "Overdue"  # words, not only colour

    case_window = window.open_case(case_id)
    assert isinstance(case_window, CaseWindow)
    # The case window deletes itself (and its models) on close, so check a copy of its model.
    steps_model: RowTableModel[Step] = RowTableModel(STEP_COLUMNS)
    steps_model.set_rows(case_window.steps_model.all_rows())
    qtmodeltester.check(steps_model, force_py=True)
    n1 = next(s for s in case_window.steps if s.id == "N1")
    assert str(n1.status) == "overdue"

    for key, day, outcome in (
        ("decision", date(2025, 4, 22), "assess"),
        ("draft", date(2025, 5, 20), "email"),
    ):
        record = case_window.record_event(key)
        qtbot.addWidget(record)
        record.ui.dateEdit.setDate(to_qdate(day))
        record.ui.outcomeCombo.setCurrentIndex(record.ui.outcomeCombo.findData(outcome))
        with qtbot.waitSignal(window.caseload_loaded, timeout=20000):
            record.save()
    n1 = next(s for s in case_window.steps if s.id == "N1")
    assert (str(n1.status), n1.done) == ("done-late", date(2025, 4, 22))
    row = window.model.visible_rows()[0]
    assert row.stage == "Draft plan"
    # The 15-day window for comments on the draft is the family's, not the authority's
    # deadline: the next one is the final plan, with the window shown beside it.
    assert row.next_step == "N5"
    assert row.family_step == "N4"

    entries = case_window.export_chronology(tmp_path / "chronology.csv")
    with (tmp_path / "chronology.csv").open(encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["Date", "Recorded at", "Kind", "What", "Detail", "By"]
    assert len(lines) == entries + 1 and entries >= 3

    out = tmp_path / "supervision.xlsx"
    window.export_to(out)
    qtbot.waitUntil(lambda: hasattr(window, "last_export"), timeout=20000)
    assert out.exists() and window.last_export.cases == 1
    case_window.close()
    window.close()
    wait_for_workers()
