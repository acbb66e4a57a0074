"""`send-desktop calc`: every statutory date a set of facts determines, as a table or JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from send_desktop.errors import KnownError
from send_desktop.store import fields
from send_desktop.timeline import (
    EXCEPTION_CODES,
    AdviceRequest,
    Consultation,
    ExceptionRecord,
    Facts,
    Policy,
    Review,
    Step,
    compute_steps,
    order,
)
from send_desktop.timeline.counting import long_date

# Facts given straight as a date, named as Facts names them: the dates the registry says a
# case, its child and its latest move, mediation and appeal feed (store/fields.py).
_DATE_FACTS = tuple(
    fact
    for record in (fields.CASE, fields.CHILD, fields.MOVE, fields.MEDIATION, fields.APPEAL)
    for _, fact in record.dates
)
# Facts about the review in progress (review_decision is its R5 decision date).
_REVIEW_FACTS = {
    "review_meeting": "meeting",
    "review_notice_sent": "notice_sent",
    "review_advice_circulated": "advice_circulated",
    "review_report_sent": "report_sent",
    "review_decision": "decision_sent",
    "amendment_sent": "amendment_sent",
    "final_amended": "final_amended",
}
_REPEATABLE = ("advice_requested", "consultation_sent", "exception")
_WORD_FACTS = {
    "transfer_kind": fields.CASE.codes["transfer_kind"],
    "decision_outcome": fields.CASE.codes["decision_outcome"],
    "review_outcome": fields.REVIEW.codes["outcome"],
}
KNOWN_FACTS: tuple[str, ...] = (
    *_DATE_FACTS,
    "last_review",
    *_REVIEW_FACTS,
    *_REPEATABLE,
    *_WORD_FACTS,
)

# What a fact needs before it determines a step (rules section 7): named when none results.
_NEEDS: dict[str, str] = {
    "date_of_birth": "plan_issued or request_received",
    "aware_of_move": "move_date",
    "transfer_notice_sent": "plan_transferred",
    "certificate_issued": "decision_sent (the decision the mediation is about)",
    "mediation_declined": "decision_sent",
    "mediation_held": "mediation_requested",
    "appeal_lodged": "decision_sent",
    "order_notice_sent": "order_assess",
    "review_notice_sent": "review_meeting",
    "review_advice_circulated": "review_meeting",
    "review_report_sent": "review_meeting",
    "review_outcome": "review_meeting",
    "final_amended": "amendment_sent or review_meeting",
    "decision_outcome": "request_received",
    "exception": "request_received",
    "ceased": "plan_issued",
}


def parse_date(text: str, what: str) -> date:
    """ISO (2025-01-06) or UK (06/01/2025, 6/1/25) date in 1900-2200; KnownError otherwise."""
    try:
        day = order.parse_day(text)
    except ValueError as exc:
        raise KnownError(f"{what}: {exc} (use YYYY-MM-DD or DD/MM/YYYY)") from None
    problem = order.date_problem(what, day, None)
    if problem:
        raise KnownError(problem)
    return day


def facts_from_args(pairs: Sequence[str]) -> Facts:
    """Build Facts from NAME=VALUE words; an unknown name or bad value is a KnownError."""
    dates: dict[str, date] = {}
    review: dict[str, Any] = {}
    words: dict[str, str] = {}
    advice: list[AdviceRequest] = []
    consultations: list[Consultation] = []
    exceptions: list[ExceptionRecord] = []
    last_review: date | None = None
    seen: set[str] = set()
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise KnownError(
                f"{pair!r}: facts are written NAME=DATE, e.g. request_received=2025-01-06"
            )
        if name not in KNOWN_FACTS:
            raise KnownError(f"unknown fact {name!r} (known facts: {', '.join(KNOWN_FACTS)})")
        if name in seen and name not in _REPEATABLE:
            raise KnownError(f"fact {name!r} is given twice")
        seen.add(name)
        if name == "exception":
            code = value.strip().upper()
            if code not in EXCEPTION_CODES:
                raise KnownError(f"exception: {value!r} is not one of {', '.join(EXCEPTION_CODES)}")
            exceptions.append(ExceptionRecord(code))  # type: ignore[arg-type]
        elif name in _WORD_FACTS:
            allowed = _WORD_FACTS[name]
            if value.strip() not in allowed:
                raise KnownError(f"{name}: {value!r} is not one of {', '.join(allowed)}")
            words[name] = value.strip()
        else:
            day = parse_date(value, name)
            if name == "advice_requested":
                advice.append(AdviceRequest(f"advice {len(advice) + 1}", day))
            elif name == "consultation_sent":
                consultations.append(Consultation(f"school {len(consultations) + 1}", day))
            elif name == "last_review":
                last_review = day
            elif name in _REVIEW_FACTS:
                review[_REVIEW_FACTS[name]] = day
            else:
                dates[name] = day
    if "review_outcome" in words:
        review["outcome"] = words["review_outcome"]
    reviews: list[Review] = []
    if last_review is not None:
        # Only its decision date matters: it starts the review year (SEN2 LastReview).
        reviews.append(Review(decision_sent=last_review))
    if review:
        reviews.append(Review(**review))
    if ("transfer_kind" in words) != ("phase_transfer" in dates):
        raise KnownError("phase_transfer and transfer_kind=school|post16|post16-other go together")
    facts = Facts(
        advice=tuple(advice),
        consultations=tuple(consultations),
        exceptions=tuple(exceptions),
        reviews=tuple(reviews),
        **dates,  # type: ignore[arg-type]
    )
    if "transfer_kind" in words:
        facts = replace(facts, transfer_kind=words["transfer_kind"])  # type: ignore[arg-type]
    if "decision_outcome" in words:
        facts = replace(facts, decision_outcome=words["decision_outcome"])  # type: ignore[arg-type]
    return facts


def policy_from_args(settings: Sequence[str]) -> Policy:
    """Policy from NAME=VALUE words (the names stored in the settings table)."""
    mapping: dict[str, str] = {}
    for setting in settings:
        name, sep, value = setting.partition("=")
        if not sep:
            raise KnownError(f"--policy {setting!r}: write NAME=VALUE, e.g. week_start=inclusive")
        mapping[name.strip()] = value.strip()
    try:
        return Policy.from_mapping(mapping)
    except ValueError as exc:
        raise KnownError(f"--policy: {exc}") from None


def step_to_json(step: Step) -> dict[str, Any]:
    """One step as plain JSON values (dates ISO, status its code)."""
    return {
        "id": step.id,
        "title": step.title,
        "due": step.due.isoformat() if step.due else None,
        "done": step.done.isoformat() if step.done else None,
        "status": str(step.status),
        "days": step.days,
        "statutory": step.statutory,
        "source": step.source,
        "window_start": step.window_start.isoformat() if step.window_start else None,
        "explanation": step.explanation,
    }


def _short(day: date | None) -> str:
    return long_date(day) if day else ""


def render_table(steps: Sequence[Step]) -> str:
    """The steps as an aligned table, each followed by its explanation."""
    if not steps:
        return "No steps: give at least one fact, e.g. request_received=2025-01-06"
    rows = [("Step", "Due", "Done", "Status", "Days", "What")]
    for s in steps:
        title = s.title if s.statutory else f"{s.title} [not statutory]"
        days = "" if s.days is None else str(s.days)
        rows.append((s.id, _short(s.due), _short(s.done), s.status.label, days, title))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines: list[str] = []
    for n, row in enumerate(rows):
        cells = [row[i].rjust(widths[i]) if i == 4 else row[i].ljust(widths[i]) for i in range(5)]
        lines.append("  ".join([*cells, row[5]]).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 4)
        else:
            lines.append(" " * (widths[0] + 2) + steps[n - 1].explanation)
    return "\n".join(lines)


def missing_fact(pairs: Sequence[str]) -> str:
    """What to add when the facts given determine no step, naming the fact they need."""
    names = [p.partition("=")[0].strip() for p in pairs]
    if not names:
        return "No facts given: give at least one, e.g. request_received=2025-01-06"
    needs = sorted({_NEEDS.get(n, "request_received") for n in names})
    return (
        f"{', '.join(names)} alone {'determines' if len(names) == 1 else 'determine'} no "
        f"statutory step: give also "
        f"{' and '.join(needs)}, e.g. request_received=2025-01-06"
    )


def check_facts(facts: Facts, today: date) -> None:
    """Refuse impossible orders (timeline.order, the same words as every other way in)."""
    problems = order.impossible(facts, today)
    if problems:
        raise KnownError(problems[0])


def run(args: argparse.Namespace) -> int:
    policy = policy_from_args(args.policy or [])
    as_of = parse_date(args.as_of, "--as-of") if args.as_of else date.today()
    facts = facts_from_args(args.facts)
    check_facts(facts, date.today())
    steps = compute_steps(facts, as_of, policy)
    if not steps:
        raise KnownError(missing_fact(args.facts))
    if args.json:
        text = json.dumps(
            {"as_of": as_of.isoformat(), "steps": [step_to_json(s) for s in steps]},
            indent=2,
        )
    else:
        text = f"As of {long_date(as_of)}\n{render_table(steps)}"
    return write_out(text)


def write_out(text: str) -> int:
    """Print, ending quietly when the reader has gone (`calc --json | head`)."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would print a second BrokenPipeError when it flushes stdout at exit: point
        # stdout at /dev/null first. 141 is what a shell reports for a command ended by SIGPIPE.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    return 0


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "calc",
        help="statutory dates for given facts",
        description=(
            "Print every statutory step the facts determine: due date, status and why. "
            "Dates are YYYY-MM-DD or DD/MM/YYYY."
        ),
        epilog=(
            "facts: "
            + ", ".join(KNOWN_FACTS)
            + ". Repeatable: advice_requested, consultation_sent, exception=X1..X5. "
            "Example: send-desktop calc --as-of 2025-03-01 request_received=2025-01-06"
        ),
    )
    parser.add_argument(
        "--policy",
        action="append",
        metavar="NAME=VALUE",
        help="a policy setting, e.g. week_start=inclusive (repeatable)",
    )
    parser.add_argument("--as-of", metavar="DATE", help="the date to report on (default: today)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("facts", nargs="*", metavar="FACT=DATE", help="what has happened")
    parser.set_defaults(func=run)
