"""Stored deadlines equal a fresh computation after every kind of write, a policy change and the
background recompute; every count means the same wherever it is read (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from send_desktop import timeline as tl
from send_desktop.store import Database, counts, summaries
from send_desktop.store import cases as c
from send_desktop.store.demo import make_demo
from send_desktop.store.facts import case_facts
from send_desktop.store.models import Case, CaseReviewTimeRow, CaseStepRow, CaseSummaryRow
from send_desktop.store.queries import caseload, caseworkers
from send_desktop.store.settings import load_policy, save_policy
from send_desktop.timeline.digest import DUTY, digest, status_on
from send_desktop.timeline.timeliness import ReviewTime
from tests.oracles import caseload_by_case

AS_OF = date(2025, 6, 1)


def assert_fresh(db: Database) -> int:
    """Every case's stored rows are what the engine computes from its facts now."""
    with db.session() as s:
        policy = load_policy(s)
        stamp = summaries.stamp_for(policy)
        facts = case_facts(s)
        stored = {r.case_id: r for r in s.execute(select(CaseSummaryRow)).scalars()}
        owners = {
            case_id: (worker, closed)
            for case_id, worker, closed in s.execute(
                select(Case.id, Case.caseworker_id, Case.closed)
            )
        }
        steps: dict[int, list[tuple[str, date, date, int, bool]]] = {}
        step_owners: list[tuple[int, tuple[int | None, bool]]] = []
        for row in s.execute(select(CaseStepRow).order_by(CaseStepRow.id)).scalars():
            steps.setdefault(row.case_id, []).append(
                (row.step_id, row.due, row.soon, row.kind, row.covered)
            )
            step_owners.append((row.case_id, (row.caseworker_id, row.closed)))
        reviews: dict[int, list[ReviewTime]] = {}
        for r in s.execute(select(CaseReviewTimeRow).order_by(CaseReviewTimeRow.id)).scalars():
            reviews.setdefault(r.case_id, []).append(
                ReviewTime(r.sent, r.on_time, r.meeting_on_time)
            )
    assert set(stored) == set(facts)
    # Each step row's copy of its case's caseworker and closed flag (the report reads it).
    assert [owner for _case, owner in step_owners] == [owners[c] for c, _owner in step_owners]
    for case_id, case_facts_ in facts.items():
        d = digest(case_facts_, policy)
        row = stored[case_id]
        assert row.stamp == stamp
        # The summary's copy of the case's caseworker and closed flag (the report reads it).
        assert (row.caseworker_id, row.closed) == owners[case_id]
        assert (row.stage, row.has_exception, row.review_due, row.weeks_end) == (
            d.stage,
            d.has_exception,
            d.review_due,
            d.weeks_end,
        )
        assert (row.next_id, row.next_due, row.next_soon) == (
            (d.next.id, d.next.due, d.next.soon) if d.next else (None, None, None)
        )
        # The first duty due after the next duty's day (the forecast reads it).
        later = [s.due for s in d.steps if s.kind == DUTY and d.next and s.due > d.next.due]
        assert row.later_due == d.later_due == (later[0] if later else None)
        assert steps.get(case_id, []) == [(s.id, s.due, s.soon, s.kind, s.covered) for s in d.steps]
        t = d.times  # what timeliness counts of the case (report counts it in SQL)
        assert t is not None
        assert (row.issued_on, row.issue_days, row.issue_excused) == (
            t.issued,
            t.issue_days,
            t.issue_excused,
        )
        assert (row.decided_on, row.decision_on_time) == (t.decided, t.decision_on_time)
        assert reviews.get(case_id, []) == list(t.reviews)
    return len(facts)


def test_every_kind_of_write_keeps_the_stored_deadlines_fresh(db: Database) -> None:
    user = "Sam Carter"
    with db.session() as s:
        case = c.create_case(
            s,
            user,
            child=c.ChildDetails("Ada", "Lovelace", date(2015, 3, 4)),
            request_received=date(2025, 1, 6),
            as_of=AS_OF,
        )
        case_id = case.id
    assert assert_fresh(db) == 1
    with db.session() as s:
        c.update_case(
            s,
            case_id,
            s.get(Case, case_id).version,  # type: ignore[union-attr]
            user,
            decision_to_assess=date(2025, 2, 10),
            decision_outcome="assess",
            as_of=AS_OF,
        )
    assert_fresh(db)
    with db.session() as s:
        advice = c.add_advice_request(
            s, case_id, user, kind="EP", requested=date(2025, 2, 11), as_of=AS_OF
        )
        advice_id = advice.id
    assert_fresh(db)
    with db.session() as s:
        exception = c.add_exception(
            s, case_id, user, code="X1", start=date(2025, 3, 1), note="holiday", as_of=AS_OF
        )
        exception_id = exception.id
    with db.session() as s:
        row = caseload(s, AS_OF, load_policy(s))[0]
        assert row.has_exception
    assert_fresh(db)
    with db.session() as s:
        c.delete_exception(s, exception_id, exception.version, user)
        c.delete_advice_request(s, advice_id, advice.version, user)
    assert_fresh(db)
    with db.session() as s:
        c.delete_case(s, case_id, s.get(Case, case_id).version, user)  # type: ignore[union-attr]
    assert assert_fresh(db) == 0


