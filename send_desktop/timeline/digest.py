"""What the store keeps of a case's steps, so every list can be read with SQL.

A step's due date, whether it is done and whether an exception covers it depend only on the
facts and the policy; its status depends on the day it is looked at. `digest` keeps the first
part - the open steps with their due dates and the first day each counts as "due soon" - and
`status_on` is the rule that turns them into a status on a given day. The store writes digests
in the same transaction as every change to a case, and its SQL (store/counts.py) applies the same
rule, so nothing is recomputed at midnight and no screen counts in its own way.

The case's next deadline is the local authority's next open statutory duty - or, once a duty no
exception excuses is past due, that duty: the case is then overdue. A period that is the
family's (the 15 days to comment on a draft, the right to go to mediation or appeal) is an open
step of another kind: shown beside the deadline, never as one the authority can miss.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from send_desktop.timeline import counting as c
from send_desktop.timeline.catalogue import DUTY, RIGHT, WINDOW, fingerprint, tables
from send_desktop.timeline.engine import _drafts, stage_of
from send_desktop.timeline.model import Facts, Policy, Status
from send_desktop.timeline.timeliness import CaseTimes, case_times

# Bumped by hand when the engines' code changes what a digest holds; 2: the review steps done
# (Digest.done); 3: timeliness (Digest.times); 4: the first duty after the next (later_due).
CODE_VERSION = 4
# What a stored digest was computed under: the code's version and the fingerprint of the
# catalogue's tables (steps, rule table, rule dates), so a step or rule added there needs no
# bump. Stored digests computed under another version are recomputed in the background
# (store/stamps.py, store/summaries.py).
RULES_VERSION = f"{CODE_VERSION}.{fingerprint(*tables())}"

__all__ = [
    "DONE_KEPT",
    "DUTY",
    "RIGHT",
    "RULES_VERSION",
    "WINDOW",
    "Digest",
    "OpenStep",
    "digest",
    "soon_from",
    "status_on",
    "weeks_open",
]


@dataclass(frozen=True, slots=True)
class OpenStep:
    """A statutory step with nothing recorded yet: what any day's status is decided from."""

    id: str
    title: str
    due: date
    #: The first day on which the step is "due soon" (policy's warning working days).
    soon: date
    kind: int  # DUTY, WINDOW or RIGHT
    #: An exception recorded on the case excuses this step when it is late.
    covered: bool


@dataclass(frozen=True, slots=True)
class Digest:
    """A case's stored summary: the caseload row, the counts and the forecasts come from it."""

    stage: str
    has_exception: bool
    steps: tuple[OpenStep, ...]  # every open statutory step, in due order
    next: OpenStep | None  # the first open duty
    #: The first open duty no exception excuses: once it is past due the case is overdue,
    #: and it is the case's next deadline (the most urgent thing to do).
    breach: OpenStep | None
    review_due: date | None
    decision_due: date | None
    final_due: date | None
    #: When the 20-week process ended (plan, no plan, not assessed, ceased); None while open.
    weeks_end: date | None
    #: Which of DONE_KEPT are done (the report's review pipeline: notice / report sent).
    done: frozenset[str] = frozenset()
    #: What the case adds to any period's timeliness (plan, decision, review decisions).
    times: CaseTimes | None = None

    @property
    def later_due(self) -> date | None:
        """The first due date of an open duty after the next duty's day (None when no duty is
        due later). For a day on or after the next duty's, the first duty due after that day
        is this one whenever it lies after the day: every duty before it is due on the next
        duty's own day. The report's forecast reads it (store/report_sql.py)."""
        if self.next is None:
            return None
        first = self.next.due
        return next((s.due for s in self.steps if s.kind == DUTY and s.due > first), None)


#: Done steps a digest keeps: the review's meeting notice (R2) and report (R4).
DONE_KEPT = frozenset({"R2", "R4"})


