"""The one definition of each status and count, as SQL over the stored deadlines.

Every screen and sheet - the banner, the status bar, the caseload, Today, the dashboard,
`report` and the workbook - counts through these expressions, so "overdue" means the same
everywhere:

- a case is **overdue** when one of its open statutory duties is past its due date and no
  recorded exception excuses it (that duty is then its next deadline); **late - exception** when
  its next duty is past due but excused (still late, but not a breach: reg 5(4), 8(2), 10(4),
  13(3)) and nothing unexcused is;
- a **step** is overdue on the same rule, counted over every open duty of the case;
- **due this week** / **due in 4 weeks**: the next duty falls today or in the next 7 / 28 days;
- **due soon**: the policy's warning working days before the due date (stored per step);
- **reviews due**: the annual review falls in the next 28 days or has passed.

A status that depends on today is decided in the query, from stored dates: nothing is
recomputed at midnight. `timeline.digest.status_on` is the same rule in Python (tested equal).

Each of these is written once, as SQL text, in store/desk_sql.py; this module runs the desk's
reads (counts, total, rows, first_page, steps_due) through a session's connection (SQLite, and
PostgreSQL in team mode), the desk runs the same text on plain sqlite3, and `report` and the
dashboard (store/report_sql.py) build their GROUP BYs from the same definitions.

The plain data a caseload is made of (CaseloadRow, CaseloadQuery, Counts, and its columns as
the desk and the workbook show them: Shown, DESK_COLUMNS, WORKBOOK_COLUMNS) is defined in
store/caseload_types.py, without SQLAlchemy, for the start's first paint; it is re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    text,
)
from sqlalchemy.orm import Session

from send_desktop.store import desk_sql
from send_desktop.store.caseload_types import DESK_COLUMNS as DESK_COLUMNS
from send_desktop.store.caseload_types import WORKBOOK_COLUMNS as WORKBOOK_COLUMNS
from send_desktop.store.caseload_types import CaseloadQuery as CaseloadQuery
from send_desktop.store.caseload_types import CaseloadRow as CaseloadRow
from send_desktop.store.caseload_types import Counts as Counts
from send_desktop.store.caseload_types import Shown as Shown

WEEK_DAYS = desk_sql.WEEK_DAYS
FOUR_WEEKS_DAYS = desk_sql.FOUR_WEEKS_DAYS
REVIEW_HORIZON_DAYS = desk_sql.REVIEW_HORIZON_DAYS
QUICK_FILTERS = desk_sql.QUICK_FILTERS


# --- the desk's reads: store/desk_sql.py's SQL text, run through this session ------------


class _Reader:
    """desk_sql.Reader over a session's connection (SQLite or PostgreSQL): the same SQL text
    the plain reads run, through SQLAlchemy's text()."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self.key = ("engine", id(conn.engine))

    def all(self, sql: str, params: dict[str, Any]) -> list[Sequence[Any]]:
        return list(self.conn.execute(text(sql), params))


def reader(session: Session) -> desk_sql.Reader:
    return _Reader(session.connection())


def _search_candidates(words: list[str], conn: Connection) -> str | None:
    """desk_sql.candidates: the search index's narrowing of these words (None: LIKE alone)."""
    return desk_sql.candidates(_Reader(conn), desk_sql.Binds(conn.dialect.name), words)


COUNT_CAP = desk_sql.COUNT_CAP
SORTS = desk_sql.SORTS
_INDEXED = desk_sql.INDEXED


def counts(session: Session, q: CaseloadQuery) -> Counts:
    """The counts of the cases q selects, ignoring its quick filter (they label the filters)."""
    return desk_sql.counts(reader(session), q)


def total(session: Session, q: CaseloadQuery, cap: int | None = None) -> int:
    """How many cases q selects (its quick filter included); with a cap, min(that, cap)."""
    return desk_sql.total(reader(session), q, cap)


def rows(
    session: Session,
    q: CaseloadQuery,
    sort: str = "id",
    descending: bool = False,
    offset: int = 0,
    limit: int | None = None,
    *,
    many: bool = False,
) -> list[Any]:
    """The CaseloadRows q selects, sorted in SQL, one page at a time (all when limit is None);
    `many`: q is known to select at least COUNT_CAP cases (a hint for the plan)."""
    return desk_sql.rows(reader(session), q, sort, descending, offset, limit, many=many)[0]


def first_page(
    session: Session, q: CaseloadQuery, sort: str, descending: bool, limit: int
) -> tuple[list[Any], int]:
    """The first `limit` rows and total(q) (capped at COUNT_CAP over the whole authority)."""
    return desk_sql.first_page(reader(session), q, sort, descending, limit)


def steps_due(session: Session, q: CaseloadQuery, horizon_days: int) -> list[tuple[int, str, date]]:
    """(case id, step id, due) of every open step of q's cases due by today + horizon."""
    return desk_sql.steps_due(reader(session), q, horizon_days)
