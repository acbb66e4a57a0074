"""The one set of rules on the order and plausibility of a case's facts (rules section 7).

Every way a fact comes in - the dialogs, the store's writes, the tracker import and `calc` -
asks these functions, so an impossible order is refused with the same words everywhere:

- impossible(): orders that cannot have happened (a final plan before the request, a review
  meeting before the plan...) and dates outside what the program accepts. Refused.
- breaches(): orders that can happen but breach the law (a final plan inside the parent's
  15-day window, reg 13(1); a draft or final plan while advice is outstanding, regs 8 and 11).
  Recorded only after the user confirms and gives a reason; the steps show "Breached".

Pure Python: messages are plain strings, the callers raise their own errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from send_desktop.timeline.model import Facts

# Dates outside this range are typing errors (a year 9999 would overflow the clocks).
EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
# How far ahead a date may be recorded (planned meetings, closures); beyond is a typing error.
FUTURE_LIMIT = timedelta(days=366)
# reg 13(1): "at least 15 days, beginning with the day on which the draft plan was served".
COMMENT_DAYS = 15

# The caseworker's words for each date. Keys are the store's column names, which are also the
# timeline's Facts names where the two share a fact.
LABELS: dict[str, str] = {
    "request_received": "Request received",
    "decision_to_assess": "Decision whether to assess",
    "not_issue_decision": "Decision not to issue a plan",
    "draft_served": "Draft plan served",
    "final_issued": "Final plan issued",
    "plan_issued": "Plan first issued",
    "plan_start": "Plan issued",
    "phase_transfer": "Phase transfer date",
    "reassessment_notified": "Re-assessment notified",
    "ceased": "Plan ceased",
    "date_of_birth": "Date of birth",
    "requested": "Advice requested",
    "received": "Advice received",
    "chased": "Advice chased",
    "start": "Start",
    "end": "End",
    "sent": "Consultation sent",
    "responded": "Response received",
    "meeting": "Review meeting",
    "notice_sent": "Notice of meeting sent",
    "advice_circulated": "Advice circulated",
    "report_sent": "Review report sent",
    "decision_sent": "Decision sent",
    "amendment_sent": "Proposed amendments sent",
    "final_amended": "Final amended plan issued",
    "written": "Note date",
    "move_date": "Moved",
    "aware_of_move": "Knew of the move",
    "plan_transferred": "Plan transferred",
    "parent_notified": "Parent told of the transfer",
    "certificate_issued": "Mediation certificate issued",
    "mediation_declined": "Mediation declined",
    "mediation_requested": "Mediation requested",
    "mediation_held": "Mediation held",
    "adviser_contacted": "Mediation adviser contacted",
    "lodged": "Appeal lodged",
    "hearing": "Hearing",
    "order_assess": "Tribunal order to assess",
    "order_plan": "Tribunal order to make a plan",
    "order_notice_sent": "Parent told of the order",
}
# Where a column's plain label would be ambiguous in a message.
_SCOPED_LABELS: dict[tuple[str, str], str] = {
    ("review", "decision_sent"): "Review decision sent",
    ("mediation", "decision_sent"): "Decision sent",
}

# (later, earlier): later may not be before earlier, per kind of record ("scope"). A scope's
# mapping may also hold context from the case: request_received, plan_start.
ORDERS: dict[str, tuple[tuple[str, str], ...]] = {
    "case": (
        ("request_received", "date_of_birth"),
        ("decision_to_assess", "request_received"),
        ("not_issue_decision", "request_received"),
        ("not_issue_decision", "decision_to_assess"),
        ("draft_served", "request_received"),
        ("draft_served", "decision_to_assess"),
        ("final_issued", "request_received"),
        ("final_issued", "draft_served"),
        ("final_issued", "decision_to_assess"),
        ("ceased", "final_issued"),
        ("ceased", "plan_issued"),
    ),
    "advice": (
        ("requested", "request_received"),
        ("received", "requested"),
        ("chased", "requested"),
    ),
    "consultation": (("sent", "request_received"), ("responded", "sent")),
    "review": (
        ("meeting", "plan_start"),
        ("decision_sent", "plan_start"),
        ("report_sent", "meeting"),
        ("decision_sent", "meeting"),
        ("amendment_sent", "meeting"),
        ("final_amended", "amendment_sent"),
        ("final_amended", "meeting"),
    ),
    "mediation": (
        ("adviser_contacted", "decision_sent"),
        ("mediation_held", "mediation_requested"),
        ("certificate_issued", "decision_sent"),
    ),
    "move": (("plan_transferred", "aware_of_move"),),
    "appeal": (("hearing", "lodged"), ("order_assess", "lodged"), ("order_plan", "lodged")),
    "exception": (("end", "start"),),
    "closure": (("end", "start"),),
    "note": (),
    "child": (),
    "placement": (("leaving", "entry"),),
    "family_contact": (),
    "letter": (("sent_on", "dated"),),
}
# Dates that cannot be in the future at all (not just more than a year ahead).
NEVER_FUTURE: frozenset[str] = frozenset({"date_of_birth"})
_CONTEXT = frozenset({"request_received", "plan_start"})


def label(name: str, scope: str = "") -> str:
    """The caseworker's words for a date field."""
    return _SCOPED_LABELS.get((scope, name)) or LABELS.get(name) or name.replace("_", " ")


def uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def date_problem(name: str, value: date, today: date | None, scope: str = "") -> str | None:
    """Why one date cannot be right on its own: out of range, or too far ahead of today."""
    words = label(name, scope)
    if not EARLIEST <= value <= LATEST:
        return (
            f"{words}: {uk(value)} is outside the dates SEND Desktop accepts "
            f"({uk(EARLIEST)} to {uk(LATEST)}) - check the year"
        )
    if today is not None:
        if name in NEVER_FUTURE and value > today:
            return f"{words} ({uk(value)}) is in the future"
        if value > today + FUTURE_LIMIT:
            return f"{words}: {uk(value)} is more than a year ahead - check the year"
    return None


def order_message(scope: str, later: str, later_day: date, earlier: str, earlier_day: date) -> str:
    """The one wording of an impossible order: both facts and both dates."""
    return (
        f"{label(later, scope)} ({uk(later_day)}) cannot be before "
        f"{label(earlier, scope).lower()} ({uk(earlier_day)})"
    )


def check_dates(scope: str, values: Mapping[str, object], today: date | None) -> str | None:
    """The first problem with one record's dates (scope: a key of ORDERS), or None.

    values: the record as it would be written, plus any context keys (request_received,
    plan_start) from its case. today: the real date, for "more than a year ahead"; None to
    skip that check.
    """
    found = record_problems(scope, values, today)
    return found[0] if found else None


def record_problems(scope: str, values: Mapping[str, object], today: date | None) -> list[str]:
    """Every problem with one record's dates, single dates first, then orders (as check_dates)."""
    found: list[str] = []
    for name, value in values.items():
        if isinstance(value, date) and (name not in _CONTEXT or scope == "case"):
            problem = date_problem(name, value, today, scope)
            if problem:
                found.append(problem)
    if found:
        return found  # an order between dates that are themselves wrong means nothing
    return order_problems(scope, values)


def order_problems(scope: str, values: Mapping[str, object]) -> list[str]:
    """Every impossible order among one record's dates (and its context), in ORDERS' order."""
    found: list[str] = []
    for later, earlier in ORDERS[scope]:
        a, b = values.get(later), values.get(earlier)
        if isinstance(a, date) and isinstance(b, date) and a < b:
            found.append(order_message(scope, later, a, earlier, b))
    return found


def plan_start(facts_or_row: Mapping[str, object]) -> date | None:
    """When the plan began: the earlier of the plan first issued and the final plan."""
    found = [
        d
        for d in (facts_or_row.get("plan_issued"), facts_or_row.get("final_issued"))
        if isinstance(d, date)
    ]
    return min(found) if found else None


def _records(facts: Facts) -> Iterator[tuple[str, dict[str, object]]]:
    """The facts as the store's records (scope, values with context), for check_dates."""
    case: dict[str, object] = {
        name: getattr(facts, name)
        for name in (
            "request_received",
            "decision_to_assess",
            "not_issue_decision",
            "draft_served",
            "final_issued",
            "plan_issued",
            "phase_transfer",
            "reassessment_notified",
            "ceased",
            "date_of_birth",
        )
    }
    yield "case", case
    received = facts.request_received
    for advice in facts.advice:
        yield (
            "advice",
            {
                "requested": advice.requested,
                "received": advice.received,
                "request_received": received,
            },
        )
    for consulted in facts.consultations:
        yield (
            "consultation",
            {
                "sent": consulted.sent,
                "responded": consulted.responded,
                "request_received": received,
            },
        )
    start = plan_start(case)
    for review in facts.reviews:
        yield (
            "review",
            {
                "meeting": review.meeting,
                "notice_sent": review.notice_sent,
                "advice_circulated": review.advice_circulated,
                "report_sent": review.report_sent,
                "decision_sent": review.decision_sent,
                "amendment_sent": review.amendment_sent,
                "final_amended": review.final_amended,
                "plan_start": start,
            },
        )
    yield (
        "mediation",
        {
            "decision_sent": facts.decision_sent,
            "certificate_issued": facts.certificate_issued,
            "mediation_declined": facts.mediation_declined,
            "mediation_requested": facts.mediation_requested,
            "mediation_held": facts.mediation_held,
        },
    )
    yield (
        "move",
        {
            "move_date": facts.move_date,
            "aware_of_move": facts.aware_of_move,
            "plan_transferred": facts.plan_transferred,
            "parent_notified": facts.transfer_notice_sent,
        },
    )
    yield (
        "appeal",
        {
            "lodged": facts.appeal_lodged,
            "order_assess": facts.order_assess,
            "order_plan": facts.order_plan,
            "order_notice_sent": facts.order_notice_sent,
        },
    )
    for exception in facts.exceptions:
        yield "exception", {"start": exception.start, "end": exception.end}


