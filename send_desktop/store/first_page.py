"""A caseworker's first caseload page and counts read with plain sqlite3, before SQLAlchemy loads.

The start of the program paints this, then hands over to the normal model (store/counts.py
through SQLAlchemy) once the rest has loaded. The SQL here says what store/counts.py says -
the same WHERE for each count, the same ORDER BY for the default sort (the next deadline,
soonest first, ties by case id) - and tests/store/test_first_page.py proves it: page, total and
every count equal counts.rows / counts.counts on demo data over several days and scopes. It
reads only a SQLite file whose schema is at the program's head and whose stored deadlines are
fresh (one stamp over every case); anything else returns None and the normal path reads.

Nothing here imports SQLAlchemy, numpy or the bank-holiday tables.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from send_desktop.store import caseload_columns, revision_files
from send_desktop.store.stamps import POLICY_PREFIX, stamp_for
from send_desktop.timeline import Policy

#: counts.WEEK_DAYS, FOUR_WEEKS_DAYS, REVIEW_HORIZON_DAYS (tested equal).
WEEK_DAYS, FOUR_WEEKS_DAYS, REVIEW_HORIZON_DAYS = 7, 28, 28
#: timeline.digest.DUTY and the timeline.Status values the CASE gives (tested equal).
DUTY = 0
OVERDUE, LATE_EXCEPTION, DUE_SOON, ON_TRACK = "overdue", "late-exception", "due-soon", "on-track"


@dataclass(frozen=True)
class FirstPage:
    """What the window paints first: my ids, the page (CaseloadRow fields), total and counts."""

    caseworker_id: int | None
    team_id: int | None
    stamp: str
    rows: list[dict[str, Any]]
    total: int
    #: counts.Counts's fields, in its order.
    counts: dict[str, int]
    #: the same counts for the caseworker's own cases (the banner's).
    mine: dict[str, int]


def _scope_where(scope: str, worker: int | None, team: int | None) -> tuple[str, list[Any]]:
    """counts._where for a scope with no quick filter, stage or search."""
    if scope == "mine" or (scope == "team" and team is None):
        if worker is None:
            return "0", []
        return "c.caseworker_id = ? AND c.closed = 0", [worker]
    if scope == "team":
        return (
            "c.caseworker_id IN (SELECT id FROM caseworker WHERE team_id = ?) AND c.closed = 0",
            [team],
        )
    return "c.closed = 0", []


def _overdue(today: str) -> tuple[str, list[str]]:
    return "s.breach_due < ?", [today]


def _counts(conn: sqlite3.Connection, where: str, args: list[Any], today: date) -> dict[str, int]:
    t = today.isoformat()
    week = (today + timedelta(days=WEEK_DAYS)).isoformat()
    four = (today + timedelta(days=FOUR_WEEKS_DAYS)).isoformat()
    review = (today + timedelta(days=REVIEW_HORIZON_DAYS)).isoformat()
    within = "s.next_due >= ? AND s.next_due <= ? AND (s.breach_due IS NULL OR s.breach_due >= ?)"
    sql = f"""
        SELECT count(*),
          coalesce(sum(CASE WHEN s.breach_due < ? THEN 1 ELSE 0 END), 0),
          coalesce(sum(CASE WHEN s.next_due < ? AND (s.breach_due IS NULL OR s.breach_due >= ?)
                       THEN 1 ELSE 0 END), 0),
          coalesce(sum(CASE WHEN {within} THEN 1 ELSE 0 END), 0),
          coalesce(sum(CASE WHEN {within} THEN 1 ELSE 0 END), 0),
          coalesce(sum(CASE WHEN s.has_exception = 1 THEN 1 ELSE 0 END), 0),
          coalesce(sum(CASE WHEN s.review_due <= ? THEN 1 ELSE 0 END), 0)
        FROM "case" c JOIN case_summary s ON s.case_id = c.id
        WHERE {where}
    """
    values = [t, t, t, t, week, t, t, four, t, review]
    row = conn.execute(sql, [*values, *args]).fetchone()
    steps = conn.execute(
        f"""
        SELECT count(*) FROM case_step st JOIN "case" c ON c.id = st.case_id
          JOIN case_summary s ON s.case_id = c.id
        WHERE st.kind = ? AND st.due < ? AND st.covered = 0 AND {where}
        """,
        [DUTY, t, *args],
    ).fetchone()
    names = ("cases", "overdue", "late_exception", "this_week", "four_weeks", "exceptions")
    found = dict(zip((*names, "reviews_due"), (int(v) for v in row), strict=True))
    return found | {"steps_overdue": int(steps[0])}


_DUE = "CASE WHEN s.breach_due < ? THEN s.breach_due ELSE s.next_due END"
_RANK = (
    "CASE WHEN s.next_due IS NULL THEN 7 WHEN s.breach_due < ? THEN 0 "
    "WHEN s.next_due < ? THEN 2 WHEN s.next_soon <= ? THEN 1 ELSE 3 END"
)
#: counts.SORTS: each sort's keys, and how many times each key binds today.
SORTS: dict[str, tuple[tuple[str, int], ...]] = {
    "ref": (("c.ref", 0),),
    "child": (("lower(ch.last_name)", 0), ("lower(ch.first_name)", 0)),
    "age": (("ch.date_of_birth", 0),),
    "stage": (("s.stage", 0),),
    "next": (("s.next_title", 0),),
    "due": ((_DUE, 1),),
    "status": ((_RANK, 3), (_DUE, 1)),
    "caseworker": (("lower(w.name)", 0),),
    "id": (),
}


def _order(sort: str, descending: bool, today: str) -> tuple[str, list[str]]:
    """counts.rows' ORDER BY: missing values last, then the keys, ties by case id."""
    keys = SORTS[sort]
    way = " DESC" if descending else ""
    nulls = [f"({k}) IS NULL" for k, _ in keys]
    order = [f"{k}{way}" for k, _ in keys]
    binds = [today for _ in range(2) for _k, n in keys for _i in range(n)]
    return ", ".join([*nulls, *order, f"c.id{way}"]), binds