def test_a_policy_change_recomputes_inline_or_in_the_background(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_demo(db, 300, seed=5, as_of=AS_OF)
    assert_fresh(db)
    with db.session() as s:
        save_policy(s, tl.Policy(week_start="inclusive"), "test")
    assert_fresh(db)  # a small authority: recomputed in the same transaction
    # A large one: the save marks the rows stale; the background recompute catches up.
    monkeypatch.setattr(summaries, "INLINE_RECOMPUTE_LIMIT", 10)
    with db.session() as s:
        save_policy(s, tl.Policy(review_year="anniversary"), "test")
    with db.session() as s:
        assert summaries.stale_count(s) == 300
    seen: list[tuple[int, int]] = []
    assert summaries.recompute(db.session, lambda done, total: seen.append((done, total))) == 300
    assert seen[0] == (0, 300) and seen[-1] == (300, 300)
    assert_fresh(db)
    with db.session() as s:
        assert summaries.stale_count(s) == 0
        rows = caseload(s, AS_OF, load_policy(s), include_closed=True)
        reference = caseload_by_case(s, AS_OF, load_policy(s), include_closed=True)
    assert rows == reference


@pytest.mark.parametrize("as_of", [AS_OF, AS_OF + timedelta(days=90)])
def test_each_count_means_the_same_on_every_list(db: Database, as_of: date) -> None:
    """The counts (status bar, dashboard, report) equal the rows (caseload, workbook) read
    through the same definitions, and the rows equal the engine case by case."""
    make_demo(db, 600, seed=3, as_of=AS_OF)
    with db.session() as s:
        policy = load_policy(s)
        worker = caseworkers(s)[0]
        facts = case_facts(s)
        for query in (
            counts.CaseloadQuery(as_of),
            counts.CaseloadQuery(as_of, caseworker_id=worker.id),
            counts.CaseloadQuery(as_of, team_id=worker.team_id),
        ):
            rows = counts.rows(s, query)
            found = counts.counts(s, query)
            status = [r.status for r in rows]
            assert found.cases == len(rows) == counts.total(s, query)
            assert found.overdue == status.count(tl.Status.OVERDUE)
            assert found.late_exception == status.count(tl.Status.LATE_EXCEPTION)
            week = [r for r in rows if r.days_left is not None and 0 <= r.days_left <= 7]
            assert found.this_week == len(week)
            assert found.exceptions == sum(r.has_exception for r in rows)
            for quick in counts.QUICK_FILTERS:
                shown = counts.total(s, query.__class__(**{**query.__dict__, "quick": quick}))
                expected = {
                    "all": found.cases,
                    "overdue": found.overdue,
                    "this-week": found.this_week,
                    "four-weeks": found.four_weeks,
                    "exceptions": found.exceptions,
                    "reviews": found.reviews_due,
                }[quick]
                assert shown == expected, quick
            # Steps overdue: every open duty past due with no exception, by the engine.
            engine_steps = sum(
                1
                for r in rows
                for step in tl.compute_steps(facts[r.case_id], as_of, policy)
                if step.statutory and step.kind == 0 and step.status is tl.Status.OVERDUE
            )
            assert found.steps_overdue == engine_steps
            # A case overdue is one whose next duty is overdue - never a late excused one.
            for r in rows:
                nxt = tl.next_deadline(tl.compute_steps(facts[r.case_id], as_of, policy))
                assert r.status is (nxt.status if nxt else None)
                assert r.next_step == (nxt.id if nxt else None)


def test_sorted_pages_do_not_overlap_and_cover_every_case(db: Database) -> None:
    make_demo(db, 500, seed=9, as_of=AS_OF)
    query = counts.CaseloadQuery(AS_OF, include_closed=True)
    with db.session() as s:
        every = {r.case_id for r in counts.rows(s, query)}
        for sort in counts.SORTS:
            for descending in (False, True):
                seen: list[int] = []
                for page in range(0, 500, 64):
                    seen += [
                        r.case_id
                        for r in counts.rows(s, query, sort, descending, offset=page, limit=64)
                    ]
                assert len(seen) == len(set(seen)) == 500, sort
                assert set(seen) == every
        by_due = counts.rows(s, query, "due")
    dues = [r.next_due for r in by_due if r.next_due is not None]
    assert dues == sorted(dues)
    assert all(r.next_due is None for r in by_due[len(dues) :])


def test_status_on_is_what_the_query_decides(db: Database) -> None:
    make_demo(db, 300, seed=2, as_of=AS_OF)
    with db.session() as s:
        policy = load_policy(s)
        facts = case_facts(s)
        for as_of in (AS_OF - timedelta(days=30), AS_OF, AS_OF + timedelta(days=45)):
            for r in counts.rows(s, counts.CaseloadQuery(as_of, include_closed=True)):
                d = digest(facts[r.case_id], policy)
                assert r.status == (status_on(d.next, as_of) if d.next else None)


def test_the_dashboard_report_and_workbook_count_as_the_caseload_does(
    db: Database, tmp_path: Path
) -> None:
    """Overdue cases, by caseworker and in all, are the same figure on the dashboard (and
    `report`), in the status bar's counts and on the workbook's Overdue sheet."""
    from openpyxl import load_workbook

    from send_desktop.store.reports import team_report
    from send_desktop.workbooks.export import ExportScope, write_supervision

    make_demo(db, 800, seed=4, as_of=AS_OF)
    with db.session() as s:
        policy = load_policy(s)
        report = team_report(s, AS_OF, policy, AS_OF - timedelta(days=365), AS_OF)
        everyone = counts.counts(s, counts.CaseloadQuery(AS_OF))
        assert report.overdue_total.count == everyone.overdue > 0
        assert len(report.cases) == everyone.cases
        for row in report.overdue:
            if row.worker.caseworker_id is None:
                continue
            mine = counts.counts(
                s, counts.CaseloadQuery(AS_OF, caseworker_id=row.worker.caseworker_id)
            )
            assert row.total.count == mine.overdue, row.worker.name
        for stage, bucket in report.by_stage.items():
            assert bucket.count == counts.total(s, counts.CaseloadQuery(AS_OF, stage=stage))
        rows = caseload(s, AS_OF, policy)
    out = tmp_path / "supervision.xlsx"
    write_supervision(out, rows, ExportScope(AS_OF, "test", datetime(2025, 6, 1, 9)))
    book = load_workbook(out, read_only=True)
    try:
        overdue_sheet = [r for r in book["Overdue"].iter_rows(values_only=True) if any(r)]
    finally:
        book.close()
    header = next(i for i, r in enumerate(overdue_sheet) if "Case ref" in r)
    assert len(overdue_sheet) - header - 1 == everyone.overdue


def test_migration_0013_fills_the_stored_copies_from_each_case(db: Database) -> None:
    """An authority's database at 0012 (cases reassigned, unallocated and closed): the upgrade
    to 0013 fills case_summary's and case_step's copy of each case's caseworker and closed flag
    from `case` (SQLite and PostgreSQL), and the stored rows are then what a fresh write gives."""
    from alembic import command
    from sqlalchemy import text, update

    from send_desktop.store.database import alembic_config

    make_demo(db, cases=300, seed=21, as_of=AS_OF)
    with db.session() as s:
        ids = list(s.execute(select(Case.id).order_by(Case.id)).scalars())
        workers = [w.id for w in caseworkers(s)]
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012")
        # Changes made by a 0012 program: the 0012 rows hold no copy to keep in step.
        conn.execute(update(Case.__table__).where(Case.id.in_(ids[:40])).values(closed=True))
        conn.execute(
            update(Case.__table__).where(Case.id.in_(ids[40:60])).values(caseworker_id=None)
        )
        conn.execute(
            update(Case.__table__).where(Case.id.in_(ids[60:90])).values(caseworker_id=workers[-1])
        )
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0014")
        owners = dict(
            ((i, (w, bool(c))) for i, w, c in conn.execute(
                text('SELECT id, caseworker_id, closed FROM "case"')))
        )  # fmt: skip
        for table in ("case_summary", "case_step"):
            copies = conn.execute(text(f"SELECT case_id, caseworker_id, closed FROM {table}"))
            assert all(owners[i] == (w, bool(c)) for i, w, c in copies), table
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    # 0015 marks every stored row stale (none holds later_due yet): the program recomputes.
    with db.session() as s:
        assert summaries.stale_count(s) == 300
    summaries.recompute(db.session)
    assert assert_fresh(db) == 300
