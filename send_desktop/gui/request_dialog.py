# mypy: disable-error-code="no-untyped-call"
"""The new request dialog (Ctrl+N): a child and the date the request was received."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QWidget

from send_desktop.errors import KnownError
from send_desktop.gui.case_data import caseworker_id_for
from send_desktop.gui.closures_dialog import closure_periods
from send_desktop.gui.dates import make_optional, optional_date, to_date, to_qdate, uk
from send_desktop.gui.forms.ui_new_request import Ui_NewRequestDialog
from send_desktop.store import Database
from send_desktop.store.cases import ChildDetails, create_case, find_possible_duplicates
from send_desktop.store.models import REQUEST_CHANNELS, REQUEST_SOURCES, Case
from send_desktop.timeline import closure_warnings

log = logging.getLogger(__name__)

CHANNEL_WORDS = {"email": "Email", "post": "Post", "hand": "By hand", "portal": "Online portal"}


class NewRequestDialog(QDialog):
    """Validates as the caseworker types; warns when the child may already have a case."""

    def __init__(self, db: Database, user: str, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.user, self.as_of = db, user, as_of
        self.created_case_id: int | None = None
        self._duplicates_seen: tuple[str, ...] = ()
        self.ui = Ui_NewRequestDialog()
        self.ui.setupUi(self)
        ui = self.ui
        make_optional(ui.dateOfBirthEdit)
        ui.dateOfBirthEdit.setMaximumDate(to_qdate(as_of))
        ui.receivedEdit.setDate(to_qdate(as_of))
        for code in REQUEST_CHANNELS:
            ui.channelCombo.addItem(CHANNEL_WORDS.get(code, code), code)
        for code in REQUEST_SOURCES:
            ui.sourceCombo.addItem(code.capitalize(), code)
        ui.caseworkerEdit.setText(user)
        ui.duplicateWarning.hide()
        ui.closureWarning.hide()
        ui.validationMessage.hide()
        ui.buttonBox.accepted.connect(self.save)
        ui.buttonBox.rejected.connect(self.reject)
        for edit in (ui.firstNameEdit, ui.lastNameEdit):
            edit.editingFinished.connect(self.check_duplicates)
        ui.dateOfBirthEdit.dateChanged.connect(self.check_duplicates)
        self._closures = closure_periods(db)
        ui.receivedEdit.dateChanged.connect(self.check_closures)
        self.check_closures()
        self.save_button.setText("Save request")

    @property
    def save_button(self) -> QPushButton:
        return self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)

    def problems(self) -> list[str]:
        ui = self.ui
        found: list[str] = []
        if not ui.firstNameEdit.text().strip():
            found.append("Enter the child's first name.")
        if not ui.lastNameEdit.text().strip():
            found.append("Enter the child's last name.")
        dob = optional_date(ui.dateOfBirthEdit)
        received = to_date(ui.receivedEdit.date())
        if dob is not None and dob > self.as_of:
            found.append(f"The date of birth ({uk(dob)}) is in the future.")
        if received > self.as_of:
            found.append(
                f"The request received date ({uk(received)}) is in the future: record a "
                "request once it has arrived."
            )
        if dob is not None and received < dob:
            found.append(
                f"The request ({uk(received)}) cannot be received before the child was "
                f"born ({uk(dob)})."
            )
        upn = ui.upnEdit.text().strip()
        if upn and (len(upn) != 13 or not upn.isalnum()):
            found.append("A UPN has 13 letters and digits; leave it empty if not known.")
        if not ui.caseworkerEdit.text().strip():
            found.append("Enter the caseworker responsible.")
        return found

    def check_closures(self) -> list[str]:
        """Warn (not block) when advice or consultation weeks fall in a known long closure."""
        received = to_date(self.ui.receivedEdit.date())
        warnings = closure_warnings(received, self._closures)
        self.ui.closureWarning.setText(
            "School closure ahead: " + " ".join(w + "." for w in warnings) if warnings else ""
        )
        self.ui.closureWarning.setVisible(bool(warnings))
        return warnings

    def check_duplicates(self) -> list[str]:
        """Cases of children with the same name and date of birth (shown, not blocking)."""
        ui = self.ui
        first, last = ui.firstNameEdit.text().strip(), ui.lastNameEdit.text().strip()
        dob = optional_date(ui.dateOfBirthEdit)
        if not first or not last:
            ui.duplicateWarning.hide()
            return []
        with self.db.session() as session:
            children = find_possible_duplicates(session, first, last, dob)
            lines = []
            for child in children:
                if child.first_name.lower() != first.lower():
                    continue
                if child.last_name.lower() != last.lower() or child.date_of_birth != dob:
                    continue
                for case in child.cases:
                    lines.append(f"{case.ref} (request received {uk(case.request_received)})")
        if lines:
            ui.duplicateWarning.setText(
                "A child with the same name and date of birth already has a case: "
                + "; ".join(lines)
                + ". Check it is not the same child before saving; Save again to record a "
                "separate request."
            )
            ui.duplicateWarning.show()
        else:
            ui.duplicateWarning.hide()
        return lines

    def save(self) -> None:
        ui = self.ui
        problems = self.problems()
        if problems:
            self.show_problems(problems)
            return
        duplicates = tuple(self.check_duplicates())
        if duplicates and duplicates != self._duplicates_seen:
            # The first Save only shows the warning; the second confirms a separate request.
            self._duplicates_seen = duplicates
            self.save_button.setText("Save anyway")
            self.show_problems([])
            return
        details = ChildDetails(
            first_name=ui.firstNameEdit.text().strip(),
            last_name=ui.lastNameEdit.text().strip(),
            date_of_birth=optional_date(ui.dateOfBirthEdit),
            upn=ui.upnEdit.text().strip().upper() or None,
        )
        try:
            with self.db.session() as session:
                worker_id = caseworker_id_for(session, ui.caseworkerEdit.text().strip(), self.user)
                case: Case = create_case(
                    session,
                    self.user,
                    child=details,
                    request_received=to_date(ui.receivedEdit.date()),
                    request_channel=ui.channelCombo.currentData(),
                    request_source=ui.sourceCombo.currentData(),
                    caseworker_id=worker_id,
                    as_of=self.as_of,
                )
                self.created_case_id = case.id
        except KnownError as exc:
            self.show_problems([str(exc)])
            return
        log.info("new request recorded as case %s", self.created_case_id)
        self.accept()

    def show_problems(self, problems: list[str]) -> None:
        label = self.ui.validationMessage
        label.setText("\n".join(problems))
        label.setVisible(bool(problems))