def _rows(
    conn: sqlite3.Connection,
    where: str,
    args: list[Any],
    today: date,
    limit: int,
    sort: str = "due",
    descending: bool = False,
) -> list[dict[str, Any]]:
    """counts.rows(q, sort, descending, limit=limit)."""
    t = today.isoformat()
    order, order_args = _order(sort, descending, t)
    selected = [_read_sql(read) for read in caseload_columns.ROW]
    sql = f"""
        SELECT {", ".join(expr for expr, _binds in selected)}
        FROM "case" c JOIN case_summary s ON s.case_id = c.id
          JOIN child ch ON ch.id = c.child_id
          LEFT OUTER JOIN caseworker w ON w.id = c.caseworker_id
          LEFT OUTER JOIN team tm ON tm.id = w.team_id
        WHERE {where}
        ORDER BY {order}
        LIMIT ?
    """
    values = [t for _expr, binds in selected for _i in range(binds)]
    found = []
    for r in conn.execute(sql, [*values, *args, *order_args, limit]):
        row: dict[str, Any] = {
            read.name: _day(value) if read.day else value
            for read, value in zip(caseload_columns.ROW, r, strict=True)
        }
        next_due, received, weeks_end = row["next_due"], row["request_received"], row["weeks_open"]
        row.update(
            child_name=f"{row['first_name']} {row['last_name']}",
            days_left=(next_due - today).days if next_due is not None else None,
            has_exception=bool(row["has_exception"]),
            # timeline.digest.weeks_open
            weeks_open=max(0, ((weeks_end or today) - received).days // 7)
            if received is not None
            else 0,
        )
        found.append(row)
    if found:
        family: dict[int, tuple[str, str, date | None]] = {}
        marks = ",".join("?" * len(found))
        for case_id, step_id, title, step_due in conn.execute(
            f"""
            SELECT case_id, step_id, title, due FROM case_step
            WHERE kind != ? AND due >= ? AND case_id IN ({marks})
            ORDER BY case_id, due, id
            """,
            [DUTY, t, *(r["case_id"] for r in found)],
        ):
            family.setdefault(case_id, (step_id, title, _day(step_due)))
        for r in found:
            step = family.get(r["case_id"])
            if step is not None:
                r["family_step"], r["family_title"], r["family_due"] = step
    return found


#: caseload_columns' table names: the aliases _rows' FROM gives them.
_ALIASES = {"case": "c", "child": "ch", "caseworker": "w", "team": "tm", "case_summary": "s"}
#: counts.next_status (binds today 3 times).
_STATUS = f"""CASE WHEN s.next_due IS NULL THEN NULL
    WHEN s.breach_due < ? THEN '{OVERDUE}'
    WHEN s.next_due < ? THEN '{LATE_EXCEPTION}'
    WHEN s.next_soon <= ? THEN '{DUE_SOON}'
    ELSE '{ON_TRACK}' END"""


def _read_sql(read: caseload_columns.Read) -> tuple[str, int]:
    """counts.row_sql's SQL of one caseload_columns.Read, and how many times it binds today."""
    if read.status:
        return _STATUS, 3
    alias = _ALIASES[read.table]
    if read.breach:
        return (
            f"CASE WHEN s.breach_due < ? THEN {alias}.{read.breach} ELSE {alias}.{read.column} END",
            1,
        )
    return f"{alias}.{read.column}", 0


def _day(value: Any) -> date | None:
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value else None


def read(
    path: Path | str,
    user: str,
    as_of: date,
    scope: str = "mine",
    limit: int = 200,
    stamp: str | None = None,
    sort: str = "due",
    descending: bool = False,
) -> FirstPage | None:
    """The first page (in a counts.SORTS order) and counts for `user` in `scope`
    ("mine", "team" or "everyone"), read-only; None when the normal path must read: not a
    SQLite file, schema not at head, stored deadlines stale (or not under `stamp`; when it is
    None, the stamp this program computes for the file's saved policy), any error."""
    file = Path(path)
    if not file.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        return _read(conn, user, as_of, scope, (limit, sort, descending), stamp)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _read(
    conn: sqlite3.Connection,
    user: str,
    as_of: date,
    scope: str,
    page: tuple[int, str, bool],
    stamp: str | None,
) -> FirstPage | None:
    if not at_head(conn):
        return None
    low, high = _stamp_range(conn)
    wanted = stamp if stamp is not None else _policy_stamp(conn)
    if wanted is None or low != high or (low is not None and low != wanted):
        return None
    me = conn.execute(
        "SELECT id, team_id FROM caseworker WHERE name = ? ORDER BY active DESC, id LIMIT 1",
        [user],
    ).fetchone()
    worker, team = (me[0], me[1]) if me is not None else (None, None)
    where, args = _scope_where(scope, worker, team)
    # Every case shown has its stored row (the scope's cases only: an index range, not every
    # case of the authority).
    missing = conn.execute(
        f'SELECT EXISTS (SELECT 1 FROM "case" c WHERE {where} AND NOT EXISTS '
        "(SELECT 1 FROM case_summary s WHERE s.case_id = c.id))",
        args,
    ).fetchone()[0]
    if missing:
        return None
    shown = _counts(conn, where, args, as_of)
    mine_where, mine_args = _scope_where("mine", worker, team)
    mine = shown if scope == "mine" else _counts(conn, mine_where, mine_args, as_of)
    rows = _rows(conn, where, args, as_of, *page)
    return FirstPage(worker, team, low or wanted, rows, shown["cases"], shown, mine)


#: The page cache (KiB) of the freshness check's own connection: it counts two indexes over
#: every case, and the database's connections keep 16 MiB of what they read (database.CACHE_KIB) -
#: at 100,000 cases that check alone left 14 MB of pages in the desk's connection.
CHECK_CACHE_KIB = 256


def all_fresh(path: Path | str) -> bool:
    """Every case of the SQLite file at `path` has its stored deadlines under the stamp for the
    file's own policy: summaries.recompute would find nothing to do (False when it might, or the
    file cannot be read so: then it runs). Read-only, on its own connection with a small page
    cache, so the start's check does not leave the whole case index in the desk's memory."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        conn.execute(f"PRAGMA cache_size=-{CHECK_CACHE_KIB}")
        return fresh(conn, _policy_stamp(conn))
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def at_head(conn: sqlite3.Connection) -> bool:
    """The file's schema is the program's head, read from db/versions' own lines
    (store/revision_files): the plain reads' SQL reads the schema the migrations leave
    (tests/store/test_first_page.py)."""
    ours = revision_files.from_scripts()
    head = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    return ours is not None and [tuple(r) for r in head] == [(ours.head,)]


def fresh(conn: sqlite3.Connection, wanted: str | None) -> bool:
    """Every case has its stored row, under the stamp `wanted` (summaries.stale_count is 0).

    One stamp over every row (two index look-ups), and as many stored rows as cases:
    case_summary.case_id is the primary key and a foreign key to case (ON DELETE CASCADE,
    enforced), so equal counts mean every case has its row. Each count reads a small index;
    the NOT IN of recompute's own query took 5 s at 1,000,000 cases."""
    low, high = _stamp_range(conn)
    cases, stored = conn.execute(
        'SELECT (SELECT count(*) FROM "case"), (SELECT count(*) FROM case_summary)'
    ).fetchone()
    return wanted is not None and cases == stored and (stored == 0 or low == high == wanted)


def _stamp_range(conn: sqlite3.Connection) -> tuple[str | None, str | None]:
    """The lowest and highest stored stamp (equal: one stamp over every row). In two
    sub-queries: each one index look-up (SQLite scans every row for min() and max() in one
    SELECT: 0.4 s at 1,000,000 cases)."""
    low, high = conn.execute(
        "SELECT (SELECT min(stamp) FROM case_summary), (SELECT max(stamp) FROM case_summary)"
    ).fetchone()
    return low, high


def saved_policy(conn: sqlite3.Connection) -> Policy | None:
    """The file's saved policy, read with sqlite3 (None when it is not valid: the normal path
    says why)."""
    stored = {
        key[len(POLICY_PREFIX) :]: value
        for key, value in conn.execute(
            "SELECT key, value FROM setting WHERE substr(key, 1, ?) = ?",
            [len(POLICY_PREFIX), POLICY_PREFIX],
        )
    }
    try:
        return Policy.from_mapping(stored)
    except ValueError:
        return None


def _policy_stamp(conn: sqlite3.Connection) -> str | None:
    """summaries.current_stamp, read with sqlite3: the stamp for the file's saved policy
    (None when a saved policy is not valid)."""
    policy = saved_policy(conn)
    return stamp_for(policy) if policy is not None else None