def impossible(facts: Facts, today: date | None) -> list[str]:
    """Every impossible order or implausible date among the facts (empty when all is well)."""
    found: list[str] = []
    for scope, values in _records(facts):
        for problem in record_problems(scope, values, today):
            if problem not in found:
                found.append(problem)
    return found


# --- lawful but a breach -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Breach:
    """A fact that can be recorded but breaches the law: it needs confirming and a reason."""

    code: str  # "final-in-window", "final-advice-outstanding", "draft-advice-outstanding"
    step: str  # the step shown as breached ("N5", "N4", "N4.target", "N2.1"...)
    message: str
    source: str


def window_end(draft: date) -> date:
    """Last day of the reg 13(1) comment window: 15 days beginning with the day served."""
    return draft + timedelta(days=COMMENT_DAYS - 1)


def final_in_window(facts: Facts) -> bool:
    draft, final = facts.draft_served, facts.final_issued
    return draft is not None and final is not None and draft <= final <= window_end(draft)


def outstanding_at(facts: Facts, day: date) -> list[int]:
    """Positions of advice asked on or before `day` and not received by then."""
    return [
        n
        for n, a in enumerate(facts.advice)
        if a.requested <= day and (a.received is None or a.received > day)
    ]


def breaches(facts: Facts) -> list[Breach]:
    """Every breach the facts show (section 7 of the rules), in the order they happened."""
    found: list[Breach] = []
    draft, final = facts.draft_served, facts.final_issued
    several = len(facts.advice) > 1
    if draft is not None:
        for n in outstanding_at(facts, draft):
            a = facts.advice[n]
            found.append(
                Breach(
                    "draft-advice-outstanding",
                    "N4.target",
                    f"Draft plan served ({uk(draft)}) while advice from {a.kind} "
                    f"(requested {uk(a.requested)}) had not been received: the advice must be "
                    "sought and considered before the plan is drafted (regs 8 and 11)",
                    "regs 8, 11",
                )
            )
    if final is not None:
        if draft is not None and final_in_window(facts):
            found.append(
                Breach(
                    "final-in-window",
                    "N5",
                    f"Final plan issued ({uk(final)}) inside the 15-day window for the parent's "
                    f"or young person's comments on the draft plan served {uk(draft)}; the "
                    f"window ends {uk(window_end(draft))} (reg 13(1))",
                    "reg 13(1)",
                )
            )
        for n in outstanding_at(facts, final):
            a = facts.advice[n]
            found.append(
                Breach(
                    "final-advice-outstanding",
                    f"N2.{n + 1}" if several else "N2",
                    f"Final plan issued ({uk(final)}) while advice from {a.kind} "
                    f"(requested {uk(a.requested)}) had not been received before the plan "
                    "(regs 8 and 11)",
                    "regs 8, 11",
                )
            )
    return found


def new_breaches(before: Facts | None, after: Facts) -> list[Breach]:
    """The breaches a change would add (those already recorded were confirmed before)."""
    old = {b.message for b in breaches(before)} if before is not None else set()
    return [b for b in breaches(after) if b.message not in old]


# --- typed dates ---------------------------------------------------------------------------

_TYPED = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_day(text: str, today: date | None = None) -> date:
    """A date as a caseworker types it: 05/03/2017, 5/3/17, 5.3.2017 or 2017-03-05.

    Day first (the UK order). A two-digit year is this century up to next year, else the last
    (5/3/98 is 1998). Raises ValueError with a message for the field when it is no date at
    all or no such day (31/02/2025, 29/02/2027): a date is never changed into another one.
    """
    iso = _ISO.match(text)
    typed = None if iso else _TYPED.match(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif typed:
        day, month, year = (int(g) for g in typed.groups())
        if len(typed.group(3)) == 2:
            pivot = ((today or date.today()).year + 1) % 100
            year += 2000 if year <= pivot else 1900
    else:
        raise ValueError(f"{text.strip()!r} is not a date: type it as DD/MM/YYYY, e.g. 05/03/2017")
    try:
        return date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            raise ValueError(f"{text.strip()}: there is no month {month}") from None
        raise ValueError(
            f"{text.strip()}: there is no {day} {_MONTHS[month - 1]} in {year}"
        ) from None


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
