"""The team report on a hand-built team of 17 cases: every figure checked by hand, not by the code.

The dates below were chosen so each number can be worked out on paper (day counts are written
next to each case). As of Mon 2 Jun 2025; timeliness period 1 Jan - 31 May 2025.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from send_desktop import timeline as tl
from send_desktop.errors import KnownError
from send_desktop.store import Database
from send_desktop.store import cases as c
from send_desktop.store.demo import make_demo
from send_desktop.store.facts import case_facts
from send_desktop.store.models import AuditEntry
from send_desktop.store.queries import add_caseworker, add_team, caseload, reassign_cases
from send_desktop.store.reports import (
    DEFAULT_OVERLOAD,
    UNALLOCATED,
    months_between,
    next_term,
    overload_threshold,
    report_to_json,
    set_overload_threshold,
    team_report,
)

AS_OF = date(2025, 6, 2)
PERIOD = (date(2025, 1, 1), date(2025, 5, 31))
USER = "Team Leader"
DOB = date(2012, 3, 1)


@dataclass
class KnownTeam:
    """Ids of the hand-built team: caseworkers, teams and cases C1..C17."""

    north: int
    south: int
    alice: int
    bob: int
    cara: int
    case: dict[str, int]


def build_known_team(db: Database) -> KnownTeam:
    """17 cases with chosen dates, written through the store's audited services."""
    with db.session() as s:
        north = add_team(s, USER, "North").id
        south = add_team(s, USER, "South").id
        alice = add_caseworker(s, USER, "Alice Archer", north).id
        bob = add_caseworker(s, USER, "Bob Bell", north).id
        cara = add_caseworker(s, USER, "Cara Cole", south).id
        ids: dict[str, int] = {}

        def case(name: str, worker: int | None, received: date, **fields: Any) -> int:
            child = c.ChildDetails(first_name=name, last_name="Known", date_of_birth=DOB)
            made = c.create_case(
                s,
                USER,
                child=child,
                request_received=received,
                caseworker_id=worker,
                as_of=AS_OF,
                **fields,
            )
            ids[name] = made.id
            return made.id

        d = date
        # Plans issued in the period (issue - request, in days; 140 = 20 weeks).
        case(
            "C1",
            alice,
            d(2024, 10, 7),
            decision_to_assess=d(2024, 11, 11),
            decision_outcome="assess",
            draft_served=d(2025, 2, 3),
            final_issued=d(2025, 2, 17),
        )  # 133: within
        case(
            "C2",
            alice,
            d(2024, 9, 2),
            decision_to_assess=d(2024, 10, 7),
            decision_outcome="assess",
            draft_served=d(2025, 1, 6),
            final_issued=d(2025, 1, 20),
        )  # 140: within, exactly 20 weeks
        c3 = case(
            "C3",
            bob,
            d(2024, 9, 2),
            decision_to_assess=d(2024, 10, 7),
            decision_outcome="assess",
            draft_served=d(2025, 1, 7),
            final_issued=d(2025, 1, 21),
        )  # 141: late, but exception X3
        c.add_exception(
            s,
            c3,
            USER,
            code="X3",
            start=d(2024, 11, 1),
            end=d(2024, 12, 20),
            note="family circumstances",
            as_of=AS_OF,
        )
        case(
            "C4",
            bob,
            d(2024, 10, 1),
            decision_to_assess=d(2024, 11, 5),
            decision_outcome="assess",
            draft_served=d(2025, 2, 10),
            final_issued=d(2025, 3, 3),
        )  # 153: late, no exception
        case(
            "C5",
            alice,
            d(2024, 11, 11),
            decision_to_assess=d(2024, 12, 16),
            decision_outcome="assess",
            draft_served=d(2025, 3, 10),
            final_issued=d(2025, 3, 24),
        )  # 133: within
        # A plan issued before the period: R1 due Fri 19 Dec 2025 (autumn term).
        case(
            "C6",
            cara,
            d(2024, 8, 5),
            decision_to_assess=d(2024, 9, 9),
            decision_outcome="assess",
            draft_served=d(2024, 12, 2),
            final_issued=d(2024, 12, 20),
        )
        # No decision: N1 due Mon 14 Apr 2025 overdue; N3 due Mon 23 Jun 2025.
        case("C7", alice, d(2025, 3, 3))
        # Assessing, no draft: N3 (24 Feb) and N5 (24 Mar 2025) overdue.
        case(
            "C8", bob, d(2024, 11, 4), decision_to_assess=d(2024, 12, 9), decision_outcome="assess"
        )
        # Plan issued 22 May 2023, never reviewed: R1 due Tue 21 May 2024, overdue.
        case(
            "C9",
            cara,
            d(2023, 1, 9),
            decision_to_assess=d(2023, 2, 6),
            decision_outcome="assess",
            draft_served=d(2023, 5, 1),
            final_issued=d(2023, 5, 22),
        )
        # Draft served: N5 due Mon 9 Jun 2025 (within 2 weeks); decision in 35 days.
        case(
            "C10",
            alice,
            d(2025, 1, 20),
            decision_to_assess=d(2025, 2, 24),
            decision_outcome="assess",
            draft_served=d(2025, 5, 19),
        )
        # Plan issued 15 Jul 2024: R1 due Mon 14 Jul 2025 (within 8 weeks, not 4).
        case(
            "C11",
            bob,
            d(2024, 3, 4),
            decision_to_assess=d(2024, 4, 8),
            decision_outcome="assess",
            draft_served=d(2024, 6, 24),
            final_issued=d(2024, 7, 15),
        )
        # Not assessed, decided in 63 days; closed: counts in timeliness, not in caseloads.
        case(
            "C12",
            cara,
            d(2025, 1, 6),
            decision_to_assess=d(2025, 3, 10),
            decision_outcome="not-assess",
            closed=True,
        )
        # Review decided in 35 days with amendments; R7 due Mon 24 Feb 2025, overdue.
        c13 = case(
            "C13",
            cara,
            d(2023, 9, 4),
            decision_to_assess=d(2023, 10, 9),
            decision_outcome="assess",
            draft_served=d(2023, 12, 18),
            final_issued=d(2024, 1, 15),
        )
        c.add_review(
            s,
            c13,
            USER,
            as_of=AS_OF,
            meeting=d(2024, 12, 2),
            notice_sent=d(2024, 11, 11),
            advice_circulated=d(2024, 11, 15),
            report_sent=d(2024, 12, 10),
            decision_sent=d(2025, 1, 6),
            outcome="A",
            amendment_sent=d(2025, 1, 6),
        )
        # Review meeting held, notice and report done, decision (R5) due Mon 16 Jun 2025;
        # R1 (plan 13 May 2024) was due Mon 12 May 2025: overdue.
        c14 = case(
            "C14",
            bob,
            d(2024, 1, 8),
            decision_to_assess=d(2024, 2, 12),
            decision_outcome="assess",
            draft_served=d(2024, 4, 22),
            final_issued=d(2024, 5, 13),
        )
        c.add_review(
            s,
            c14,
            USER,
            as_of=AS_OF,
            meeting=d(2025, 5, 19),
            notice_sent=d(2025, 5, 1),
            advice_circulated=d(2025, 5, 2),
            report_sent=d(2025, 5, 27),
        )
        # Post-16 move on 5 Jan 2026: P3 due Tue 5 Aug 2025; R1 due Mon 9 Jun 2025.
        case(
            "C15",
            alice,
            d(2024, 2, 5),
            decision_to_assess=d(2024, 3, 11),
            decision_outcome="assess",
            draft_served=d(2024, 5, 20),
            final_issued=d(2024, 6, 10),
            phase_transfer=d(2026, 1, 5),
            transfer_kind="post16-other",
        )
        # School transfer in 2026: P1 due Sat 14 Feb 2026; R1 due Mon 15 Sep 2025.
        case(
            "C16",
            cara,
            d(2024, 5, 6),
            decision_to_assess=d(2024, 6, 10),
            decision_outcome="assess",
            draft_served=d(2024, 8, 27),
            final_issued=d(2024, 9, 16),
            phase_transfer=d(2026, 1, 5),
            transfer_kind="school",
        )
        # Nobody's yet: N1 due Mon 23 Jun 2025.
        case("C17", None, d(2025, 5, 12))
    return KnownTeam(north, south, alice, bob, cara, ids)  # fmt: skip


