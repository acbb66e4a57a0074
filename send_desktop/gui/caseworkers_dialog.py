# mypy: disable-error-code="no-untyped-call"
"""The team's caseworkers: who is on the list, which names look alike, and a team leader's merge."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from send_desktop.errors import KnownError
from send_desktop.store import Database
from send_desktop.store.caseworkers import merge_caseworkers
from send_desktop.store.queries import caseworkers, open_case_counts
from send_desktop.timeline.names import near_duplicates

log = logging.getLogger(__name__)


class CaseworkersDialog(QDialog):
    """Lists the active caseworkers with their open cases; merges a duplicate into another."""

    def __init__(self, db: Database, user: str, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.user, self.as_of = db, user, as_of
        self.setWindowTitle("Caseworkers")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "The team's list of caseworkers. Names that look alike are marked: if two records "
            "are the same person, a team leader can merge them - every case moves, and each "
            "case's chronology says so.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Caseworkers on the team's list")
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Merge the selected record into:", self))
        self.keep_combo = QComboBox(self)
        self.keep_combo.setAccessibleName("Caseworker record to keep")
        row.addWidget(self.keep_combo, 1)
        self.merge_button = QPushButton("&Merge...", self)
        self.merge_button.clicked.connect(self.merge)
        row.addWidget(self.merge_button)
        layout.addLayout(row)
        self.message = QLabel(self)
        self.message.setObjectName("validationMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        box.rejected.connect(self.accept)
        layout.addWidget(box)
        self.list.currentRowChanged.connect(self._selected)
        self.resize(560, 420)
        self.refresh()

    def refresh(self) -> None:
        with self.db.session() as session:
            counts = open_case_counts(session)
            workers = [(w.id, w.name) for w in caseworkers(session)]
        names = [name for _id, name in workers]
        self.workers = workers
        self.list.clear()
        for worker_id, name in workers:
            similar = near_duplicates(name, names)
            text = f"{name} - {counts.get(worker_id, 0)} open cases"
            if similar:
                text += f"  (looks like {', '.join(similar)})"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, worker_id)
            self.list.addItem(item)
        self._selected()

    def _selected(self) -> None:
        chosen = self.selected_id()
        self.keep_combo.clear()
        for worker_id, name in self.workers:
            if worker_id != chosen:
                self.keep_combo.addItem(name, worker_id)
        if chosen is not None:
            name = dict(self.workers)[chosen]
            similar = near_duplicates(name, [n for i, n in self.workers if i != chosen])
            if similar:
                self.keep_combo.setCurrentIndex(self.keep_combo.findText(similar[0]))
        self.merge_button.setEnabled(chosen is not None and self.keep_combo.count() > 0)

    def selected_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def merge(self, confirmed: bool = False) -> int | None:
        gone, keep = self.selected_id(), self.keep_combo.currentData()
        if gone is None or keep is None:
            return None
        names = dict(self.workers)
        if not confirmed:
            answer = QMessageBox.question(
                self,
                "Merge caseworker records",
                f"Move every case of {names[gone]!r} to {names[keep]!r} and take "
                f"{names[gone]!r} off the list? Each case's chronology will say so.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        try:
            with self.db.session() as session:
                moved = merge_caseworkers(session, self.user, int(keep), gone, as_of=self.as_of)
        except KnownError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return None
        self.message.setText(f"{moved} cases moved from {names[gone]} to {names[keep]}.")
        self.message.show()
        log.info("merged caseworker %s into %s", gone, keep)
        self.refresh()
        return moved
