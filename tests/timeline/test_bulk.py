"""The bulk clock path against the scalar engine: same steps, dates, statuses and summaries."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from send_desktop.timeline import (
    AdviceRequest,
    Consultation,
    ExceptionRecord,
    Facts,
    Policy,
    Review,
    Status,
    compute_steps,
    summarise,
)
from send_desktop.timeline.bulk import (
    ABSENT,
    CARRIED_FACTS,
    CASE_COLUMNS,
    CASE_DATES,
    MISSING,
    NO_DAYS,
    BulkSteps,
    CaseColumns,
    bench_bulk,
    compute_bulk,
    synthetic_rows,
)
from send_desktop.timeline.bulk_calendar import calendar_for
from send_desktop.timeline.catalogue import CATALOGUE
from send_desktop.timeline.counting import (
    add_working_days,
    months_after,
    next_working_day,
    tribunal_deadline,
    working_days_between,
    working_days_within,
)

# --- helpers -----------------------------------------------------------------------------------


def bulk_rows(result: BulkSteps, case: int) -> list[tuple[Any, ...]]:
    return [tuple(s) for s in result.case_steps(case)]


def scalar_rows(facts: Facts, as_of: date, policy: Policy) -> list[tuple[Any, ...]]:
    return [
        (s.id, s.title, s.due, s.done, s.status, s.days, s.statutory)
        for s in compute_steps(facts, as_of, policy)
    ]


def assert_same_as_engine(cases: list[Facts], as_of: date, policy: Policy) -> BulkSteps:
    result = compute_bulk(CaseColumns.from_facts(cases), as_of, policy)
    for i, facts in enumerate(cases):
        assert bulk_rows(result, i) == scalar_rows(facts, as_of, policy), (i, facts)
        assert result.summary(i) == summarise(facts, as_of, policy), (i, facts)
    return result


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def facts_to_rows(cases: list[Facts]) -> dict[str, list[tuple[Any, ...]]]:
    """The tuples a store SELECT would give (dates as SQLite's ISO text)."""
    rows: dict[str, list[tuple[Any, ...]]] = {
        k: [] for k in ("cases", "advice", "consultations", "reviews", "exceptions")
    }
    for case_id, f in enumerate(cases, start=100):
        rows["cases"].append(
            tuple(
                case_id
                if name == "case_id"
                else (
                    getattr(f, name)
                    if name in ("decision_outcome", "transfer_kind")
                    else _iso(getattr(f, name))
                )
                for name in CASE_COLUMNS
            )
        )
        rows["advice"] += [(case_id, a.kind, _iso(a.requested), _iso(a.received)) for a in f.advice]
        rows["consultations"] += [
            (case_id, c.institution, c.sent, c.responded) for c in f.consultations
        ]
        rows["reviews"] += [
            (
                case_id,
                _iso(r.meeting),
                _iso(r.notice_sent),
                _iso(r.advice_circulated),
                _iso(r.report_sent),
                _iso(r.decision_sent),
                r.outcome,
                _iso(r.amendment_sent),
                _iso(r.final_amended),
            )
            for r in f.reviews
        ]
        rows["exceptions"] += [(case_id, e.code) for e in f.exceptions]
    # The store may hand child rows over in any case order; within a case, order is kept.
    for key in ("advice", "consultations", "reviews", "exceptions"):
        rows[key] = sorted(rows[key], key=lambda row: -row[0])
    return rows


# --- generated cases ---------------------------------------------------------------------------

FIRST, LAST = date(2015, 1, 1), date(2032, 12, 31)


@st.composite
def case_facts(draw: st.DrawFn) -> Facts:
    """Facts with dates around one base date, so clocks interact (longstops, ties, orders)."""
    base = draw(st.dates(FIRST + timedelta(days=100), LAST - timedelta(days=900)))
    # Sparse cases (a new request) as well as full ones (a plan with a history).
    density = draw(st.sampled_from([10, 50, 90]))

    def day() -> date | None:
        if draw(st.integers(0, 99)) >= density:
            return None
        return base + timedelta(days=draw(st.integers(-100, 900)))

    def sure() -> date:
        return base + timedelta(days=draw(st.integers(-100, 900)))

    advice = tuple(
        AdviceRequest(draw(st.sampled_from(["EP", "health", "social care"])), sure(), day())
        for _ in range(draw(st.integers(0, 4)))
    )
    consultations = tuple(
        Consultation(draw(st.sampled_from(["Oak School", "Elm College"])), sure(), day())
        for _ in range(draw(st.integers(0, 3)))
    )
    reviews = tuple(
        Review(
            meeting=day(),
            notice_sent=day(),
            advice_circulated=day(),
            report_sent=day(),
            decision_sent=day(),
            outcome=draw(st.sampled_from([None, "A", "C", "M"])),
            amendment_sent=day(),
            final_amended=day(),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    codes = draw(st.lists(st.sampled_from(["X1", "X2", "X3", "X4", "X5"]), max_size=3))
    # Every single date of Facts (a new date fact is drawn with no edit here), then the rest.
    drawn: dict[str, Any] = {name: day() for name in CASE_DATES}
    drawn.update(
        decision_outcome=draw(st.sampled_from([None, "assess", "not-assess"])),
        advice=advice,
        consultations=consultations,
        reviews=reviews,
        date_of_birth=draw(st.none() | st.dates(base - timedelta(days=9000), base)),
        transfer_kind=draw(st.sampled_from([None, "school", "post16", "post16-other"])),
        exceptions=tuple(ExceptionRecord(code) for code in codes),
    )
    return Facts(**drawn)


policies = st.builds(
    Policy,
    week_start=st.sampled_from(["exclusive", "inclusive"]),
    review_year=st.sampled_from(["strict", "anniversary"]),
    transfer_deadline=st.sampled_from(["strict", "by"]),
    certificate_count=st.sampled_from(["next-day", "same-day"]),
    under5_review_months=st.integers(3, 6),
    warning_working_days=st.integers(0, 25),
    step_warning_days=st.sampled_from([(), (("N2", 3), ("N2.2", 20), ("R1", 40), ("N4b", 1))]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=st.lists(case_facts(), min_size=1, max_size=6),
    as_of=st.dates(FIRST, LAST),
    policy=policies,
)
def test_bulk_equals_scalar_engine(cases: list[Facts], as_of: date, policy: Policy) -> None:
    assert_same_as_engine(cases, as_of, policy)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(case_facts(), min_size=1, max_size=5), as_of=st.dates(FIRST, LAST))
def test_rows_give_the_same_columns_as_facts(cases: list[Facts], as_of: date) -> None:
    from_facts = CaseColumns.from_facts(cases, case_ids=range(100, 100 + len(cases)))
    from_rows = CaseColumns.from_rows(**facts_to_rows(cases))
    a, b = compute_bulk(from_facts, as_of), compute_bulk(from_rows, as_of)
    np.testing.assert_array_equal(a.case_id, b.case_id)
    for name in ("due", "done", "status", "days", "next_slot", "next_due", "stage"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert [a.summary(i) for i in range(len(a))] == [b.summary(i) for i in range(len(b))]


def test_columns_carry_every_fact() -> None:
    assert {f.name for f in fields(Facts)} == CARRIED_FACTS


# --- the calendar tables against counting.py ---------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(FIRST, LAST),
    other=st.dates(FIRST, LAST),
    count=st.integers(1, 20),
    months=st.integers(-24, 24),
)
def test_calendar_table_matches_counting(day: date, other: date, count: int, months: int) -> None:
    cal = calendar_for(FIRST.toordinal(), LAST.toordinal())
    one = np.array([day.toordinal()], dtype=np.int32)
    two = np.array([other.toordinal()], dtype=np.int32)

    def back(a: np.ndarray[Any, Any]) -> date:
        return date.fromordinal(int(a[0]))

    assert back(cal.add_months(one, months)) == months_after(day, months)
    assert back(cal.next_working_day(one)) == next_working_day(day)
    assert back(cal.add_working_days(one, count)) == add_working_days(day, count)
    assert back(cal.working_days_within(one, count)) == working_days_within(day, count)
    assert int(cal.working_days_between(one, two)[0]) == working_days_between(day, other)
    assert back(cal.tribunal_deadline(one)) == tribunal_deadline(day)


def test_missing_dates_stay_missing() -> None:
    cal = calendar_for(FIRST.toordinal(), LAST.toordinal())
    none = np.array([MISSING], dtype=np.int32)
    assert cal.add_months(none, 2)[0] == MISSING
    assert cal.next_working_day(none)[0] == MISSING
    assert cal.add_working_days(none, 3)[0] == MISSING


def test_dates_far_outside_the_default_table_widen_it() -> None:
    facts = Facts(request_received=date(1960, 3, 1), move_date=date(2150, 12, 24))
    # R8 looks five years past the latest date here (a date of birth after the plan).
    baby = Facts(plan_issued=date(2150, 1, 1), date_of_birth=date(2150, 6, 1))
    result = assert_same_as_engine([facts, baby], date(2150, 12, 1), Policy())
    assert _step(result, "R8", 1)[0] == date(2150, 7, 1)


# --- worked examples from the statutory rules --------------------------------------------------


def _step(result: BulkSteps, name: str, case: int = 0) -> tuple[Any, ...]:
    row = result.row_of(name)
    due, done = int(result.due[row, case]), int(result.done[row, case])
    days = int(result.days[row, case])
    return (
        date.fromordinal(due) if due else None,
        date.fromordinal(done) if done else None,
        int(result.status[row, case]),
        None if days == NO_DAYS else days,
    )


def test_twenty_week_example() -> None:
    # Rules section 1: request Mon 6 Jan 2025 -> 20 weeks = Mon 26 May 2025.
    facts = Facts(request_received=date(2025, 1, 6), draft_served=date(2025, 3, 3))
    result = assert_same_as_engine([facts], date(2025, 3, 10), Policy())
    assert _step(result, "N5")[0] == date(2025, 5, 26)
    assert _step(result, "N1")[0] == date(2025, 2, 17)
    # Draft served Mon 3 Mar 2025: comment window ends Mon 17 Mar.
    assert _step(result, "N4")[0] == date(2025, 3, 17)
    inclusive = compute_bulk(
        CaseColumns.from_facts([facts]), date(2025, 3, 10), Policy("inclusive")
    )
    assert _step(inclusive, "N5")[0] == date(2025, 5, 25)


def test_review_year_and_ipsea_review_example() -> None:
    # Plan issued 1 Jan 2019 -> review by 31 Dec 2019 (strict), 1 Jan 2020 (anniversary).
    plan = Facts(plan_issued=date(2019, 1, 1))
    strict = assert_same_as_engine([plan], date(2019, 6, 1), Policy())
    assert _step(strict, "R1")[0] == date(2019, 12, 31)
    anniversary = Policy(review_year="anniversary")
    assert _step(assert_same_as_engine([plan], date(2019, 6, 1), anniversary), "R1")[0] == date(
        2020, 1, 1
    )
    # IPSEA: meeting Fri 1 Nov 2024 -> decision by Fri 29 Nov; amendments sent Mon 25 Nov ->
    # final amended plan by Mon 20 Jan 2025.
    reviewed = Facts(
        plan_issued=date(2024, 1, 15),
        reviews=(
            Review(
                meeting=date(2024, 11, 1),
                decision_sent=date(2024, 11, 25),
                outcome="A",
                amendment_sent=date(2024, 11, 25),
            ),
        ),
    )
    result = assert_same_as_engine([reviewed], date(2024, 12, 2), Policy())
    assert _step(result, "R5")[:2] == (date(2024, 11, 29), date(2024, 11, 25))
    assert _step(result, "R7")[0] == date(2025, 1, 20)


def test_appeal_deadline_moves_out_of_christmas_and_august() -> None:
    # IPSEA: decision 1 Oct 2025, certificate 29 Nov 2025 -> 29 Dec 2025 -> Fri 2 Jan 2026.
    christmas = Facts(decision_sent=date(2025, 10, 1), certificate_issued=date(2025, 11, 29))
    # Decision 15 Jun 2025 + 2 months = 15 Aug -> first working day after 31 Aug: Mon 1 Sep.
    august = Facts(decision_sent=date(2025, 6, 15))
    # Decision 5 Feb 2025 + 2 months = Sat 5 Apr -> Mon 7 Apr.
    weekend = Facts(decision_sent=date(2025, 2, 5))
    result = assert_same_as_engine([christmas, august, weekend], date(2025, 10, 2), Policy())
    assert [_step(result, "A2", i)[0] for i in range(3)] == [
        date(2026, 1, 2),
        date(2025, 9, 1),
        date(2025, 4, 7),
    ]


def test_phase_transfer_and_plan_moves() -> None:
    # Transfer in September 2026 -> 14 Feb 2026 (strict), 15 Feb ("by").
    school = Facts(
        plan_issued=date(2025, 3, 1), phase_transfer=date(2026, 9, 2), transfer_kind="school"
    )
    # Old LA knew Mon 15 Dec 2025 of a move on Fri 19 Dec: 15 working days beginning with the
    # 15th, skipping weekends, Christmas Day, Boxing Day and New Year's Day -> Wed 7 Jan 2026.
    moving = Facts(
        plan_issued=date(2024, 5, 1), move_date=date(2025, 12, 19), aware_of_move=date(2025, 12, 15)
    )
    result = assert_same_as_engine([school, moving], date(2025, 12, 16), Policy())
    assert _step(result, "P1")[0] == date(2026, 2, 14)
    assert _step(result, "T1", 1)[0] == date(2026, 1, 7)
    by = compute_bulk(
        CaseColumns.from_facts([school]), date(2025, 12, 16), Policy(transfer_deadline="by")
    )
    assert _step(by, "P1")[0] == date(2026, 2, 15)


def test_exception_marks_late_steps_but_keeps_the_deadline() -> None:
    late = Facts(request_received=date(2025, 1, 6), exceptions=(ExceptionRecord("X3"),))
    plain = Facts(request_received=date(2025, 1, 6))
    only_x5 = Facts(request_received=date(2025, 1, 6), exceptions=(ExceptionRecord("X5"),))
    result = assert_same_as_engine([late, plain, only_x5], date(2025, 6, 2), Policy())
    row = result.row_of("N5")
    assert result.due[row].tolist() == [date(2025, 5, 26).toordinal()] * 3
    assert [result.summary(i).status for i in range(3)] == [
        Status.LATE_EXCEPTION,
        Status.OVERDUE,
        Status.OVERDUE,
    ]
    assert result.days[row].tolist() == [-7, -7, -7]
    assert result.has_exception.tolist() == [True, False, True]
    assert result.overdue_steps.tolist() == [0, 3, 3]


def test_steps_a_case_lacks_are_absent() -> None:
    result = assert_same_as_engine(
        [Facts(), Facts(request_received=date(2025, 1, 6))], date(2025, 1, 7), Policy()
    )
    assert (result.status[:, 0] == ABSENT).all()
    assert result.next_slot[0] == -1 and result.next_due[0] == MISSING
    assert result.summary(1).next_id == "N1"


def test_from_rows_rejects_unknown_cases_and_words() -> None:
    case = (1, *([None] * (len(CASE_COLUMNS) - 1)))
    with pytest.raises(ValueError, match="case_id"):
        CaseColumns.from_rows([case], advice=[(2, "EP", "2025-01-01", None)])
    bad_outcome: list[Any] = list(case)
    bad_outcome[CASE_COLUMNS.index("decision_outcome")] = "maybe"
    with pytest.raises(ValueError, match="decision_outcome"):
        CaseColumns.from_rows([tuple(bad_outcome)])
    with pytest.raises(ValueError, match="columns"):
        CaseColumns.from_rows([(1, None)])
    with pytest.raises(ValueError, match="advice: rows have 3 columns, expected 4"):
        CaseColumns.from_rows([case], advice=[(1, "EP", "2025-01-01", None), (1, "EP", None)])


# --- the synthetic caseload and the timing helper ----------------------------------------------


def test_synthetic_caseload_matches_engine() -> None:
    rows = synthetic_rows(300, seed=7, as_of=date(2026, 6, 1))
    cols = CaseColumns.from_rows(**rows)
    result = compute_bulk(cols, date(2026, 6, 1), Policy())
    facts = cols.to_facts()
    for i in range(len(cols)):
        assert bulk_rows(result, i) == scalar_rows(facts[i], date(2026, 6, 1), Policy())
    # A realistic caseload has work in every state, not just one.
    seen = set(np.unique(result.status).tolist())
    assert {1, 2, 4, 5, 6, 7} <= seen


def test_bench_reports_both_timings() -> None:
    figures = bench_bulk(2000, seed=1)
    assert figures["cases"] == 2000
    assert figures["compute_bulk_s"] > 0 and figures["sqlite_select_s"] > 0
    assert figures["ratio"] == pytest.approx(figures["compute_bulk_s"] / figures["sqlite_select_s"])


def test_every_step_row_takes_its_title_and_kind_from_the_catalogue() -> None:
    result = compute_bulk(CaseColumns.from_facts([Facts()]), date(2025, 1, 1))
    for slot in result.slots:
        info = CATALOGUE[slot.family or slot.name]
        assert (slot.title, slot.kind, slot.statutory) == (info.title, info.kind, info.statutory)


def test_an_empty_caseload_has_no_steps() -> None:
    empty = CaseColumns.from_rows([])
    result = compute_bulk(empty, date(2025, 1, 1))
    assert len(result) == 0 and result.status.shape[1] == 0
    assert result.next_ids().tolist() == []


def test_next_ids_for_a_whole_table() -> None:
    cases = [
        Facts(),
        Facts(advice=(AdviceRequest("EP", date(2025, 1, 6)),)),
        Facts(
            advice=(
                AdviceRequest("EP", date(2025, 1, 20), date(2025, 2, 1)),
                AdviceRequest("health", date(2025, 1, 13)),
            )
        ),
        Facts(request_received=date(2025, 1, 6)),
    ]
    result = assert_same_as_engine(cases, date(2025, 1, 14), Policy())
    assert result.next_ids().tolist() == [None, "N2", "N2.2", "N1"]
    assert result.next_ids().tolist() == [result.summary(i).next_id for i in range(len(cases))]
