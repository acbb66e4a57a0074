# mypy: disable-error-code="no-untyped-call"
"""The settings dialog (name, database, reminders, statutory clock options) and the first run."""

from __future__ import annotations

import logging
from enum import StrEnum

from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from send_desktop.errors import KnownError
from send_desktop.gui import qt_settings
from send_desktop.gui.forms.ui_first_run import Ui_FirstRunDialog
from send_desktop.gui.forms.ui_settings import Ui_SettingsDialog
from send_desktop.store import Database
from send_desktop.store.settings import load_policy, save_policy
from send_desktop.timeline import Policy

log = logging.getLogger(__name__)

# The authority's choices where the law is read two ways (statutory rules, section 6).
WEEK_START = [
    ("Day after the event is day 1 (Dodds v Walker; default)", "exclusive"),
    ("Day of the event is day 1 (some advice services)", "inclusive"),
]
REVIEW_YEAR = [
    ("Within 12 months starting with the plan date (default)", "strict"),
    ("By the anniversary of the plan date", "anniversary"),
]
TRANSFER = [
    ("Before 15 February / 31 March: 14 Feb / 30 Mar (default)", "strict"),
    ("By 15 February / 31 March", "by"),
]
CERTIFICATE = [
    ("3 working days counted from the next working day (default)", "next-day"),
    ("3 working days including the day", "same-day"),
]


def _fill(combo: object, choices: list[tuple[str, str]], current: str) -> None:
    for text, value in choices:
        combo.addItem(text, value)  # type: ignore[attr-defined]
    combo.setCurrentIndex(max(0, combo.findData(current)))  # type: ignore[attr-defined]


class SettingsDialog(QDialog):
    def __init__(self, db: Database, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.user = db, user
        self.ui = Ui_SettingsDialog()
        self.ui.setupUi(self)
        ui = self.ui
        ui.nameEdit.setText(qt_settings.read_str(qt_settings.CASEWORKER_NAME, user) or user)
        ui.databaseEdit.setText(qt_settings.read_str(qt_settings.DATABASE_LOCATION))
        ui.reminderCheck.setChecked(qt_settings.read_bool(qt_settings.SHOW_REMINDER, True))
        ui.trayCheck.setChecked(qt_settings.read_bool(qt_settings.SHOW_TRAY, False))
        with db.session() as session:
            self.policy = load_policy(session)
        ui.warningSpin.setValue(self.policy.warning_working_days)
        ui.under5Spin.setValue(self.policy.under5_review_months)
        _fill(ui.weekStartCombo, WEEK_START, self.policy.week_start)
        _fill(ui.reviewYearCombo, REVIEW_YEAR, self.policy.review_year)
        _fill(ui.transferCombo, TRANSFER, self.policy.transfer_deadline)
        _fill(ui.certificateCombo, CERTIFICATE, self.policy.certificate_count)
        ui.validationMessage.hide()
        # Room for the longest value with its suffix ("10 working days" was clipped).
        metrics = ui.warningSpin.fontMetrics()
        for spin, widest in ((ui.warningSpin, "00 working days"), (ui.under5Spin, "00 months")):
            spin.setMinimumWidth(metrics.horizontalAdvance(widest) + 48)
            # As tall as the drop-downs beside them: the padded spin box cut off "days".
            spin.setMinimumHeight(ui.weekStartCombo.sizeHint().height())
        ui.browseButton.clicked.connect(self.browse)
        ui.closuresButton.clicked.connect(self.edit_closures)
        ui.buttonBox.accepted.connect(self.save)
        ui.buttonBox.rejected.connect(self.reject)

    def edit_closures(self) -> None:
        from send_desktop.gui.closures_dialog import ClosuresDialog

        ClosuresDialog(self.db, self.user, self).exec()

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Database file",
            self.ui.databaseEdit.text(),
            "SQLite database (*.sqlite3 *.db)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.ui.databaseEdit.setText(path)

    def chosen_policy(self) -> Policy:
        ui = self.ui
        mapping = {
            **self.policy.to_mapping(),
            "week_start": str(ui.weekStartCombo.currentData()),
            "review_year": str(ui.reviewYearCombo.currentData()),
            "transfer_deadline": str(ui.transferCombo.currentData()),
            "certificate_count": str(ui.certificateCombo.currentData()),
            "under5_review_months": str(ui.under5Spin.value()),
            "warning_working_days": str(ui.warningSpin.value()),
        }
        return Policy.from_mapping(mapping)

    def save(self) -> None:
        ui = self.ui
        name = ui.nameEdit.text().strip()
        if not name:
            self._problem("Enter your name: it is written in the audit trail.")
            return
        try:
            policy = self.chosen_policy()
            if policy != self.policy:
                with self.db.session() as session:
                    save_policy(session, policy, self.user)
        except (KnownError, ValueError) as exc:
            self._problem(str(exc))
            return
        qt_settings.write(qt_settings.CASEWORKER_NAME, name)
        qt_settings.write(qt_settings.DATABASE_LOCATION, ui.databaseEdit.text().strip())
        qt_settings.write(qt_settings.SHOW_REMINDER, ui.reminderCheck.isChecked())
        qt_settings.write(qt_settings.SHOW_TRAY, ui.trayCheck.isChecked())
        self.accept()

    def _problem(self, text: str) -> None:
        self.ui.validationMessage.setText(text)
        # Read out as the message itself, not as "Problems to fix".
        self.ui.validationMessage.setAccessibleName(text)
        self.ui.validationMessage.show()


class StartChoice(StrEnum):
    DEMO = "demo"
    IMPORT = "import"
    EMPTY = "empty"


class FirstRunDialog(QDialog):
    """Asks the caseworker's name and how to start: demo data, a tracker spreadsheet, or empty."""

    def __init__(
        self, suggested_name: str = "", parent: QWidget | None = None, existing_cases: int = 0
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_FirstRunDialog()
        self.ui.setupUi(self)
        self.ui.nameEdit.setText(suggested_name)
        self.existing_cases = existing_cases
        if existing_cases:
            # Demo data goes only into an empty database: not offered, nor pre-selected.
            self.ui.demoRadio.hide()
            self.ui.emptyRadio.setText(
                f"&Start with the {existing_cases:,} cases already in this database"
            )
            self.ui.emptyRadio.setChecked(True)
        self.ui.nameEdit.setFocus()
        self.ui.nameEdit.selectAll()
        self.ui.validationMessage.hide()
        self.ui.buttonBox.accepted.connect(self.save)
        self.ui.buttonBox.rejected.connect(self.reject)

    @property
    def name(self) -> str:
        return self.ui.nameEdit.text().strip()

    @property
    def choice(self) -> StartChoice:
        if self.ui.importRadio.isChecked():
            return StartChoice.IMPORT
        if self.ui.emptyRadio.isChecked() or self.existing_cases:
            return StartChoice.EMPTY
        return StartChoice.DEMO

    def save(self) -> None:
        if not self.name:
            text = "Enter your name: it is written in the audit trail next to your changes."
            self.ui.validationMessage.setText(text)
            self.ui.validationMessage.setAccessibleName(text)
            self.ui.validationMessage.show()
            self.ui.nameEdit.setFocus()
            return
        qt_settings.write(qt_settings.CASEWORKER_NAME, self.name)
        self.accept()
