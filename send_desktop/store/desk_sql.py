"""The desk's reads as SQL text, defined once: the caseload page, its total, the counts.

Each status and count of store/counts.py's module text (overdue, late - exception, due this
week / in 4 weeks, exceptions, reviews due, steps overdue) and each list the desk shows (a
scope, quick filter, stage and search; a sort, page and total) is written here, once, as SQL
text with `:name` parameters. The same text runs two ways:

- plain sqlite3 on a SQLite file (`PlainReader`: the desk of one caseworker's file, and the
  start's first page, store/first_page.py), without SQLAlchemy loaded;
- SQLAlchemy `text()` on a session's connection (store/counts.py: PostgreSQL in team mode, and
  SQLite wherever a session reads).

The dialects differ in two places only, both here: the search index (FTS5 on SQLite, pg_trgm
on PostgreSQL; `_candidates`) and how a date is bound (ISO text for SQLite, a date for
PostgreSQL; `Binds.day`). Dates read back are dates either way (`day`).

Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from send_desktop import timeline as tl
from send_desktop.store import caseload_columns, search_index
from send_desktop.store.caseload_types import CaseloadQuery, CaseloadRow, Counts

#: The counts' horizons (store/counts.py's module text).
WEEK_DAYS, FOUR_WEEKS_DAYS, REVIEW_HORIZON_DAYS = 7, 28, 28
#: timeline.digest.DUTY and the timeline.Status values (tested equal).
DUTY = 0
OVERDUE, LATE_EXCEPTION, DUE_SOON, ON_TRACK = "overdue", "late-exception", "due-soon", "on-track"
QUICK_FILTERS = ("all", "overdue", "this-week", "four-weeks", "exceptions", "reviews")
#: A search over the whole authority counts up to this many cases: more is shown as "at least"
#: (COUNT_CAP - 1 rows, "1,000+"), and the rest is counted as the list is scrolled to its end.
COUNT_CAP = 1001


class Reader(Protocol):
    """Runs this module's SQL text: plain sqlite3 or a SQLAlchemy connection."""

    @property
    def dialect(self) -> str:
        """The SQL dialect: sqlite or postgresql."""

    @property
    def key(self) -> object:
        """Identifies the database for this process's plan caches (search_index.selective)."""

    def all(self, sql: str, params: dict[str, Any]) -> list[Sequence[Any]]: ...


class Binds:
    """The parameters of one statement, named :p0, :p1... as they are added."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"

    def day(self, value: date) -> str:
        """A date parameter: ISO text on SQLite (how its columns hold dates), else the date."""
        return self(value.isoformat() if self.dialect == "sqlite" else value)


def day(value: Any) -> date | None:
    """A date read back: SQLite gives text, PostgreSQL a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value else None


# --- the definitions -------------------------------------------------------------------------
# Over `s` = case_summary (and `st` = case_step); `t` is today's parameter.


def is_overdue(t: str) -> str:
    """One of the case's open duties is past due and no exception excuses it."""
    return f"s.breach_due < {t}"


def is_late_exception(t: str) -> str:
    return f"(s.next_due < {t} AND (s.breach_due IS NULL OR s.breach_due >= {t}))"


def is_due_within(b: Binds, t: str, today: date, days: int) -> str:
    """The next deadline falls today or in the next `days` days (an overdue case's is past)."""
    end = b.day(today + timedelta(days=days))
    return f"(s.next_due >= {t} AND s.next_due <= {end} AND (s.breach_due IS NULL OR s.breach_due >= {t}))"


def is_review_due(b: Binds, today: date) -> str:
    return f"s.review_due <= {b.day(today + timedelta(days=REVIEW_HORIZON_DAYS))}"


HAS_EXCEPTION = "s.has_exception = TRUE"


def step_overdue(duty: str, t: str) -> str:
    """An open duty past its due date with no exception excusing it (the banner's count);
    `duty` is the parameter holding DUTY (report_sql's `:duty`)."""
    return f"(st.kind = {duty} AND st.due < {t} AND st.covered = FALSE)"


def step_open(duty: str, t: str) -> str:
    """A stored step still to be done: a duty until it is done (late or not); the family's
    window or right until it ends (the engine's Step.is_open)."""
    return f"(st.kind = {duty} OR st.due >= {t})"


def step_is_overdue(b: Binds, t: str) -> str:
    return step_overdue(b(DUTY), t)


def next_status(t: str) -> str:
    """The next deadline's status on today (NULL when the case has no open duty)."""
    return (
        f"CASE WHEN s.next_due IS NULL THEN NULL WHEN s.breach_due < {t} THEN '{OVERDUE}' "
        f"WHEN s.next_due < {t} THEN '{LATE_EXCEPTION}' WHEN s.next_soon <= {t} THEN '{DUE_SOON}' "
        f"ELSE '{ON_TRACK}' END"
    )


