"""SEN2 timeliness measures and the closure warnings given when a request arrives."""

from __future__ import annotations

from datetime import date, timedelta

from send_desktop.timeline import (
    NATIONAL_TIMELINESS,
    ExceptionRecord,
    Facts,
    Policy,
    Review,
    closure_warnings,
    timeliness,
)

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def _plan(received: date, days: int, *codes: str) -> Facts:
    return Facts(
        request_received=received,
        final_issued=received + timedelta(days=days),
        exceptions=tuple(ExceptionRecord(code) for code in codes),  # type: ignore[arg-type]
    )


def test_twenty_weeks_is_140_days_with_and_without_exceptions() -> None:
    jan = date(2025, 1, 6)
    cases = [
        _plan(jan, 140),  # within, exactly 20 weeks
        _plan(jan, 141),  # late
        _plan(jan, 200, "X3"),  # late, with an exception
        _plan(jan, 100, "X1"),  # within, with an exception
        _plan(date(2024, 6, 1), 400),  # late, after 52 weeks
        _plan(jan, 120, "X5"),  # X5 is for advice only: the plan counts as without exception
        _plan(date(2023, 1, 6), 100),  # issued outside the period
        Facts(request_received=jan),  # no plan yet
    ]
    t = timeliness(cases, *YEAR)
    assert t.plans_issued == 6 and t.plans_within_20_weeks == 3
    assert t.pct_within_20_weeks_incl == 50.0
    assert t.plans_without_exception == 4 and t.plans_without_exception_within_20_weeks == 2
    assert t.pct_within_20_weeks_excl == 50.0
    assert t.plans_after_52_weeks == 1
    assert t.average_weeks_to_issue == (140 + 141 + 200 + 100 + 400 + 120) / 7 / 6


def test_decisions_and_reviews() -> None:
    jan = date(2025, 1, 6)
    cases = [
        Facts(request_received=jan, decision_to_assess=jan + timedelta(days=42)),
        Facts(request_received=jan, decision_to_assess=jan + timedelta(days=43)),
        Facts(
            plan_issued=date(2023, 12, 1),
            reviews=(
                # Review due by 30 Nov 2024, decided 9 Jan 2025: late, and 39 days after the meeting.
                Review(meeting=date(2024, 12, 1), decision_sent=date(2025, 1, 9)),
                # Next due by 8 Jan 2026: on time, decided 19 days after the meeting.
                Review(meeting=date(2025, 12, 1), decision_sent=date(2025, 12, 20)),
            ),
        ),
    ]
    t = timeliness(cases, *YEAR)
    assert (t.decisions, t.decisions_within_6_weeks) == (2, 1)
    assert t.pct_decisions_within_6_weeks == 50.0
    assert (t.reviews, t.reviews_within_12_months) == (2, 1)
    assert (t.review_decisions, t.review_decisions_within_4_weeks) == (2, 1)
    anniversary = timeliness(cases, *YEAR, Policy(review_year="anniversary"))
    assert anniversary.reviews_within_12_months == 1


def test_empty_period_gives_none_not_zero() -> None:
    t = timeliness([], *YEAR)
    assert t.plans_issued == 0 and t.pct_within_20_weeks_incl is None
    assert t.average_weeks_to_issue is None and t.pct_reviews_within_12_months is None


def test_national_figures() -> None:
    assert sorted(NATIONAL_TIMELINESS) == [2019, 2020, 2021, 2022, 2023, 2024]
    latest = NATIONAL_TIMELINESS[2024]
    assert (latest.excluding_exceptions, latest.including_exceptions) == (46.4, 45.9)
    # The rules' 2024 counts give the same percentages.
    assert round(100 * 39407 / 84866, 1) == latest.excluding_exceptions
    assert round(100 * 41448 / 90392, 1) == latest.including_exceptions
    assert NATIONAL_TIMELINESS[2019].excluding_exceptions == 60.4


SUMMER = (date(2025, 7, 23), date(2025, 9, 2))  # closed Wed 23 Jul, re-opens Wed 3 Sep


def test_closure_in_the_advice_weeks() -> None:
    # Request Tue 20 May 2025: weeks 6-12 run Wed 25 Jun - Tue 12 Aug.
    warnings = closure_warnings(date(2025, 5, 20), [SUMMER])
    assert len(warnings) == 1
    assert "advice period (weeks 6-12): weeks 10-12" in warnings[0]
    assert "Wed 23 Jul 2025 - Tue 2 Sep 2025 (6 weeks)" in warnings[0]


def test_closure_in_the_consultation_weeks() -> None:
    # Request Mon 31 Mar 2025: weeks 16-17 run Tue 15 Jul - Mon 28 Jul.
    warnings = closure_warnings(date(2025, 3, 31), [SUMMER])
    assert len(warnings) == 1
    assert "consultation period (weeks 16-17): week 17" in warnings[0]


def test_short_or_distant_closures_are_ignored() -> None:
    half_term = (date(2025, 10, 27), date(2025, 10, 31))
    assert closure_warnings(date(2025, 9, 1), [half_term]) == []
    assert closure_warnings(date(2025, 1, 6), [SUMMER]) == []
