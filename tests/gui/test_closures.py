"""School closures: recorded in Settings (audited), and a new request warned when its advice or
consultation weeks fall in one of 4 weeks or more (rules section 2, "worth offering")."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from send_desktop.gui.closures_dialog import ClosuresDialog
from send_desktop.gui.dates import to_qdate
from send_desktop.gui.request_dialog import NewRequestDialog
from send_desktop.store import Database
from send_desktop.store.models import AuditEntry, SchoolClosure


def _add(dialog: ClosuresDialog, name: str, start: date, end: date) -> bool:
    dialog.name_edit.setText(name)
    dialog.start_edit.setDate(to_qdate(start))
    dialog.end_edit.setDate(to_qdate(end))
    return dialog.add()


def test_closures_are_recorded_and_warn_a_new_request(qtbot: QtBot, sqlite_db: Database) -> None:
    dialog = ClosuresDialog(sqlite_db, "Test User")
    qtbot.addWidget(dialog)
    assert not _add(dialog, "", date(2026, 7, 22), date(2026, 9, 1))
    assert "Give the closure a name" in dialog.message.text()
    assert not _add(dialog, "Backwards", date(2026, 9, 1), date(2026, 7, 22))
    assert "before the first" in dialog.message.text()
    assert _add(dialog, "Summer holiday 2026", date(2026, 7, 22), date(2026, 9, 1))
    assert dialog.model.rowCount() == 1
    assert dialog.model.row_at(0).weeks == "6 weeks"
    with sqlite_db.session() as session:
        assert session.execute(select(SchoolClosure.name)).scalar_one() == "Summer holiday 2026"
        audited = (
            session.execute(select(AuditEntry).where(AuditEntry.table_name == "school_closure"))
            .scalars()
            .all()
        )
        assert audited and all(a.user == "Test User" for a in audited)

    # Request on Mon 1 Jun 2026: advice weeks 6-12 run 13 Jul - 24 Aug, into the closure.
    request = NewRequestDialog(sqlite_db, "Test User", as_of=date(2026, 6, 1))
    qtbot.addWidget(request)
    request.ui.receivedEdit.setDate(to_qdate(date(2026, 6, 1)))
    warnings = request.check_closures()
    assert warnings and "advice period (weeks 6-12)" in warnings[0]
    assert request.ui.closureWarning.isVisibleTo(request)
    assert "Summer holiday" not in request.ui.closureWarning.text()  # dates, not names
    assert "Wed 22 Jul 2026" in request.ui.closureWarning.text()
    # Request on 5 Jan 2026: weeks 6-17 end in early May, long before the summer.
    request.ui.receivedEdit.setDate(to_qdate(date(2026, 1, 5)))
    assert request.check_closures() == []
    assert not request.ui.closureWarning.isVisibleTo(request)

    dialog.table.selectRow(0)
    dialog.remove_selected()
    assert dialog.model.rowCount() == 0


def test_short_closures_do_not_warn(qtbot: QtBot, sqlite_db: Database) -> None:
    dialog = ClosuresDialog(sqlite_db, "Test User")
    qtbot.addWidget(dialog)
    assert _add(dialog, "Half term", date(2026, 7, 20), date(2026, 7, 31))
    assert "under 4 weeks" in dialog.model.row_at(0).weeks
    request = NewRequestDialog(sqlite_db, "Test User", as_of=date(2026, 6, 1))
    qtbot.addWidget(request)
    request.ui.receivedEdit.setDate(to_qdate(date(2026, 6, 1)))
    assert request.check_closures() == []
