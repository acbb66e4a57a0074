"""Table settings shared by every window (the caseload, a case, the dashboard, the calculator,
school closures): one place, so no window imports another to borrow them."""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

from PySide6.QtCore import QPointF, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QPainter,
    QPalette,
    QPixmap,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

ROW_HEIGHT_LINES = 1.9  # fixed row height in multiples of the font height: no per-row sizing


def configure_table(view: QTableView) -> None:
    """Settings that keep a 100,000-row table smooth: fixed heights, no word wrap, no grid."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setShowGrid(False)
    view.setSortingEnabled(True)
    view.setTabKeyNavigation(False)
    vertical = view.verticalHeader()
    vertical.setVisible(False)
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(int(view.fontMetrics().height() * ROW_HEIGHT_LINES))
    horizontal = view.horizontalHeader()
    horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    horizontal.setStretchLastSection(True)
    horizontal.setHighlightSections(False)


class PaintedCell(NamedTuple):
    """What a cell shows: its text, icon, text colour (None: the palette's) and alignment."""

    text: str
    icon: QIcon | None = None
    colour: QColor | None = None
    align_right: bool = False


class PaintedModel(Protocol):
    def painted_cell(self, row: int, column: int) -> PaintedCell | None: ...


class FastCellDelegate(QStyledItemDelegate):
    """Paints a table's cells from the model's `painted_cell` with laid-out text kept between
    paints (QStaticText) and icons as ready pixmaps: Qt's own delegate lays each cell's text
    out afresh on every paint and asks the model for seven roles per cell, which was most of a
    keystroke's or a sort's time on a caseworker's desk. The row background, alternating
    colours and the selection are the view's (its style's), as with the standard delegate."""

    MARGIN = 4
    KEPT = 4_000  # laid-out texts kept (a few screens' cells); then laid out afresh

    def __init__(self, view: QTableView, model: PaintedModel) -> None:
        super().__init__(view)
        self._model = model
        self._texts: dict[tuple[str, int], str | QStaticText] = {}
        self._pixmaps: dict[tuple[int, int, bool], QPixmap] = {}
        self._font = QFont(view.font())
        self._metrics = QFontMetrics(self._font)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        found = self._model.painted_cell(index.row(), index.column())
        if found is None:
            return
        if option.font != self._font:
            self._font = QFont(option.font)
            self._metrics = QFontMetrics(self._font)
            self._texts.clear()
        rect = option.rect
        state = option.state
        palette = option.palette
        selected = bool(state & QStyle.StateFlag.State_Selected)
        left = rect.x() + self.MARGIN
        if found.icon is not None:
            side = min(rect.height() - 2, self._metrics.height() + 2)
            pixmap = self._pixmap(found.icon, side, selected)
            painter.drawPixmap(left, rect.y() + (rect.height() - side) // 2, pixmap)
            left += side + self.MARGIN
        width = rect.right() - self.MARGIN - left
        if width <= 0 or not found.text:
            return
        pen = painter.pen()
        if selected:
            painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        elif found.colour is not None:
            painter.setPen(found.colour)
        else:
            painter.setPen(palette.color(QPalette.ColorRole.Text))
        laid_out = self._laid_out(found.text, width)
        if isinstance(laid_out, str):  # first seen: one plain draw is cheaper than a layout
            align = Qt.AlignmentFlag.AlignRight if found.align_right else Qt.AlignmentFlag.AlignLeft
            box = QRect(left, rect.y(), width, rect.height())
            painter.drawText(box, int(align | Qt.AlignmentFlag.AlignVCenter), laid_out)
        else:
            size = laid_out.size()
            x = left + (width - size.width() if found.align_right else 0)
            top = rect.y() + (rect.height() - size.height()) / 2
            painter.drawStaticText(QPointF(x, top), laid_out)
        painter.setPen(pen)
        if state & QStyle.StateFlag.State_HasFocus:
            painter.save()
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight
            painter.setPen(palette.color(role))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            painter.restore()

    def _laid_out(self, text: str, width: int) -> str | QStaticText:
        """The text as shown in `width` (elided to fit): the plain string the first time it
        is painted, its kept layout (QStaticText) from the second (a re-sort, a repaint)."""
        key = (text, width)
        kept = self._texts.get(key)
        if kept is None:
            shown = text
            if self._metrics.horizontalAdvance(text) > width:
                shown = self._metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            kept = shown
        elif isinstance(kept, str):
            static = QStaticText(kept)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(QTransform(), self._font)
            kept = static
        else:
            return kept
        if len(self._texts) > self.KEPT:
            self._texts.clear()
        self._texts[key] = kept
        return kept

    def _pixmap(self, icon: QIcon, side: int, selected: bool) -> QPixmap:
        key = (icon.cacheKey(), side, selected)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            mode = QIcon.Mode.Selected if selected else QIcon.Mode.Normal
            pixmap = icon.pixmap(QSize(side, side), mode)
            self._pixmaps[key] = pixmap
        return pixmap