@pytest.fixture
def known(db: Database) -> KnownTeam:
    return build_known_team(db)


def _report(db: Database, team_id: int | None = None, threshold: int | None = None) -> Any:
    with db.session() as s:
        return team_report(s, AS_OF, tl.Policy(), *PERIOD, team_id, threshold=threshold)


def _names(known: KnownTeam, ids: tuple[int, ...]) -> set[str]:
    by_id = {v: k for k, v in known.case.items()}
    return {by_id[i] for i in ids}


def test_timeliness_matches_hand_counts(db: Database, known: KnownTeam) -> None:
    t = _report(db).timeliness
    # Plans issued 1 Jan - 31 May 2025: C1, C2, C3, C4, C5; within 20 weeks: C1, C2, C5.
    assert (t.plans_issued, t.plans_within_20_weeks) == (5, 3)
    assert t.pct_within_20_weeks_incl == pytest.approx(60.0)
    # Excluding exceptions: C3 (X3) leaves 4 plans, 3 within = 75.0%.
    assert (t.plans_without_exception, t.plans_without_exception_within_20_weeks) == (4, 3)
    assert t.pct_within_20_weeks_excl == pytest.approx(75.0)
    # (133 + 140 + 141 + 153 + 133) days / 5 plans / 7 = 20.0 weeks.
    assert t.average_weeks_to_issue == pytest.approx(20.0)
    # Decisions in the period: C10 in 35 days, C12 (closed) in 63 days: 1 of 2.
    assert (t.decisions, t.decisions_within_6_weeks) == (2, 1)
    assert t.pct_decisions_within_6_weeks == pytest.approx(50.0)
    # C13's review: decision 6 Jan 2025, within 12 months of 15 Jan 2024, 35 days after it met.
    assert (t.reviews, t.reviews_within_12_months) == (1, 1)
    assert (t.review_decisions, t.review_decisions_within_4_weeks) == (1, 0)


