"""The stored digest of a case gives, on any day, what the engine gives on that day (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from send_desktop.timeline import Facts, Policy, Status, compute_steps, next_deadline
from send_desktop.timeline.counting import add_working_days
from send_desktop.timeline.digest import digest, soon_from, status_on, weeks_open
from tests.timeline.test_properties import DAYS, POLICIES, facts


@settings(max_examples=300, deadline=None)
@given(facts(), DAYS, POLICIES)
def test_digest_statuses_equal_the_engine_on_any_day(f: Facts, as_of: date, policy: Policy) -> None:
    d = digest(f, policy)
    steps = {s.id: s for s in compute_steps(f, as_of, policy) if s.statutory}
    open_ids = {s.id for s in d.steps}
    for step in d.steps:
        engine = steps[step.id]
        assert engine.due == step.due and engine.title == step.title
        assert engine.done is None or engine.status is Status.DONE_ON_TIME  # a window that ended
        assert status_on(step, as_of) is engine.status, (step, as_of)
    # Every other statutory step is done or does not apply: its status does not depend on the day.
    for sid, engine in steps.items():
        if sid not in open_ids:
            later = compute_steps(f, as_of + timedelta(days=400), policy)
            assert next(s for s in later if s.id == sid).status is engine.status
    # The next deadline on as_of, as the store's SQL picks it: the first unexcused duty once it
    # is past due, else the first open duty (timeline.next_deadline).
    nxt = next_deadline(steps.values())
    chosen = d.breach if d.breach is not None and as_of > d.breach.due else d.next
    assert (chosen.id if chosen else None) == (nxt.id if nxt else None)
    if chosen is not None and nxt is not None:
        assert chosen.due == nxt.due
        expected = Status.OVERDUE if chosen is d.breach and as_of > chosen.due else None
        assert (expected or status_on(chosen, as_of)) is nxt.status


@settings(max_examples=300, deadline=None)
@given(DAYS, st.integers(0, 25))
def test_soon_from_is_the_first_due_soon_day(due: date, warn: int) -> None:
    first = soon_from(due, warn)
    assert due < add_working_days(first, warn + 1)
    assert not due < add_working_days(first - timedelta(days=1), warn + 1)


def test_weeks_open_counts_whole_weeks_to_the_end_or_today() -> None:
    received = date(2026, 1, 5)
    assert weeks_open(received, None, date(2026, 1, 18)) == 1
    assert weeks_open(received, date(2026, 5, 25), date(2027, 1, 1)) == 20
    assert weeks_open(None, None, date(2026, 1, 1)) == 0
