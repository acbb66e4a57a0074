# mypy: disable-error-code="no-untyped-call"
"""School closures (holidays) the authority knows of, for the warning on a new request.

A closure of 4 weeks or more can found the X1/X2 exception (reg 5(4)(a), 8(2)(a), 10(4)(a),
13(3)(a)); when a new request's advice weeks (6-12) or consultation weeks (16-17) fall in one,
the new request dialog says so, so the caseworker can ask schools for advice before they close.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from send_desktop.errors import KnownError
from send_desktop.gui.dates import DateField, to_qdate, uk
from send_desktop.gui.table_model import Column, RowTableModel
from send_desktop.gui.tables import configure_table
from send_desktop.store import Database
from send_desktop.store.cases import add_school_closure, delete_school_closure, school_closures
from send_desktop.timeline.closures import closure_days

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClosureLine:
    closure_id: int
    version: int
    name: str
    start: date
    end: date

    @property
    def weeks(self) -> str:
        days = closure_days(self.start, self.end)
        note = "" if days >= 28 else " (under 4 weeks: no warning)"
        return (
            f"{days // 7} weeks {days % 7} days{note}" if days % 7 else f"{days // 7} weeks{note}"
        )


COLUMNS: list[Column[ClosureLine]] = [
    Column("Closure", lambda c: c.name, lambda c: c.name.lower()),
    Column("First day closed", lambda c: uk(c.start), lambda c: c.start),
    Column("Last day closed", lambda c: uk(c.end), lambda c: c.end),
    Column("Length", lambda c: c.weeks, lambda c: c.end - c.start),
]


def load_closures(db: Database) -> list[ClosureLine]:
    with db.session() as session:
        return [
            ClosureLine(c.id, c.version, c.name, c.start, c.end) for c in school_closures(session)
        ]


def closure_periods(db: Database) -> list[tuple[date, date]]:
    """(first day closed, last day closed) of every known closure, for closure_warnings."""
    return [(c.start, c.end) for c in load_closures(db)]


class ClosuresDialog(QDialog):
    """List, add and remove closures; every change is audited by the store."""

    def __init__(self, db: Database, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.user = db, user
        self.setWindowTitle("School closures")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Closures of 4 weeks or more (the summer holiday, a long closure for building work). "
            "A new request whose advice weeks (6-12) or consultation weeks (16-17) fall in one "
            "gets a warning, so advice can be asked for before schools close.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model: RowTableModel[ClosureLine] = RowTableModel(COLUMNS, self)
        self.table = QTableView(self)
        self.table.setAccessibleName("Known school closures")
        self.table.setModel(self.model)
        configure_table(self.table)
        layout.addWidget(self.table, 1)

        form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("e.g. Summer holiday 2026")
        self.name_edit.setAccessibleName("Closure name")
        self.start_edit = DateField(self)
        self.end_edit = DateField(self)
        today = date.today()
        for edit, what in (
            (self.start_edit, "First day closed"),
            (self.end_edit, "Last day closed"),
        ):
            # The dialogs' one date field; closures are planned, so the future is allowed.
            edit.configure(what, today=today, accessible_name=what)
        self.start_edit.setDate(to_qdate(date(today.year, 7, 22)))
        self.end_edit.setDate(to_qdate(date(today.year, 9, 2)))
        form.addRow("&Name", self.name_edit)
        form.addRow("&First day closed", self.start_edit)
        form.addRow("&Last day closed", self.end_edit)
        layout.addLayout(form)
        self.message = QLabel(self)
        self.message.setObjectName("validationMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add closure", self)
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("&Remove selected", self)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        box.rejected.connect(self.accept)
        layout.addWidget(box)
        self.resize(640, 460)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(load_closures(self.db))
        self.table.resizeColumnsToContents()

    def problems(self) -> list[str]:
        found = []
        if not self.name_edit.text().strip():
            found.append("Give the closure a name, e.g. 'Summer holiday 2026'.")
        for edit in (self.start_edit, self.end_edit):
            problem = edit.show_error()
            if problem:
                found.append(problem)
        start, end = self.start_edit.value(), self.end_edit.value()
        if start is None or end is None:
            return found
        if end < start:
            found.append(f"The last day closed ({uk(end)}) is before the first ({uk(start)}).")
        elif end - start > timedelta(days=366):
            found.append("A closure longer than a year is not a school closure: check the dates.")
        return found

    def add(self) -> bool:
        problems = self.problems()
        if problems:
            self.message.setText("\n".join(problems))
            self.message.show()
            return False
        start, end = self.start_edit.value(), self.end_edit.value()
        assert start is not None and end is not None  # problems() found none
        try:
            with self.db.session() as session:
                add_school_closure(
                    session,
                    self.user,
                    name=self.name_edit.text().strip(),
                    start=start,
                    end=end,
                )
        except KnownError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return False
        self.message.hide()
        self.name_edit.clear()
        self.refresh()
        return True

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        line = self.model.row_at(rows[0].row())
        try:
            with self.db.session() as session:
                delete_school_closure(session, line.closure_id, line.version, self.user)
        except KnownError as exc:
            self.message.setText(str(exc))
            self.message.show()
        self.refresh()
