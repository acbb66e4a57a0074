"""The team dashboard opens from the main window, and a case chosen there opens a case window."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from send_desktop.gui.main_window import MainWindow
from send_desktop.store import Database
from send_desktop.store.demo import make_demo


def test_dashboard_from_main_window(qtbot: QtBot, sqlite_db: Database) -> None:
    as_of = date(2025, 6, 2)
    make_demo(sqlite_db, cases=60, seed=3, as_of=as_of)
    window = MainWindow(sqlite_db, "Test User", as_of=as_of)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.caseload_loaded, timeout=20000):
        pass
    assert window.dashboard_action.shortcut().toString() == "Ctrl+T"
    with qtbot.waitSignal(window.dashboard_action.triggered, timeout=1000):
        window.dashboard_action.trigger()
    dashboard = window.dashboard
    qtbot.waitUntil(lambda: dashboard.isVisible(), timeout=5000)
    assert window.open_dashboard() is dashboard  # a second request raises the same window
    window.scope_combo.setCurrentIndex(window.scope_combo.findText("Everyone"))
    case_id = window.model.row_at(0).case_id
    dashboard.open_case_requested.emit(case_id)
    assert case_id in window.case_windows
    window.close()
    assert not dashboard.isVisible()


def test_export_from_main_window_has_kpis(qtbot: QtBot, sqlite_db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    as_of = date(2025, 6, 2)
    make_demo(sqlite_db, cases=80, seed=5, as_of=as_of)
    window = MainWindow(sqlite_db, "Test User", as_of=as_of)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window._scope is not None, timeout=20000)
    window.scope_combo.setCurrentIndex(window.scope_combo.findText("Everyone"))
    target = tmp_path / "supervision.xlsx"
    window.export_to(target)
    qtbot.waitUntil(lambda: getattr(window, "last_export", None) is not None, timeout=30000)
    book = load_workbook(target, read_only=True)
    try:
        text = [str(v) for row in book["Summary"].iter_rows(values_only=True) for v in row if v]
    finally:
        book.close()
    assert "New plans issued" in text
    assert any("within 20 weeks" in t for t in text)


def test_network_share_warning_is_shown(
    qtbot: QtBot,
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """A SQLite file on a network share: the caseworker sees the warning, not only the log."""
    from send_desktop.gui import app as gui_app
    from send_desktop.store import database

    monkeypatch.setattr(database, "network_share_fstype", lambda path, mounts=None: "cifs")
    db = Database.open(str(tmp_path / "shared.db"), "Test User")
    shown: list[str] = []
    monkeypatch.setattr(
        gui_app.QMessageBox, "warning", lambda parent, title, text: shown.append(text)
    )
    window = MainWindow(db, "Test User", load=False)
    qtbot.addWidget(window)
    gui_app.show_database_warnings(window, db)
    assert len(shown) == 1
    assert "network share (cifs)" in shown[0] and "team mode" in shown[0]
    db.close()