def test_timeliness_by_month_and_national_figure(db: Database, known: KnownTeam) -> None:
    report = _report(db)
    months = [(m.label, m.figures.plans_issued, m.figures.plans_within_20_weeks)
              for m in report.by_month]  # fmt: skip
    assert months == [
        ("Jan 2025", 2, 1),  # C2 within, C3 late
        ("Feb 2025", 1, 1),  # C1
        ("Mar 2025", 2, 1),  # C5 within, C4 late
        ("Apr 2025", 0, 0),
        ("May 2025", 0, 0),
    ]
    assert report.by_month[0].figures.pct_within_20_weeks_incl == pytest.approx(50.0)
    assert report.by_month[3].figures.pct_within_20_weeks_incl is None
    # England's latest year not after 2025 is 2024: 46.4% excluding exceptions.
    assert report.national is not None
    assert (report.national.year, report.national.excluding_exceptions) == (2024, 46.4)


def test_overdue_by_caseworker_and_stage_hold_exactly_the_cases(
    db: Database, known: KnownTeam
) -> None:
    report = _report(db)
    assert _names(known, report.overdue_total.case_ids) == {"C7", "C8", "C9", "C13", "C14"}
    rows = {row.worker.name: row for row in report.overdue}
    assert list(rows) == ["Alice Archer", "Bob Bell", "Cara Cole", UNALLOCATED]
    assert _names(known, rows["Alice Archer"].by_stage["Request"].case_ids) == {"C7"}
    assert _names(known, rows["Bob Bell"].by_stage["Assessment"].case_ids) == {"C8"}
    assert _names(known, rows["Bob Bell"].by_stage["Plan"].case_ids) == {"C14"}
    assert _names(known, rows["Cara Cole"].by_stage["Plan"].case_ids) == {"C9", "C13"}
    assert [rows[n].total.count for n in rows] == [1, 2, 2, 0]
    stage_counts = {s: b.count for s, b in report.overdue_by_stage.items() if b.count}
    assert stage_counts == {"Request": 1, "Assessment": 1, "Plan": 3}
    # Each case names its earliest overdue step: C8's N3 (24 Feb) before its N5 (24 Mar).
    c8 = rows["Bob Bell"].by_stage["Assessment"].items[0]
    assert (c8.step_id, c8.due) == ("N3", date(2025, 2, 24))
    c13 = next(i for i in rows["Cara Cole"].total.items if i.case_id == known.case["C13"])
    assert (c13.step_id, c13.due) == ("R7", date(2025, 2, 24))
    # Every number is its list's length, and the cells add up to the total.
    for row in report.overdue:
        assert sum(b.count for b in row.by_stage.values()) == row.total.count


