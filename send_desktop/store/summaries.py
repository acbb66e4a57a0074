"""Stored deadlines: each case's digest written in the same transaction as every change to it.

Every list - caseload, Today, dashboard, report, workbook - reads `case_summary` and `case_step`
with SQL (store/counts.py). They are written here, by the one clock engine
(`timeline.digest`), never anywhere else:

- an ORM change to a case or any of its rows marks the case; just before the transaction
  commits its digest is rewritten (`install` hooks the sessionmaker);
- the bulk writers (import, demo) call `refresh` for the cases they wrote;
- each row carries a stamp of the rules, policy and calendar it was computed under; when any of
  them changes (a policy saved, a new program version, a new bank-holiday table) `stale_count`
  says so and `recompute` brings every case up to date in chunks, with progress.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Select, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from send_desktop import timeline as tl
from send_desktop.store.facts import CHUNK, case_columns
from send_desktop.store.fast_insert import drop_indexes, insert_columns
from send_desktop.store.models import (
    AdviceRequest,
    AnnualReview,
    Appeal,
    Case,
    CaseException,
    CaseReviewTimeRow,
    CaseStepRow,
    CaseSummaryRow,
    Child,
    Consultation,
    Mediation,
    Move,
    Setting,
)
from send_desktop.store.stamps import POLICY_PREFIX as _POLICY_PREFIX
from send_desktop.store.stamps import calendar_version as calendar_version
from send_desktop.store.stamps import stamp_for as stamp_for

if TYPE_CHECKING:
    from send_desktop.timeline.bulk import CaseColumns

log = logging.getLogger(__name__)

# Rows whose change can change a case's deadlines (a child's date of birth moves an under-5
# review; every other table here holds a fact the engine reads).
_CASE_ROWS = (AdviceRequest, CaseException, Consultation, AnnualReview, Move, Mediation, Appeal)
# Below this many cases a policy change is applied inside the transaction that saves it; above,
# the stored rows are marked stale and recomputed in the background (with progress).
INLINE_RECOMPUTE_LIMIT = 20_000

Progress = Callable[[int, int], object]


def current_stamp(session: Session) -> str:
    from send_desktop.store.settings import load_policy

    return stamp_for(load_policy(session))


# --- writing ---------------------------------------------------------------------------------


def refresh(
    session: Session,
    case_ids: Iterable[int],
    policy: tl.Policy | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    block: int | None = None,
) -> int:
    """Rewrite the stored digest of these cases from their facts; returns how many were written.

    Runs on the session's connection, so it belongs to the caller's transaction. The cases'
    rows are read straight into the numpy twin's columns (`facts.case_columns`, no Facts
    object per case) and digested a block at a time (timeline/bulk_digest.py, tested equal
    to `digest` case by case). When the cases are every case of a SQLite database (a policy
    change, a new program version or calendar), the three tables are emptied and refilled
    with their secondary indexes dropped and rebuilt after (`fast_insert.drop_indexes`). progress
    is told (done, total) after each block; cancelled() true stops with `Cancelled` (the
    caller's transaction then rolls back: nothing half-written is kept).
    """
    from send_desktop.store.settings import load_policy

    ids = sorted(set(case_ids))
    if not ids:
        return 0
    policy = policy or load_policy(session)
    stamp = stamp_for(policy)
    conn = session.connection()
    everything = (
        conn.dialect.name == "sqlite"
        and len(ids) >= WHOLE_TABLE_FROM
        and len(ids) == session.execute(select(func.count()).select_from(Case)).scalar_one()
    )
    indexes: list[str] = []
    if everything:
        for model in _DIGEST_TABLES:
            conn.execute(delete(model))
        indexes = drop_indexes(conn, [str(m.__tablename__) for m in _DIGEST_TABLES])
    written = 0
    for ids_of in _blocks(ids, block or DIGEST_BLOCK):
        if cancelled and cancelled():
            raise Cancelled
        if not everything:
            for model in _DIGEST_TABLES:
                conn.execute(delete(model).where(model.case_id.in_(ids_of)))
        cols = case_columns(session, ids_of)
        if len(cols):
            written += write_columns(conn, cols, policy, stamp)
        if progress:
            progress(written, len(ids))
    for sql in indexes:
        conn.exec_driver_sql(sql)
    return written


class Cancelled(Exception):
    """The recompute was asked to stop (its transaction is rolled back)."""


# Below this many cases refreshing every case keeps the indexes (rebuilding them costs more
# than maintaining them for a few rows).
WHOLE_TABLE_FROM = 1000
# The stored-deadline tables, children first (emptied and refilled together).
_DIGEST_TABLES: tuple[Any, ...] = (CaseStepRow, CaseReviewTimeRow, CaseSummaryRow)


# A run of consecutive ids (the demo, a recompute of everything) is read with BETWEEN, in
# blocks this large; other ids go in IN lists of facts.CHUNK.
RANGE_BLOCK = 50_000
# Cases digested and written at a time by `refresh`: at 100,000 cases blocks of 10,000 took
# the time of blocks of 50,000 with 176 MB peak instead of 286 MB.
DIGEST_BLOCK = 10_000


def _blocks(ids: Sequence[int], size: int = RANGE_BLOCK) -> Iterator[Select[Any]]:
    """Selects of case ids covering `ids` (sorted, distinct), a block of cases each."""
    for start in range(0, len(ids), size):
        block = ids[start : start + size]
        if block[-1] - block[0] + 1 == len(block):
            yield select(Case.id).where(Case.id.between(block[0], block[-1]))
            continue
        for at in range(0, len(block), CHUNK):
            yield select(Case.id).where(Case.id.in_(block[at : at + CHUNK]))


def write_columns(conn: Connection, cols: CaseColumns, policy: tl.Policy, stamp: str) -> int:
    """Insert the digests of cases that have none stored yet (the demo's new cases, or after
    `refresh` deleted them), computed for the whole column at once (numpy: imported here, so
    opening a database and reading its stored rows never loads it)."""
    from send_desktop.timeline.bulk_digest import bulk_digests

    found = bulk_digests(cols, policy)
    summary = found.summary_columns()
    summary["stamp"] = [stamp] * len(found)
    steps = found.step_columns()
    owners = case_owners(conn, summary["case_id"])
    for columns in (summary, steps):
        of_case = [owners[case_id] for case_id in columns["case_id"]]
        columns["caseworker_id"] = [worker for worker, _closed in of_case]
        columns["closed"] = [closed for _worker, closed in of_case]
    insert_columns(conn, CaseSummaryRow.__table__, summary)  # type: ignore[arg-type]
    insert_columns(conn, CaseStepRow.__table__, steps)  # type: ignore[arg-type]
    insert_columns(conn, CaseReviewTimeRow.__table__, found.review_columns())  # type: ignore[arg-type]
    return len(found)


def case_owners(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[int | None, bool]]:
    """Each case's caseworker and closed flag, which its summary and step rows keep a copy of
    (the report's per-caseworker figures read their indexes alone, without a look-up of the
    case per row). Read from `case` in the writer's transaction, so the copy is what the case
    holds when it commits: every write to a case (the ORM hook, import's bulk write, the demo)
    rewrites its stored rows."""
    if not ids:
        return {}
    low, high = min(ids), max(ids)
    owner: dict[int, tuple[int | None, bool]] = {}
    which = select(Case.id, Case.caseworker_id, Case.closed)
    if high - low + 1 <= 2 * len(ids):  # a run of ids (a block of the recompute, the demo)
        selects = [which.where(Case.id.between(low, high))]
    else:
        order = sorted(ids)
        selects = [
            which.where(Case.id.in_(order[at : at + CHUNK])) for at in range(0, len(order), CHUNK)
        ]
    for query in selects:
        owner.update(
            (case_id, (worker, bool(closed))) for case_id, worker, closed in conn.execute(query)
        )
    return owner


def stale_count(session: Session, stamp: str | None = None) -> int:
    """Cases whose stored digest is missing or was computed under other rules or policy."""
    stamp = stamp or current_stamp(session)
    fresh = select(func.count()).select_from(CaseSummaryRow).where(CaseSummaryRow.stamp == stamp)
    total = select(func.count()).select_from(Case)
    return int(session.execute(total).scalar_one()) - int(session.execute(fresh).scalar_one())


def recompute(
    session_factory: Callable[[], Any],
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    chunk: int | None = None,
) -> int:
    """Bring every stale case up to date, with progress; returns how many were written.

    session_factory is `Database.session` (a context manager per unit of work). Some stale
    cases (an older program left some behind, a stop half-way): a chunk per transaction, safe
    to stop and resume. Every case stale (a policy, calendar or program change): one
    transaction that rewrites the tables whole (`refresh`), progress after each block of
    chunk cases (default DIGEST_BLOCK); a stop rolls it back and the cases stay stale, to be
    recomputed next time. For the chunked path chunk defaults to facts.CHUNK.
    """
    with session_factory() as session:
        stamp = current_stamp(session)
        fresh = select(CaseSummaryRow.case_id).where(CaseSummaryRow.stamp == stamp)
        stale = [
            row[0]
            for row in session.execute(
                select(Case.id).where(Case.id.not_in(fresh)).order_by(Case.id)
            )
        ]
        every = not session.execute(select(fresh.exists())).scalar_one()
    total, done = len(stale), 0
    if progress:
        progress(0, total)
    if every and total >= WHOLE_TABLE_FROM:
        try:
            with session_factory() as session:
                done = refresh(session, stale, None, progress, cancelled, chunk)
        except Cancelled:
            return 0
    else:
        chunk = chunk or CHUNK
        for start in range(0, total, chunk):
            if cancelled and cancelled():
                break
            with session_factory() as session:
                done += refresh(session, stale[start : start + chunk])
            if progress:
                progress(done, total)
    if total:
        log.info("Recomputed the stored deadlines of %d cases", done)
    return done


# --- the hook: every ORM change refreshes its cases before commit -----------------------------


def install(factory: sessionmaker[Session]) -> None:
    """Mark the cases each flush touches, and rewrite their digests before the commit."""
    from sqlalchemy import event

    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "before_commit", _before_commit)


def _after_flush(session: Session, _context: Any) -> None:
    cases: set[int] = session.info.setdefault("digest_cases", set())
    children: set[int] = session.info.setdefault("digest_children", set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Case):
            cases.add(obj.id)
        elif isinstance(obj, _CASE_ROWS):
            cases.add(obj.case_id)
        elif isinstance(obj, Child):
            children.add(obj.id)
        elif isinstance(obj, Setting) and obj.key.startswith(_POLICY_PREFIX):
            session.info["digest_policy"] = True


def _before_commit(session: Session) -> None:
    session.flush()
    cases: set[int] = session.info.pop("digest_cases", set())
    children: set[int] = session.info.pop("digest_children", set())
    policy_changed = session.info.pop("digest_policy", False)
    if policy_changed:
        total = session.execute(select(func.count()).select_from(Case)).scalar_one()
        if total <= INLINE_RECOMPUTE_LIMIT:
            refresh(session, (row[0] for row in session.execute(select(Case.id))))
            return
        log.info("Policy changed: %d cases' deadlines are recomputed in the background", total)
    if children:
        cases.update(
            row[0]
            for row in session.execute(select(Case.id).where(Case.child_id.in_(sorted(children))))
        )
    if cases:
        refresh(session, cases)