def status_rank(t: str) -> str:
    """Most urgent first: overdue, due soon, late - exception, on track, nothing open."""
    return (
        f"CASE WHEN s.next_due IS NULL THEN 7 WHEN s.breach_due < {t} THEN 0 "
        f"WHEN s.next_due < {t} THEN 2 WHEN s.next_soon <= {t} THEN 1 ELSE 3 END"
    )


def next_due_on(t: str) -> str:
    """The next deadline: the overdue duty's once there is one, else the first duty's."""
    return f"CASE WHEN s.breach_due < {t} THEN s.breach_due ELSE s.next_due END"


def quick_condition(b: Binds, t: str, quick: str, today: date) -> str | None:
    if quick == "overdue":
        return is_overdue(t)
    if quick == "this-week":
        return is_due_within(b, t, today, WEEK_DAYS)
    if quick == "four-weeks":
        return is_due_within(b, t, today, FOUR_WEEKS_DAYS)
    if quick == "exceptions":
        return HAS_EXCEPTION
    if quick == "reviews":
        return is_review_due(b, today)
    return None


# --- which cases -----------------------------------------------------------------------------


def like_pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _like(column: str, pattern: str) -> str:
    return f"lower({column}) LIKE {pattern} ESCAPE '\\'"


def search_condition(b: Binds, search: str) -> str | None:
    """Every word must appear in the reference, a name or the UPN (case-insensitive)."""
    conditions = []
    for word in search.lower().split():
        p = b(like_pattern(word))
        found = " OR ".join(
            _like(c, p) for c in ("c.ref", "ch.first_name", "ch.last_name", "ch.upn")
        )
        conditions.append(f"({found})")
    return " AND ".join(conditions) or None


def candidates(reader: Reader, b: Binds, words: list[str]) -> str | None:
    """The cases the search index finds for the words of three characters or more: a superset
    of the LIKE matches (search_condition still decides), read from the index, not every row."""
    long_words = [w for w in words if len(w) >= search_index.SHORTEST]
    if not long_words:
        return None  # trigrams need three characters: LIKE alone, over the scope's rows
    if reader.dialect == "sqlite":
        expression = search_index.match_expression(long_words)
        if expression is None or not search_index.selective(reader, expression):
            return None  # no index, or a word most cases hold ("ehc-"): LIKE reads fewer rows
        table = search_index.TABLE
        return f"c.id IN (SELECT rowid FROM {table} WHERE {table} MATCH {b(expression)})"
    if reader.dialect == "postgresql":
        # The same OR as search_condition, one table at a time, so that each pg_trgm GIN
        # index on lower(column) can answer its part.
        conditions = []
        for word in long_words:
            p = b(like_pattern(word))
            by_child = " OR ".join(_like(f"x.{c}", p) for c in ("first_name", "last_name", "upn"))
            conditions.append(
                f'(c.id IN (SELECT x.id FROM "case" x WHERE {_like("x.ref", p)}) '
                f"OR c.child_id IN (SELECT x.id FROM child x WHERE {by_child}))"
            )
        return " AND ".join(conditions)
    return None


@dataclass(frozen=True)
class Where:
    """q's conditions as SQL over `"case" c JOIN case_summary s` (and `child ch` when
    `child`: a search needs the child's names)."""

    sql: str
    child: bool


def where(reader: Reader | None, b: Binds, q: CaseloadQuery, t: str) -> Where:
    """q's conditions; with a reader, a search over everyone is narrowed by the search index
    first (without one, LIKE alone decides - the same rows)."""
    if q.nobody:
        return Where("1 = 0", False)
    parts = []
    if q.caseworker_id is not None:
        parts.append(f"c.caseworker_id = {b(q.caseworker_id)}")
    if q.team_id is not None:
        parts.append(
            f"c.caseworker_id IN (SELECT id FROM caseworker WHERE team_id = {b(q.team_id)})"
        )
    if not q.include_closed:
        parts.append("c.closed = FALSE")
    if q.stage:
        parts.append(f"s.stage = {b(q.stage)}")
    quick = quick_condition(b, t, q.quick, q.as_of)
    if quick is not None:
        parts.append(quick)
    child = False
    if q.search and q.search.strip():
        found = search_condition(b, q.search)
        if found is not None:
            child = True
            parts.append(found)
            # A caseworker's or a team's cases are few: LIKE over them beats the index (whose
            # candidates for a common word such as "ehc-" are the whole authority).
            if reader is not None and wide(q):
                narrowed = candidates(reader, b, q.search.lower().split())
                if narrowed is not None:
                    parts.append(narrowed)
    return Where(" AND ".join(parts) or "1 = 1", child)


