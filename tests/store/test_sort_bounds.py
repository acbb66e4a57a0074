"""A whole-authority page sorted by stage or status, read through desk_sql._segment_bound,
is exactly the unbounded query's slice: the same rows in the same order, for any stored dates
(ties, missing values, a breach with no next duty - rows the digest never writes, written here
straight into case_summary), both directions, any offset, filters and searches; on SQLite
(through a session and plain sqlite3) and PostgreSQL."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, select, update

from send_desktop.store import Database, counts, desk_sql
from send_desktop.store.caseload_types import CaseloadQuery
from send_desktop.store.demo import make_demo
from send_desktop.store.models import Case, CaseSummaryRow

AS_OF = date(2025, 6, 2)
#: Mixed case on purpose: PostgreSQL's collation orders "plan" and "Plan" its own way, and the
#: bound must follow the database's order, whatever it is.
STAGES = ("Assessment", "Plan", "plan", "Request", "Ceased", "Draft plan")


@pytest.fixture
def demo(db: Database) -> Database:
    make_demo(db, cases=120, seed=3, as_of=AS_OF, force=True)
    return db


def _scramble(db: Database, seed: int, days: int, missing: float, closed: float) -> None:
    """Random stored dates and stages over few distinct values (ties), some missing, some
    cases closed - the summary's copy and the case's flag alike."""
    rng = random.Random(seed)

    def when() -> date | None:
        return None if rng.random() < missing else AS_OF + timedelta(rng.randint(-days, days))

    with db.session() as s:
        ids = list(s.execute(select(Case.id)).scalars())
        summaries: list[dict[str, Any]] = []
        flags: list[dict[str, Any]] = []
        for case_id in ids:
            shut = rng.random() < closed
            summaries.append(
                {
                    "key": case_id,
                    "stage": rng.choice(STAGES[: rng.randint(1, len(STAGES))]),
                    "next_due": when(),
                    "next_soon": when(),
                    "breach_due": when(),
                    "closed": shut,
                }
            )
            flags.append({"key": case_id, "closed": shut})
        summary, case = CaseSummaryRow.__table__, Case.__table__
        s.execute(update(summary).where(summary.c.case_id == bindparam("key")), summaries)
        s.execute(update(case).where(case.c.id == bindparam("key")), flags)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_bounded_stage_or_status_page_is_the_unbounded_slice(
    demo: Database, data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    _scramble(
        demo,
        data.draw(st.integers(0, 10**6), label="seed"),
        data.draw(st.integers(0, 6), label="days"),
        data.draw(st.sampled_from([0.0, 0.2, 0.5, 0.9]), label="missing"),
        data.draw(st.sampled_from([0.0, 0.3]), label="closed"),
    )
    # Small slices: several per segment, segments read to their end, the read budget spent.
    monkeypatch.setattr(desk_sql, "PROBE_FIRST", data.draw(st.sampled_from([1, 3, 10])))
    monkeypatch.setattr(desk_sql, "SEGMENT_READ", data.draw(st.sampled_from([1, 4, 64])))
    q = CaseloadQuery(
        AS_OF,
        quick=data.draw(st.sampled_from(desk_sql.QUICK_FILTERS), label="quick"),
        search=data.draw(st.sampled_from([None, "a", "ehc-", "zzzq"]), label="search"),
        include_closed=data.draw(st.booleans(), label="include_closed"),
    )
    plain = desk_sql.PlainReader(demo.path) if demo.path is not None else None
    try:
        with demo.session() as s:
            reader = counts.reader(s)
            for sort in ("stage", "status"):
                for descending in (False, True):
                    whole = [r.case_id for r in desk_sql.rows(reader, q, sort, descending)[0]]
                    for offset, limit in ((0, 1), (0, 7), (5, 5), (13, 20), (len(whole), 3)):
                        b = desk_sql.Binds(reader.dialect)
                        bound = desk_sql._segment_bound(
                            reader, q, sort, descending, offset + limit, b
                        )
                        page = desk_sql.rows(reader, q, sort, descending, offset, limit, many=True)
                        expected = whole[offset : offset + limit]
                        assert [r.case_id for r in page[0]] == expected, (sort, descending, bound)
                        if plain is not None:
                            assert (
                                desk_sql.rows(plain, q, sort, descending, offset, limit, many=True)
                                == page
                            )
    finally:
        if plain is not None:
            plain.close()


def test_the_bound_narrows_the_rows_read(demo: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the demo as written the first page's bound holds a few segments' first rows, not
    every open case (else the test above could pass with a bound that never narrows)."""
    monkeypatch.setattr(desk_sql, "PROBE_FIRST", 5)
    q = CaseloadQuery(AS_OF)
    with demo.session() as s:
        reader = counts.reader(s)
        everyone = counts.total(s, q)
        for sort in ("stage", "status"):
            for descending in (False, True):
                b = desk_sql.Binds(reader.dialect)
                bound = desk_sql._segment_bound(reader, q, sort, descending, 10, b)
                assert bound is not None, (sort, descending)
                narrowed = reader.all(
                    'SELECT count(*) FROM "case" c JOIN case_summary s ON s.case_id = c.id '
                    f"WHERE c.closed = FALSE AND {bound}",
                    b.values,
                )[0][0]
                assert 10 <= narrowed < everyone / 2, (sort, descending, narrowed, everyone)
