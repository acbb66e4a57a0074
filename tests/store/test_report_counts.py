"""`team_counts` (what `report` prints) counts in SQL over the stored deadlines: every figure
equals the reference report worked out case by case with compute_steps (`team_report_by_case`)
and the bulk report the dashboard reads, on the hand-built team and on demo data, for several
days, every team and each scope - SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from send_desktop import timeline as tl
from send_desktop.errors import KnownError
from send_desktop.store import Database
from send_desktop.store import cases as c
from send_desktop.store.demo import make_demo
from send_desktop.store.models import AnnualReview, Team
from send_desktop.store.reports import report_to_json, team_counts, team_report
from tests.oracles import team_report_by_case
from tests.store.test_reports import AS_OF, PERIOD, build_known_team


def _figures(data: Any) -> Any:
    """The report's JSON without the case-id lists (which team_counts leaves out)."""
    if isinstance(data, dict):
        return {k: _figures(v) for k, v in data.items() if k != "case_ids"}
    if isinstance(data, list):
        return [_figures(v) for v in data]
    return data


def _agree(db: Database, as_of: date, team_id: int | None = None) -> dict[str, Any]:
    policy = tl.Policy()
    with db.session() as s:
        counted = report_to_json(team_counts(s, as_of, policy, *PERIOD, team_id))
        reference = report_to_json(team_report_by_case(s, as_of, policy, *PERIOD, team_id))
        bulk = report_to_json(team_report(s, as_of, policy, *PERIOD, team_id))
    assert "case_ids" not in str(counted)
    assert counted == _figures(reference)
    assert counted == _figures(bulk)
    return counted


def test_counts_equal_the_reference_on_the_known_team(db: Database) -> None:
    known = build_known_team(db)
    for day in (AS_OF, AS_OF + timedelta(days=40), date(2025, 11, 3)):
        for team_id in (None, known.north, known.south):
            _agree(db, day, team_id)
    data = _agree(db, AS_OF)
    assert data["overdue"]["total"] == {"count": 5}
    assert data["forecast"]["total"]["8"] == {"count": 6}
    assert data["open_cases"] == 16  # C1..C17, one closed


def test_counts_follow_reviews_written_through_the_store(db: Database) -> None:
    """Each review's notice, then its report, recorded (R2, R4 done): the pipeline moves."""
    build_known_team(db)
    with db.session() as s:
        reviews = [(r.id, r.meeting) for r in s.execute(select(AnnualReview)).scalars()]
    assert reviews
    stages = {}
    for field, days in (("notice_sent", -14), ("report_sent", 7)):
        for review_id, meeting in reviews:
            with db.session() as s:
                row = s.get(AnnualReview, review_id)
                assert row is not None
                day = (meeting or AS_OF) + timedelta(days=days)
                c.update_review(s, review_id, row.version, "Test User", **{field: day})
        data = _agree(db, AS_OF)
        stages[field] = {p["stage"]: p["cases"]["count"] for p in data["review_pipeline"]}
    assert stages["notice_sent"]["Meeting notices sent"] >= 1
    assert stages["report_sent"]["Review reports received"] >= 1


def test_counts_equal_the_reference_on_demo_data(db: Database) -> None:
    make_demo(db, cases=600, seed=7, as_of=AS_OF)
    with db.session() as s:
        teams = list(s.execute(select(Team.id)).scalars())
    for day in (AS_OF, AS_OF + timedelta(days=100)):
        _agree(db, day)
    for team_id in teams[:3]:
        _agree(db, AS_OF, team_id)


def test_counts_refuse_a_period_that_ends_before_it_starts(db: Database) -> None:
    with db.session() as s, pytest.raises(KnownError):
        team_counts(s, AS_OF, tl.Policy(), date(2025, 5, 1), date(2025, 4, 1))
