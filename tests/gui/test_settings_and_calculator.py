"""Settings (policy saved to the database, name to QSettings), first run, calculator, app start."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from send_desktop import paths
from send_desktop.gui import qt_settings
from send_desktop.gui.app import create_application
from send_desktop.gui.calculator import DeadlineCalculator
from send_desktop.gui.dates import to_qdate
from send_desktop.gui.settings_dialog import FirstRunDialog, SettingsDialog, StartChoice
from send_desktop.store import Database
from send_desktop.store.settings import load_policy


def test_settings_save_policy_and_name(qtbot: QtBot, sqlite_db: Database) -> None:
    dialog = SettingsDialog(sqlite_db, "Test User")
    qtbot.addWidget(dialog)
    dialog.ui.nameEdit.setText("Priya Shah")
    dialog.ui.weekStartCombo.setCurrentIndex(dialog.ui.weekStartCombo.findData("inclusive"))
    dialog.ui.warningSpin.setValue(15)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with sqlite_db.session() as session:
        policy = load_policy(session)
    assert (policy.week_start, policy.warning_working_days) == ("inclusive", 15)
    assert qt_settings.read_str(qt_settings.CASEWORKER_NAME) == "Priya Shah"
    assert (paths.config_dir() / qt_settings.SETTINGS_FILE).exists()


def test_first_run_needs_a_name(qtbot: QtBot) -> None:
    dialog = FirstRunDialog("")
    qtbot.addWidget(dialog)
    dialog.save()
    assert "Enter your name" in dialog.ui.validationMessage.text()
    dialog.ui.nameEdit.setText("Sam Carter")
    dialog.ui.emptyRadio.setChecked(True)
    dialog.save()
    assert dialog.choice is StartChoice.EMPTY
    assert qt_settings.read_str(qt_settings.CASEWORKER_NAME) == "Sam Carter"


def test_calculator_shows_the_20_week_date(qtbot: QtBot) -> None:
    window = DeadlineCalculator(date(2025, 1, 6))
    qtbot.addWidget(window)
    window.edits["request_received"].setDate(to_qdate(date(2025, 1, 6)))
    final = next(s for s in window.model.all_rows() if s.id == "N5")
    assert final.due == date(2025, 5, 26)


def test_application_is_styled(qtbot: QtBot) -> None:
    app = create_application()
    assert "QTableView" in app.styleSheet()
    assert not app.windowIcon().isNull()
