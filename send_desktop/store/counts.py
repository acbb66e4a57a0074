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

The desk's reads (counts, total, rows, first_page, steps_due) are store/desk_sql.py's SQL text,
run here through the session's connection (SQLite, and PostgreSQL in team mode); the desk runs
the same text on plain sqlite3. The SQLAlchemy expressions below (is_overdue ... scoped) remain
for report_sql's GROUP BYs (`scoped`) and the tests' LIKE oracle: the same rules, a second
spelling until report_sql reads through desk_sql too.

The plain data a caseload is made of (CaseloadRow, CaseloadQuery, Counts, and its columns as
the desk and the workbook show them: Shown, DESK_COLUMNS, WORKBOOK_COLUMNS) is defined in
store/caseload_types.py, without SQLAlchemy, for the start's first paint; it is re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    false,
    func,
    or_,
    select,
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
from send_desktop.store.models import Case, CaseStepRow, Caseworker, Child
from send_desktop.store.models import CaseSummaryRow as S
from send_desktop.timeline.digest import DUTY

WEEK_DAYS = 7
FOUR_WEEKS_DAYS = 28
REVIEW_HORIZON_DAYS = 28

QUICK_FILTERS = ("all", "overdue", "this-week", "four-weeks", "exceptions", "reviews")


# --- the definitions -------------------------------------------------------------------------


def is_overdue(today: date) -> ColumnElement[bool]:
    return S.breach_due < today


def is_late_exception(today: date) -> ColumnElement[bool]:
    return and_(S.next_due < today, or_(S.breach_due.is_(None), S.breach_due >= today))


def is_due_within(today: date, days: int) -> ColumnElement[bool]:
    """The next deadline falls today or in the next `days` days (an overdue case's is past)."""
    return and_(
        S.next_due >= today,
        S.next_due <= today + timedelta(days=days),
        or_(S.breach_due.is_(None), S.breach_due >= today),
    )


def is_review_due(today: date) -> ColumnElement[bool]:
    return S.review_due <= today + timedelta(days=REVIEW_HORIZON_DAYS)


def quick_condition(quick: str, today: date) -> ColumnElement[bool] | None:
    if quick == "overdue":
        return is_overdue(today)
    if quick == "this-week":
        return is_due_within(today, WEEK_DAYS)
    if quick == "four-weeks":
        return is_due_within(today, FOUR_WEEKS_DAYS)
    if quick == "exceptions":
        return S.has_exception.is_(True)
    if quick == "reviews":
        return is_review_due(today)
    return None


# --- which cases -----------------------------------------------------------------------------


def _like_pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_condition(search: str) -> ColumnElement[bool] | None:
    """Every word must appear in the reference, a name or the UPN (case-insensitive)."""
    conditions = []
    for word in search.lower().split():
        pattern = _like_pattern(word)
        conditions.append(
            or_(
                func.lower(Case.ref).like(pattern, escape="\\"),
                func.lower(Child.first_name).like(pattern, escape="\\"),
                func.lower(Child.last_name).like(pattern, escape="\\"),
                func.lower(Child.upn).like(pattern, escape="\\"),
            )
        )
    return and_(*conditions) if conditions else None


def _where(query: Select[Any], q: CaseloadQuery, *, names: bool) -> Select[Any]:
    """q's conditions, for scoped()'s callers' GROUP BYs (LIKE alone decides a search: the
    desk's reads, narrowed by the search index, are store/desk_sql.py's)."""
    if q.nobody:
        return query.where(false())
    if q.caseworker_id is not None:
        query = query.where(Case.caseworker_id == q.caseworker_id)
    if q.team_id is not None:
        team_workers = select(Caseworker.id).where(Caseworker.team_id == q.team_id)
        query = query.where(Case.caseworker_id.in_(team_workers))
    if not q.include_closed:
        query = query.where(Case.closed.is_(False))
    if q.stage:
        query = query.where(S.stage == q.stage)
    condition = quick_condition(q.quick, q.as_of)
    if condition is not None:
        query = query.where(condition)
    if q.search and q.search.strip():
        found = search_condition(q.search)
        if found is not None:
            if not names:
                query = query.join(Child, Child.id == Case.child_id)
            query = query.where(found)
    return query


def _from_cases(*columns: Any) -> Select[Any]:
    return select(*columns).select_from(Case).join(S, S.case_id == Case.id)


def scoped(q: CaseloadQuery, *columns: Any, steps: bool = False) -> Select[Any]:
    """SELECT columns over the cases q selects and their stored summary - or, with steps,
    over their stored open steps - for a caller's GROUP BY with this module's conditions."""
    if not steps:
        return _where(_from_cases(*columns), q, names=False)
    query = (
        select(*columns)
        .select_from(CaseStepRow)
        .join(Case, Case.id == CaseStepRow.case_id)
        .join(S, S.case_id == Case.id)
    )
    return _where(query, q, names=False)


def step_is_open(today: date) -> ColumnElement[bool]:
    """A stored step still to be done on `today`: a duty until it is done (late or not); the
    family's window or right until it ends (the engine's Step.is_open)."""
    return or_(CaseStepRow.kind == DUTY, CaseStepRow.due >= today)


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
