"""The caseload table: columns over store CaseloadRow tuples, read a page at a time with SQL.

Scope, quick filter, stage and search are a `store.counts.CaseloadQuery`; the model counts and
fetches through store/desk_sql.py, the one definition of each count (store/counts.py runs the
same SQL), so the status bar, the banner and the dashboard cannot disagree. On a SQLite file
the reads are plain sqlite3 (desk_sql.PlainReader: SQLAlchemy need not be loaded); in team mode
(PostgreSQL) they go through a session.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from send_desktop.gui.status import (
    NOTHING_DUE,
    StatusLook,
    _colour,
    icon,
    look,
    status_colour,
    step_look,
)
from send_desktop.gui.table_model import (
    ANSWERED_ROLES,
    ROW_ROLE,
    AnyIndex,
    Column,
    cell,
    date_key,
    format_date,
)
from send_desktop.gui.tables import PaintedCell

# Plain modules only: the start paints this model before SQLAlchemy loads (gui/app.py), and
# store/counts.py is imported where a page is read through a session.
from send_desktop.store import desk_sql
from send_desktop.store.caseload_types import DESK_COLUMNS, CaseloadQuery, CaseloadRow, Shown
from send_desktop.timeline.counting import national_curriculum_year

if TYPE_CHECKING:
    from send_desktop.store import Database

T = TypeVar("T")


class Scope(StrEnum):
    MINE = "My cases"
    TEAM = "My team"
    EVERYONE = "Everyone"


class QuickFilter(StrEnum):
    ALL = "All open"
    OVERDUE = "Overdue"
    THIS_WEEK = "Due this week"
    FOUR_WEEKS = "Due in 4 weeks"
    EXCEPTIONS = "Exceptions"
    REVIEWS = "Reviews due"


QUICK_FILTER_TIPS: dict[QuickFilter, str] = {
    QuickFilter.ALL: "Every open case in the chosen scope",
    QuickFilter.OVERDUE: "The next statutory step is past its deadline",
    QuickFilter.THIS_WEEK: "The next deadline falls in the next 7 days",
    QuickFilter.FOUR_WEEKS: "The next deadline falls in the next 28 days",
    QuickFilter.EXCEPTIONS: "An exception (reg 5(4), 8(2), 10(4), 13(3)) is recorded",
    QuickFilter.REVIEWS: "The annual review is due within 4 weeks, or is overdue",
}


def age_and_year(date_of_birth: date | None, as_of: date) -> str:
    """'9 · Y4': age in years and national curriculum year, as caseworkers say it."""
    if date_of_birth is None:
        return ""
    age = as_of.year - date_of_birth.year
    if (as_of.month, as_of.day) < (date_of_birth.month, date_of_birth.day):
        age -= 1
    ncy = national_curriculum_year(date_of_birth, as_of)
    if ncy < 0:
        year = "Early years"
    elif ncy == 0:
        year = "R"
    elif ncy <= 14:
        year = f"Y{ncy}"
    else:
        year = "Post-19"
    return f"{age} · {year}"


def days_text(row: CaseloadRow) -> str:
    if row.days_left is None:
        return ""
    if row.days_left < 0:
        return f"{-row.days_left} late"
    if row.days_left == 0:
        return "today"
    return str(row.days_left)


def row_look(row: CaseloadRow) -> StatusLook:
    """The status of the case's next duty; an open case with no duty left is not "Closed":
    it shows the family's open window or right, or "Nothing due"."""
    if row.status is not None:
        return look(row.status)
    if row.family_step and row.family_due:
        return step_look(row.family_step, "on-track")  # open: the family's time runs
    return NOTHING_DUE


def _status_text(row: CaseloadRow) -> str:
    text = row_look(row).label
    return f"{text} (exception)" if row.has_exception and "exception" not in text else text


def _status_tip(row: CaseloadRow) -> str:
    parts = [row_look(row).label]
    if row.next_title:
        parts.append(f"Next: {row.next_title}")
    if row.has_exception:
        parts.append("An exception is recorded for this case")
    return "\n".join(parts)


