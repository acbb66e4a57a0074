"""The measures DfE will publish about the authority from this return, beside the last
published ones (England's and the authority's own, resources/data/sen2-national.csv).

Counted from the return's own items, as DfE counts them, through the timeline's SEN2
timeliness (`timeline.timeliness`): each Requests becomes the Facts its items describe, so the
6-week, 20-week and 4-week measures are the dashboard's definitions, applied to the file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date

from send_desktop import timeline as tl
from send_desktop.sen2 import codes
from send_desktop.sen2.validate import parse_date
from send_desktop.timeline.counting import review_due

# Reg 10(1): notice not to issue a plan within 16 weeks of the request; DfE counts days, as
# it does for the 20 weeks (timeline.timeliness.TWENTY_WEEKS_DAYS): 16 x 7 = 112.
SIXTEEN_WEEKS_DAYS = 112

MEASURES: tuple[tuple[str, str], ...] = (
    ("decisions_within_6_weeks", "Decisions whether to assess within 6 weeks"),
    ("plans_within_20_weeks_incl", "New plans issued within 20 weeks (including exceptions)"),
    ("plans_within_20_weeks_excl", "New plans issued within 20 weeks (excluding exceptions)"),
    ("not_issue_within_16_weeks", "Decisions not to issue a plan within 16 weeks"),
    ("review_outcomes_within_4_weeks", "Annual review outcomes sent within 4 weeks of meeting"),
    ("reviews_expected_not_held", "Annual reviews expected but not held (lower is better)"),
)


@dataclass(frozen=True, slots=True)
class Figure:
    numerator: int | None
    denominator: int | None
    percent: float | None

    def text(self) -> str:
        if self.percent is None:
            return "-" if self.denominator is None else "none counted"
        return f"{self.percent:.1f}% ({self.numerator} of {self.denominator})"


@dataclass(frozen=True, slots=True)
class PreviewLine:
    measure: str
    title: str
    ours: Figure
    england: Figure
    published: Figure  # the authority's own last published figure
    year: int | None  # the calendar year of the published figures


@dataclass
class PreviewCounter:
    """Fed one Person element at a time; `lines()` gives the preview."""

    collection: int
    policy: tl.Policy
    facts: list[tl.Facts] = field(default_factory=list)
    review_facts: list[tl.Facts] = field(default_factory=list)
    not_issued: int = 0
    not_issued_within: int = 0
    expected: int = 0
    not_held: int = 0

    def add(self, person: ET.Element) -> None:
        start, end = codes.collection_period(self.collection)
        census = codes.census_day(self.collection)
        for r in person.iter("Requests"):
            received = parse_date(r.findtext("ReceivedDate"))
            outcome = r.findtext("RequestOutcome")
            decided = (
                parse_date(r.findtext("RequestOutcomeDate")) if outcome in ("Y", "N") else None
            )
            a = r.find("Assessment")
            issued = None
            exceptions: tuple[tl.ExceptionRecord, ...] = ()
            if a is not None:
                a_outcome = a.findtext("AssessmentOutcome")
                a_date = parse_date(a.findtext("AssessmentOutcomeDate"))
                if a_outcome == "Y":
                    issued = a_date
                    if a.findtext("Week20") == "1":
                        # Week20 = an X1-X4 exception applied (reg 13(3)); any one excludes it.
                        exceptions = (tl.ExceptionRecord("X1"),)
                elif (
                    a_outcome == "N"
                    and a_date is not None
                    and received is not None
                    and start <= a_date <= end
                ):
                    self.not_issued += 1
                    self.not_issued_within += (a_date - received).days <= SIXTEEN_WEEKS_DAYS
            self.facts.append(
                tl.Facts(
                    request_received=received,
                    decision_to_assess=decided,
                    final_issued=issued,
                    exceptions=exceptions,
                )
            )
            active = r.find("ActivePlans")
            plan = r.find("Assessment/NamedPlan")
            if active is None or plan is None:
                continue
            meeting = parse_date(active.findtext("ReviewMeeting"))
            sent = parse_date(active.findtext("LastReview"))
            if meeting is not None and sent is not None:
                self.review_facts.append(
                    tl.Facts(reviews=(tl.Review(meeting=meeting, decision_sent=sent),))
                )
            started = parse_date(plan.findtext("StartDate"))
            # A review is expected once the plan's first review year has ended (CFA s.44).
            if (
                plan.find("CeaseDate") is None
                and started is not None
                and review_due(started, self.policy) <= census
            ):
                self.expected += 1
                self.not_held += meeting is None

    def lines(self, lea: str | None) -> list[PreviewLine]:
        start, end = codes.collection_period(self.collection)
        census = codes.census_day(self.collection)
        t = tl.timeliness(self.facts, start, end, self.policy)
        # Every latest review in the return counts, whenever held (DfE: decisions recorded in
        # the period, before it, and up to census day).
        rv = tl.timeliness(self.review_facts, date(1, 1, 1), census, self.policy)
        ours = {
            "decisions_within_6_weeks": (t.decisions_within_6_weeks, t.decisions),
            "plans_within_20_weeks_incl": (t.plans_within_20_weeks, t.plans_issued),
            "plans_within_20_weeks_excl": (
                t.plans_without_exception_within_20_weeks,
                t.plans_without_exception,
            ),
            "not_issue_within_16_weeks": (self.not_issued_within, self.not_issued),
            "review_outcomes_within_4_weeks": (
                rv.review_decisions_within_4_weeks,
                rv.review_decisions,
            ),
            "reviews_expected_not_held": (self.not_held, self.expected),
        }
        published = {(r["measure"], r["la_code"]): r for r in codes.national_rows()}
        out: list[PreviewLine] = []
        for key, title in MEASURES:
            part, whole = ours[key]
            eng = published.get((key, ""))
            own = published.get((key, lea or "")) if lea else None
            out.append(
                PreviewLine(
                    key,
                    title,
                    Figure(part, whole, 100.0 * part / whole if whole else None),
                    _figure(eng),
                    _figure(own),
                    int(eng["year"]) if eng else None,
                )
            )
        return out


def _figure(row: dict[str, str] | None) -> Figure:
    if row is None:
        return Figure(None, None, None)

    def number(text: str) -> int | None:
        return int(text) if text.isdigit() else None

    pct = row["percent"]
    return Figure(
        number(row["numerator"]),
        number(row["denominator"]),
        float(pct) if pct.replace(".", "", 1).isdigit() else None,
    )
