"""The recompute's fast path: the cases' rows read straight into the numpy engine's columns,
and a recompute of every case rewriting the stored tables whole (SQLite: secondary indexes
dropped and rebuilt). Each must store exactly what a fresh digest of the facts gives."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from send_desktop import timeline as tl
from send_desktop.store import Database, summaries
from send_desktop.store.demo import make_demo
from send_desktop.store.facts import case_columns, facts_for
from send_desktop.store.models import (
    Appeal,
    Case,
    CaseReviewTimeRow,
    CaseStepRow,
    CaseSummaryRow,
    Mediation,
    Move,
)
from send_desktop.store.settings import save_policy
from send_desktop.timeline.bulk import CaseColumns
from tests.store.test_stored_deadlines import AS_OF, assert_fresh

_DAYS = st.one_of(st.none(), st.dates(date(2023, 1, 1), date(2026, 6, 30)))


def _same(a: Any, b: Any, where: str) -> None:
    """Two CaseColumns (or their parts) equal array for array, dtype for dtype."""
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        assert (a == b).all(), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    elif hasattr(a, "__dataclass_fields__"):
        for name in a.__dataclass_fields__:
            _same(getattr(a, name), getattr(b, name), f"{where}.{name}")
    else:
        assert a == b, where


def _index_sql(db: Database) -> list[tuple[str, str]]:
    with db.session() as s:
        return sorted(
            s.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
                    "('case_summary', 'case_step', 'case_review_time')"
                )
            ).all()
        )


def _policy_changed(
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    cases: int,
    seed: int,
    policy: tl.Policy,
    *,
    inline: bool = False,
) -> list[tuple[str, str]]:
    """A demo of `cases` cases whose policy then changes (rows marked stale for the background
    recompute, or with inline, recomputed in the saving transaction); every case counts as
    "every case" from 50 (10 inline). Returns the indexes (SQLite) before the change."""
    make_demo(db, cases, seed=seed, as_of=AS_OF)
    before = _index_sql(db) if db.engine.dialect.name == "sqlite" else []
    if not inline:
        monkeypatch.setattr(summaries, "INLINE_RECOMPUTE_LIMIT", 10)
    monkeypatch.setattr(summaries, "WHOLE_TABLE_FROM", 10 if inline else 50)
    with db.session() as s:
        save_policy(s, policy, "test")
    return before


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.data(),
    latest=st.lists(
        st.tuples(st.integers(0, 59), st.sampled_from(["move", "mediation", "appeal"]), _DAYS),
        max_size=12,
    ),
)
def test_the_columns_read_from_sql_are_those_of_the_facts(
    db: Database, data: st.DataObject, latest: list[tuple[int, str, date | None]]
) -> None:
    """case_columns == CaseColumns.from_facts(facts_for(...)) for any set of cases, with
    moves, mediations and appeals (the latest row counts) that the demo does not make."""
    with db.session() as s:
        ids = list(s.scalars(select(Case.id).order_by(Case.id)))
    if not ids:
        make_demo(db, 60, seed=11, as_of=AS_OF)
        with db.session() as s:
            ids = list(s.scalars(select(Case.id).order_by(Case.id)))
    with db.session() as s:
        for at, kind, day in latest:
            case_id = ids[at % len(ids)]
            if kind == "move":
                s.add(Move(case_id=case_id, direction="out", move_date=day, aware_of_move=day))
            elif kind == "mediation":
                s.add(Mediation(case_id=case_id, decision_sent=day, mediation_held=day))
            else:
                s.add(Appeal(case_id=case_id, lodged=day, order_plan=day))
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    which = select(Case.id).where(Case.id.in_(chosen))
    with db.session() as s:
        facts = facts_for(s, which)
        ordered = sorted(facts)
        expected = CaseColumns.from_facts([facts[i] for i in ordered], ordered)
        _same(case_columns(s, which), expected, "columns")
    assert_fresh(db)


@pytest.mark.parametrize("chunk", [7, 5000])
def test_a_recompute_of_every_case_stores_a_fresh_digest(
    db: Database, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """After a policy change the background recompute rewrites every case (on SQLite the
    tables whole, indexes rebuilt as they were); the rows equal a fresh digest."""
    before = _policy_changed(db, monkeypatch, 120, 3, tl.Policy(review_year="anniversary"))
    with db.session() as s:
        assert summaries.stale_count(s) == 120
    seen: list[tuple[int, int]] = []
    done = summaries.recompute(db.session, lambda d, t: seen.append((d, t)), None, chunk)
    assert done == 120
    assert seen[0] == (0, 120) and seen[-1] == (120, 120)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(seen) >= 1 + -(-120 // chunk)
    assert assert_fresh(db) == 120
    if before:
        # Every index the models declare on the three tables (and SQLite's own for keys: none)
        # is back as it was.
        declared = {
            index.name
            for table in (CaseSummaryRow, CaseStepRow, CaseReviewTimeRow)
            for index in table.__table__.indexes  # type: ignore[attr-defined]
        }
        assert _index_sql(db) == before and {name for name, _ in before} == declared


def test_a_stopped_recompute_of_everything_keeps_nothing_half_done(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _policy_changed(db, monkeypatch, 90, 4, tl.Policy(week_start="inclusive"))
    seen: list[int] = []
    stop = lambda: len(seen) >= 3  # noqa: E731 - after two chunks
    assert summaries.recompute(db.session, lambda d, _t: seen.append(d), stop, 20) == 0
    with db.session() as s:
        assert summaries.stale_count(s) == 90  # rolled back whole: every case still stale
    if before:
        assert _index_sql(db) == before
    assert summaries.recompute(db.session) == 90
    assert assert_fresh(db) == 90


def test_a_recompute_stopped_before_its_first_block_keeps_the_indexes(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The indexes are dropped before anything is written (before the DELETEs): the stop comes
    before any row changed, and the drop still belongs to the rolled-back transaction."""
    before = _policy_changed(db, monkeypatch, 60, 5, tl.Policy(week_start="inclusive"))
    dropped: list[list[str]] = []
    drop = summaries.drop_indexes
    monkeypatch.setattr(
        summaries, "drop_indexes", lambda *a: dropped.append(drop(*a)) or dropped[-1]
    )
    assert summaries.recompute(db.session, None, lambda: True) == 0
    with db.session() as s:
        assert summaries.stale_count(s) == 60
    if before:
        # they were dropped (the driver's transaction open before any row was written), and
        # the rollback brought them back
        assert sorted(dropped[0]) == sorted(sql for _, sql in before)
        assert _index_sql(db) == before
    assert summaries.recompute(db.session) == 60
    assert assert_fresh(db) == 60


def test_refreshing_every_case_in_the_callers_transaction_stores_a_fresh_digest(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inline path (a policy saved on a small authority, the bench): every id given."""
    _policy_changed(db, monkeypatch, 80, 9, tl.Policy(review_year="anniversary"), inline=True)
    assert assert_fresh(db) == 80
    with db.session() as s:
        ids = list(s.scalars(select(Case.id)))
        assert summaries.refresh(s, ids + ids[:5], block=13) == 80
        # a case added afterwards is not among "every case": the per-block path
        assert summaries.refresh(s, ids[: len(ids) // 2]) == len(ids) // 2
    assert assert_fresh(db) == 80


def test_the_whole_table_path_is_not_taken_for_some_cases_only(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_demo(db, 40, seed=2, as_of=AS_OF)
    monkeypatch.setattr(summaries, "WHOLE_TABLE_FROM", 1)
    with db.session() as s:
        s.execute(text("UPDATE case_summary SET stamp = 'older' WHERE case_id % 2 = 0"))
    assert summaries.recompute(db.session, chunk=6) == 20
    assert assert_fresh(db) == 40
