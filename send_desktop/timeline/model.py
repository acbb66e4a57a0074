"""The timeline's public data types: a case's facts in, steps and summaries out, and the policy."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from send_desktop.timeline.catalogue import EXCEPTION_CODES, RULE_DATES

WeekStart = Literal["exclusive", "inclusive"]
ReviewYear = Literal["strict", "anniversary"]
TransferDeadline = Literal["strict", "by"]
CertificateCount = Literal["next-day", "same-day"]
DecisionOutcome = Literal["assess", "not-assess"]
TransferKind = Literal["school", "post16", "post16-other"]
ReviewOutcome = Literal["A", "C", "M"]
ExceptionCode = Literal["X1", "X2", "X3", "X4", "X5"]

STAGES: tuple[str, ...] = (
    "Request",
    "Assessment",
    "Draft plan",
    "Plan",
    "Not assessed",
    "Not issued",
    "Ceased",
)


# The choices an authority may make where the law is read two ways (rules sections 1 and 6).
_CHOICES: dict[str, tuple[str, ...]] = {
    "week_start": ("exclusive", "inclusive"),
    "review_year": ("strict", "anniversary"),
    "transfer_deadline": ("strict", "by"),
    "certificate_count": ("next-day", "same-day"),
}


def _parse_step_warnings(text: str) -> tuple[tuple[str, int], ...]:
    """ "N5:15, R1:20" -> (("N5", 15), ("R1", 20)); ids are kept as written."""
    found: list[tuple[str, int]] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        step, sep, days = part.partition(":")
        step = step.strip()
        if not sep or not step or not days.strip().isdigit():
            raise ValueError(f"step_warning_days: {part!r} should be STEP:WORKING_DAYS, e.g. N5:15")
        found.append((step, int(days)))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Policy:
    """An authority's settings for the readings of the law that differ (defaults first in the rules)."""

    week_start: WeekStart = "exclusive"
    review_year: ReviewYear = "strict"
    transfer_deadline: TransferDeadline = "strict"
    certificate_count: CertificateCount = "next-day"
    under5_review_months: int = 6
    warning_working_days: int = 10
    step_warning_days: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{name}: {value!r} is not one of {', '.join(allowed)}")
        # CoP 9.178: under-fives' plans should be reviewed every 3 to 6 months.
        if not 3 <= self.under5_review_months <= 6:
            raise ValueError(
                f"under5_review_months: {self.under5_review_months!r} must be 3 to 6 (CoP 9.178)"
            )
        if not 0 <= self.warning_working_days <= 100:
            raise ValueError(
                f"warning_working_days: {self.warning_working_days!r} must be 0 to 100"
            )
        for step, days in self.step_warning_days:
            if not step or not 0 <= days <= 100:
                raise ValueError(f"step_warning_days: {step}:{days} must be 0 to 100 days")

    def warning_days_for(self, step_id: str) -> int:
        """Working days before a step's due date from which it shows as due soon."""
        base = step_id.split(".", 1)[0]
        chosen = self.warning_working_days
        for step, days in self.step_warning_days:
            if step == step_id:
                return days
            if step == base:
                chosen = days
        return chosen

    @classmethod
    def from_mapping(cls, mapping: dict[str, str]) -> Policy:
        """Build from stored or typed settings; a missing key takes its default.

        Raises ValueError naming the bad key or value.
        """
        known = {f.name for f in fields(cls)}
        values: dict[str, object] = {}
        for key, raw in mapping.items():
            if key not in known:
                raise ValueError(
                    f"unknown policy setting {key!r} (known: {', '.join(sorted(known))})"
                )
            text = str(raw).strip()
            if key in ("under5_review_months", "warning_working_days"):
                if not text.isdigit():
                    raise ValueError(f"{key}: {raw!r} is not a whole number")
                values[key] = int(text)
            elif key == "step_warning_days":
                values[key] = _parse_step_warnings(text)
            else:
                if text not in _CHOICES[key]:
                    raise ValueError(f"{key}: {raw!r} is not one of {', '.join(_CHOICES[key])}")
                values[key] = text
        return cls(**values)  # type: ignore[arg-type]

    def to_mapping(self) -> dict[str, str]:
        """Every setting as text, for the settings table; from_mapping reads it back."""
        return {
            "week_start": self.week_start,
            "review_year": self.review_year,
            "transfer_deadline": self.transfer_deadline,
            "certificate_count": self.certificate_count,
            "under5_review_months": str(self.under5_review_months),
            "warning_working_days": str(self.warning_working_days),
            "step_warning_days": ",".join(f"{s}:{d}" for s, d in self.step_warning_days),
        }


@dataclass(frozen=True, slots=True)
class AdviceRequest:
    """Advice asked of one body (educational psychologist, health, social care, school...)."""

    kind: str
    requested: date
    received: date | None = None


