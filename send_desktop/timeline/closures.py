"""School closures and the 20-week clock: the X1/X2 qualifying window, and warnings at request time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from send_desktop.timeline.counting import long_date
from send_desktop.timeline.model import Policy

# Reg 5(4)(a), 8(2), 10(4)(a), 13(3)(a): a closure counts when it lasts at least 4 weeks.
QUALIFYING_CLOSURE_DAYS = 28
ADVICE_WEEKS = (6, 12)
CONSULTATION_WEEKS = (16, 17)
_WEEK = timedelta(days=7)


def closure_days(first_closed: date, last_closed: date) -> int:
    """How many days a school is closed, first to last closed day inclusive."""
    return (last_closed - first_closed).days + 1


def x1_qualifying_window(closed_from: date, reopens: date) -> tuple[date, date] | None:
    """When an advice request must have been made for X1/X2 to apply, or None if too short.

    The LA must have asked the head/SENCO "in the period beginning one week before the
    closure began and ending one week before it re-opened" (reg 5(4)(a)); `closed_from` is
    the first day closed and `reopens` the day it opens again.
    """
    if (reopens - closed_from).days < QUALIFYING_CLOSURE_DAYS:
        return None
    return closed_from - _WEEK, reopens - _WEEK


def _week_of(request_received: date, day: date, policy: Policy) -> int:
    """Week number of the 20-week process that `day` falls in (week 1 = the first 7 days).

    Exclusive counting starts week 1 the day after the request; inclusive on the day itself.
    """
    offset = (day - request_received).days - (1 if policy.week_start == "exclusive" else 0)
    return offset // 7 + 1


def _week_span(request_received: date, weeks: tuple[int, int], policy: Policy) -> tuple[date, date]:
    first = request_received + timedelta(days=7 * (weeks[0] - 1))
    last = request_received + timedelta(days=7 * weeks[1] - 1)
    if policy.week_start == "exclusive":
        first, last = first + timedelta(days=1), last + timedelta(days=1)
    return first, last


def closure_warnings(
    request_received: date,
    closures: Sequence[tuple[date, date]],
    policy: Policy | None = None,
) -> list[str]:
    """Warn when a new request's advice weeks (6-12) or consultation weeks (16-17) meet a closure.

    `closures` are (first day closed, last day closed); only closures of 4 weeks or more are
    considered, since only they can found the X1/X2 exception.
    """
    policy = policy or Policy()
    warnings: list[str] = []
    for what, weeks, why in (
        ("advice", ADVICE_WEEKS, "schools may not give advice in time"),
        ("consultation", CONSULTATION_WEEKS, "schools may not answer the consultation in time"),
    ):
        span_first, span_last = _week_span(request_received, weeks, policy)
        for first_closed, last_closed in sorted(closures):
            length = closure_days(first_closed, last_closed)
            if length < QUALIFYING_CLOSURE_DAYS:
                continue
            first, last = max(span_first, first_closed), min(span_last, last_closed)
            if first > last:
                continue
            w1 = _week_of(request_received, first, policy)
            w2 = _week_of(request_received, last, policy)
            which = f"week {w1} falls" if w1 == w2 else f"weeks {w1}-{w2} fall"
            warnings.append(
                f"The {what} period (weeks {weeks[0]}-{weeks[1]}): {which} "
                f"({long_date(first)} - {long_date(last)}) in the closure "
                f"{long_date(first_closed)} - {long_date(last_closed)} "
                f"({length // 7} weeks): {why}; plan around it"
            )
    return warnings
