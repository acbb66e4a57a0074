"""`report`'s timeliness is counted in SQL from the stored CaseTimes: it equals the case-by-case
reference (tests/oracles.py, timeline.timeliness over every case's facts) on demo data for
several periods and every scope, after every kind of write, after a policy change and its
background recompute - SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from send_desktop import timeline as tl
from send_desktop.store import Database, summaries
from send_desktop.store import cases as c
from send_desktop.store.demo import make_demo
from send_desktop.store.models import AnnualReview, Case, Team
from send_desktop.store.report_sql import read_file
from send_desktop.store.reports import TeamReport, team_counts
from send_desktop.store.settings import load_policy, save_policy
from tests.oracles import team_report_by_case
from tests.store.test_report_counts import assert_plain_agrees

AS_OF = date(2025, 6, 1)
PERIODS = (
    (date(2024, 6, 1), date(2025, 5, 31)),  # a year: twelve months
    (date(2025, 3, 1), date(2025, 3, 31)),  # one month
    (date(2020, 1, 1), AS_OF),  # everything so far
    (date(2025, 2, 14), date(2025, 2, 14)),  # one day
)


def _timeliness(report: TeamReport) -> tuple[tl.Timeliness, tuple[tuple[date, tl.Timeliness], ...]]:
    return report.timeliness, tuple((m.start, m.figures) for m in report.by_month)


def _agree(db: Database, period: tuple[date, date], team_id: int | None = None) -> tl.Timeliness:
    with db.session() as s:
        policy = load_policy(s)
        counted = team_counts(s, AS_OF, policy, *period, team_id)
        reference = team_report_by_case(s, AS_OF, policy, *period, team_id)
    assert _timeliness(counted) == _timeliness(reference)
    assert_plain_agrees(db, counted)
    return counted.timeliness


def test_timeliness_equals_the_reference_on_demo_data(db: Database) -> None:
    make_demo(db, cases=600, seed=11, as_of=AS_OF)
    with db.session() as s:
        teams = list(s.execute(select(Team.id)).scalars())
    year = _agree(db, PERIODS[0])
    assert year.plans_issued > 0 and year.decisions > 0 and year.reviews > 0
    assert year.review_decisions > 0
    for period in PERIODS[1:]:
        _agree(db, period)
    for team_id in teams[:3]:
        _agree(db, PERIODS[0], team_id)
        _agree(db, PERIODS[2], team_id)


def test_any_period_equals_the_reference(db: Database) -> None:
    make_demo(db, cases=200, seed=3, as_of=AS_OF)

    @settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.dates(date(2022, 1, 1), AS_OF), st.integers(0, 500))
    def check(start: date, days: int) -> None:
        _agree(db, (start, start + timedelta(days=days)))

    check()


def test_timeliness_follows_every_kind_of_write(db: Database) -> None:
    """Plans issued, decisions, exceptions, reviews added / changed / deleted, a case moved to
    another caseworker, closed and deleted: the SQL figures follow each write."""
    make_demo(db, cases=150, seed=5, as_of=AS_OF)
    user = "Test User"
    period = PERIODS[0]
    with db.session() as s:
        open_ids = list(
            s.execute(
                select(Case.id).where(
                    Case.final_issued.is_(None),
                    Case.draft_served.is_(None),
                    Case.closed.is_(False),
                    # Room for a decision and a plan before AS_OF, inside the year counted.
                    Case.request_received.between(date(2024, 6, 1), AS_OF - timedelta(days=60)),
                )
            ).scalars()
        )[:3]
        planned = (
            s.execute(select(Case.id).where(Case.final_issued.is_not(None)).order_by(Case.id))
            .scalars()
            .first()
        )
        workers = [cw for (cw,) in s.execute(select(Case.caseworker_id).distinct()) if cw]
    assert len(open_ids) == 3 and planned is not None
    before = _agree(db, period)
    first, second, third = open_ids
    with db.session() as s:  # a decision to assess, then the final plan issued
        case = s.get(Case, first)
        assert case is not None and case.request_received is not None
        received = case.request_received
        c.update_case(s, first, case.version, user, decision_to_assess=received + timedelta(days=30),
                      decision_outcome="assess", as_of=AS_OF)  # fmt: skip
    _agree(db, period)
    with db.session() as s:
        case = s.get(Case, first)
        assert case is not None
        issued = received + timedelta(days=45)  # within the year counted, before AS_OF
        c.update_case(s, first, case.version, user, final_issued=issued, as_of=AS_OF)
    after = _agree(db, period)
    assert after.plans_issued == before.plans_issued + 1
    with db.session() as s:  # an exception that excuses N5
        exception = c.add_exception(
            s, first, user, code="X1", start=received + timedelta(days=10), note="x", as_of=AS_OF
        )
        exception_id, exception_version = exception.id, exception.version
    _agree(db, period)
    with db.session() as s:  # a review decision on a plan
        review = c.add_review(s, planned, user, meeting=date(2025, 3, 3),
                              decision_sent=date(2025, 3, 20), as_of=AS_OF)  # fmt: skip
        review_id = review.id
    _agree(db, period)
    with db.session() as s:
        row = s.get(AnnualReview, review_id)
        assert row is not None
        c.update_review(s, review_id, row.version, user, decision_sent=date(2025, 4, 30))
    _agree(db, period)
    with db.session() as s:
        row = s.get(AnnualReview, review_id)
        assert row is not None
        c.delete_review(s, review_id, row.version, user)
        c.delete_exception(s, exception_id, exception_version, user)
    _agree(db, period)
    with db.session() as s:  # moved to another caseworker (maybe another team), closed, deleted
        case = s.get(Case, second)
        assert case is not None
        other = next(w for w in workers if w != case.caseworker_id)
        c.update_case(s, second, case.version, user, caseworker_id=other, as_of=AS_OF)
    with db.session() as s:
        teams = list(s.execute(select(Team.id)).scalars())
    for team_id in (None, *teams):
        _agree(db, period, team_id)
    with db.session() as s:
        case = s.get(Case, third)
        assert case is not None
        c.update_case(s, third, case.version, user, closed=True, as_of=AS_OF)
    _agree(db, period)
    with db.session() as s:
        case = s.get(Case, planned)
        assert case is not None
        c.delete_case(s, planned, case.version, user)
    _agree(db, period)


def test_timeliness_after_a_policy_change_and_the_recompute(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review year's reading changes which reviews were on time: inline for a small
    authority, after the background recompute for a large one."""
    make_demo(db, cases=300, seed=9, as_of=AS_OF)
    _agree(db, PERIODS[2])
    with db.session() as s:
        save_policy(s, tl.Policy(review_year="anniversary"), "test")
    _agree(db, PERIODS[2])
    monkeypatch.setattr(summaries, "INLINE_RECOMPUTE_LIMIT", 10)
    with db.session() as s:
        save_policy(s, tl.Policy(), "test")
    with db.session() as s:
        assert summaries.stale_count(s) == 300
    if db.path is not None:  # stale rows: a fresh `report` leaves them to the normal path
        assert read_file(db.path, AS_OF, PERIODS[2]) is None
    assert summaries.recompute(db.session) == 300
    _agree(db, PERIODS[2])
    _agree(db, PERIODS[0])