def wide(q: CaseloadQuery) -> bool:
    return q.caseworker_id is None and q.team_id is None


_CASES = '"case" c JOIN case_summary s ON s.case_id = c.id'
_CHILD = " JOIN child ch ON ch.id = c.child_id"
_JOINED = _CASES + _CHILD + " LEFT OUTER JOIN caseworker w ON w.id = c.caseworker_id"


def _from(w: Where) -> str:
    return _CASES + (_CHILD if w.child else "")


def _steps_from(w: Where) -> str:
    """The stored steps `st` of the cases `w` selects (the same aliases as _from)."""
    return (
        'case_step st JOIN "case" c ON c.id = st.case_id JOIN case_summary s ON s.case_id = c.id'
        + (_CHILD if w.child else "")
    )


# --- counts ----------------------------------------------------------------------------------


def counts(reader: Reader, q: CaseloadQuery) -> Counts:
    """The counts of the cases q selects, ignoring its quick filter (they label the filters)."""
    q = q.without_quick()
    today = q.as_of
    b = Binds(reader.dialect)
    t = b.day(today)
    w = where(reader, b, q, t)

    def total(condition: str) -> str:
        return f"coalesce(sum(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"

    figures = ", ".join(
        total(c)
        for c in (
            is_overdue(t),
            is_late_exception(t),
            is_due_within(b, t, today, WEEK_DAYS),
            is_due_within(b, t, today, FOUR_WEEKS_DAYS),
            HAS_EXCEPTION,
            is_review_due(b, today),
        )
    )
    # One statement: the step count rides along as a scalar subquery (one round trip).
    steps = f"SELECT count(*) FROM {_steps_from(w)} WHERE {step_is_overdue(b, t)} AND {w.sql}"
    sql = f"SELECT count(*), {figures}, ({steps}) FROM {_from(w)} WHERE {w.sql}"
    row = reader.all(sql, b.values)[0]
    return Counts(*(int(v or 0) for v in row))


def total(reader: Reader, q: CaseloadQuery, cap: int | None = None) -> int:
    """How many cases q selects (its quick filter included): the virtual table's row count.
    With a cap, min(that, cap): the count stops at the cap's row (a common word's count then
    reads a thousand rows, not a million)."""
    b = Binds(reader.dialect)
    w = where(reader, b, q, b.day(q.as_of))
    if cap is None:
        sql = f"SELECT count(*) FROM {_from(w)} WHERE {w.sql}"
    else:
        sql = f"SELECT count(*) FROM ({_capped(w, b, cap)}) AS capped"
    return int(reader.all(sql, b.values)[0][0])


def _capped(w: Where, b: Binds, cap: int) -> str:
    """The ids of at most `cap` cases w selects, in no order: what a capped count reads."""
    return f"SELECT c.id FROM {_from(w)} WHERE {w.sql} LIMIT {b(cap)}"


# --- rows ------------------------------------------------------------------------------------

#: Sort keys a list may ask for, by name (ties broken by case id, so pages never overlap);
#: "due" and "status" need today (rows()).
SORTS: dict[str, tuple[str, ...] | None] = {
    "ref": ("c.ref",),
    "child": ("lower(ch.last_name)", "lower(ch.first_name)"),
    "age": ("ch.date_of_birth",),
    "stage": ("s.stage",),
    "next": ("s.next_title",),
    "due": None,
    "status": None,
    "caseworker": ("lower(w.name)",),
    "id": (),
}

#: caseload_columns' table names: the aliases the rows' FROM gives them.
_ALIASES = {"case": "c", "child": "ch", "caseworker": "w", "team": "tm", "case_summary": "s"}


def _read_sql(read: caseload_columns.Read, t: str) -> str:
    """The SQL of one caseload_columns.Read."""
    if read.status:
        return next_status(t)
    alias = _ALIASES[read.table]
    if read.breach:
        return f"CASE WHEN s.breach_due < {t} THEN {alias}.{read.breach} ELSE {alias}.{read.column} END"
    return f"{alias}.{read.column}"


