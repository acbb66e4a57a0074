"""The caseload desk's cheap paint and its declared columns, over a real SQLite demo database:
the fast delegate paints what the model's data() says; the desk's and the workbook's columns
come from store/counts.py's declarations; a quick filter alone does not recount."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from send_desktop.gui.caseload import COLUMN_SORTS, CaseloadModel, QuickFilter, Scope
from send_desktop.gui.main_window import MainWindow
from send_desktop.gui.tables import FastCellDelegate
from send_desktop.store import Database, counts
from send_desktop.store.caseload_columns import ROW
from send_desktop.store.counts import DESK_COLUMNS, SORTS, WORKBOOK_COLUMNS, CaseloadRow
from send_desktop.store.demo import make_demo
from send_desktop.workbooks.export import caseload_columns, caseload_values

AS_OF = date(2025, 6, 2)
DISPLAY, DECORATION = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole
FOREGROUND, ALIGNMENT = Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole


def _busiest(db: Database) -> str:
    with db.session() as session:
        rows = counts.rows(session, counts.CaseloadQuery(AS_OF))
    name = Counter(r.caseworker for r in rows if r.caseworker).most_common(1)[0][0]
    assert name is not None
    return name


def _desk(qtbot: QtBot, db: Database, cases: int) -> MainWindow:
    """The busiest caseworker's desk over a demo of `cases` cases, loaded."""
    make_demo(db, cases=cases, seed=11, as_of=AS_OF, force=True)
    window = MainWindow(db, _busiest(db), as_of=AS_OF, load=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.caseload_loaded, timeout=20000):
        window.reload()
    return window


def test_the_delegate_paints_what_data_says(qtbot: QtBot, sqlite_db: Database) -> None:
    make_demo(sqlite_db, cases=150, seed=5, as_of=AS_OF, force=True)
    model = CaseloadModel(AS_OF, db=sqlite_db)
    model.set_query(counts.CaseloadQuery(AS_OF))
    with sqlite_db.session() as session:
        assert model.rowCount() == counts.total(session, counts.CaseloadQuery(AS_OF)) > 100
    for sort_column in (COLUMN_SORTS.index("status"), COLUMN_SORTS.index("ref")):
        model.sort(sort_column, Qt.SortOrder.DescendingOrder)
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                index = model.index(row, column)
                painted = model.painted_cell(row, column)
                assert painted is not None
                assert painted.text == model.data(index, DISPLAY)
                assert (painted.icon is None) == (model.data(index, DECORATION) is None)
                assert painted.colour == model.data(index, FOREGROUND)
                assert painted.align_right == (model.data(index, ALIGNMENT) is not None)
    assert model.painted_cell(model.rowCount(), 0) is None
    assert model.painted_cell(0, model.columnCount()) is None


def test_the_desk_paints_through_the_fast_delegate(qtbot: QtBot, sqlite_db: Database) -> None:
    window = _desk(qtbot, sqlite_db, 60)
    window.resize(1366, 768)
    window.show()
    assert isinstance(window.table.itemDelegate(), FastCellDelegate)
    window.table.selectRow(0)
    image = window.table.viewport().grab().toImage()
    # Something was painted in the first row (text and the selection), not a blank table.
    first = window.table.visualRect(window.model.index(0, 0))
    colours = {image.pixel(x, first.center().y()) for x in range(first.left(), first.right())}
    assert len(colours) > 1


def test_columns_are_declared_once_in_the_store() -> None:
    fields = set(CaseloadRow._fields)
    assert {c.field for c in (*DESK_COLUMNS, *WORKBOOK_COLUMNS)} <= fields
    assert {read.name for read in ROW} <= fields
    assert all(c.sort in SORTS for c in DESK_COLUMNS)
    model = CaseloadModel(AS_OF)
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert headers == [c.header for c in DESK_COLUMNS]
    assert tuple(c.sort for c in DESK_COLUMNS) == COLUMN_SORTS
    assert [c.header for c in caseload_columns(False)] == [c.header for c in WORKBOOK_COLUMNS]
    private = {c.header for c in WORKBOOK_COLUMNS if c.personal}
    assert private == {"Date of birth", "UPN"}
    assert not private & {c.header for c in caseload_columns(True)}


def test_workbook_values_follow_the_declaration(sqlite_db: Database) -> None:
    make_demo(sqlite_db, cases=40, seed=8, as_of=AS_OF, force=True)
    with sqlite_db.session() as session:
        rows = counts.rows(session, counts.CaseloadQuery(AS_OF))
    for row in rows:
        values = caseload_values(row, False)
        assert len(values) == len(WORKBOOK_COLUMNS)
        by_header = dict(zip((c.header for c in WORKBOOK_COLUMNS), values, strict=True))
        assert by_header["Case ref"] == row.ref
        assert by_header["Next deadline"] == row.next_due
        assert by_header["Exception"] == ("Yes" if row.has_exception else "")
        hidden = caseload_values(row, True)
        assert len(hidden) == len(caseload_columns(True))
        assert row.child_name not in hidden


def test_a_quick_filter_alone_does_not_recount(qtbot: QtBot, sqlite_db: Database) -> None:
    window = _desk(qtbot, sqlite_db, 120)
    window.scope_combo.setCurrentIndex(window.scope_combo.findText(Scope.MINE.value))
    statements = 0

    def seen(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(sqlite_db.engine, "before_cursor_execute", seen)
    window.set_quick_filter(QuickFilter.OVERDUE)  # counted once for this scope and stage
    window.set_quick_filter(QuickFilter.ALL)
    expected = window._scope_counts
    for quick in QuickFilter:
        before = statements
        window.set_quick_filter(quick)
        # The page and its row count (one statement) and the family's windows: no recount.
        assert statements - before <= 2
        assert window._scope_counts == expected
        with sqlite_db.session() as session:
            fresh = counts.counts(session, window._current_query())
        assert fresh == expected  # the counts kept are the counts (they ignore the filter)
    window.stage_combo.setCurrentIndex(1)  # another stage: new counts
    with sqlite_db.session() as session:
        assert window._scope_counts == counts.counts(session, window._current_query())
