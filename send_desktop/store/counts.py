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

A status that depends on today is decided here, in the query, from stored dates: nothing is
recomputed at midnight. `timeline.digest.status_on` is the same rule in Python (tested equal).

The plain data a caseload is made of (CaseloadRow, CaseloadQuery, Counts, and its columns as
the desk and the workbook show them: Shown, DESK_COLUMNS, WORKBOOK_COLUMNS) is defined in
store/caseload_types.py, without SQLAlchemy, for the start's first paint; it is re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    and_,
    case,
    column,
    false,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from send_desktop import timeline as tl
from send_desktop.store import caseload_columns, search_index
from send_desktop.store.caseload_types import DESK_COLUMNS as DESK_COLUMNS
from send_desktop.store.caseload_types import WORKBOOK_COLUMNS as WORKBOOK_COLUMNS
from send_desktop.store.caseload_types import CaseloadQuery as CaseloadQuery
from send_desktop.store.caseload_types import CaseloadRow as CaseloadRow
from send_desktop.store.caseload_types import Counts as Counts
from send_desktop.store.caseload_types import Shown as Shown
from send_desktop.store.models import Case, CaseStepRow, Caseworker, Child, Team
from send_desktop.store.models import CaseSummaryRow as S
from send_desktop.timeline.digest import DUTY, weeks_open

WEEK_DAYS = 7
FOUR_WEEKS_DAYS = 28
REVIEW_HORIZON_DAYS = 28

QUICK_FILTERS = ("all", "overdue", "this-week", "four-weeks", "exceptions", "reviews")


# --- the definitions -------------------------------------------------------------------------


def is_overdue(today: date) -> ColumnElement[bool]:
    return S.breach_due < today


def next_status(today: date) -> ColumnElement[Any]:
    """The next deadline's status on `today` (None when the case has no open duty)."""
    return case(
        (S.next_due.is_(None), None),
        (is_overdue(today), literal(tl.Status.OVERDUE.value)),
        (S.next_due < today, literal(tl.Status.LATE_EXCEPTION.value)),
        (S.next_soon <= today, literal(tl.Status.DUE_SOON.value)),
        else_=literal(tl.Status.ON_TRACK.value),
    )


def _next(today: date, breach: Any, first: Any) -> ColumnElement[Any]:
    """The next deadline's field: the overdue duty's once there is one, else the first duty's."""
    return case((is_overdue(today), breach), else_=first)


def next_due_on(today: date) -> ColumnElement[Any]:
    return _next(today, S.breach_due, S.next_due)


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


def step_is_overdue(today: date) -> ColumnElement[bool]:
    """An open duty past its due date with no exception excusing it (the banner's count)."""
    return and_(CaseStepRow.kind == DUTY, CaseStepRow.due < today, CaseStepRow.covered.is_(False))


def status_rank(today: date) -> ColumnElement[int]:
    """Most urgent first: overdue, due soon, late - exception, on track, nothing open."""
    return case(
        (S.next_due.is_(None), 7),
        (is_overdue(today), 0),
        (S.next_due < today, 2),
        (S.next_soon <= today, 1),
        else_=3,
    )


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


def _search_candidates(words: list[str], conn: Connection) -> ColumnElement[bool] | None:
    """The cases the search index finds for the words of three characters or more: a superset
    of the LIKE matches (search_condition still decides), read from the index, not every row."""
    long_words = [w for w in words if len(w) >= search_index.SHORTEST]
    if not long_words:
        return None  # trigrams need three characters: LIKE alone, over the scope's rows
    if conn.dialect.name == "sqlite":
        expression = search_index.match_expression(long_words)
        if expression is None or not search_index.selective(conn, expression):
            return None  # no index, or a word most cases hold ("ehc-"): LIKE reads fewer rows
        found = text(f"SELECT rowid FROM {search_index.TABLE} WHERE {search_index.TABLE} MATCH :m")
        return Case.id.in_(found.bindparams(m=expression).columns(column("rowid", Integer)))
    if conn.dialect.name == "postgresql":
        # The same OR as search_condition, one table at a time, so that each pg_trgm GIN
        # index on lower(column) can answer its part.
        conditions = []
        for word in long_words:
            pattern = _like_pattern(word)
            by_ref = select(Case.id).where(func.lower(Case.ref).like(pattern, escape="\\"))
            by_child = select(Child.id).where(
                or_(
                    func.lower(Child.first_name).like(pattern, escape="\\"),
                    func.lower(Child.last_name).like(pattern, escape="\\"),
                    func.lower(Child.upn).like(pattern, escape="\\"),
                )
            )
            conditions.append(or_(Case.id.in_(by_ref), Case.child_id.in_(by_child)))
        return and_(*conditions)
    return None