@dataclass(frozen=True, slots=True)
class Consultation:
    """A school or institution the LA proposes to name, consulted on the draft plan."""

    institution: str
    sent: date
    responded: date | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """One annual review: its meeting and the LA's steps around it."""

    meeting: date | None = None
    notice_sent: date | None = None
    advice_circulated: date | None = None
    report_sent: date | None = None
    decision_sent: date | None = None
    outcome: ReviewOutcome | None = None
    amendment_sent: date | None = None
    final_amended: date | None = None


@dataclass(frozen=True, slots=True)
class ExceptionRecord:
    """An exception the LA recorded (reg 5(4), 8(2), 10(4), 13(3)); it never moves a deadline."""

    code: ExceptionCode
    start: date | None = None
    end: date | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.code not in EXCEPTION_CODES:
            raise ValueError(f"exception code {self.code!r} is not one of X1-X5")


def add_rule_dates(namespace: dict[str, Any]) -> None:
    """Declare catalogue.RULE_DATES as optional dates in a class body being built.

    `Facts` gets one `date | None = None` field each, so the store's registry can feed it and
    the rule table read it (getattr) with no hand line here; a name Facts already declares is an
    error (a date is declared once)."""
    annotations = namespace.setdefault("__annotations__", {})
    for name in RULE_DATES:
        if name in annotations:
            raise ValueError(f"catalogue.RULE_DATES: {name} is already a field of Facts")
        annotations[name] = "date | None"
        namespace[name] = None


@dataclass(frozen=True, slots=True)
class Facts:
    """What has happened on one case: every date optional, the engine works from what is known."""

    request_received: date | None = None
    decision_to_assess: date | None = None
    decision_outcome: DecisionOutcome | None = None
    advice: tuple[AdviceRequest, ...] = ()
    not_issue_decision: date | None = None
    draft_served: date | None = None
    consultations: tuple[Consultation, ...] = ()
    final_issued: date | None = None
    plan_issued: date | None = None
    reviews: tuple[Review, ...] = ()
    date_of_birth: date | None = None
    phase_transfer: date | None = None
    transfer_kind: TransferKind | None = None
    move_date: date | None = None
    aware_of_move: date | None = None
    plan_transferred: date | None = None
    decision_sent: date | None = None
    certificate_issued: date | None = None
    mediation_declined: date | None = None
    mediation_requested: date | None = None
    appeal_lodged: date | None = None
    order_assess: date | None = None
    order_plan: date | None = None
    reassessment_notified: date | None = None
    exceptions: tuple[ExceptionRecord, ...] = ()
    ceased: date | None = None
    # Added after the first contract: the done dates of T2, O1's notice and A4.
    transfer_notice_sent: date | None = None
    order_notice_sent: date | None = None
    mediation_held: date | None = None
    # The dates only the rule table reads, declared once in the catalogue (RULE_DATES).
    add_rule_dates(vars())


class Status(StrEnum):
    """Where a step stands on the "as of" date."""

    DONE_ON_TIME = "done-on-time"
    DONE_LATE = "done-late"
    LATE_EXCEPTION = "late-exception"
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    ON_TRACK = "on-track"
    NOT_APPLICABLE = "not-applicable"
    # Done, but in breach of the law (a final plan inside the reg 13(1) window, advice not
    # received before the plan): never shown as "Done" (rules section 7).
    BREACHED = "breached"

    @property
    def label(self) -> str:
        """The words a caseworker sees."""
        return _LABELS[self]


_LABELS: dict[Status, str] = {
    Status.DONE_ON_TIME: "Done",
    Status.DONE_LATE: "Done late",
    Status.LATE_EXCEPTION: "Late - exception",
    Status.OVERDUE: "Overdue",
    Status.DUE_SOON: "Due soon",
    Status.ON_TRACK: "On track",
    Status.NOT_APPLICABLE: "Not applicable",
    Status.BREACHED: "Breached",
}

OPEN_STATUSES: frozenset[Status] = frozenset(
    {Status.OVERDUE, Status.DUE_SOON, Status.ON_TRACK, Status.LATE_EXCEPTION}
)


@dataclass(frozen=True, slots=True)
class Step:
    """One statutory step (or planning target) of a case on the "as of" date."""

    id: str
    title: str
    due: date | None
    done: date | None
    status: Status
    days: int | None
    explanation: str
    source: str
    statutory: bool = True
    window_start: date | None = None
    #: 0 a duty (someone must act), 1 the family's window, 2 the family's right (engine.py).
    kind: int = 0

    @property
    def is_open(self) -> bool:
        """Still to be done: not done, not ended, not inapplicable.

        "Late - exception" is both a done step's status (done late, excused) and an open one's
        (still late, excused): only the open one is still to be done.
        """
        return self.done is None and self.status in OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """The caseload row's view of a case: its stage and its next statutory deadline."""

    stage: str
    next_id: str | None
    next_title: str | None
    next_due: date | None
    days_left: int | None
    status: Status | None
    has_exception: bool
    overdue_steps: int
