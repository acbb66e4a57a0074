"""A caseworker's first caseload page and counts read with plain sqlite3, before SQLAlchemy loads.

The start of the program paints this, then hands over to the desk's model. The SQL is
store/desk_sql.py's - the one definition of each count, filter and sort, which store/counts.py
runs through SQLAlchemy - read here on a plain read-only connection. It reads only a SQLite
file whose schema is at the program's head and whose stored deadlines are fresh (one stamp over
every case); anything else returns None and the normal path reads.

Nothing here imports SQLAlchemy, numpy or the bank-holiday tables.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from send_desktop.store import desk_sql, revision_files
from send_desktop.store.caseload_types import CaseloadQuery, CaseloadRow, Counts
from send_desktop.store.desk_sql import DUE_SOON as DUE_SOON
from send_desktop.store.desk_sql import DUTY as DUTY
from send_desktop.store.desk_sql import FOUR_WEEKS_DAYS as FOUR_WEEKS_DAYS
from send_desktop.store.desk_sql import LATE_EXCEPTION as LATE_EXCEPTION
from send_desktop.store.desk_sql import ON_TRACK as ON_TRACK
from send_desktop.store.desk_sql import OVERDUE as OVERDUE
from send_desktop.store.desk_sql import REVIEW_HORIZON_DAYS as REVIEW_HORIZON_DAYS
from send_desktop.store.desk_sql import SORTS as SORTS
from send_desktop.store.desk_sql import WEEK_DAYS as WEEK_DAYS
from send_desktop.store.stamps import POLICY_PREFIX, stamp_for
from send_desktop.timeline import Policy


@dataclass(frozen=True)
class FirstPage:
    """What the window paints first: my ids, the page, total and counts."""

    caseworker_id: int | None
    team_id: int | None
    stamp: str
    rows: list[CaseloadRow]
    total: int
    counts: Counts
    #: the same counts for the caseworker's own cases (the banner's).
    mine: Counts


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
        return _read(conn, user, as_of, scope, (limit, sort, descending), stamp, file)
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
    file: Path,
) -> FirstPage | None:
    if not at_head(conn):
        return None
    low, high = _stamp_range(conn)
    wanted = stamp if stamp is not None else _policy_stamp(conn)
    if wanted is None or low != high or (low is not None and low != wanted):
        return None
    reader = desk_sql.SqliteReader(conn, ("sqlite", str(file.resolve())))
    ids = desk_sql.user_scope(reader, user)
    q = desk_sql.scope_query(ids, scope, as_of)
    # Every case shown has its stored row (the scope's cases only: an index range, not every
    # case of the authority).
    if not scope_stored(reader, q):
        return None
    shown = desk_sql.counts(reader, q)
    mine = (
        shown
        if scope == "mine"
        else desk_sql.counts(reader, desk_sql.scope_query(ids, "mine", as_of))
    )
    limit, sort, descending = page
    rows = desk_sql.rows(reader, q, sort, descending, 0, limit)[0]
    return FirstPage(ids[0], ids[1], low or wanted, rows, shown.cases, shown, mine)


def scope_stored(reader: desk_sql.Reader, q: CaseloadQuery) -> bool:
    """Every case q's scope selects has its stored row (a case with none is not in the
    page's join: the normal path recomputes it first)."""
    b = desk_sql.Binds(reader.dialect)
    w = desk_sql.where(None, b, q.without_quick(), b.day(q.as_of))
    found = reader.all(
        f'SELECT EXISTS (SELECT 1 FROM "case" c LEFT OUTER JOIN case_summary s '
        f"ON s.case_id = c.id WHERE s.case_id IS NULL AND {w.sql})",
        b.values,
    )
    return not found[0][0]


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
