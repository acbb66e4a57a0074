"""What the bench's SQLite and PostgreSQL probes share: a median of timed runs, the busiest
caseworker (what a user meets) and what the desk reads for one caseworker."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any


def median_of(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def busiest_caseworker(db: Any) -> tuple[int, str, int]:
    """(id, name, open cases) of the caseworker with most open cases: what a user meets."""
    from sqlalchemy import func, select

    from send_desktop.store.models import Case, Caseworker

    with db.session() as session:
        row = session.execute(
            select(Caseworker.id, Caseworker.name, func.count(Case.id))
            .join(Case, Case.caseworker_id == Caseworker.id)
            .where(Case.closed.is_(False))
            .group_by(Caseworker.id, Caseworker.name)
            .order_by(func.count(Case.id).desc(), Caseworker.id)
            .limit(1)
        ).one()
    return int(row[0]), str(row[1]), int(row[2])


def page_and_counts(db: Any, caseworker_id: int, as_of: date) -> Callable[[], object]:
    """What the desk reads for one caseworker: the first page in due order and every count."""
    from send_desktop.store import counts

    query = counts.CaseloadQuery(as_of, caseworker_id=caseworker_id)

    def read() -> object:
        with db.session() as session:
            counts.rows(session, query, "due", offset=0, limit=200)
            counts.total(session, query)
            return counts.counts(session, query)

    return read