def _where(
    query: Select[Any], q: CaseloadQuery, *, names: bool, conn: Connection | None = None
) -> Select[Any]:
    """q's conditions; with a connection, a search over everyone is narrowed by the search
    index first (without one, LIKE alone decides - the same rows)."""
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
            # A caseworker's or a team's cases are few: LIKE over them beats the index (whose
            # candidates for a common word such as "ehc-" are the whole authority).
            wide = conn is not None and q.caseworker_id is None and q.team_id is None
            candidates = (
                _search_candidates(q.search.lower().split(), conn)
                if wide and conn is not None
                else None
            )
            if candidates is not None:
                query = query.where(candidates)
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


# --- counts ----------------------------------------------------------------------------------


def counts(session: Session, q: CaseloadQuery) -> Counts:
    """The counts of the cases q selects, ignoring its quick filter (they label the filters)."""
    q = q.without_quick()
    today = q.as_of

    def total(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    conn = session.connection()
    steps = _where(
        select(func.count())
        .select_from(CaseStepRow)
        .join(Case, Case.id == CaseStepRow.case_id)
        .join(S, S.case_id == Case.id)
        .where(step_is_overdue(today)),
        q,
        names=False,
        conn=conn,
    )
    # One statement: the step count rides along as a scalar subquery (one round trip).
    query = _where(
        _from_cases(
            func.count(),
            total(is_overdue(today)),
            total(is_late_exception(today)),
            total(is_due_within(today, WEEK_DAYS)),
            total(is_due_within(today, FOUR_WEEKS_DAYS)),
            total(S.has_exception.is_(True)),
            total(is_review_due(today)),
            # Not correlated: the subquery reads its own case rows (the same where).
            steps.correlate(None).scalar_subquery(),
        ),
        q,
        names=False,
        conn=conn,
    )
    cases, overdue, late, week, four, exceptions, reviews, steps_overdue = (
        int(v or 0) for v in conn.execute(query).one()
    )
    return Counts(cases, overdue, late, week, four, exceptions, reviews, steps_overdue)


#: A search over the whole authority counts up to this many cases: more is shown as "at least"
#: (COUNT_CAP - 1 rows, "1,000+"), and the rest is counted as the list is scrolled to its end.
COUNT_CAP = 1001


def total(session: Session, q: CaseloadQuery, cap: int | None = None) -> int:
    """How many cases q selects (its quick filter included): the virtual table's row count.
    With a cap, min(that, cap): the count stops at the cap's row (a common word's count then
    reads a thousand rows, not a million)."""
    conn = session.connection()
    if cap is None:
        return int(
            conn.execute(_where(_from_cases(func.count()), q, names=False, conn=conn)).scalar_one()
        )
    some = _where(_from_cases(Case.id), q, names=False, conn=conn).limit(cap).subquery()
    return int(conn.execute(select(func.count()).select_from(some)).scalar_one())


# --- rows ------------------------------------------------------------------------------------

#: Sort keys a list may ask for, by name (ties broken by case id, so pages never overlap).
SORTS: dict[str, Any] = {
    "ref": (Case.ref,),
    "child": (func.lower(Child.last_name), func.lower(Child.first_name)),
    "age": (Child.date_of_birth,),
    "stage": (S.stage,),
    "next": (S.next_title,),
    "due": None,  # needs today: built in rows()
    "status": None,
    "caseworker": (func.lower(Caseworker.name),),
    "id": (),
}


#: caseload_columns' table names.
_TABLES: dict[str, Any] = {
    "case": Case,
    "child": Child,
    "caseworker": Caseworker,
    "team": Team,
    "case_summary": S,
}


def row_sql(today: date) -> dict[str, Any]:
    """The SQL of each CaseloadRow field read from the database, as caseload_columns.ROW
    declares it (the rest are worked out from these in _row: the child's full name, days
    left, weeks open, the family's step)."""
    return {read.name: _read_sql(read, today) for read in caseload_columns.ROW}


def _read_sql(read: caseload_columns.Read, today: date) -> Any:
    if read.status:
        return next_status(today)
    table = _TABLES[read.table]
    value = getattr(table, read.column)
    return _next(today, getattr(table, read.breach), value) if read.breach else value


def _row(values: dict[str, Any], today: date) -> CaseloadRow:
    """A CaseloadRow from row_sql's values by name."""
    next_due: date | None = values["next_due"]
    status = values["status"]
    values.update(
        child_name=f"{values['first_name']} {values['last_name']}",
        days_left=(next_due - today).days if next_due is not None else None,
        status=tl.Status(status) if status is not None else None,
        has_exception=bool(values["has_exception"]),
        weeks_open=weeks_open(values["request_received"], values["weeks_open"], today),
    )
    return CaseloadRow(**values)


def _joined(*columns: Any) -> Select[Any]:
    """columns over the cases with their child and caseworker joined (a caseload row's own)."""
    return (
        _from_cases(*columns)
        .join(Child, Child.id == Case.child_id)
        .outerjoin(Caseworker, Caseworker.id == Case.caseworker_id)
    )


def _rows_select(q: CaseloadQuery, conn: Connection) -> Select[Any]:
    query = _joined(*row_sql(q.as_of).values()).outerjoin(Team, Team.id == Caseworker.team_id)
    return _where(query, q, names=True, conn=conn)


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
    `many`: q is known to select at least COUNT_CAP cases (a hint for the plan, see _read_rows)."""
    return _read_rows(session, q, sort, descending, offset, limit, with_total=False, many=many)[0]


def first_page(
    session: Session, q: CaseloadQuery, sort: str, descending: bool, limit: int
) -> tuple[list[Any], int]:
    """The first `limit` rows and total(q), read by one query (the count is a window over the
    same rows): what a keystroke, a filter or a sort needs, in one round trip."""
    if _wide(q):
        # The whole authority: a window count would sort every wide row; a LIMIT sorts a page,
        # and the count stops at COUNT_CAP (a count of COUNT_CAP means "at least that many").
        counted = total(session, q, cap=COUNT_CAP)
        page = _read_rows(
            session, q, sort, descending, 0, limit, with_total=False, many=counted >= COUNT_CAP
        )[0]
        return page, counted
    return _read_rows(session, q, sort, descending, 0, limit, with_total=True)


def _wide(q: CaseloadQuery) -> bool:
    return q.caseworker_id is None and q.team_id is None


#: The first slice of cases in next-deadline order _due_bound looks for matches in (then 4x).
_PROBE_FIRST = 2000


def _due_bound(session: Session, q: CaseloadQuery, wanted: int) -> ColumnElement[bool] | None:
    """A condition every one of the first `wanted` rows in next-deadline order meets (ascending,
    missing last), read through the next_due and breach_due indexes - or None when fewer than
    `wanted` cases have a deadline (then nothing is narrowed).

    The sort key next_due_on(today) is breach_due for an overdue case, else next_due. Any
    `wanted` matching rows with a key no later than K mean the first `wanted` rows by the key
    all have a key <= K, and a key <= K means next_due <= K or breach_due <= K. The matches are
    looked for among the first cases in next_due order (a slice of the index, four times
    larger each time), so K is early and a common word stops after a slice or two. Only the rows
    read change, never which rows match or their order (the query's own conditions decide)."""
    today = q.as_of
    conn = session.connection()
    chunk = _PROBE_FIRST
    while True:
        first_cases = (
            select(S.case_id).where(S.next_due.is_not(None)).order_by(S.next_due).limit(chunk)
        )
        probe = (
            _where(_from_cases(next_due_on(today)), q, names=False, conn=conn)
            .where(Case.id.in_(first_cases))
            .limit(wanted)
        )
        keys = [k for (k,) in conn.execute(probe) if k is not None]
        if len(keys) >= wanted:
            break
        read = conn.execute(select(func.count()).select_from(first_cases.subquery())).scalar_one()
        if read < chunk:
            return None  # the whole index read: fewer than `wanted` matches have a deadline
        chunk *= 4
    latest = max(keys)
    near = union_all(
        select(S.case_id).where(S.next_due <= latest),
        select(S.case_id).where(S.breach_due <= latest),
    )
    return Case.id.in_(near)


@dataclass(frozen=True)
class _Indexed:
    """A sort whose first rows can be found through an index: `key` its column (the first of
    SORTS' keys when there are two: a bound on it alone still holds every row before), `of` the
    id of the table holding it and `link` the column of Case equal to that id; `first` how many
    of that table's rows the first probe reads (then four times more; None: _PROBE_FIRST)."""

    key: Any
    of: Any
    link: Any
    first: int | None = None


#: The sorts a whole-authority page is read through an index for (migration 0012 adds the
#: indexes on the child's lower-cased last name, date of birth and the next step's title; ref
#: is unique; a caseworker is one of a few thousand rows). "stage" (a handful of values) and
#: "status" (a rank over two dates) are not bounded: the page sorts every match.
_INDEXED: dict[str, _Indexed] = {
    "ref": _Indexed(Case.ref, Case.id, Case.id),
    "child": _Indexed(func.lower(Child.last_name), Child.id, Case.child_id),
    "age": _Indexed(Child.date_of_birth, Child.id, Case.child_id),
    "next": _Indexed(S.next_title, S.case_id, Case.id),
    "caseworker": _Indexed(func.lower(Caseworker.name), Caseworker.id, Case.caseworker_id, 4),
}


#: How many slices _key_bound reads (each four times the last) before it gives up.
_PROBES = 4


def _key_bound(
    session: Session, q: CaseloadQuery, sorted_by: _Indexed, descending: bool, wanted: int
) -> ColumnElement[bool] | None:
    """A condition every one of the first `wanted` rows in `sorted_by`'s order meets (missing
    keys last either way) - or None when fewer than `wanted` matches have the key, or when they
    are not found within _PROBES slices.

    The matches are looked for among the rows first in the key's index order (a slice four
    times larger each time). Any `wanted` matches with a key no later than K (no earlier, going
    down) mean the first `wanted` rows all have such a key: the bound is key <= K (>= K). K is
    taken in SQL, so the database's own collation orders it as it orders the page. Only the
    rows read change, never which rows match or their order (the query's own conditions and
    ORDER BY decide)."""
    conn = session.connection()
    key = sorted_by.key
    chunk = sorted_by.first or _PROBE_FIRST
    for _ in range(_PROBES):
        first = (
            select(sorted_by.of)
            .where(key.is_not(None))
            .order_by(key.desc() if descending else key)
            .limit(chunk)
        )
        found = (
            _where(_joined(key.label("key")), q, names=True, conn=conn)
            .where(_as_cases(sorted_by, first))
            .limit(wanted)
            .subquery()
        )
        counted, latest = conn.execute(
            select(func.count(), func.min(found.c.key) if descending else func.max(found.c.key))
        ).one()
        if counted >= wanted:
            break
        read = conn.execute(select(func.count()).select_from(first.subquery())).scalar_one()
        if read < chunk:
            return None  # the whole index read: fewer than `wanted` matches have the key
        chunk *= 4
    else:
        # The matches lie late in the key's order (a search for "smi" sorted by name): a
        # bound would cover most cases, so the page sorts every match, as without one.
        return None
    near = select(sorted_by.of).where(key >= latest if descending else key <= latest)
    return _as_cases(sorted_by, near)


def _as_cases(sorted_by: _Indexed, ids: Select[Any]) -> ColumnElement[bool]:
    """The cases whose `sorted_by` row is among ids, as a list of case ids: the planner then
    reads those cases by id, not every open case testing each one's child against the list."""
    if sorted_by.link is not Case.id:
        ids = select(Case.id).where(sorted_by.link.in_(ids))
    return Case.id.in_(ids)


def _read_rows(
    session: Session,
    q: CaseloadQuery,
    sort: str,
    descending: bool,
    offset: int,
    limit: int | None,
    *,
    with_total: bool,
    many: bool = False,
) -> tuple[list[Any], int]:
    """`many`: the whole authority's search selects at least COUNT_CAP cases - a page is then
    read through a bound on its sort key's index (_due_bound for the default order, next
    deadline first; _key_bound for the sorts in _INDEXED)."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    due = next_due_on(q.as_of)
    if sort == "status":
        chosen: Sequence[Any] = (status_rank(q.as_of), due)
    elif sort == "due":
        chosen = (due,)
    else:
        chosen = SORTS[sort]
    order = [k.desc() if descending else k.asc() for k in chosen]
    # Missing values last either way (SQLite and PostgreSQL differ on NULL order otherwise).
    nulls = [k.is_(None) for k in chosen]
    query = _rows_select(q, session.connection()).order_by(
        *nulls, *order, Case.id.desc() if descending else Case.id
    )
    if with_total:
        query = query.add_columns(func.count().over())
    if many and limit is not None and _wide(q):
        bound = None
        if sort == "due" and not descending:
            bound = _due_bound(session, q, offset + limit)
        elif sort in _INDEXED:
            bound = _key_bound(session, q, _INDEXED[sort], descending, offset + limit)
        if bound is not None:
            query = query.where(bound)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    elif offset:
        query = query.offset(offset)
    today = q.as_of
    names = list(row_sql(today))
    found = []
    counted = 0
    for r in session.connection().execute(query):
        if with_total:
            counted = r[len(names)]
        found.append(_row(dict(zip(names, r, strict=False)), today))
    return _with_family(session, q, found, whole=limit is None), counted


def _with_family(session: Session, q: CaseloadQuery, found: list[Any], whole: bool) -> list[Any]:
    """Each row with the family's first window or right still open today (if any)."""
    if not found:
        return found
    today = q.as_of
    picked: tuple[Any, ...] = (
        CaseStepRow.case_id,
        CaseStepRow.step_id,
        CaseStepRow.title,
        CaseStepRow.due,
    )
    query = (
        select(*picked)
        .select_from(CaseStepRow)
        .where(CaseStepRow.kind != DUTY, CaseStepRow.due >= today)
        .order_by(CaseStepRow.case_id, CaseStepRow.due, CaseStepRow.id)
    )
    if whole:
        query = _where(
            query.join(Case, Case.id == CaseStepRow.case_id).join(S, S.case_id == Case.id),
            q,
            names=False,
            conn=session.connection(),
        )
    else:
        query = query.where(CaseStepRow.case_id.in_([r.case_id for r in found]))
    family: dict[int, tuple[str, str, date]] = {}
    for case_id, step_id, title, due in session.connection().execute(query):
        family.setdefault(case_id, (step_id, title, due))
    return [
        r._replace(family_step=f[0], family_title=f[1], family_due=f[2])
        if (f := family.get(r.case_id)) is not None
        else r
        for r in found
    ]


def steps_due(session: Session, q: CaseloadQuery, horizon_days: int) -> list[tuple[int, str, date]]:
    """(case id, step id, due) of every open step of q's cases due by today + horizon
    (overdue duties included; a family's window or right that has ended is not open)."""
    today = q.as_of
    columns: tuple[Any, ...] = (CaseStepRow.case_id, CaseStepRow.step_id, CaseStepRow.due)
    query = _where(
        select(*columns)
        .select_from(CaseStepRow)
        .join(Case, Case.id == CaseStepRow.case_id)
        .join(S, S.case_id == Case.id)
        .where(
            CaseStepRow.due <= today + timedelta(days=horizon_days),
            or_(CaseStepRow.kind == DUTY, CaseStepRow.due >= today),
        ),
        q.without_quick(),
        names=False,
        conn=session.connection(),
    )
    return [(r[0], r[1], r[2]) for r in session.execute(query)]