def test_caseloads_and_overload_threshold(db: Database, known: KnownTeam) -> None:
    report = _report(db, threshold=5)
    lines = {line.worker.name: line for line in report.caseloads}
    figures = {
        name: (
            line.open_cases.count,
            line.assessments.count,
            line.plans.count,
            line.reviews_next_term.count,
            line.overdue.count,
            line.overloaded,
        )
        for name, line in lines.items()
    }
    assert figures == {
        # C1 C2 C5 C15 plans; C7 request, C10 draft: 6 open > 5 -> overloaded.
        "Alice Archer": (6, 2, 4, 0, 1, True),
        # C3 C4 C11 C14 plans, C8 assessing: 5 open, not more than 5.
        "Bob Bell": (5, 1, 4, 0, 2, False),
        # C6 C9 C13 C16 plans (C12 closed); reviews due in autumn 2025: C6, C16.
        "Cara Cole": (4, 0, 4, 2, 2, False),
        UNALLOCATED: (1, 1, 0, 0, 0, False),
    }
    assert _names(known, lines["Cara Cole"].reviews_next_term.case_ids) == {"C6", "C16"}
    assert report.next_term.name == "Autumn term 2025"
    assert {s: b.count for s, b in report.by_stage.items() if b.count} == {
        "Request": 2,
        "Assessment": 1,
        "Draft plan": 1,
        "Plan": 12,
    }
    assert len(report.cases) == 16
    assert [line.worker.name for line in report.overloaded()] == ["Alice Archer"]


def test_overload_threshold_is_a_stored_setting(db: Database, known: KnownTeam) -> None:
    with db.session() as s:
        assert overload_threshold(s) == DEFAULT_OVERLOAD
        set_overload_threshold(s, 4, USER)
    with db.session() as s:
        assert overload_threshold(s) == 4
        audit = s.execute(
            select(AuditEntry).where(AuditEntry.field == "dashboard.overload_cases")
        ).scalar_one()
        assert (audit.old, audit.new, audit.user) == (None, "4", USER)
        with pytest.raises(KnownError):
            set_overload_threshold(s, 0, USER)
    overloaded = [line.worker.name for line in _report(db).overloaded()]
    assert overloaded == ["Alice Archer", "Bob Bell"]  # 6 and 5 open cases > 4


def test_forecast_per_caseworker(db: Database, known: KnownTeam) -> None:
    report = _report(db)
    rows = {row.worker.name: row for row in report.forecast}
    as_names = {
        name: {n: _names(known, b.case_ids) for n, b in row.by_weeks.items()}
        for name, row in rows.items()
    }
    assert as_names == {
        # C10 N5 9 Jun, C15 R1 9 Jun (by 16 Jun); C7 N3 23 Jun (by 30 Jun).
        "Alice Archer": {2: {"C10", "C15"}, 4: {"C7", "C10", "C15"}, 8: {"C7", "C10", "C15"}},
        # C14 R5 16 Jun (the 2-week horizon's last day); C11 R1 14 Jul (by 28 Jul).
        "Bob Bell": {2: {"C14"}, 4: {"C14"}, 8: {"C11", "C14"}},
        "Cara Cole": {2: set(), 4: set(), 8: set()},
        # C17 N1 23 Jun.
        UNALLOCATED: {2: set(), 4: {"C17"}, 8: {"C17"}},
    }
    assert {n: b.count for n, b in report.forecast_total.items()} == {2: 3, 4: 5, 8: 6}
    c14 = rows["Bob Bell"].by_weeks[2].items[0]
    assert (c14.step_id, c14.due) == ("R5", date(2025, 6, 16))


