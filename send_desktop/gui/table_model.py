"""A read-only table model over a plain Python list of rows (tuples), fast at 100,000 rows.

Qt asks for the cells of the visible rows only, so the model keeps rows as they came from the
store and formats on demand. Sorting and filtering work on lists of row numbers in Python:
a sort is one `list.sort` with a precomputed key; a filter is a list of booleans built by the
caller (e.g. from lowercased search keys), so no Python call is made per row per keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QIcon

R = TypeVar("R")

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


def format_date(value: date | None) -> str:
    """UK style with the weekday: caseworkers plan by weekdays."""
    return value.strftime("%a %d/%m/%Y") if value else ""


def date_key(value: date | None) -> int:
    """Dates sort as dates; a missing date sorts after every real one."""
    return value.toordinal() if value else 10**9


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: how to show a row's cell, and what to sort it by."""

    title: str
    display: Callable[[R], str]
    sort_key: Callable[[R], Any]
    tooltip: Callable[[R], str | None] | None = None
    decoration: Callable[[R], QIcon | None] | None = None
    foreground: Callable[[R], QColor | None] | None = None
    align_right: bool = False
    header_tip: str = ""


#: The roles the models answer; Qt asks for about ten per cell on every paint, and a role
#: outside these is answered before any row is looked up.
ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        SORT_ROLE,
        ROW_ROLE,
    }
)


def cell(column: Column[R], row: R, role: int) -> Any:
    """What a column shows of a row for one Qt role (every table model here answers alike)."""
    if role == Qt.ItemDataRole.DisplayRole:
        return column.display(row)
    if role == Qt.ItemDataRole.ToolTipRole:
        return column.tooltip(row) if column.tooltip else None
    if role == Qt.ItemDataRole.DecorationRole:
        return column.decoration(row) if column.decoration else None
    if role == Qt.ItemDataRole.ForegroundRole:
        return column.foreground(row) if column.foreground else None
    if role == Qt.ItemDataRole.TextAlignmentRole:
        if column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
    if role == SORT_ROLE:
        key = column.sort_key(row)
        return key if isinstance(key, int | float | str) else str(key)
    return None


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows are kept in `_rows`; `_order` is the sorted row numbers; `_visible` the shown ones."""

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns: tuple[Column[R], ...] = tuple(columns)
        self._rows: list[R] = []
        self._order: list[int] = []
        self._visible: list[int] = []
        self._mask: Sequence[bool] | None = None
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # -- Qt interface ------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ANSWERED_ROLES or not index.isValid():
            return None
        row_number = index.row()
        if row_number >= len(self._visible) or index.column() >= len(self.columns):
            return None
        return cell(self.columns[index.column()], self._rows[self._visible[row_number]], role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.ToolTipRole and self.columns[section].header_tip:
                return self.columns[section].header_tip
        vertical_label = (
            orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole
        )
        if vertical_label and 0 <= section < len(self._visible):
            return str(section + 1)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.beginResetModel()
        self._sort_column, self._sort_order = column, order
        self._apply_sort()
        self._apply_mask()
        self.endResetModel()

    # -- Python interface --------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace every row (keeps the current sort; clears the filter)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._mask = None
        self._apply_sort()
        self._apply_mask()
        self.endResetModel()

    def set_mask(self, mask: Sequence[bool] | None) -> None:
        """Show only rows whose position in `all_rows()` has True (None shows everything)."""
        if mask is not None and len(mask) != len(self._rows):
            raise ValueError(f"mask has {len(mask)} entries for {len(self._rows)} rows")
        self.beginResetModel()
        self._mask = mask
        self._apply_mask()
        self.endResetModel()

    def all_rows(self) -> list[R]:
        return self._rows

    def visible_rows(self) -> list[R]:
        return [self._rows[i] for i in self._visible]

    def row_at(self, row_number: int) -> R:
        return self._rows[self._visible[row_number]]

    def sort_column(self) -> int:
        return self._sort_column

    def _apply_sort(self) -> None:
        numbers = list(range(len(self._rows)))
        if self._sort_column >= 0:
            key = self.columns[self._sort_column].sort_key
            rows = self._rows
            keys = [key(r) for r in rows]
            numbers.sort(
                key=keys.__getitem__,
                reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
            )
        self._order = numbers

    def _apply_mask(self) -> None:
        mask = self._mask
        self._visible = list(self._order) if mask is None else [i for i in self._order if mask[i]]
