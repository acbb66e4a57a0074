"""Caseload rows and facts agree with the timeline; filters, search and reassignment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import select

from send_desktop import timeline as tl
from send_desktop.store import Database
from send_desktop.store import cases as c
from send_desktop.store.demo import make_demo
from send_desktop.store.facts import case_facts
from send_desktop.store.models import AuditEntry, Case, Mediation
from send_desktop.store.queries import (
    add_caseworker,
    add_team,
    caseload,
    caseworkers,
    open_case_counts,
    reassign_cases,
    teams,
)
from send_desktop.store.settings import save_policy
from send_desktop.timeline import counting

AS_OF = date(2025, 6, 1)


@pytest.fixture
def demo_db(db: Database) -> Database:
    make_demo(db, 300, seed=7, as_of=AS_OF)
    return db


def test_caseload_rows_agree_with_timeline_summarise(demo_db: Database) -> None:
    policy = tl.Policy()
    with demo_db.session() as s:
        rows = caseload(s, AS_OF, policy, include_closed=True)
        facts = case_facts(s)
    assert len(rows) == 300 == len(facts)
    for row in rows:
        summary = tl.summarise(facts[row.case_id], AS_OF, policy)
        assert (row.stage, row.next_step, row.next_due, row.days_left, row.status) == (
            summary.stage,
            summary.next_id,
            summary.next_due,
            summary.days_left,
            summary.status,
        )
        assert row.has_exception == summary.has_exception
        assert row.final_due == counting.weeks_after(row.request_received, 20, policy)
        assert row.decision_due == counting.weeks_after(row.request_received, 6, policy)
        if row.next_step == "R1":
            assert row.review_due == row.next_due
    # The synthetic caseload has the variety the views need.
    assert {r.stage for r in rows} >= {"Request", "Assessment", "Plan", "Not assessed"}
    assert any(r.status is tl.Status.OVERDUE for r in rows)


@contextmanager
def saved_policy(db: Database, policy: tl.Policy) -> Iterator[None]:
    """The authority saves a policy (its stored deadlines follow), then goes back to defaults."""
    with db.session() as s:
        save_policy(s, policy, "test")
    try:
        yield
    finally:
        with db.session() as s:
            save_policy(s, tl.Policy(), "test")


def test_caseload_review_due_matches_the_engine(demo_db: Database) -> None:
    with saved_policy(demo_db, tl.Policy(review_year="anniversary")), demo_db.session() as s:
        rows = caseload(s, AS_OF, tl.Policy(review_year="anniversary"))
        facts = case_facts(s, [r.case_id for r in rows])
    checked = 0
    for row in rows:
        steps = tl.compute_steps(facts[row.case_id], AS_OF, tl.Policy(review_year="anniversary"))
        r1 = [st for st in steps if st.id == "R1" and st.status is not tl.Status.NOT_APPLICABLE]
        if r1:
            assert row.review_due == r1[0].due, row.ref
            checked += 1
    assert checked > 20


def test_inclusive_week_counting_moves_due_dates(demo_db: Database) -> None:
    with demo_db.session() as s:
        exclusive = {r.case_id: r for r in caseload(s, AS_OF, tl.Policy())}
    inclusive_policy = tl.Policy(week_start="inclusive")
    with saved_policy(demo_db, inclusive_policy), demo_db.session() as s:
        inclusive = caseload(s, AS_OF, inclusive_policy)
    for row in inclusive:
        assert (exclusive[row.case_id].final_due - row.final_due).days == 1


def test_caseload_filters(demo_db: Database) -> None:
    policy = tl.Policy()
    with demo_db.session() as s:
        everyone = caseload(s, AS_OF, policy, include_closed=True)
        open_only = caseload(s, AS_OF, policy)
        worker = caseworkers(s)[0]
        team = teams(s)[0]
        mine = caseload(s, AS_OF, policy, caseworker_id=worker.id, include_closed=True)
        team_rows = caseload(s, AS_OF, policy, team_id=team.id, include_closed=True)
        closed_ids = set(s.execute(select(Case.id).where(Case.closed.is_(True))).scalars())
        counts = open_case_counts(s)
    assert {r.case_id for r in open_only} == {r.case_id for r in everyone} - closed_ids
    assert closed_ids
    assert mine and all(r.caseworker == worker.name for r in mine)
    assert team_rows and all(r.team == team.name for r in team_rows)
    assert sum(counts.values()) == len(open_only)


def test_caseload_search_by_name_ref_and_upn(db: Database) -> None:
    with db.session() as s:
        case = c.create_case(
            s,
            "Test User",
            child=c.ChildDetails("Zebedee", "O'Neill", date(2016, 1, 2), upn="K801200100001"),
            request_received=date(2025, 3, 3),
            as_of=AS_OF,
        )
        c.create_case(
            s,
            "Test User",
            child=c.ChildDetails("Maud", "Smith", date(2016, 1, 2)),
            request_received=date(2025, 3, 4),
            as_of=AS_OF,
        )
        ref = case.ref
    policy = tl.Policy()
    with db.session() as s:
        assert [r.ref for r in caseload(s, AS_OF, policy, search="zebedee o'neill")] == [ref]
        assert [r.ref for r in caseload(s, AS_OF, policy, search=ref.lower())] == [ref]
        assert [r.ref for r in caseload(s, AS_OF, policy, search="K8012001")] == [ref]
        assert caseload(s, AS_OF, policy, search="100%") == []
        assert len(caseload(s, AS_OF, policy, search="  ")) == 2


def test_facts_carry_every_recorded_event(db: Database) -> None:
    with db.session() as s:
        case = c.create_case(
            s,
            "Test User",
            child=c.ChildDetails("Ann", "Lee", date(2014, 5, 1)),
            request_received=date(2024, 1, 8),
            decision_to_assess=date(2024, 2, 12),
            decision_outcome="assess",
            draft_served=date(2024, 4, 22),
            final_issued=date(2024, 5, 20),
            phase_transfer=date(2025, 9, 1),
            transfer_kind="school",
            as_of=AS_OF,
        )
        c.add_advice_request(
            s, case.id, "T", kind="EP", requested=date(2024, 2, 13), received=date(2024, 3, 20)
        )
        c.add_exception(s, case.id, "T", code="X4", start=date(2024, 3, 1))
        c.add_consultation(s, case.id, "T", institution="Hill", sent=date(2024, 4, 23))
        c.add_review(s, case.id, "T", meeting=date(2025, 4, 1), outcome="M")
        c.add_row(
            s,
            Mediation,
            "T",
            case.id,
            {"decision_sent": date(2024, 2, 12), "certificate_issued": date(2024, 3, 1)},
        )
        case_id = case.id
    with db.session() as s:
        facts = case_facts(s, [case_id])[case_id]
    assert facts.request_received == date(2024, 1, 8)
    assert facts.date_of_birth == date(2014, 5, 1)
    assert facts.advice == (tl.AdviceRequest("EP", date(2024, 2, 13), date(2024, 3, 20)),)
    assert facts.exceptions == (tl.ExceptionRecord("X4", date(2024, 3, 1)),)
    assert facts.consultations == (tl.Consultation("Hill", date(2024, 4, 23)),)
    assert facts.reviews == (tl.Review(meeting=date(2025, 4, 1), outcome="M"),)
    assert facts.transfer_kind == "school"
    assert facts.decision_sent == date(2024, 2, 12)
    assert facts.certificate_issued == date(2024, 3, 1)


def test_reassign_cases_is_audited(demo_db: Database) -> None:
    with demo_db.session() as s:
        team = add_team(s, "Test User", "West Team")
        newcomer = add_caseworker(s, "Test User", "New Person", team.id)
        ids = list(s.execute(select(Case.id).order_by(Case.id).limit(5)).scalars())
        moved = reassign_cases(s, ids, newcomer.id, "Team Leader")
        newcomer_id = newcomer.id
    assert moved == 5
    with demo_db.session() as s:
        rows = caseload(s, AS_OF, tl.Policy(), caseworker_id=newcomer_id, include_closed=True)
        audits = list(
            s.execute(
                select(AuditEntry).where(
                    AuditEntry.field == "caseworker_id", AuditEntry.user == "Team Leader"
                )
            ).scalars()
        )
        versions = set(s.execute(select(Case.version).where(Case.id.in_(ids))).scalars())
    assert sorted(r.case_id for r in rows) == ids
    assert sorted(a.case_id for a in audits if a.case_id is not None) == ids
    assert all(a.new == str(newcomer_id) for a in audits)
    assert versions == {2}
