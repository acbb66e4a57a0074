"""Timeliness as the DfE reports it (SEN2), over any set of cases and dates, and England's figures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import NamedTuple

from send_desktop.timeline.catalogue import EXCEPTIONS_FOR
from send_desktop.timeline.counting import review_due
from send_desktop.timeline.model import Facts, Policy

# SEN2 counts in days, not by the engine's week rule: "within 20 weeks" <=> issue - request <= 140.
TWENTY_WEEKS_DAYS = 140
SIX_WEEKS_DAYS = 42
FOUR_WEEKS_DAYS = 28
FIFTY_TWO_WEEKS_DAYS = 364


class NationalFigure(NamedTuple):
    """England's % of new EHC plans issued within 20 weeks in a calendar year (DfE)."""

    year: int
    excluding_exceptions: float
    including_exceptions: float


NATIONAL_TIMELINESS: Mapping[int, NationalFigure] = MappingProxyType(
    {
        year: NationalFigure(year, excl, incl)
        for year, excl, incl in (
            (2019, 60.4, 58.7),
            (2020, 58.0, 55.6),
            (2021, 59.9, 57.9),
            (2022, 49.2, 47.7),
            (2023, 50.3, 49.1),
            (2024, 46.4, 45.9),
        )
    }
)
"""DfE "Education, health and care plans" statistics, as quoted in the rules (section 2)."""

# The other 2024 England measures the rules quote, for a dashboard's reference line.
NATIONAL_2024_OTHER: Mapping[str, float] = MappingProxyType(
    {
        "decisions_within_6_weeks": 84.8,
        "plans_after_52_weeks": 7.3,
        "review_decisions_within_4_weeks": 44.4,
    }
)

_N5_EXCEPTIONS = EXCEPTIONS_FOR["N5"]


def _pct(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Timeliness:
    """SEN2 measures for a period; percentages are 0-100, None where nothing was counted."""

    start: date
    end: date
    plans_issued: int
    plans_within_20_weeks: int
    pct_within_20_weeks_incl: float | None
    plans_without_exception: int
    plans_without_exception_within_20_weeks: int
    pct_within_20_weeks_excl: float | None
    decisions: int
    decisions_within_6_weeks: int
    pct_decisions_within_6_weeks: float | None
    average_weeks_to_issue: float | None
    plans_after_52_weeks: int
    pct_plans_after_52_weeks: float | None
    reviews: int
    reviews_within_12_months: int
    pct_reviews_within_12_months: float | None
    review_decisions: int
    review_decisions_within_4_weeks: int
    pct_review_decisions_within_4_weeks: float | None


def timeliness(
    cases: Iterable[Facts], start: date, end: date, policy: Policy | None = None
) -> Timeliness:
    """Measures over events dated start..end inclusive (plans by issue date, decisions by date).

    "Excluding exceptions" counts only plans with no exception that excuses N5 (X1-X4): SEN2's
    per-assessment Week20 flag.
    """
    policy = policy or Policy()
    plans = within = clean = clean_within = after52 = total_days = 0
    decisions = decisions_within = 0
    reviews = reviews_within = review_decisions = review_decisions_within = 0
    for f in cases:
        received = f.request_received
        if received is not None:
            issued = f.final_issued
            if issued is not None and start <= issued <= end and issued >= received:
                days = (issued - received).days
                plans += 1
                total_days += days
                on_time = days <= TWENTY_WEEKS_DAYS
                within += on_time
                after52 += days > FIFTY_TWO_WEEKS_DAYS
                if not any(e.code in _N5_EXCEPTIONS for e in f.exceptions):
                    clean += 1
                    clean_within += on_time
            decided = f.decision_to_assess
            if decided is not None and start <= decided <= end and decided >= received:
                decisions += 1
                decisions_within += (decided - received).days <= SIX_WEEKS_DAYS
        if not f.reviews:
            continue
        cycle = f.plan_issued or f.final_issued
        for r in sorted(
            (r for r in f.reviews if r.decision_sent is not None),
            key=lambda r: r.decision_sent or date.min,
        ):
            sent = r.decision_sent
            assert sent is not None
            if start <= sent <= end:
                if cycle is not None:
                    reviews += 1
                    reviews_within += sent <= review_due(cycle, policy)
                if r.meeting is not None:
                    review_decisions += 1
                    review_decisions_within += (sent - r.meeting).days <= FOUR_WEEKS_DAYS
            # "Date of the last review" is the decision date (SEN2 LastReview): the next cycle.
            cycle = sent
    return Timeliness(
        start=start,
        end=end,
        plans_issued=plans,
        plans_within_20_weeks=within,
        pct_within_20_weeks_incl=_pct(within, plans),
        plans_without_exception=clean,
        plans_without_exception_within_20_weeks=clean_within,
        pct_within_20_weeks_excl=_pct(clean_within, clean),
        decisions=decisions,
        decisions_within_6_weeks=decisions_within,
        pct_decisions_within_6_weeks=_pct(decisions_within, decisions),
        average_weeks_to_issue=total_days / 7 / plans if plans else None,
        plans_after_52_weeks=after52,
        pct_plans_after_52_weeks=_pct(after52, plans),
        reviews=reviews,
        reviews_within_12_months=reviews_within,
        pct_reviews_within_12_months=_pct(reviews_within, reviews),
        review_decisions=review_decisions,
        review_decisions_within_4_weeks=review_decisions_within,
        pct_review_decisions_within_4_weeks=_pct(review_decisions_within, review_decisions),
    )
