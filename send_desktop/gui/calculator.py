"""A small deadline calculator: type the dates you know, see every statutory step."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from send_desktop import APP_NAME
from send_desktop.gui.case_window import STEP_COLUMNS
from send_desktop.gui.dates import DateField
from send_desktop.gui.status import app_icon
from send_desktop.gui.table_model import RowTableModel
from send_desktop.gui.tables import configure_table
from send_desktop.timeline import Facts, Policy, Step, compute_steps, order

FIELDS: tuple[tuple[str, str], ...] = (
    ("request_received", "Request received"),
    ("decision_to_assess", "Decision whether to assess"),
    ("draft_served", "Draft plan served"),
    ("final_issued", "Final plan issued"),
    ("plan_issued", "Plan first issued"),
    ("date_of_birth", "Date of birth"),
    ("decision_sent", "Decision notice sent (appeal)"),
    ("certificate_issued", "Mediation certificate issued"),
)


class DeadlineCalculator(QWidget):
    """Facts entered with date fields go straight into timeline.compute_steps."""

    def __init__(
        self, as_of: date, policy: Policy | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.as_of, self.policy = as_of, policy or Policy()
        self.setWindowTitle(f"Deadline calculator - {APP_NAME}")
        self.setWindowIcon(app_icon())
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QHBoxLayout(self)
        form = QFormLayout()
        self.edits: dict[str, DateField] = {}
        for name, label in FIELDS:
            # The dialogs' date field: typed dates kept, impossible ones an error at the field.
            edit = DateField(self)
            edit.configure(label, today=as_of, empty_ok=True, accessible_name=label)
            edit.changed.connect(self.recalculate)
            form.addRow(f"{label}:", edit)
            self.edits[name] = edit
        self.outcome = QComboBox(self)
        self.outcome.setAccessibleName("Decision outcome")
        self.outcome.addItem("Not decided", None)
        self.outcome.addItem("Assess", "assess")
        self.outcome.addItem("Not assess", "not-assess")
        self.outcome.currentIndexChanged.connect(self.recalculate)
        form.addRow("Decision outcome:", self.outcome)
        hint = QLabel("Leave a date empty if it has not happened.", self)
        hint.setObjectName("sectionHint")
        hint.setWordWrap(True)
        form.addRow(hint)
        layout.addLayout(form)
        right = QVBoxLayout()
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        right.addWidget(self.summary)
        self.model: RowTableModel[Step] = RowTableModel(STEP_COLUMNS, self)
        self.table = QTableView(self)
        self.table.setAccessibleName("Statutory steps for these dates")
        self.table.setModel(self.model)
        configure_table(self.table)
        # Steps read in the order they fall due, as the law runs.
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        right.addWidget(self.table, 1)
        layout.addLayout(right, 1)
        self.edits["request_received"].set_value(as_of)
        self.resize(1100, 520)
        self.recalculate()

    def facts(self) -> Facts:
        values: dict[str, Any] = {n: e.value() for n, e in self.edits.items()}
        outcome = self.outcome.currentData()
        if outcome is not None and values["decision_to_assess"] is None:
            outcome = None
        return Facts(decision_outcome=outcome, **values)

    def recalculate(self) -> None:
        # The same rules as calc, the dialogs and the store (timeline.order).
        problems = [p for p in (e.error() for e in self.edits.values()) if p]
        if not problems:
            problems = order.impossible(self.facts(), None)
        if problems:
            self.summary.setText(f"<b>Check the dates:</b> {problems[0]}")
            self.model.set_rows([])
            return
        try:
            steps = compute_steps(self.facts(), self.as_of, self.policy)
        except ValueError as exc:  # e.g. dates in an impossible order
            self.summary.setText(f"<b>Check the dates:</b> {exc}")
            self.model.set_rows([])
            return
        self.model.set_rows(steps)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(0, max(self.table.columnWidth(0), 260))
        self.summary.setText(
            f"{len(steps)} steps as of {self.as_of:%d/%m/%Y}. Hover over a step for its rule."
        )
