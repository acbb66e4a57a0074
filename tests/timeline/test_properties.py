"""Properties the engine must hold for any dates (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from send_desktop.timeline import (
    AdviceRequest,
    Consultation,
    ExceptionRecord,
    Facts,
    Policy,
    Review,
    compute_steps,
    next_deadline,
    overdue_count,
    summarise,
)
from send_desktop.timeline.bulk import CASE_DATES
from send_desktop.timeline.counting import is_working_day
from tests.timeline.helpers import steps_by_id

DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2032, 12, 31))
MAYBE = st.none() | DAYS
POLICIES = st.builds(
    Policy,
    week_start=st.sampled_from(["exclusive", "inclusive"]),
    review_year=st.sampled_from(["strict", "anniversary"]),
    transfer_deadline=st.sampled_from(["strict", "by"]),
    certificate_count=st.sampled_from(["next-day", "same-day"]),
    under5_review_months=st.integers(3, 6),
    warning_working_days=st.integers(0, 20),
    step_warning_days=st.sampled_from([(), (("N5", 15),), (("R1", 30), ("O2.final", 2))]),
)
EXCLUSIVE = st.sampled_from([Policy(), Policy(review_year="anniversary")])


def _near(start: date, most: int = 400) -> st.SearchStrategy[date | None]:
    """An optional date shortly after `start`, so facts follow each other as on real cases."""
    return st.none() | st.integers(0, most).map(lambda n: start + timedelta(days=n))


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    start = draw(DAYS)
    near = lambda most=400: draw(_near(start, most))  # noqa: E731
    reviews = tuple(
        Review(
            meeting=near(900),
            notice_sent=near(900),
            advice_circulated=near(900),
            report_sent=near(900),
            decision_sent=near(900),
            outcome=draw(st.sampled_from([None, "A", "C", "M"])),
            amendment_sent=near(900),
            final_amended=near(900),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    # Every single date of Facts near the start (a new date fact is drawn with no edit here),
    # then the ones drawn their own way.
    drawn: dict[str, Any] = {name: near() for name in CASE_DATES}
    drawn.update(
        request_received=draw(st.none() | st.just(start)),
        decision_to_assess=near(80),
        decision_outcome=draw(st.sampled_from([None, "assess", "not-assess"])),
        advice=tuple(
            AdviceRequest(f"body {n}", draw(DAYS), draw(MAYBE))
            for n in range(draw(st.integers(0, 3)))
        ),
        not_issue_decision=near(200),
        draft_served=near(200),
        consultations=tuple(
            Consultation(f"school {n}", start + timedelta(days=100), near(200))
            for n in range(draw(st.integers(0, 2)))
        ),
        final_issued=near(300),
        plan_issued=near(300),
        reviews=reviews,
        date_of_birth=draw(st.none() | st.dates(date(2005, 1, 1), date(2028, 1, 1))),
        phase_transfer=near(1500),
        transfer_kind=draw(st.sampled_from([None, "school", "post16", "post16-other"])),
        exceptions=tuple(
            ExceptionRecord(code)
            for code in draw(st.lists(st.sampled_from(["X1", "X2", "X3", "X4", "X5"]), max_size=2))
        ),
        ceased=near(1500),
    )
    return Facts(**drawn)


@settings(max_examples=200, deadline=None)
@given(DAYS, EXCLUSIVE)
def test_w_deadline_falls_on_the_triggers_weekday(received: date, policy: Policy) -> None:
    steps = steps_by_id(Facts(request_received=received), received, policy)
    for step in ("N1", "N3", "N5"):
        due = steps[step].due
        assert due is not None and due.weekday() == received.weekday()


@settings(max_examples=200, deadline=None)
@given(DAYS, POLICIES)
def test_n1_before_n3_before_n5(received: date, policy: Policy) -> None:
    steps = steps_by_id(Facts(request_received=received), received, policy)
    n1, n3, n5 = (steps[s].due for s in ("N1", "N3", "N5"))
    assert n1 is not None and n3 is not None and n5 is not None
    assert n1 < n3 < n5


@settings(max_examples=200, deadline=None)
@given(DAYS, st.none() | st.integers(0, 200), POLICIES)
def test_appeal_deadline_never_on_a_closed_day(
    decision: date, certificate_after: int | None, policy: Policy
) -> None:
    certificate = (
        None if certificate_after is None else decision + timedelta(days=certificate_after)
    )
    steps = steps_by_id(
        Facts(decision_sent=decision, certificate_issued=certificate), decision, policy
    )
    due = steps["A2"].due
    assert due is not None
    assert is_working_day(due)
    # FtT r.12(3)(a): a period ENDING in 25 Dec-1 Jan or in August runs on to the first working
    # day after 1 Jan / 31 Aug. A period ending on a weekend just before (Sat 24 Dec 2016,
    # Sat 30 Jul 2016) is moved by r.12(2) to the next working day, which may be 28 Dec or
    # 1 Aug (rules file, row A2, applies the closed-period rule to the day the period ends).
    nominal = decision + relativedelta(months=2)
    if certificate is not None:
        nominal = max(nominal, certificate + relativedelta(months=1))

    def closed(day: date) -> bool:
        return day.month == 8 or (day.month, day.day) >= (12, 25) or (day.month, day.day) == (1, 1)

    if closed(due):
        assert nominal < due and not closed(nominal)
        assert all(
            not is_working_day(nominal + timedelta(days=d)) for d in range((due - nominal).days)
        )
    assert due >= decision + timedelta(days=59)  # never before two months


@settings(max_examples=200, deadline=None)
@given(
    DAYS,
    st.integers(0, 700),
    st.integers(0, 60),
    st.integers(0, 900),
    st.sampled_from(["school", "post16", "post16-other"]),
    POLICIES,
)
def test_phase_transfer_longstop_never_after_what_it_bounds(
    plan: date, meeting_after: int, amend_after: int, transfer_after: int, kind: str, policy: Policy
) -> None:
    meeting = plan + timedelta(days=meeting_after)
    facts = Facts(
        plan_issued=plan,
        reviews=(
            Review(
                meeting=meeting, amendment_sent=meeting + timedelta(days=amend_after), outcome="A"
            ),
        ),
        phase_transfer=plan + timedelta(days=transfer_after),
        transfer_kind=kind,  # type: ignore[arg-type]
    )
    steps = steps_by_id(facts, plan, policy)
    p = steps[{"school": "P1", "post16": "P2", "post16-other": "P3"}[kind]]
    if p.status.value == "not-applicable" or p.due is None:
        return
    r1, r7 = steps["R1"], steps["R7"]
    assert r1.due is not None and r7.due is not None
    if plan <= p.due:
        assert r1.due <= p.due
    if meeting <= p.due:
        assert r7.due <= p.due


@settings(max_examples=200, deadline=None)
@given(facts(), DAYS, POLICIES)
def test_summarise_agrees_with_compute_steps(f: Facts, as_of: date, policy: Policy) -> None:
    steps = compute_steps(f, as_of, policy)
    nxt = next_deadline(steps)
    summary = summarise(f, as_of, policy)
    if nxt is None:
        assert summary.next_id is None and summary.next_due is None and summary.status is None
    else:
        assert summary.next_id == nxt.id
        assert summary.next_title == nxt.title
        assert summary.next_due == nxt.due
        assert summary.days_left == nxt.days
        assert summary.status is nxt.status
    assert summary.overdue_steps == overdue_count(steps)
    assert summary.has_exception == bool(f.exceptions)
    ids = [s.id for s in steps]
    assert len(ids) == len(set(ids))
    for s in steps:
        assert s.explanation and s.source
        assert s.due is None or s.due.year >= 2014
