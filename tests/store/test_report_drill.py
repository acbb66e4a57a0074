"""The dashboard's drill-down (store/report_sql.py `cases_behind`): for every figure the
dashboard shows, the cases read on demand with the figure's own WHERE are exactly the cases the
bulk report (`team_report`, the numpy engine) put in that bucket, each with the same step and
due date, and their number is the figure `team_counts` shows - on the hand-built team and on a
demo, for each scope and several days, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select

from send_desktop import timeline as tl
from send_desktop.store import Database
from send_desktop.store.demo import make_demo
from send_desktop.store.models import Team
from send_desktop.store.reports import Bucket, TeamReport, cases_behind, team_counts, team_report
from tests.store.test_reports import AS_OF, PERIOD, build_known_team


def _figures(counted: TeamReport, bulk: TeamReport) -> Iterator[tuple[str, Bucket, Bucket]]:
    """Every figure of the dashboard's tables and charts, from both reports side by side."""
    assert [r.worker for r in counted.overdue] == [r.worker for r in bulk.overdue]
    for mine, theirs in zip(counted.overdue, bulk.overdue, strict=True):
        name = mine.worker.name
        yield f"overdue {name} total", mine.total, theirs.total
        for stage in tl.STAGES:
            yield f"overdue {name} {stage}", mine.by_stage[stage], theirs.by_stage[stage]
    for stage in tl.STAGES:
        yield f"overdue all {stage}", counted.overdue_by_stage[stage], bulk.overdue_by_stage[stage]
        yield f"stage {stage}", counted.by_stage[stage], bulk.by_stage[stage]
    yield "overdue all total", counted.overdue_total, bulk.overdue_total
    for line, other in zip(counted.caseloads, bulk.caseloads, strict=True):
        for measure in ("open_cases", "assessments", "plans", "reviews_next_term", "overdue"):
            yield (
                f"caseload {line.worker.name} {measure}",
                getattr(line, measure),
                getattr(other, measure),
            )
    for row, other_row in zip(counted.forecast, bulk.forecast, strict=True):
        for weeks in row.by_weeks:
            yield (
                f"forecast {row.worker.name} {weeks}",
                row.by_weeks[weeks],
                other_row.by_weeks[weeks],
            )
    for weeks in counted.forecast_total:
        yield f"forecast all {weeks}", counted.forecast_total[weeks], bulk.forecast_total[weeks]
    assert [s.name for s in counted.pipeline] == [s.name for s in bulk.pipeline]
    for stage, other_stage in zip(counted.pipeline, bulk.pipeline, strict=True):
        yield f"pipeline {stage.name}", stage.cases, other_stage.cases
        yield f"pipeline {stage.name} overdue", stage.overdue, other_stage.overdue


def assert_drill_agrees(db: Database, as_of: date, team_id: int | None = None) -> int:
    """Every figure's drill-down equals the bulk report's bucket; returns the cases listed."""
    policy = tl.Policy()
    listed = 0
    with db.session() as s:
        counted = team_counts(s, as_of, policy, *PERIOD, team_id, keyed=True)
        bulk = team_report(s, as_of, policy, *PERIOD, team_id)
        for name, mine, theirs in _figures(counted, bulk):
            assert mine.figure is not None, name
            rows = cases_behind(s, counted, mine)
            got = sorted((item.case_id, item.step_id, item.due) for _case, item in rows)
            want = sorted((i.case_id, i.step_id, i.due) for i in theirs.items)
            assert got == want, name
            assert len(rows) == mine.count == theirs.count, name
            # A capped list (the dashboard's DRILL_LIMIT) is the first of these by due date.
            cap = max(1, len(rows) // 3)
            first = cases_behind(s, counted, mine, cap)
            order = sorted((item.due or date.max, item.case_id) for _case, item in rows)
            assert [(i.due or date.max, i.case_id) for _c, i in first] == order[:cap], name
            for case, item in rows:
                reference = bulk.cases[item.case_id]
                assert case.case_id == reference.case_id, name
                assert (case.ref, case.child_name, case.stage) == (
                    reference.ref,
                    reference.child_name,
                    reference.stage,
                ), name
                assert (case.caseworker_id, case.caseworker) == (
                    reference.caseworker_id,
                    reference.caseworker,
                ), name
                assert case.overdue_steps == reference.overdue_steps, name
            listed += len(rows)
    return listed


def test_drill_down_equals_the_bulk_buckets_on_the_known_team(db: Database) -> None:
    known = build_known_team(db)
    for day in (AS_OF, AS_OF + timedelta(days=40), date(2025, 11, 3)):
        for team_id in (None, known.north, known.south):
            assert_drill_agrees(db, day, team_id)


def test_drill_down_equals_the_bulk_buckets_on_a_demo(db: Database) -> None:
    make_demo(db, cases=400, seed=11, as_of=AS_OF)
    assert assert_drill_agrees(db, AS_OF) > 400
    with db.session() as s:
        team_ids = list(s.scalars(select(Team.id).order_by(Team.id)))
    assert team_ids
    assert_drill_agrees(db, AS_OF, team_ids[0])
    assert_drill_agrees(db, AS_OF + timedelta(days=75))