def test_review_pipeline(db: Database, known: KnownTeam) -> None:
    report = _report(db)
    stages = {
        stage.name: (sorted(_names(known, stage.cases.case_ids)), stage.overdue.count)
        for stage in report.pipeline
    }
    assert stages == {
        "Reviews due next term (Autumn term 2025)": (["C16", "C6"], 0),
        "Reviews overdue": (["C14", "C9"], 2),
        "Meeting notices sent": (["C14"], 0),
        "Review reports received": (["C14"], 0),
        "Decisions due": (["C14"], 0),
        "Amended plans due": (["C13"], 1),
        "Post-16 transfers (5 months before): due 05 Aug 2025": (["C15"], 0),
        "Phase transfers before 15 February: due 14 Feb 2026": (["C16"], 0),
    }


def test_team_filter_and_json(db: Database, known: KnownTeam) -> None:
    south = _report(db, team_id=known.south)
    assert south.team_name == "South"
    assert [w.name for w in south.workers] == ["Cara Cole"]
    assert _names(known, tuple(south.cases)) == {"C6", "C9", "C13", "C16"}
    # No plan of South's was issued in the period: no percentage, not 0%.
    assert south.timeliness.plans_issued == 0
    assert south.timeliness.pct_within_20_weeks_incl is None
    assert (south.timeliness.decisions, south.timeliness.reviews) == (1, 1)  # C12, C13
    data = report_to_json(_report(db))
    assert data["timeliness"]["pct_within_20_weeks_excl"] == 75.0
    assert data["overdue"]["total"]["count"] == 5
    assert data["forecast"]["total"]["8"]["count"] == 6
    assert "child_name" not in str(data) and "Known" not in str(data)


def test_reassignment_moves_cases_between_caseloads(db: Database, known: KnownTeam) -> None:
    with db.session() as s:
        moved = reassign_cases(s, [known.case["C7"], known.case["C10"]], known.cara, USER)
    assert moved == 2
    lines = {line.worker.name: line.open_cases.count for line in _report(db).caseloads}
    assert (lines["Alice Archer"], lines["Cara Cole"]) == (4, 6)


def test_terms_and_months() -> None:
    assert next_term(date(2025, 6, 2)).start == date(2025, 9, 1)
    assert next_term(date(2025, 10, 1)) == ("Spring term 2026", date(2026, 1, 1),
                                            date(2026, 3, 31))  # fmt: skip
    assert next_term(date(2026, 2, 1)).name == "Summer term 2026"
    assert months_between(date(2024, 12, 15), date(2025, 2, 3)) == [
        (date(2024, 12, 15), date(2024, 12, 31)),
        (date(2025, 1, 1), date(2025, 1, 31)),
        (date(2025, 2, 1), date(2025, 2, 3)),
    ]


def test_period_must_not_end_before_it_starts(db: Database) -> None:
    with db.session() as s, pytest.raises(KnownError):
        team_report(s, AS_OF, tl.Policy(), date(2025, 5, 1), date(2025, 4, 1))


def test_demo_report_agrees_with_the_engine_and_the_caseload(sqlite_db: Database) -> None:
    """On 400 demo cases: the same figures as the caseload rows and timeline.timeliness."""
    make_demo(sqlite_db, cases=400, seed=2025, as_of=AS_OF)
    policy = tl.Policy()
    with sqlite_db.session() as s:
        report = team_report(s, AS_OF, policy, *PERIOD)
        rows = caseload(s, AS_OF, policy)
        facts = case_facts(s)
    assert len(report.cases) == len(rows)
    overdue = {
        r.case_id for r in rows if tl.summarise(facts[r.case_id], AS_OF, policy).overdue_steps
    }
    assert set(report.overdue_total.case_ids) == overdue
    for r in rows:
        mine = report.cases[r.case_id]
        assert (mine.stage, mine.next_step, mine.next_due, mine.status) == (
            r.stage, r.next_step, r.next_due, r.status)  # fmt: skip
    assert report.timeliness == tl.timeliness(facts.values(), *PERIOD, policy)
    assert sum(line.open_cases.count for line in report.caseloads) == len(rows)
    assert report.seconds < 5
