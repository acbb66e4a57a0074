# mypy: disable-error-code="no-untyped-call"
"""The new request dialog (Ctrl+N): a child and the date the request was received."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QWidget,
)

from send_desktop.errors import KnownError
from send_desktop.gui.closures_dialog import closure_periods
from send_desktop.gui.dates import uk
from send_desktop.gui.forms.ui_new_request import Ui_NewRequestDialog
from send_desktop.store import Database, fields
from send_desktop.store.cases import ChildDetails, create_case, find_possible_duplicates
from send_desktop.store.caseworkers import (
    SimilarCaseworkerError,
    add_named_caseworker,
    caseworker_id,
    team_names,
)
from send_desktop.store.models import Case
from send_desktop.timeline import closure_warnings, order

log = logging.getLogger(__name__)


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
        # A fresh form: the date of birth is empty (type it, or tick "Not known").
        ui.dateOfBirthEdit.configure(
            fields.label("date_of_birth"),
            today=as_of,
            allow_unknown=True,
            allow_future=False,
            accessible_name="Child's date of birth",
        )
        ui.receivedEdit.configure(
            fields.label("request_received"),
            today=as_of,
            allow_future=False,
            accessible_name="Date the request was received",
        )
        ui.receivedEdit.set_value(as_of)
        for words, code in fields.code_words(fields.CASE, "request_channel"):
            ui.channelCombo.addItem(words, code)
        for words, code in fields.code_words(fields.CASE, "request_source"):
            ui.sourceCombo.addItem(words, code)
        self.load_caseworkers(select=user)
        ui.addCaseworkerButton.clicked.connect(self.add_caseworker)
        ui.duplicateWarning.hide()
        ui.closureWarning.hide()
        ui.validationMessage.hide()
        ui.buttonBox.accepted.connect(self.save)
        ui.buttonBox.rejected.connect(self.reject)
        for edit in (ui.firstNameEdit, ui.lastNameEdit):
            edit.editingFinished.connect(self.check_duplicates)
            edit.textChanged.connect(self._refresh_problems)
        ui.upnEdit.textChanged.connect(self._refresh_problems)
        ui.caseworkerCombo.currentTextChanged.connect(self._refresh_problems)
        ui.dateOfBirthEdit.edit.editingFinished.connect(self.check_duplicates)
        ui.dateOfBirthEdit.changed.connect(self._refresh_problems)
        self._closures = closure_periods(db)
        ui.receivedEdit.changed.connect(self.check_closures)
        ui.receivedEdit.changed.connect(self._refresh_problems)
        self.check_closures()
        self.save_button.setText("Save request")

    @property
    def save_button(self) -> QPushButton:
        return self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)

    def load_caseworkers(self, select: str | None = None) -> None:
        """Fill the chooser from the team's list; typing filters it (type-ahead)."""
        combo = self.ui.caseworkerCombo
        typed = select if select is not None else combo.currentText()
        with self.db.session() as session:
            names = team_names(session)
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(names)
        completer = QCompleter(names, combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        combo.setCompleter(completer)
        index = combo.findText(typed, Qt.MatchFlag.MatchFixedString)
        combo.setCurrentIndex(index)
        if index < 0:
            combo.setEditText("")
        combo.blockSignals(False)

    def add_caseworker(self, name: str | None = None) -> str | None:
        """The explicit "Add caseworker" action: warns about near-duplicate names first."""
        if name is None:
            name, ok = QInputDialog.getText(
                self, "Add caseworker", "New caseworker's full name:", text=""
            )
            if not ok:
                return None
        confirmed = False
        while True:
            try:
                with self.db.session() as session:
                    worker = add_named_caseworker(
                        session, self.user, name, confirmed_different=confirmed
                    )
                    added = worker.name
            except SimilarCaseworkerError as exc:
                if not self.confirm_different(exc):
                    if len(exc.similar) == 1:
                        self.load_caseworkers(select=exc.similar[0])
                    return None
                confirmed = True
                continue
            except KnownError as exc:
                self.show_problems([str(exc)])
                return None
            break
        self.load_caseworkers(select=added)
        return added

    def confirm_different(self, exc: SimilarCaseworkerError) -> bool:
        """Ask whether a name like an existing one is really a different person."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Similar caseworker already on the list")
        box.setText(str(exc))
        add = box.addButton("Add as a different person", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Use the existing caseworker", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is add

    def problems(self) -> list[str]:
        ui = self.ui
        found: list[str] = []
        if not ui.firstNameEdit.text().strip():
            found.append("Enter the child's first name.")
        if not ui.lastNameEdit.text().strip():
            found.append("Enter the child's last name.")
        for field in (ui.dateOfBirthEdit, ui.receivedEdit):
            problem = field.error()
            if problem:
                found.append(problem)
        dob, received = ui.dateOfBirthEdit.value(), ui.receivedEdit.value()
        if dob is not None and received is not None:
            # timeline.order's words, as the store, the import and calc give them.
            problem = order.check_dates(
                "case", {"request_received": received, "date_of_birth": dob}, None
            )
            if problem:
                found.append(problem + ".")
        upn = ui.upnEdit.text().strip()
        if upn and (len(upn) != 13 or not upn.isalnum()):
            found.append("A UPN has 13 letters and digits; leave it empty if not known.")
        if not ui.caseworkerCombo.currentText().strip():
            found.append("Choose the caseworker responsible from the team's list.")
        return found

    def _refresh_problems(self) -> None:
        # Once problems are on screen, they follow the typing: a fixed one goes at once.
        if self.ui.validationMessage.isVisible():
            self.show_problems(self.problems())

    def check_closures(self) -> list[str]:
        """Warn (not block) when advice or consultation weeks fall in a known long closure."""
        received = self.ui.receivedEdit.value()
        warnings = closure_warnings(received, self._closures) if received else []
        self.ui.closureWarning.setText(
            "School closure ahead: " + " ".join(w + "." for w in warnings) if warnings else ""
        )
        self.ui.closureWarning.setVisible(bool(warnings))
        return warnings

    def check_duplicates(self) -> list[str]:
        """Cases of children with the same name and date of birth (shown, not blocking)."""
        ui = self.ui
        first, last = ui.firstNameEdit.text().strip(), ui.lastNameEdit.text().strip()
        dob = ui.dateOfBirthEdit.value()
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
        for field in (ui.dateOfBirthEdit, ui.receivedEdit):
            field.show_error()
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
            date_of_birth=ui.dateOfBirthEdit.value(),
            upn=ui.upnEdit.text().strip().upper() or None,
        )
        try:
            with self.db.session() as session:
                worker_id = caseworker_id(session, ui.caseworkerCombo.currentText())
                received = ui.receivedEdit.value()
                assert received is not None  # problems() refused an empty or wrong date
                case: Case = create_case(
                    session,
                    self.user,
                    child=details,
                    request_received=received,
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
