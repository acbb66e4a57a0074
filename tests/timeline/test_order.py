"""The order rules (rules section 7): impossible orders refused, breaches shown, typed dates kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from send_desktop.timeline import (
    AdviceRequest,
    ExceptionRecord,
    Facts,
    Policy,
    Review,
    Status,
    compute_steps,
    order,
    summarise,
)
from send_desktop.timeline.bulk import CaseColumns, compute_bulk
from tests.timeline.helpers import steps_by_id

TODAY = date(2026, 12, 1)
days = st.integers(min_value=0, max_value=400).map(lambda n: timedelta(days=n))
starts = st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 12, 31))

CASE_DATES = [
    (later, earlier) for later, earlier in order.ORDERS["case"] if earlier != "date_of_birth"
]


@st.composite
def lawful_facts(draw: st.DrawFn) -> Facts:
    """A case whose every date follows the one before: request, decision, draft, final, review."""
    received = draw(starts)
    decided = received + draw(days)
    draft = decided + draw(days)
    final = draft + draw(days)
    meeting = final + draw(days)
    decision = meeting + draw(days)
    return Facts(
        date_of_birth=received - timedelta(days=draw(st.integers(365, 9000))),
        request_received=received,
        decision_to_assess=decided,
        decision_outcome="assess",
        advice=(AdviceRequest("EP", decided, decided + draw(days)),),
        draft_served=draft,
        final_issued=final,
        plan_issued=final,
        reviews=(Review(meeting=meeting, decision_sent=decision),),
        decision_sent=decision,
        certificate_issued=decision + draw(days),
    )


@given(lawful_facts())
def test_facts_in_order_are_never_refused(facts: Facts) -> None:
    assert order.impossible(facts, None) == []


@settings(max_examples=300)
@given(
    lawful_facts(),
    st.sampled_from(CASE_DATES),
    st.integers(min_value=1, max_value=2000),
)
def test_each_case_date_before_its_predecessor_is_refused_naming_both(
    facts: Facts, rule: tuple[str, str], gap: int
) -> None:
    later, earlier = rule
    before = getattr(facts, earlier)
    if later == "ceased":
        facts = replace(facts, ceased=before)  # ceased is not in the lawful base
    wrong = before - timedelta(days=gap)
    bad = replace(facts, **{later: wrong})
    problems = order.impossible(bad, None)
    expected = order.order_message("case", later, wrong, earlier, before)
    # Another rule may fire first for the same wrong date, but this one is always found and
    # every message names two facts and two dates.
    assert expected in problems
    assert order.label(later) in expected and order.label(earlier).lower() in expected
    assert wrong.strftime("%d/%m/%Y") in expected and before.strftime("%d/%m/%Y") in expected


@given(lawful_facts(), st.integers(min_value=1, max_value=2000))
def test_review_meeting_before_the_plan_is_refused(facts: Facts, gap: int) -> None:
    assert facts.final_issued is not None
    early = facts.final_issued - timedelta(days=gap)
    bad = replace(facts, reviews=(Review(meeting=early),))
    assert order.impossible(bad, None) == [
        f"Review meeting ({early:%d/%m/%Y}) cannot be before plan issued "
        f"({facts.final_issued:%d/%m/%Y})"
    ]


@given(lawful_facts(), st.integers(min_value=1, max_value=500))
def test_amendments_before_their_meeting_and_certificate_before_decision(
    facts: Facts, gap: int
) -> None:
    meeting = facts.reviews[0].meeting
    assert meeting is not None and facts.decision_sent is not None
    amended = replace(
        facts, reviews=(Review(meeting=meeting, amendment_sent=meeting - timedelta(gap)),)
    )
    assert any("Proposed amendments sent" in p for p in order.impossible(amended, None))
    certificate = facts.decision_sent - timedelta(days=gap)
    early_cert = replace(facts, certificate_issued=certificate)
    assert order.impossible(early_cert, None) == [
        f"Mediation certificate issued ({certificate:%d/%m/%Y}) cannot be before decision sent "
        f"({facts.decision_sent:%d/%m/%Y})"
    ]


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_dates_outside_1900_2200_are_refused(day: date) -> None:
    problem = order.date_problem("request_received", day, None)
    assert (problem is None) == (order.EARLIEST <= day <= order.LATEST)
    if problem:
        assert "outside the dates" in problem and day.strftime("%d/%m/%Y") in problem


def test_more_than_a_year_ahead_and_a_birth_in_the_future() -> None:
    assert order.date_problem("final_issued", TODAY + timedelta(days=366), TODAY) is None
    assert "more than a year ahead" in str(
        order.date_problem("final_issued", TODAY + timedelta(days=367), TODAY)
    )
    assert order.date_problem("date_of_birth", TODAY + timedelta(days=1), TODAY) == (
        "Date of birth (02/12/2026) is in the future"
    )


# --- breaches ------------------------------------------------------------------------------

BASE = Facts(
    request_received=date(2025, 1, 6),
    decision_to_assess=date(2025, 2, 3),
    decision_outcome="assess",
    advice=(AdviceRequest("EP", date(2025, 2, 3), date(2025, 3, 10)),),
    draft_served=date(2025, 3, 31),
)


def test_final_plan_inside_the_15_day_window_is_a_breach_and_shows_breached() -> None:
    same_day = replace(BASE, final_issued=BASE.draft_served)
    [breach] = order.breaches(same_day)
    assert breach.code == "final-in-window" and breach.source == "reg 13(1)"
    assert "31/03/2025" in breach.message and "14/04/2025" in breach.message
    steps = steps_by_id(same_day, date(2025, 6, 1))
    assert steps["N5"].status is Status.BREACHED
    assert steps["N5"].status.label == "Breached"
    assert "inside the 15-day comment window" in steps["N5"].explanation
    assert steps["N4"].status is Status.BREACHED
    # The first day after the window is lawful again.
    after = replace(BASE, final_issued=date(2025, 4, 15))
    assert order.breaches(after) == []
    assert steps_by_id(after, date(2025, 6, 1))["N5"].status is Status.DONE_ON_TIME


def test_advice_outstanding_at_the_final_plan_stays_visible() -> None:
    facts = replace(
        BASE,
        advice=(*BASE.advice, AdviceRequest("health", date(2025, 2, 3))),
        final_issued=date(2025, 4, 20),
    )
    draft_breach, final_breach = order.breaches(facts)
    assert draft_breach.code == "draft-advice-outstanding"
    assert final_breach.code == "final-advice-outstanding" and final_breach.step == "N2.2"
    assert "health (requested 03/02/2025)" in final_breach.message
    steps = steps_by_id(facts, date(2025, 6, 1))
    assert steps["N2.2"].status is Status.BREACHED
    assert "not received before the final plan" in steps["N2.2"].explanation
    assert steps["N2.1"].status is Status.DONE_ON_TIME
    assert steps["N5"].status is Status.BREACHED
    assert steps["N4.target"].status is Status.BREACHED  # the draft was served without it too


def test_new_breaches_only_counts_what_the_change_adds() -> None:
    final = replace(BASE, final_issued=BASE.draft_served)
    assert [b.code for b in order.new_breaches(BASE, final)] == ["final-in-window"]
    assert order.new_breaches(final, replace(final, ceased=date(2026, 1, 1))) == []


def test_reassessment_takes_the_exceptions_of_reg_10_4() -> None:
    """reg 27(3): O3 is "late - exception" with X1-X4, like the 20 weeks (reg 10(4))."""
    facts = Facts(reassessment_notified=date(2025, 1, 6), exceptions=(ExceptionRecord("X3"),))
    step = steps_by_id(facts, date(2025, 6, 1))["O3"]
    assert step.status is Status.LATE_EXCEPTION
    assert "reg 27(3)" in step.explanation
    x5 = replace(facts, exceptions=(ExceptionRecord("X5"),))
    assert steps_by_id(x5, date(2025, 6, 1))["O3"].status is Status.OVERDUE


def test_review_without_plan_date_computes_its_steps() -> None:
    steps = steps_by_id(Facts(reviews=(Review(meeting=date(2026, 10, 7)),)), date(2026, 10, 1))
    assert {"R2", "R3", "R4", "R5"} <= set(steps)
    last = steps_by_id(Facts(reviews=(Review(decision_sent=date(2026, 1, 5)),)), date(2026, 2, 1))
    assert last["R1"].due == date(2027, 1, 4)


@st.composite
def breach_facts(draw: st.DrawFn) -> Facts:
    received = draw(starts)
    decided = received + draw(st.integers(0, 60).map(lambda n: timedelta(days=n)))
    draft = decided + draw(st.integers(0, 80).map(lambda n: timedelta(days=n)))
    final = draft + draw(st.integers(0, 30).map(lambda n: timedelta(days=n)))
    advice = tuple(
        AdviceRequest(
            f"body {k}",
            decided + timedelta(days=draw(st.integers(0, 40))),
            draw(st.none() | st.just(decided + timedelta(days=draw(st.integers(0, 150))))),
        )
        for k in range(draw(st.integers(0, 3)))
    )
    return Facts(
        request_received=received,
        decision_to_assess=decided,
        decision_outcome="assess",
        advice=advice,
        draft_served=draft if draw(st.booleans()) else None,
        final_issued=final if draw(st.booleans()) else None,
        reviews=(Review(meeting=final + timedelta(days=300)),) if draw(st.booleans()) else (),
        phase_transfer=final + timedelta(days=400) if draw(st.booleans()) else None,
        transfer_kind="school",
        reassessment_notified=received if draw(st.booleans()) else None,
        exceptions=(ExceptionRecord(draw(st.sampled_from(["X1", "X3", "X5"]))),),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(breach_facts(), min_size=1, max_size=6), starts)
def test_bulk_twin_shows_the_same_breaches_and_exceptions(cases: list[Facts], as_of: date) -> None:
    cases = [c if c.phase_transfer else replace(c, transfer_kind=None) for c in cases]
    result = compute_bulk(CaseColumns.from_facts(cases), as_of, Policy())
    for i, facts in enumerate(cases):
        scalar = [
            (s.id, s.title, s.due, s.done, s.status, s.days, s.statutory)
            for s in compute_steps(facts, as_of)
        ]
        assert [tuple(s) for s in result.case_steps(i)] == scalar, facts
        assert result.summary(i) == summarise(facts, as_of)


# --- typed dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["05/03/2017", "5/3/17", "2017-03-05", " 5.3.2017 ", "05-03-2017"]
)
def test_typed_dates_are_kept(typed: str) -> None:
    assert order.parse_day(typed, TODAY) == date(2017, 3, 5)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("31/02/2025", "there is no 31 February in 2025"),
        ("29/02/2027", "there is no 29 February in 2027"),
        ("12/13/2025", "there is no month 13"),
        ("Not known", "is not a date"),
        ("", "is not a date"),
    ],
)
def test_impossible_typed_dates_are_errors_never_another_date(typed: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        order.parse_day(typed, TODAY)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_any_date_written_either_way_reads_back_the_same(day: date) -> None:
    assert order.parse_day(day.strftime("%d/%m/%Y"), TODAY) == day
    assert order.parse_day(day.isoformat(), TODAY) == day


@given(st.integers(1, 31), st.integers(1, 12), st.integers(1900, 2200))
def test_a_typed_day_is_that_day_or_an_error(d: int, m: int, y: int) -> None:
    try:
        expected: date | None = date(y, m, d)
    except ValueError:
        expected = None
    typed = f"{d}/{m}/{y}"
    if expected is None:
        with pytest.raises(ValueError):
            order.parse_day(typed, TODAY)
    else:
        assert order.parse_day(typed, TODAY) == expected


def test_two_digit_years_pivot_on_next_year() -> None:
    assert order.parse_day("5/3/27", TODAY) == date(2027, 3, 5)
    assert order.parse_day("5/3/28", TODAY) == date(1928, 3, 5)
    assert order.parse_day("5/3/98", TODAY) == date(1998, 3, 5)