@lru_cache(maxsize=65536)
def soon_from(due: date, warn: int) -> date:
    """The first day d with due < add_working_days(d, warn + 1): the engine's "due soon" test.

    add_working_days is non-decreasing in its start day, so a binary search over the days
    before `due` finds it with the engine's own counting (bank holidays included).
    """
    low, high = due - _span(warn), due  # the test holds at `due`; fails well before
    while c.add_working_days(low, warn + 1) > due:
        low = low - _span(warn)
    while (high - low).days > 1:
        mid = low + timedelta(days=(high - low).days // 2)
        if c.add_working_days(mid, warn + 1) > due:
            high = mid
        else:
            low = mid
    return high


def _span(warn: int) -> timedelta:
    # A working week is at most 7 days; Christmas adds three more bank holidays.
    return timedelta(days=7 * (warn // 5 + 1) + 7)


def status_on(step: OpenStep, as_of: date) -> Status:
    """The engine's status of an open step on as_of (engine._status for a step not done)."""
    if as_of > step.due:
        if step.kind == WINDOW:
            return Status.DONE_ON_TIME
        if step.kind == RIGHT:
            return Status.NOT_APPLICABLE
        return Status.LATE_EXCEPTION if step.covered else Status.OVERDUE
    if as_of >= step.soon:
        return Status.DUE_SOON
    return Status.ON_TRACK


def weeks_open(received: date | None, end: date | None, as_of: date) -> int:
    """Whole weeks from the request to the end of the process (to as_of while it is open)."""
    if received is None:
        return 0
    return max(0, ((end or as_of) - received).days // 7)


def digest(facts: Facts, policy: Policy | None = None) -> Digest:
    """The stored summary of a case: independent of the day, so it is computed once per change."""
    policy = policy or Policy()
    steps: list[OpenStep] = []
    review: date | None = None
    transfer: date | None = None
    r1: date | None = None
    r1_applies = False
    done: set[str] = set()
    for d in _drafts(facts, policy):
        if (
            d.id in DONE_KEPT
            and d.done is not None
            and d.due is not None
            and d.not_applicable is None
            and d.breach is None
        ):
            done.add(d.id)  # the engine's status is done on time, done late or late - exception
        if d.id == "R1":
            r1, r1_applies = d.due, d.not_applicable is None
        elif d.id == "T3" and d.not_applicable is None and d.due is not None and transfer is None:
            transfer = d.due
        if (
            not d.statutory
            or d.done is not None
            or d.due is None
            or d.not_applicable is not None
            or d.breach is not None  # breached (rules section 7): decided, whatever the day
        ):
            continue
        warn = (
            policy.warning_days_for(d.id)
            if policy.step_warning_days
            else policy.warning_working_days
        )
        steps.append(
            OpenStep(
                id=d.id,
                title=d.title,
                due=d.due,
                soon=soon_from(d.due, warn),
                kind=d.kind,
                covered=bool(d.covered),
            )
        )
    if facts.ceased is None:
        if facts.plan_transferred is not None:
            # After a move the new LA's first review (T3) or R1, whichever applies first.
            candidates = [day for day in (transfer, r1 if r1_applies else None) if day]
            review = min(candidates) if candidates else None
        elif (facts.plan_issued or facts.final_issued) is not None:
            review = r1
    received = facts.request_received
    end = facts.final_issued or facts.not_issue_decision
    if end is None and facts.decision_outcome == "not-assess":
        end = facts.decision_to_assess
    end = end or facts.ceased
    return Digest(
        stage=stage_of(facts),
        has_exception=bool(facts.exceptions),
        steps=tuple(steps),
        next=next((s for s in steps if s.kind == DUTY), None),
        breach=next((s for s in steps if s.kind == DUTY and not s.covered), None),
        review_due=review,
        decision_due=c.weeks_after(received, 6, policy) if received else None,
        final_due=c.weeks_after(received, 20, policy) if received else None,
        weeks_end=end,
        done=frozenset(done),
        times=case_times(facts, policy),
    )
