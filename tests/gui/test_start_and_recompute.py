"""Start-up: the first page painted from plain sqlite3 before the load, handed over without a
jump; a stale database brought up to date with the progress shown in the status bar."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, text

from send_desktop.gui.main_window import MainWindow
from send_desktop.store import Database, summaries
from send_desktop.store.demo import make_demo
from send_desktop.store.models import CaseSummaryRow

pytestmark = pytest.mark.gui

AS_OF = date(2025, 6, 2)


def _busiest(db: Database) -> str:
    with db.session() as session:
        return str(
            session.execute(
                text(
                    'SELECT w.name FROM "case" c JOIN caseworker w ON w.id = c.caseworker_id '
                    "WHERE c.closed = 0 GROUP BY w.id ORDER BY count(*) DESC, w.id LIMIT 1"
                )
            ).scalar_one()
        )


def test_first_page_is_painted_before_the_load_and_handed_over_unchanged(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    make_demo(sqlite_db, cases=400, seed=5, as_of=AS_OF, force=True)
    user = _busiest(sqlite_db)
    shown: list[int] = []
    window = MainWindow(sqlite_db, user, as_of=AS_OF, load=False)
    window.caseload_shown.connect(shown.append)
    window._show_first_page()
    qtbot.addWidget(window)
    # Painted from the plain read, before any background work has reported.
    assert shown and shown[0] == window.model.rowCount() > 0
    before = [window.model.row_at(i) for i in range(window.model.rowCount())]
    label = window.counts_label.text()
    banner = window.banner.isVisibleTo(window)
    # The banner says the status bar's figure: cases overdue, as store/counts.py counts them.
    cases_overdue = re.search(r"(\d[\d,]*) cases overdue", window.counts_label.text())
    assert cases_overdue is not None
    assert f"{cases_overdue.group(1)} of your cases overdue" in window.banner_label.text()
    assert all(r.caseworker == user for r in before)
    with qtbot.waitSignal(window.caseload_loaded, timeout=30000):
        window.reload()
    after = [window.model.row_at(i) for i in range(window.model.rowCount())]
    assert after == before
    assert window.counts_label.text() == label
    assert window.banner.isVisibleTo(window) == banner  # the banner does not come in late
    assert "due today" in window.banner_label.text()
    assert shown == [len(before)]  # shown once: the hand-over is not a second first paint
    assert not window.recompute_bar.isVisible()


def test_a_stale_database_is_brought_up_to_date_with_progress_in_the_status_bar(
    qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_demo(sqlite_db, cases=300, seed=6, as_of=AS_OF, force=True)
    user = _busiest(sqlite_db)
    with sqlite_db.session() as session:
        session.execute(text("UPDATE case_summary SET stamp = 'an older program'"))
        session.commit()
    # Small chunks, so the bar moves several times on a small database.
    monkeypatch.setattr(summaries, "CHUNK", 50)
    monkeypatch.setattr(summaries.recompute, "__defaults__", (None, None, 50))
    seen: list[tuple[int, int, bool, str]] = []
    window = MainWindow(sqlite_db, user, as_of=AS_OF, load=False)
    qtbot.addWidget(window)
    window.show()
    window.recompute_progress.connect(
        lambda done, total: seen.append(
            (done, total, window.recompute_bar.isVisible(), window.statusBar().currentMessage())
        )
    )
    window._show_first_page()
    assert window.model.rowCount() == 0  # stale: nothing painted from the plain read
    with qtbot.waitSignal(window.caseload_loaded, timeout=60000):
        window.reload()
    totals = {total for _done, total, _visible, _message in seen}
    assert totals == {300}
    dones = [done for done, *_ in seen]
    assert dones == sorted(dones) and dones[0] == 0 and dones[-1] == 300 and len(dones) >= 6
    assert all(visible for *_rest, visible, _message in seen)
    assert any("Updating the stored deadlines" in message for *_rest, message in seen)
    assert window.recompute_bar.value() == 300
    assert not window.recompute_bar.isVisible()  # hidden once the caseload is read
    with sqlite_db.session() as session:
        stamp = summaries.current_stamp(session)
        stale = session.execute(
            select(func.count()).where(CaseSummaryRow.stamp != stamp)
        ).scalar_one()
    assert stale == 0
    assert window.model.rowCount() > 0