def _row(values: Sequence[Any], today: date) -> CaseloadRow:
    """A CaseloadRow from the selected columns (caseload_columns.ROW's order)."""
    row: dict[str, Any] = {
        read.name: day(value) if read.day else value
        for read, value in zip(caseload_columns.ROW, values, strict=False)
    }
    next_due, received, weeks_end = row["next_due"], row["request_received"], row["weeks_open"]
    status = row["status"]
    row.update(
        child_name=f"{row['first_name']} {row['last_name']}",
        days_left=(next_due - today).days if next_due is not None else None,
        status=tl.Status(status) if status is not None else None,
        has_exception=bool(row["has_exception"]),
        # timeline.digest.weeks_open
        weeks_open=max(0, ((weeks_end or today) - received).days // 7)
        if received is not None
        else 0,
    )
    return CaseloadRow(**row)


#: The first slice of cases in next-deadline order _due_bound looks for matches in (then 4x).
PROBE_FIRST = 2000
#: How many slices _key_bound reads (each four times the last) before it gives up.
PROBES = 4


@dataclass(frozen=True)
class Indexed:
    """A sort whose first rows can be found through an index: `table` holds the key, `key` its
    SQL over that table's alias x (the first of SORTS' keys when there are two: a bound on it
    alone still holds every row before), `joined` the same over the rows' aliases, `ident` the
    table's id column and `link` the column of case equal to that id; `first` how many of that
    table's rows the first probe reads (then four times more; None: PROBE_FIRST)."""

    table: str
    key: str
    joined: str
    ident: str
    link: str
    first: int | None = None


#: The sorts a whole-authority page is read through an index for (migration 0012 adds the
#: indexes on the child's lower-cased last name, date of birth and the next step's title; ref
#: is unique; a caseworker is one of a few thousand rows). "stage" (a handful of values) and
#: "status" (a rank over two dates) are read segment by segment instead (_segment_bound).
INDEXED: dict[str, Indexed] = {
    "ref": Indexed('"case"', "x.ref", "c.ref", "id", "id"),
    "child": Indexed("child", "lower(x.last_name)", "lower(ch.last_name)", "id", "child_id"),
    "age": Indexed("child", "x.date_of_birth", "ch.date_of_birth", "id", "child_id"),
    "next": Indexed("case_summary", "x.next_title", "s.next_title", "case_id", "id"),
    "caseworker": Indexed("caseworker", "lower(x.name)", "lower(w.name)", "id", "caseworker_id", 4),
}


def _due_bound(reader: Reader, q: CaseloadQuery, wanted: int, b: Binds) -> str | None:
    """A condition every one of the first `wanted` rows in next-deadline order meets (ascending,
    missing last), read through the next_due and breach_due indexes - or None when fewer than
    `wanted` cases have a deadline (then nothing is narrowed).

    The sort key next_due_on(today) is breach_due for an overdue case, else next_due. Any
    `wanted` matching rows with a key no later than K mean the first `wanted` rows by the key
    all have a key <= K, and a key <= K means next_due <= K or breach_due <= K. The matches are
    looked for among the first cases in next_due order (a slice of the index, four times
    larger each time), so K is early and a common word stops after a slice or two. Only the rows
    read change, never which rows match or their order (the query's own conditions decide)."""
    chunk = PROBE_FIRST
    while True:
        pb = Binds(reader.dialect)
        t = pb.day(q.as_of)
        w = where(reader, pb, q, t)
        first = (
            "SELECT x.case_id FROM case_summary x WHERE x.next_due IS NOT NULL "
            f"ORDER BY x.next_due LIMIT {pb(chunk)}"
        )
        probe = (
            f"SELECT {next_due_on(t)} FROM {_from(w)} WHERE {w.sql} AND c.id IN ({first}) "
            f"LIMIT {pb(wanted)}"
        )
        keys = [k for (k,) in reader.all(probe, pb.values) if k is not None]
        if len(keys) >= wanted:
            break
        counted = reader.all(f"SELECT count(*) FROM ({first}) AS head_slice", pb.values)[0][0]
        if counted < chunk:
            return None  # the whole index read: fewer than `wanted` matches have a deadline
        chunk *= 4
    latest = b(max(keys))
    return (
        f"c.id IN (SELECT case_id FROM case_summary WHERE next_due <= {latest} "
        f"UNION ALL SELECT case_id FROM case_summary WHERE breach_due <= {latest})"
    )


def _key_bound(
    reader: Reader, q: CaseloadQuery, by: Indexed, descending: bool, wanted: int, b: Binds
) -> str | None:
    """A condition every one of the first `wanted` rows in `by`'s order meets (missing keys
    last either way) - or None when fewer than `wanted` matches have the key, or when they are
    not found within PROBES slices.

    The matches are looked for among the rows first in the key's index order (a slice four
    times larger each time). Any `wanted` matches with a key no later than K (no earlier, going
    down) mean the first `wanted` rows all have such a key: the bound is key <= K (>= K). K is
    taken in SQL, so the database's own collation orders it as it orders the page. Only the
    rows read change, never which rows match or their order (the query's own conditions and
    ORDER BY decide)."""
    chunk = by.first or PROBE_FIRST
    for _ in range(PROBES):
        pb = Binds(reader.dialect)
        t = pb.day(q.as_of)
        w = where(reader, pb, q, t)
        first = (
            f"SELECT x.{by.ident} FROM {by.table} x WHERE {by.key} IS NOT NULL "
            f"ORDER BY {by.key}{' DESC' if descending else ''} LIMIT {pb(chunk)}"
        )
        found = (
            f"SELECT {by.joined} AS sort_key FROM {_JOINED} WHERE {w.sql} AND "
            f"{_as_cases(by, first)} LIMIT {pb(wanted)}"
        )
        counted, latest = reader.all(
            f"SELECT count(*), {'min' if descending else 'max'}(f.sort_key) FROM ({found}) AS f",
            pb.values,
        )[0]
        if counted >= wanted:
            break
        read = reader.all(f"SELECT count(*) FROM ({first}) AS head_slice", pb.values)[0][0]
        if read < chunk:
            return None  # the whole index read: fewer than `wanted` matches have the key
        chunk *= 4
    else:
        # The matches lie late in the key's order (a search for "smi" sorted by name): a
        # bound would cover most cases, so the page sorts every match, as without one.
        return None
    near = (
        f"SELECT x.{by.ident} FROM {by.table} x WHERE {by.key} {'>=' if descending else '<='} "
        f"{b(latest)}"
    )
    return _as_cases(by, near)


@dataclass(frozen=True)
class Segment:
    """A run of the page order read from one index range of case_summary `x`: the rows
    `condition` holds for, in order of `keys` (columns of case_summary) and then case id."""

    condition: str
    keys: tuple[str, ...]


def segments(sort: str, descending: bool, t: str) -> list[Segment] | None:
    """The page order of `sort` ("stage" or "status") as consecutive segments: every case is in
    exactly one, and the rows' ORDER BY (rows()) lists segment after segment, each by its keys
    and case id in the sort's direction - or None for a sort that is not cut so.

    stage: its value (missing last either way). status: rows() orders by (status_rank,
    next_due_on) with each missing value last, so the cases with a next deadline come first
    - overdue by the breached duty's date, then due soon, late - exception and on track by the
    next duty's (descending: the reverse, the odd case with a breach but no next duty first) -
    and after them the cases with nothing open, by id."""
    if sort == "stage":
        return [Segment("x.stage IS NOT NULL", ("stage",)), Segment("x.stage IS NULL", ())]
    if sort != "status":
        return None
    over = f"x.breach_due < {t}"
    fine = f"(x.breach_due IS NULL OR x.breach_due >= {t})"
    overdue = Segment(f"{over} AND x.next_due IS NOT NULL", ("breach_due",))
    soon = Segment(f"{fine} AND x.next_due >= {t} AND x.next_soon <= {t}", ("next_due",))
    late = Segment(f"{fine} AND x.next_due < {t}", ("next_due",))
    on_track = Segment(
        f"{fine} AND x.next_due >= {t} AND (x.next_soon IS NULL OR x.next_soon > {t})",
        ("next_due",),
    )
    breach_only = Segment(f"x.next_due IS NULL AND {over}", ("breach_due",))
    nothing = Segment(f"x.next_due IS NULL AND {fine}", ())
    if descending:
        return [breach_only, on_track, late, soon, overdue, nothing]
    return [overdue, soon, late, on_track, breach_only, nothing]


#: The most rows _segment_bound's slices read in all, as a multiple of the rows wanted (at
#: least PROBE_FIRST): as many as _key_bound's largest slice. Sparser matches (a rare word, a
#: narrow filter) would have it read most of the authority: the page sorts every match then.
SEGMENT_READ = 4 ** (PROBES - 1)


def _segment_bound(
    reader: Reader, q: CaseloadQuery, sort: str, descending: bool, wanted: int, b: Binds
) -> str | None:
    """A condition every one of the first `wanted` rows in `sort`'s order meets - or None when
    the matches are too sparse to find within the reads allowed (then nothing is narrowed).

    The order is a run of segments (`segments`), each an index range of case_summary read in
    (keys, case id) order. Segment by segment, the matches are looked for among its first
    rows (a slice four times larger each time): a segment read to its end gives all its
    matches (the page's rows there: every one, as they come before any later segment's), and
    in the segment where `wanted` is reached, any `wanted` matches so far with a (keys, id)
    no later than K mean the page's rows there are all <= K. The bound is: the whole earlier
    segments, and this one up to K - index ranges. K is taken in SQL (the database's own
    collation orders it as it orders the page). Only the rows read change, never which rows
    match or their order (the query's own conditions and ORDER BY decide)."""
    found_segments: list[int] = []
    need = wanted
    budget = max(PROBE_FIRST, wanted) * SEGMENT_READ
    way = " DESC" if descending else ""
    back = "" if descending else " DESC"
    for number in range(len(segments(sort, descending, "t") or [])):
        chunk = max(PROBE_FIRST, need)
        while True:
            if chunk > budget:
                return None  # sparse matches: a bound would cover most cases
            budget -= chunk
            pb = Binds(reader.dialect)
            t = pb.day(q.as_of)
            w = where(reader, pb, q, t)
            part = (segments(sort, descending, t) or [])[number]
            order = ", ".join([f"x.{k}{way}" for k in part.keys] + [f"x.case_id{way}"])
            first = (
                f"SELECT x.case_id FROM case_summary x WHERE {part.condition} "
                f"ORDER BY {order} LIMIT {pb(chunk)}"
            )
            keys = [f"s.{k} AS k{i}" for i, k in enumerate(part.keys)]
            matched = ", ".join([f"s.{k}{way}" for k in part.keys] + [f"c.id{way}"])
            found = (
                f"SELECT {', '.join([*keys, 'c.id AS k_id'])} FROM {_JOINED} WHERE {w.sql} AND "
                f"c.id IN ({first}) ORDER BY {matched} LIMIT {pb(need)}"
            )
            latest = ", ".join([f"f.k{i}{back}" for i in range(len(part.keys))] + [f"f.k_id{back}"])
            got = reader.all(
                f"SELECT count(*) OVER (), f.* FROM ({found}) AS f ORDER BY {latest} LIMIT 1",
                pb.values,
            )
            counted = int(got[0][0]) if got else 0
            if counted >= need:
                return _segment_condition(
                    segments(sort, descending, b.day(q.as_of)) or [],
                    found_segments,
                    number,
                    list(got[0][1:]),
                    descending,
                    b,
                )
            read = reader.all(f"SELECT count(*) FROM ({first}) AS head_slice", pb.values)[0][0]
            if read < chunk:
                budget += chunk - read  # what the slice did not find was not read
                break  # the whole segment read: all its matches come before the page's end
            chunk *= 4
        if counted:  # a segment without a match adds no row to the page
            found_segments.append(number)
            need -= counted
    return None  # fewer than `wanted` matches in all: nothing to narrow


def _segment_condition(
    parts: list[Segment],
    whole: list[int],
    last: int,
    latest: list[Any],
    descending: bool,
    b: Binds,
) -> str:
    """The cases of the segments `whole`, and of segment `last` those whose (keys, id) is no
    later than `latest` in the order - each an index range (row values spelt out: SQLite reads
    a range on the first column of a row value only)."""
    ranges = [f"SELECT x.case_id FROM case_summary x WHERE {parts[n].condition}" for n in whole]
    part = parts[last]
    columns = [f"x.{k}" for k in part.keys] + ["x.case_id"]
    values = [b(v) for v in latest]
    before, upto = (">", ">=") if descending else ("<", "<=")
    for i, column in enumerate(columns):
        same = [f"{c} = {v}" for c, v in zip(columns[:i], values[:i], strict=True)]
        step = upto if i == len(columns) - 1 else before
        # The bound's terms first: of two lower (or upper) bounds on one column SQLite ranges
        # the index on the first written (the segment's own, from today, would read on).
        ranges.append(
            "SELECT x.case_id FROM case_summary x WHERE "
            + " AND ".join([*same, f"{column} {step} {values[i]}", part.condition])
        )
    return f"c.id IN ({' UNION ALL '.join(ranges)})"


def _as_cases(by: Indexed, ids: str) -> str:
    """The cases whose `by` row is among ids, as a list of case ids: the planner then reads
    those cases by id, not every open case testing each one's child against the list."""
    if by.link != "id":
        ids = f'SELECT y.id FROM "case" y WHERE y.{by.link} IN ({ids})'
    return f"c.id IN ({ids})"


def rows(
    reader: Reader,
    q: CaseloadQuery,
    sort: str = "id",
    descending: bool = False,
    offset: int = 0,
    limit: int | None = None,
    *,
    with_total: bool = False,
    many: bool = False,
    within: Sequence[int] | None = None,
) -> tuple[list[CaseloadRow], int]:
    """The CaseloadRows q selects, sorted in SQL, one page at a time (all when limit is None),
    and (with_total) how many q selects, counted by a window over the same rows. `many`: the
    whole authority's search selects at least COUNT_CAP cases - a page is then read through a
    bound on its sort key's index (_due_bound for the default order, next deadline first;
    _key_bound for the sorts in INDEXED; _segment_bound for stage and status). `within`: the
    case ids known to hold every match (first_page's), read by id."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    today = q.as_of
    b = Binds(reader.dialect)
    t = b.day(today)
    w = where(reader, b, q, t)
    due = next_due_on(t)
    keys = SORTS[sort]
    chosen = (status_rank(t), due) if sort == "status" else (due,) if keys is None else keys
    way = " DESC" if descending else " ASC"
    # Missing values last either way (SQLite and PostgreSQL differ on NULL order otherwise).
    order = [
        *(f"({k}) IS NULL" for k in chosen),
        *(f"{k}{way}" for k in chosen),
        f"c.id{way}",
    ]
    conditions = [w.sql]
    if within is not None:
        conditions.append(f"c.id IN ({', '.join(b(i) for i in within) or 'NULL'})")
    if many and limit is not None and wide(q):
        bound = None
        if sort == "due" and not descending:
            bound = _due_bound(reader, q, offset + limit, b)
        elif sort in INDEXED:
            bound = _key_bound(reader, q, INDEXED[sort], descending, offset + limit, b)
        elif sort in ("stage", "status"):
            bound = _segment_bound(reader, q, sort, descending, offset + limit, b)
        if bound is not None:
            conditions.append(bound)
    selected = [_read_sql(read, t) for read in caseload_columns.ROW]
    if with_total:
        selected.append("count(*) OVER ()")
    sql = (
        f"SELECT {', '.join(selected)} FROM {_JOINED} LEFT OUTER JOIN team tm ON tm.id = w.team_id "
        f"WHERE {' AND '.join(conditions)} ORDER BY {', '.join(order)}"
    )
    if limit is not None:
        sql += f" LIMIT {b(limit)} OFFSET {b(offset)}"
    elif offset:
        sql += (
            f" LIMIT -1 OFFSET {b(offset)}"
            if reader.dialect == "sqlite"
            else f" OFFSET {b(offset)}"
        )
    found = []
    counted = 0
    width = len(caseload_columns.ROW)
    for r in reader.all(sql, b.values):
        if with_total:
            counted = int(r[width])
        found.append(_row(r, today))
    return _with_family(reader, q, found, whole=limit is None), counted


def first_page(
    reader: Reader, q: CaseloadQuery, sort: str, descending: bool, limit: int
) -> tuple[list[CaseloadRow], int]:
    """The first `limit` rows and total(q), read by one query (the count is a window over the
    same rows): what a keystroke, a filter or a sort needs, in one round trip."""
    if wide(q):
        # The whole authority: a window count would sort every wide row; a LIMIT sorts a page,
        # and the count stops at COUNT_CAP (a count of COUNT_CAP means "at least that many").
        # Fewer than that: the count has read every match (a rare word, or one too short for
        # the search index, read by LIKE over every case) - the page reads those cases by id
        # instead of reading the authority again (its own conditions still decide).
        b = Binds(reader.dialect)
        w = where(reader, b, q, b.day(q.as_of))
        ids = [case_id for (case_id,) in reader.all(_capped(w, b, COUNT_CAP), b.values)]
        if len(ids) >= COUNT_CAP:
            return rows(reader, q, sort, descending, 0, limit, many=True)[0], len(ids)
        return rows(reader, q, sort, descending, 0, limit, within=ids)[0], len(ids)
    return rows(reader, q, sort, descending, 0, limit, with_total=True)


def _with_family(
    reader: Reader, q: CaseloadQuery, found: list[CaseloadRow], whole: bool
) -> list[CaseloadRow]:
    """Each row with the family's first window or right still open today (if any)."""
    if not found:
        return found
    b = Binds(reader.dialect)
    t = b.day(q.as_of)
    if whole:
        w = where(reader, b, q, t)
        source = _steps_from(w)
        within = w.sql
    else:
        source = "case_step st"
        within = f"st.case_id IN ({', '.join(b(r.case_id) for r in found)})"
    sql = (
        f"SELECT st.case_id, st.step_id, st.title, st.due FROM {source} "
        f"WHERE st.kind != {b(DUTY)} AND st.due >= {t} AND {within} "
        "ORDER BY st.case_id, st.due, st.id"
    )
    family: dict[int, tuple[str, str, date | None]] = {}
    for case_id, step_id, title, due in reader.all(sql, b.values):
        family.setdefault(case_id, (step_id, title, day(due)))
    return [
        r._replace(family_step=f[0], family_title=f[1], family_due=f[2])
        if (f := family.get(r.case_id)) is not None
        else r
        for r in found
    ]


class OpenStep(NamedTuple):
    """A stored open step (case_step) of a case, with what the Today list shows of the case."""

    case_id: int
    ref: str
    child_name: str
    step_id: str
    title: str
    due: date
    soon: date
    kind: int
    covered: bool

    def status(self, today: date) -> tl.Status:
        """The step's status on `today`, by the rule every count uses (a duty past due is
        overdue unless an exception covers it; due soon from the stored warning date)."""
        if self.due < today:
            return tl.Status.LATE_EXCEPTION if self.covered else tl.Status.OVERDUE
        return tl.Status.DUE_SOON if self.soon <= today else tl.Status.ON_TRACK


def open_steps(reader: Reader, q: CaseloadQuery, horizon_days: int) -> list[OpenStep]:
    """Every open step of q's cases due by today + horizon (overdue duties included; a
    family's window or right that has ended is not open), as stored."""
    q = q.without_quick()
    b = Binds(reader.dialect)
    t = b.day(q.as_of)
    w = where(reader, b, q, t)
    end = b.day(q.as_of + timedelta(days=horizon_days))
    source = _steps_from(w) + ("" if w.child else _CHILD)
    sql = (
        "SELECT st.case_id, c.ref, ch.first_name, ch.last_name, st.step_id, st.title, st.due, "
        f"st.soon, st.kind, st.covered FROM {source} "
        f"WHERE st.due <= {end} AND {step_open(b(DUTY), t)} AND {w.sql}"
    )
    found = []
    for case_id, ref, first, last, step_id, title, due, soon, kind, covered in reader.all(
        sql, b.values
    ):
        when, warned = day(due), day(soon)
        assert when is not None and warned is not None
        found.append(
            OpenStep(
                case_id, ref, f"{first} {last}", step_id, title, when, warned, kind, bool(covered)
            )
        )
    return found


def steps_due(reader: Reader, q: CaseloadQuery, horizon_days: int) -> list[tuple[int, str, date]]:
    """(case id, step id, due) of every open step of q's cases due by today + horizon."""
    return [(s.case_id, s.step_id, s.due) for s in open_steps(reader, q, horizon_days)]


# --- whose cases ----------------------------------------------------------------------------


def user_scope(reader: Reader, user: str) -> tuple[int | None, int | None]:
    """(caseworker id, team id) of the caseworker record named `user` (an active one first);
    None where there is none."""
    found = reader.all(
        "SELECT id, team_id FROM caseworker WHERE name = :name ORDER BY active DESC, id LIMIT 1",
        {"name": user},
    )
    return (found[0][0], found[0][1]) if found else (None, None)


def scope_query(
    ids: tuple[int | None, int | None],
    scope: str,
    as_of: date,
    quick: str = "all",
    stage: str | None = None,
    search: str | None = None,
) -> CaseloadQuery:
    """The query for a scope ("mine", "team" or "everyone") of the user whose (caseworker id,
    team id) are `ids`, with the caseload's quick filter, stage and search."""
    worker_id, team_id = ids
    base = CaseloadQuery(as_of, quick=quick, stage=stage, search=search or None)
    if scope == "mine":
        if worker_id is None:
            return replace(base, nobody=True)
        return replace(base, caseworker_id=worker_id)
    if scope == "team":
        if team_id is None:  # not in a team: the team is just the caseworker
            return replace(base, caseworker_id=worker_id, nobody=worker_id is None)
        return replace(base, team_id=team_id)
    return base


# --- plain sqlite3 ---------------------------------------------------------------------------


class SqliteReader:
    """This module's SQL on a plain sqlite3 connection (the caller's: it opens and closes it)."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection, key: object) -> None:
        self.conn = conn
        self.key = key

    def all(self, sql: str, params: dict[str, Any]) -> list[Sequence[Any]]:
        return self.conn.execute(sql, params).fetchall()


class PlainReader:
    """This module's SQL on a SQLite file with plain sqlite3, read-only: the desk's reads
    before (and without) SQLAlchemy. One connection, shared by the GUI thread and the load's
    thread under a lock; each read sees what is committed (no transaction is held)."""

    dialect = "sqlite"

    def __init__(self, path: Path | str, cache_kib: int = 16 * 1024) -> None:
        self.path = Path(path).resolve()
        self.key = ("sqlite", str(self.path))
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            f"{self.path.as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        self._conn.execute(f"PRAGMA cache_size=-{cache_kib}")
        self._conn.execute("PRAGMA busy_timeout=5000")

    def all(self, sql: str, params: dict[str, Any]) -> list[Sequence[Any]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def run(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """`work` on the connection (first_page's plain checks take one)."""
        with self._lock:
            return work(self._conn)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