def _next_tip(row: CaseloadRow) -> str | None:
    """The authority's next duty, and the family's open window or right beside it."""
    lines = [f"{row.next_title}, due {format_date(row.next_due)}"] if row.next_title else []
    if row.family_title and row.family_due:
        lines.append(f"The family's time: {row.family_title}, until {format_date(row.family_due)}")
    return "\n".join(lines) or None


def _status_rank(row: CaseloadRow) -> tuple[int, int]:
    return (row_look(row).rank, row.days_left if row.days_left is not None else 10**6)


def _urgent_colour(row: CaseloadRow) -> QColor | None:
    return status_colour(row.status) if row.days_left is not None else None


def _plain(shown: Shown) -> dict[str, Any]:
    """How a column of its kind shows and sorts a field, unless _looks says otherwise."""
    field = shown.field
    if shown.kind == "date":
        return {
            "display": lambda r: format_date(getattr(r, field)),
            "sort_key": lambda r: date_key(getattr(r, field)),
        }
    if shown.kind == "int":
        return {
            "display": lambda r: "" if getattr(r, field) is None else str(getattr(r, field)),
            "sort_key": lambda r: 10**6 if getattr(r, field) is None else getattr(r, field),
        }
    return {
        "display": lambda r: str(getattr(r, field) or ""),
        "sort_key": lambda r: str(getattr(r, field) or "").lower(),
    }


def _looks(as_of: date) -> dict[str, dict[str, Any]]:
    """The desk's own look of some fields (the rest are _plain by their kind)."""
    return {
        "child_name": {"sort_key": lambda r: (r.last_name.lower(), r.first_name.lower())},
        "date_of_birth": {
            "display": lambda r: age_and_year(r.date_of_birth, as_of),
            "sort_key": lambda r: -date_key(r.date_of_birth),
            "header_tip": "Age in years and national curriculum year (R = Reception)",
        },
        "next_title": {"sort_key": lambda r: r.next_title or "~", "tooltip": _next_tip},
        "days_left": {
            "display": days_text,
            "foreground": _urgent_colour,
            "header_tip": "Calendar days to the next deadline; 'late' when it has passed",
        },
        "status": {
            "display": _status_text,
            "sort_key": _status_rank,
            "tooltip": _status_tip,
            "decoration": lambda r: icon(row_look(r).icon_name),
            "foreground": lambda r: _colour(row_look(r).colour),
        },
    }


def caseload_columns(as_of: date) -> list[Column[CaseloadRow]]:
    """The desk's columns, as store/counts.py DESK_COLUMNS declares them."""
    looks = _looks(as_of)
    return [
        Column(
            shown.header,
            **(_plain(shown) | {"align_right": shown.align_right} | looks.get(shown.field, {})),
        )
        for shown in DESK_COLUMNS
    ]


_AT = {shown.field: number for number, shown in enumerate(DESK_COLUMNS)}
COL_REF, COL_CHILD, COL_AGE, COL_STAGE = (
    _AT["ref"],
    _AT["child_name"],
    _AT["date_of_birth"],
    _AT["stage"],
)
COL_NEXT, COL_DUE, COL_DAYS, COL_STATUS, COL_WORKER = (
    _AT["next_title"],
    _AT["next_due"],
    _AT["days_left"],
    _AT["status"],
    _AT["caseworker"],
)

#: The store's sort key (store/counts.py SORTS) for each column.
COLUMN_SORTS = tuple(shown.sort for shown in DESK_COLUMNS)
#: A typical widest value of each column the desk sizes to its values (the rest stretch).
COLUMN_SAMPLES = {number: shown.sample for number, shown in enumerate(DESK_COLUMNS) if shown.sample}

QUICK_KEYS: dict[QuickFilter, str] = {
    QuickFilter.ALL: "all",
    QuickFilter.OVERDUE: "overdue",
    QuickFilter.THIS_WEEK: "this-week",
    QuickFilter.FOUR_WEEKS: "four-weeks",
    QuickFilter.EXCEPTIONS: "exceptions",
    QuickFilter.REVIEWS: "reviews",
}


