"""Timeliness as the DfE reports it (SEN2), over any set of cases and dates, and England's figures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
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


def plan_on_time(days: int) -> bool:
    """A plan issued `days` after the request counts as within 20 weeks (SEN2)."""
    return days <= TWENTY_WEEKS_DAYS


def plan_after_52_weeks(days: int) -> bool:
    return days > FIFTY_TWO_WEEKS_DAYS


def decision_on_time(days: int) -> bool:
    """A decision to assess `days` after the request counts as within 6 weeks."""
    return days <= SIX_WEEKS_DAYS


def excuses_plan(codes: Iterable[str]) -> bool:
    """An exception with one of these codes excuses N5 (X1-X4): SEN2's Week20 flag."""
    return any(code in _N5_EXCEPTIONS for code in codes)


class ReviewTime(NamedTuple):
    """One review decision as timeliness counts it (stored with the case's digest)."""

    sent: date
    #: Sent within 12 months of the plan or the last review; None: no cycle start (not counted).
    on_time: bool | None
    #: Sent within 4 weeks of the meeting; None: no meeting recorded (not counted).
    meeting_on_time: bool | None


class CaseTimes(NamedTuple):
    """What timeliness counts of one case, whatever the period: the stored form of its events."""

    issued: date | None  # the final plan issued (on or after the request), else None
    issue_days: int | None
    issue_excused: bool  # an exception excuses N5
    decided: date | None  # the decision to assess (on or after the request), else None
    decision_on_time: bool | None
    reviews: tuple[ReviewTime, ...]


def review_times(
    cycle: date | None, reviews: Iterable[tuple[date | None, date | None]], policy: Policy
) -> tuple[ReviewTime, ...]:
    """(meeting, decision sent) pairs -> ReviewTime, in the order they are counted.

    `cycle` is when the first review year starts (plan issued, else final plan issued);
    "date of the last review" is the decision date (SEN2 LastReview): the next cycle.
    """
    out: list[ReviewTime] = []
    for meeting, sent in sorted(
        ((m, s) for m, s in reviews if s is not None), key=lambda r: r[1] or date.min
    ):
        assert sent is not None
        out.append(
            ReviewTime(
                sent=sent,
                on_time=None if cycle is None else sent <= review_due(cycle, policy),
                meeting_on_time=None
                if meeting is None
                else (sent - meeting).days <= FOUR_WEEKS_DAYS,
            )
        )
        cycle = sent
    return tuple(out)


def case_times(f: Facts, policy: Policy | None = None) -> CaseTimes:
    """The one rule of what a case adds to any period's timeliness (see `timeliness`)."""
    policy = policy or Policy()
    received, issued, decided = f.request_received, f.final_issued, f.decision_to_assess
    if received is None or issued is None or issued < received:
        issued = None
    if received is None or decided is None or decided < received:
        decided = None
    return CaseTimes(
        issued=issued,
        issue_days=None if issued is None or received is None else (issued - received).days,
        issue_excused=excuses_plan(e.code for e in f.exceptions),
        decided=decided,
        decision_on_time=(
            None
            if decided is None or received is None
            else decision_on_time((decided - received).days)
        ),
        reviews=review_times(
            f.plan_issued or f.final_issued,
            ((r.meeting, r.decision_sent) for r in f.reviews),
            policy,
        )
        if f.reviews
        else (),
    )


@dataclass(slots=True)
class Tally:
    """The counts behind a Timeliness (summed case by case, or by SQL over stored CaseTimes)."""

    plans: int = 0
    within: int = 0
    clean: int = 0
    clean_within: int = 0
    after52: int = 0
    total_days: int = 0
    decisions: int = 0
    decisions_within: int = 0
    reviews: int = 0
    reviews_within: int = 0
    review_decisions: int = 0
    review_decisions_within: int = 0

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def count(self, t: CaseTimes, start: date, end: date) -> None:
        """Add one case's events dated start..end inclusive."""
        if t.issued is not None and t.issue_days is not None and start <= t.issued <= end:
            on_time = plan_on_time(t.issue_days)
            self.plans += 1
            self.total_days += t.issue_days
            self.within += on_time
            self.after52 += plan_after_52_weeks(t.issue_days)
            if not t.issue_excused:
                self.clean += 1
                self.clean_within += on_time
        if t.decided is not None and start <= t.decided <= end:
            self.decisions += 1
            self.decisions_within += bool(t.decision_on_time)
        for r in t.reviews:
            if start <= r.sent <= end:
                if r.on_time is not None:
                    self.reviews += 1
                    self.reviews_within += r.on_time
                if r.meeting_on_time is not None:
                    self.review_decisions += 1
                    self.review_decisions_within += r.meeting_on_time

    def figures(self, start: date, end: date) -> Timeliness:
        plans = self.plans
        return Timeliness(
            start=start,
            end=end,
            plans_issued=plans,
            plans_within_20_weeks=self.within,
            pct_within_20_weeks_incl=_pct(self.within, plans),
            plans_without_exception=self.clean,
            plans_without_exception_within_20_weeks=self.clean_within,
            pct_within_20_weeks_excl=_pct(self.clean_within, self.clean),
            decisions=self.decisions,
            decisions_within_6_weeks=self.decisions_within,
            pct_decisions_within_6_weeks=_pct(self.decisions_within, self.decisions),
            average_weeks_to_issue=self.total_days / 7 / plans if plans else None,
            plans_after_52_weeks=self.after52,
            pct_plans_after_52_weeks=_pct(self.after52, plans),
            reviews=self.reviews,
            reviews_within_12_months=self.reviews_within,
            pct_reviews_within_12_months=_pct(self.reviews_within, self.reviews),
            review_decisions=self.review_decisions,
            review_decisions_within_4_weeks=self.review_decisions_within,
            pct_review_decisions_within_4_weeks=_pct(
                self.review_decisions_within, self.review_decisions
            ),
        )


def timeliness(
    cases: Iterable[Facts], start: date, end: date, policy: Policy | None = None
) -> Timeliness:
    """Measures over events dated start..end inclusive (plans by issue date, decisions by date).

    "Excluding exceptions" counts only plans with no exception that excuses N5 (X1-X4): SEN2's
    per-assessment Week20 flag. Each case's part is `case_times` (what the store keeps).
    """
    policy = policy or Policy()
    tally = Tally()
    for f in cases:
        tally.count(case_times(f, policy), start, end)
    return tally.figures(start, end)
