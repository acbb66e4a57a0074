"""Letters for one case: write (from the template and the clock engine), preview, open, mark sent;
who the letters go to; the team's letter contacts. Also the advice chase letters of Today."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from send_desktop.errors import KnownError
from send_desktop.letters import (
    CONTACTS,
    KINDS,
    KINDS_BY_CODE,
    Written,
    case_letters,
    chase_letters,
    letter_text,
    load_contacts,
    mark_sent,
    save_contact,
    to_pdf,
    write_letter,
)
from send_desktop.letters.kinds import CEASE_GROUNDS, Need
from send_desktop.store import Database
from send_desktop.store.cases import add_row
from send_desktop.store.errors import ConflictError
from send_desktop.store.models import Case, FamilyContact, Letter
from send_desktop.store.queries import caseworker_id_by_name, family_contacts
from send_desktop.timeline import Status, Step

log = logging.getLogger(__name__)

CHANNELS = (("Email", "email"), ("Post", "post"), ("By hand", "hand"), ("Online portal", "portal"))
ROLES = (
    ("Parent", "parent"),
    ("Young person", "young_person"),
    ("Alternative person", "alternative_person"),
)
LONG_NEEDS = frozenset({"reasons", "evidence", "reason", "amendments"})
# Inputs a kind may take beyond what it always needs.
OPTIONAL_NEEDS: dict[str, tuple[Need, ...]] = {
    "RD": (Need("amendments", "The proposed amendments (when amending)"),),
}


def letter_for_event(event: str, outcome: object) -> str | None:
    """The letter that goes with an event just recorded (Record event offers to write it)."""
    if event == "decision":
        return "DA" if outcome == "assess" else "DNA" if outcome == "not-assess" else None
    return {
        "advice_requested": "ADV",
        "consultation_sent": "CON",
        "not_issue": "NP",
        "draft": "DP",
        "final": "FP",
        "exception": "DEL",
        "review_meeting": "AR",
        "review_decision": "RD",
    }.get(event)


def overdue_step(steps: list[Step]) -> Step | None:
    """The statutory step the delay notice is offered for: the earliest one overdue."""
    late = [s for s in steps if s.statutory and s.status == Status.OVERDUE and s.due]
    return min(late, key=lambda s: s.due or date.max, default=None)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class LettersDialog(QDialog):
    """Emits `changed` (case id) after a letter was written or marked sent."""

    changed = Signal(int)

    def __init__(
        self,
        db: Database,
        user: str,
        case_id: int,
        as_of: date,
        parent: QWidget | None = None,
        *,
        kind: str | None = None,
        fills: dict[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.user, self.case_id, self.as_of = db, user, case_id, as_of
        self.written: Written | None = None
        self.inputs: dict[str, QLineEdit | QPlainTextEdit | QComboBox] = {}
        with db.session() as s:
            case = s.get(Case, case_id)
            if case is None:
                raise KnownError("That case no longer exists")
            self.ref, self.child_name = case.ref, case.child.full_name
        self.setWindowTitle(f"Letters - {self.ref}")
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{self.ref}</b> - {self.child_name}", self)
        layout.addWidget(heading)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._write_tab(), "&Write and send")
        self.tabs.addTab(self._family_tab(), "&Who letters go to")
        self.tabs.addTab(self._contacts_tab(), "&Team contacts")
        layout.addWidget(self.tabs, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        if kind:
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self._kind_changed()
        for key, value in (fills or {}).items():
            self.set_input(key, value)
        self.refresh_letters()
        self.resize(940, 720)

    # ---------------------------------------------------------------- write
    def _write_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.kind_combo = QComboBox(page)
        self.kind_combo.setAccessibleName("Kind of letter")
        for kind in KINDS:
            if kind.code != "CHASE":
                self.kind_combo.addItem(f"{kind.code} - {kind.title}", kind.code)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        form.addRow("&Letter:", self.kind_combo)
        self.kind_hint = QLabel(page)
        self.kind_hint.setObjectName("sectionHint")
        self.kind_hint.setWordWrap(True)
        form.addRow("", self.kind_hint)
        self.date_edit = QDateEdit(_qdate(self.as_of), page)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setAccessibleName("Letter date (the day it is sent)")
        form.addRow("&Dated (sent on):", self.date_edit)
        layout.addLayout(form)
        self.inputs_form = QFormLayout()
        layout.addLayout(self.inputs_form)
        row = QHBoxLayout()
        self.write_button = QPushButton("W&rite the letter", page)
        self.write_button.setDefault(True)
        self.write_button.clicked.connect(self.write)
        self.open_button = QPushButton("&Open in the word processor", page)
        self.open_button.clicked.connect(self.open_letter)
        self.pdf_button = QPushButton("Make a &PDF", page)
        self.pdf_button.clicked.connect(self.make_pdf)
        for button in (self.open_button, self.pdf_button):
            button.setEnabled(False)
        row.addWidget(self.write_button)
        row.addWidget(self.open_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = QLabel(page)
        self.message.setObjectName("validationMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.preview = QPlainTextEdit(page)
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("Letter preview")
        self.preview.setPlaceholderText("The letter's text shows here once it is written.")
        layout.addWidget(self.preview, 3)
        layout.addWidget(QLabel("<b>Letters of this case</b>", page))
        self.letters_table = QTableWidget(0, 6, page)
        self.letters_table.setHorizontalHeaderLabels(
            ["Dated", "Letter", "To", "Sent", "How", "Kept copy"]
        )
        self.letters_table.setAccessibleName("Letters of this case")
        self.letters_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.letters_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.letters_table.verticalHeader().hide()
        self.letters_table.horizontalHeader().setStretchLastSection(True)
        self.letters_table.itemSelectionChanged.connect(self._letter_selected)
        layout.addWidget(self.letters_table, 1)
        sent_row = QHBoxLayout()
        sent_row.addWidget(QLabel("Sent on:", page))
        self.sent_edit = QDateEdit(_qdate(self.as_of), page)
        self.sent_edit.setCalendarPopup(True)
        self.sent_edit.setDisplayFormat("dd/MM/yyyy")
        self.sent_edit.setAccessibleName("Date sent")
        sent_row.addWidget(self.sent_edit)
        self.channel_combo = QComboBox(page)
        self.channel_combo.setAccessibleName("How it was sent")
        for text, data in CHANNELS:
            self.channel_combo.addItem(text, data)
        sent_row.addWidget(self.channel_combo)
        self.sent_button = QPushButton("&Mark sent", page)
        self.sent_button.setEnabled(False)
        self.sent_button.clicked.connect(self.mark_selected_sent)
        sent_row.addWidget(self.sent_button)
        sent_row.addStretch(1)
        layout.addLayout(sent_row)
        return page

    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _kind_changed(self) -> None:
        kind = KINDS_BY_CODE[self.kind]
        self.kind_hint.setText(f"To {kind.to}. {kind.source}.")
        while self.inputs_form.rowCount():
            self.inputs_form.removeRow(0)
        self.inputs = {}
        for need in (*kind.needs, *OPTIONAL_NEEDS.get(kind.code, ())):
            edit: QLineEdit | QPlainTextEdit | QComboBox
            if need.key == "ground":
                # The only two grounds of CFA s.45(1).
                edit = QComboBox(self)
                for ground in CEASE_GROUNDS:
                    edit.addItem(ground[0].upper() + ground[1:], ground)
            elif need.key in LONG_NEEDS:
                edit = QPlainTextEdit(self)
                edit.setFixedHeight(60)
            else:
                edit = QLineEdit(self)
                if need.is_date:
                    edit.setPlaceholderText("YYYY-MM-DD")
            edit.setAccessibleName(need.label)
            self.inputs_form.addRow(need.label + ":", edit)
            self.inputs[need.key] = edit

    def set_input(self, key: str, value: str) -> None:
        edit = self.inputs.get(key)
        if isinstance(edit, QComboBox):
            edit.setCurrentIndex(max(0, edit.findData(value)))
        elif isinstance(edit, QPlainTextEdit):
            edit.setPlainText(value)
        elif edit is not None:
            edit.setText(value)

    def fills(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for key, edit in self.inputs.items():
            if isinstance(edit, QComboBox):
                found[key] = str(edit.currentData())
            elif isinstance(edit, QPlainTextEdit):
                found[key] = edit.toPlainText()
            else:
                found[key] = edit.text()
        return found

    def show_message(self, text: str | None) -> None:
        self.message.setText(text or "")
        self.message.setVisible(bool(text))

    def write(self) -> Written | None:
        day = _pydate(self.date_edit.date())
        try:
            with self.db.session() as s:
                written = write_letter(s, self.user, self.case_id, self.kind, day, self.fills())
        except KnownError as exc:
            self.show_message(str(exc))
            return None
        self.written = written
        self.show_message(None)
        self.preview.setPlainText(letter_text(written.path))
        self.open_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        self.sent_edit.setDate(_qdate(day))
        self.refresh_letters(select_id=written.letter_ids[0])
        self.changed.emit(self.case_id)
        return written

    def open_letter(self) -> None:
        path = self._selected_path()
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def make_pdf(self) -> Path | None:
        path = self._selected_path()
        if path is None:
            return None
        try:
            pdf = to_pdf(path)
        except KnownError as exc:
            self.show_message(str(exc))
            return None
        self.show_message(None)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(pdf)))
        return pdf

    # ---------------------------------------------------------------- the case's letters
    def refresh_letters(self, select_id: int | None = None) -> None:
        with self.db.session() as s:
            rows = [
                (r.id, r.version, r.dated, r.letter, r.recipient, r.sent_on, r.sent_by, r.file_path)
                for r in case_letters(s, self.case_id)
            ]
        self.letter_rows = rows
        table = self.letters_table
        table.setRowCount(len(rows))
        for n, (_id, _v, written, kind, to, sent, channel, path) in enumerate(rows):
            values = (
                f"{written:%d/%m/%Y}",
                kind,
                to,
                f"{sent:%d/%m/%Y}" if sent else "not sent",
                dict((d, t) for t, d in CHANNELS).get(channel or "", ""),
                Path(path).name,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 5:
                    item.setToolTip(path)
                table.setItem(n, column, item)
        table.resizeColumnsToContents()
        if select_id is not None:
            for n, row in enumerate(rows):
                if row[0] == select_id:
                    table.selectRow(n)
        self._letter_selected()

    def _selected(self) -> tuple[object, ...] | None:
        index = self.letters_table.currentRow()
        if 0 <= index < len(self.letter_rows):
            return self.letter_rows[index]
        return None

    def _selected_path(self) -> Path | None:
        row = self._selected()
        return Path(str(row[7])) if row else (self.written.path if self.written else None)

    def _letter_selected(self) -> None:
        row = self._selected()
        self.sent_button.setEnabled(bool(row) and row is not None and row[5] is None)
        for button in (self.open_button, self.pdf_button):
            button.setEnabled(row is not None)
        if row is not None:
            path = Path(str(row[7]))
            if path.exists():
                self.preview.setPlainText(letter_text(path))

    def mark_selected_sent(self) -> bool:
        row = self._selected()
        if row is None:
            return False
        letter_id, version = int(str(row[0])), int(str(row[1]))
        try:
            with self.db.session() as s:
                mark_sent(
                    s,
                    self.user,
                    letter_id,
                    version,
                    _pydate(self.sent_edit.date()),
                    str(self.channel_combo.currentData()),
                    as_of=self.as_of,
                )
        except (KnownError, ConflictError) as exc:
            self.show_message(str(exc))
            return False
        self.show_message(None)
        self.refresh_letters(select_id=letter_id)
        self.changed.emit(self.case_id)
        return True

    # ---------------------------------------------------------------- family
    def _family_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        hint = QLabel(
            "The decision notices go to the person who may appeal: the parent until the end of "
            "compulsory school age, then the young person, or an alternative person acting for "
            "a young person who lacks capacity (CFA s.83(2); reg 64).",
            page,
        )
        hint.setWordWrap(True)
        hint.setObjectName("sectionHint")
        layout.addWidget(hint)
        self.family_table = QTableWidget(0, 4, page)
        self.family_table.setHorizontalHeaderLabels(["Name", "Role", "Prefers", "Address"])
        self.family_table.setAccessibleName("Family contacts")
        self.family_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.family_table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.family_table, 1)
        form = QFormLayout()
        self.family_name = QLineEdit(page)
        self.family_name.setAccessibleName("Name")
        self.family_role = QComboBox(page)
        for text, data in ROLES:
            self.family_role.addItem(text, data)
        self.family_address = QPlainTextEdit(page)
        self.family_address.setFixedHeight(70)
        self.family_address.setAccessibleName("Address")
        self.family_email = QLineEdit(page)
        self.family_channel = QComboBox(page)
        for text, data in CHANNELS:
            self.family_channel.addItem(text, data)
        self.family_appeal = QCheckBox("May appeal (receives the decision notices)", page)
        self.family_appeal.setChecked(True)
        form.addRow("&Name:", self.family_name)
        form.addRow("Role:", self.family_role)
        form.addRow("Address:", self.family_address)
        form.addRow("Email:", self.family_email)
        form.addRow("Prefers:", self.family_channel)
        form.addRow("", self.family_appeal)
        layout.addLayout(form)
        self.family_button = QPushButton("&Add this person", page)
        self.family_button.clicked.connect(self.add_family)
        self.family_message = QLabel(page)
        self.family_message.setWordWrap(True)
        layout.addWidget(self.family_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.family_message)
        self.refresh_family()
        return page

    def refresh_family(self) -> None:
        with self.db.session() as s:
            rows = [
                (c.name, c.role, c.preferred_channel, c.address)
                for c in family_contacts(s, self.case_id)
            ]
        self.family_table.setRowCount(len(rows))
        roles = {d: t for t, d in ROLES}
        for n, (name, role, channel, address) in enumerate(rows):
            for column, value in enumerate(
                (name, roles[role], channel or "", " / ".join(address.splitlines()))
            ):
                self.family_table.setItem(n, column, QTableWidgetItem(value))

    def add_family(self) -> bool:
        try:
            with self.db.session() as s:
                add_row(
                    s,
                    FamilyContact,
                    self.user,
                    self.case_id,
                    {
                        "name": self.family_name.text().strip(),
                        "role": self.family_role.currentData(),
                        "address": self.family_address.toPlainText().strip(),
                        "email": self.family_email.text().strip() or None,
                        "preferred_channel": self.family_channel.currentData(),
                        "may_appeal": self.family_appeal.isChecked(),
                    },
                    as_of=self.as_of,
                )
        except KnownError as exc:
            self.family_message.setText(str(exc))
            return False
        self.family_message.setText("Added.")
        self.family_name.clear()
        self.family_address.clear()
        self.family_email.clear()
        self.refresh_family()
        return True

    # ---------------------------------------------------------------- team contacts
    def _contacts_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        hint = QLabel(
            "Shared by the whole team. A letter that needs a contact left empty here is not "
            "written; the message names what is missing.",
            page,
        )
        hint.setWordWrap(True)
        hint.setObjectName("sectionHint")
        layout.addWidget(hint)
        form = QFormLayout()
        self.contact_edits: dict[str, QLineEdit] = {}
        with self.db.session() as s:
            saved = load_contacts(s)
        for key, what in CONTACTS.items():
            edit = QLineEdit(saved[key], page)
            edit.setAccessibleName(what)
            form.addRow(what[0].upper() + what[1:] + ":", edit)
            self.contact_edits[key] = edit
        layout.addLayout(form)
        self.contacts_button = QPushButton("&Save the contacts", page)
        self.contacts_button.clicked.connect(self.save_contacts)
        self.contacts_message = QLabel(page)
        layout.addWidget(self.contacts_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.contacts_message)
        layout.addStretch(1)
        return page

    def save_contacts(self) -> bool:
        try:
            with self.db.session() as s:
                for key, edit in self.contact_edits.items():
                    save_contact(s, key, edit.text(), self.user)
        except KnownError as exc:
            self.contacts_message.setText(str(exc))
            return False
        self.contacts_message.setText("Saved for the whole team.")
        return True


class ChaseDialog(QDialog):
    """The chase letters just written (one per adviser), with one button to mark them all sent."""

    def __init__(
        self,
        db: Database,
        user: str,
        as_of: date,
        written: list[Written],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.user, self.as_of, self.written = db, user, as_of, written
        self.setWindowTitle("Advice chase letters")
        layout = QVBoxLayout(self)
        self.summary = QLabel(
            f"{len(written)} chase letter(s) written, one per adviser, kept with each case:"
            if written
            else "No advice request of yours is overdue: no chase letter was needed.",
            self,
        )
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(written), 2, self)
        self.table.setHorizontalHeaderLabels(["Adviser", "Letter"])
        self.table.setAccessibleName("Chase letters written")
        self.table.horizontalHeader().setStretchLastSection(True)
        for n, w in enumerate(written):
            self.table.setItem(n, 0, QTableWidgetItem(w.recipient))
            self.table.setItem(n, 1, QTableWidgetItem(str(w.path)))
        self.table.resizeColumnToContents(0)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.channel_combo = QComboBox(self)
        for text, data in CHANNELS:
            self.channel_combo.addItem(text, data)
        self.sent_button = QPushButton(f"&Mark all sent today ({as_of:%d/%m/%Y})", self)
        self.sent_button.setEnabled(bool(written))
        self.sent_button.clicked.connect(self.mark_all_sent)
        row.addWidget(self.channel_combo)
        row.addWidget(self.sent_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 360)

    def mark_all_sent(self) -> int:
        count = 0
        try:
            with self.db.session() as s:
                for w in self.written:
                    for letter_id in w.letter_ids:
                        row = s.get(Letter, letter_id)
                        if row is not None and row.sent_on is None:
                            mark_sent(
                                s,
                                self.user,
                                row.id,
                                row.version,
                                self.as_of,
                                str(self.channel_combo.currentData()),
                                as_of=self.as_of,
                            )
                            count += 1
        except (KnownError, ConflictError) as exc:
            self.message.setText(str(exc))
            return 0
        self.message.setText(f"Marked {count} letter(s) sent; each case's chronology shows it.")
        self.sent_button.setEnabled(False)
        return count


def write_chase_letters(
    db: Database, user: str, as_of: date, parent: QWidget | None = None
) -> ChaseDialog:
    """The Today action: chase letters for every overdue advice request of this caseworker."""
    try:
        with db.session() as s:
            worker = caseworker_id_by_name(s, user)
            written = chase_letters(s, user, as_of, worker) if worker is not None else []
        dialog = ChaseDialog(db, user, as_of, written, parent)
    except KnownError as exc:
        dialog = ChaseDialog(db, user, as_of, [], parent)
        dialog.summary.setText(str(exc))
    log.info("chase letters written: %d", len(dialog.written))
    dialog.show()
    return dialog