class CaseloadModel(QAbstractTableModel):
    """A virtual table over the stored deadlines: Qt asks for the rows in view, and they are
    read a page at a time with SQL (sorted and filtered there); nothing else is held.

    The row count and every count come from SQL aggregates (store/counts.py); a sort or a
    filter is a new query, not work over rows in memory - so the cost follows the page shown,
    not the size of the authority.
    """

    PAGE = 200

    def __init__(self, as_of: date, parent: object = None, db: Database | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.columns = tuple(caseload_columns(as_of))
        self.as_of = as_of
        self.db = db
        #: The SQLite file's plain reader (use_file, or the database's own file): the desk's
        #: reads without SQLAlchemy.
        self.plain: desk_sql.PlainReader | None = None
        if db is not None and db.path is not None:
            self.use_file(db.path)
        self.query: CaseloadQuery | None = None
        self._total = 0
        #: False while more cases match than the rows counted so far (a search over everyone
        #: counts up to counts.COUNT_CAP): the list shows "1,000+" and counts on at its end.
        self.count_exact = True
        self._pages: dict[int, list[CaseloadRow]] = {}
        self._cells: dict[tuple[int, int, int], Any] = {}
        self._paint_cache: dict[int, tuple[PaintedCell, ...]] = {}
        self._sort_column = COL_DUE
        self._descending = False

    # -- the reads -----------------------------------------------------------------------
    def use_file(self, path: Path) -> None:
        """Read the SQLite file at `path` with plain sqlite3 from now on (before the database
        is open, or beside it)."""
        if self.plain is None or self.plain.path != Path(path).resolve():
            if self.plain is not None:
                self.plain.close()
            self.plain = desk_sql.PlainReader(path)

    def readable(self) -> bool:
        return self.plain is not None or self.db is not None

    def read(self, work: Callable[[desk_sql.Reader], T]) -> T:
        """`work` on the plain reader, or else on a session of the database (team mode)."""
        if self.plain is not None:
            return work(self.plain)
        assert self.db is not None
        from send_desktop.store import counts

        with self.db.session() as session:
            return work(counts.reader(session))

    # -- the query -----------------------------------------------------------------------
    def set_query(
        self,
        query: CaseloadQuery | None,
        first_page: list[CaseloadRow] | None = None,
        total: int | None = None,
    ) -> None:
        """Show the cases `query` selects (None: nothing); a first page may come ready-read."""
        self.beginResetModel()
        self.query = query
        self._pages, self._cells, self._paint_cache = {}, {}, {}
        self.count_exact = True
        if query is None:
            self._total = 0
        elif first_page is not None and total is not None:
            # Also before the database is open: the start's plain first page (gui/app.py).
            self._total, self._pages[0] = total, first_page
        elif not self.readable():
            self._total = 0
        else:
            # One query for the rows in view and the row count (a window over the same rows).
            sort, descending = self.sort_key(), self._descending
            page, found = self.read(
                lambda r: desk_sql.first_page(r, query, sort, descending, self.PAGE)
            )
            self._pages[0] = page
            self._counted(found, desk_sql.COUNT_CAP)
        self.endResetModel()

    def _counted(self, found: int, cap: int) -> None:
        """A count stopped at `cap` rows: at least cap - 1 shown, the rest counted later."""
        self.count_exact = found < cap
        self._total = found if self.count_exact else cap - 1

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.count_exact

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        """The list scrolled to the last row counted: count ten times further (Qt's lazy
        population - the rows themselves are still read a page at a time)."""
        query = self.query
        if parent.isValid() or self.count_exact or query is None or not self.readable():
            return
        cap = self._total * 10 + 1
        found = self.read(lambda r: desk_sql.total(r, query, cap=cap))
        before = self._total
        exact, shown = found < cap, found if found < cap else cap - 1
        if shown > before:
            self.beginInsertRows(QModelIndex(), before, shown - 1)
            self._total, self.count_exact = shown, exact
            self.endInsertRows()
        else:
            self.count_exact = exact

    def count_text(self) -> str:
        """The row count as shown: exact, or "1,000+" while only a lower bound is known."""
        return f"{self._total:,}" if self.count_exact else f"{self._total:,}+"

    def refresh(self) -> None:
        self.set_query(self.query)

    def _page(self, number: int) -> list[CaseloadRow]:
        page = self._pages.get(number)
        if page is None:
            query = self.query
            assert query is not None and self.readable()
            sort, descending = self.sort_key(), self._descending
            many = self._total >= desk_sql.COUNT_CAP - 1
            page = self.read(
                lambda r: desk_sql.rows(
                    r, query, sort, descending, number * self.PAGE, self.PAGE, many=many
                )[0]
            )
            if len(self._pages) > 50:  # a long scroll keeps the pages near the view
                self._pages.clear()
                self._cells.clear()
                self._paint_cache.clear()
            self._pages[number] = page
        return page

    def sort_key(self) -> str:
        return (
            COLUMN_SORTS[self._sort_column] if 0 <= self._sort_column < len(COLUMN_SORTS) else "due"
        )

    def first_page(self, reader: desk_sql.Reader, query: CaseloadQuery) -> list[CaseloadRow]:
        """The first page for `query` in the current sort (read off the GUI thread)."""
        return desk_sql.rows(reader, query, self.sort_key(), self._descending, 0, self.PAGE)[0]

    # -- Qt interface --------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ANSWERED_ROLES or not index.isValid():
            return None
        if not 0 <= index.row() < self._total:
            return None
        if not self.readable() and index.row() // self.PAGE not in self._pages:
            return None  # the start's first page is shown; the rest reads once the db is open
        if index.column() >= len(self.columns):
            return None
        # A paint asks for each cell's roles, and a reset is followed by more than one paint:
        # each answer is worked out once per query and sort, then read from this dict.
        key = (index.row(), index.column(), role)
        try:
            return self._cells[key]
        except KeyError:
            pass
        row = self.row_at(index.row())
        value = row.case_id if role == ROW_ROLE else cell(self.columns[index.column()], row, role)
        if len(self._cells) > 20_000:  # about the rows of a few screens: scrolling starts afresh
            self._cells.clear()
        self._cells[key] = value
        return value

    def painted_cell(self, row_number: int, column: int) -> PaintedCell | None:
        """What the table's paint shows of a cell (gui/tables.py FastCellDelegate): each row's
        cells are worked out once per query and sort, from the same columns as data()."""
        if not 0 <= row_number < self._total or not 0 <= column < len(self.columns):
            return None
        found = self._paint_cache.get(row_number)
        if found is None:
            row = self.row_at(row_number)
            found = tuple(
                PaintedCell(
                    c.display(row),
                    c.decoration(row) if c.decoration else None,
                    c.foreground(row) if c.foreground else None,
                    c.align_right,
                )
                for c in self.columns
            )
            if len(self._paint_cache) > 2_000:  # a few screens' rows: scrolling starts afresh
                self._paint_cache.clear()
            self._paint_cache[row_number] = found
        return found[column]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.ToolTipRole and self.columns[section].header_tip:
                return self.columns[section].header_tip
        if (
            orientation == Qt.Orientation.Vertical
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < self._total
        ):
            return str(section + 1)
        return None

    # flags(): QAbstractTableModel's own (enabled, selectable, no children) - not overridden,
    # so a paint does not call into Python for every cell's flags.

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.beginResetModel()
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._pages, self._cells, self._paint_cache = {}, {}, {}
        self.endResetModel()

    # -- Python interface ----------------------------------------------------------------
    def row_at(self, row_number: int) -> CaseloadRow:
        page, at = divmod(row_number, self.PAGE)
        return self._page(page)[at]

    def visible_rows(self) -> list[CaseloadRow]:
        """Every row the query selects, in the shown order (for tests and small lists)."""
        while self.canFetchMore():
            self.fetchMore()
        return [self.row_at(i) for i in range(self._total)]

    def sort_column(self) -> int:
        return self._sort_column
