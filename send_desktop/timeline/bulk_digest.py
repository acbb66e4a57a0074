"""Digests (timeline/digest.py) for whole columns of cases, with the numpy twin of the engine.

`digest` is the reference, one case at a time; `bulk_digests` gives exactly the same open
steps, next deadline, breach, stage and dates for every case of a `CaseColumns` at once
(tests/timeline/test_bulk_digest.py compares them row for row). The store's bulk writers (the
demo, the background recompute after a policy or calendar change) use it: a digest is the same
whatever the day, so the day-dependent parts of the bulk engine (statuses, days) are not run.

Step ids, titles and kinds come from the engine's own step slots (`bulk_compute`), which take
them from the catalogue (timeline/catalogue.py), as `BulkSteps` reads them; nothing is restated
here.

    found = bulk_digests(cols, policy)
    found.summary_columns()   # name -> one value per case, the case_summary row's fields
    found.step_columns()      # name -> one value per open step, the case_step rows
    found.digest(i)           # one case as digest() gives it (for checks)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from send_desktop.timeline.bulk_calendar import MISSING, Ordinals
from send_desktop.timeline.bulk_columns import DECISION_CODES, EXCEPTION_BITS, CaseColumns
from send_desktop.timeline.bulk_compute import (
    Mask,
    StepSlot,
    _stages,
    _Steps,
    rules_for,
    run_rules,
    step_capacity,
)
from send_desktop.timeline.catalogue import DUTY, EXCEPTION_CODES
from send_desktop.timeline.digest import DONE_KEPT, Digest, OpenStep, soon_from
from send_desktop.timeline.model import STAGES, Policy
from send_desktop.timeline.timeliness import (
    CaseTimes,
    ReviewTime,
    decision_on_time,
    excuses_plan,
    plan_after_52_weeks,
    plan_on_time,
    review_times,
)

# Any day inside the calendar will do: nothing in a digest depends on the day.
_ANY_DAY: Final = date(2020, 1, 1)


class _OpenSteps(_Steps):
    """Collects, per step slot, which cases have it open (digest's rule) and whether an exception
    covers it; due dates as the rules give them. Statuses are never settled."""

    def __init__(self, n: int, policy: Policy, capacity: int) -> None:
        super().__init__(n, _ANY_DAY, policy, 0)
        self.open = np.zeros((capacity, n), dtype=np.bool_)
        self.covered = np.zeros((capacity, n), dtype=np.bool_)
        self.due = np.zeros((capacity, n), dtype=np.int32)  # every present step (R1, T3 too)
        self.present = np.zeros((capacity, n), dtype=np.bool_)
        self.not_applicable = np.zeros((capacity, n), dtype=np.bool_)
        self.kept_done: dict[str, Mask] = {}  # DONE_KEPT step -> done (digest's rule)

    def add(
        self,
        slot: StepSlot,
        present: Mask,
        due: Ordinals,
        done: Ordinals,
        *,
        not_applicable: Mask | None = None,
        covered: Mask | None = None,
        warn_limit: int | npt.NDArray[np.int32] | None = None,
        breached: Mask | None = None,
    ) -> None:
        row = len(self.slots)
        self.slots.append(slot)
        shape = (self.n,)
        due = np.broadcast_to(due, shape)
        open_ = present & (np.broadcast_to(done, shape) == MISSING) & (due != MISSING)
        if not_applicable is not None:
            self.not_applicable[row] = not_applicable & present
            open_ &= ~not_applicable
        if breached is not None:
            open_ &= ~breached
        if slot.name in DONE_KEPT:
            kept = present & (np.broadcast_to(done, shape) != MISSING) & (due != MISSING)
            if not_applicable is not None:
                kept &= ~not_applicable
            if breached is not None:
                kept &= ~breached
            earlier = self.kept_done.get(slot.name)
            self.kept_done[slot.name] = kept if earlier is None else earlier | kept
        if not slot.statutory:
            open_ = np.zeros(shape, dtype=np.bool_)
        self.open[row] = open_
        self.present[row] = present
        self.due[row] = np.where(present, due, MISSING)
        if covered is not None:
            self.covered[row] = covered & present


@dataclass(frozen=True, slots=True)
class BulkDigests:
    """Digests of a column of cases: per case arrays, and the open steps as flat arrays in
    (case, due order) order."""

    case_id: npt.NDArray[np.int64]
    stage: list[str]
    has_exception: list[bool]
    review_due: list[date | None]
    decision_due: list[date | None]
    final_due: list[date | None]
    weeks_end: list[date | None]
    done: dict[str, list[bool]]  # DONE_KEPT step -> done, one value per case
    next_at: npt.NDArray[np.int64]  # (cases,) index into the steps, -1 for none
    breach_at: npt.NDArray[np.int64]
    #: The first open duty due after the next duty's day (Digest.later_due), -1 for none.
    later_at: npt.NDArray[np.int64]
    # The open steps: one entry per step.
    step_case: npt.NDArray[np.intp]  # position of the step's case
    step_id: list[str]
    step_title: list[str]
    step_due: list[date]
    step_soon: list[date]
    step_kind: list[int]
    step_covered: list[bool]
    times: _Times

    def __len__(self) -> int:
        return len(self.case_id)

    def summary_columns(self) -> dict[str, list[Any]]:
        """case_summary's computed fields, one value per case (a new column is one line here)."""
        nxt, breach = self.next_at.tolist(), self.breach_at.tolist()
        return {
            "case_id": self.case_id.tolist(),
            "stage": self.stage,
            "has_exception": self.has_exception,
            "next_id": _at(self.step_id, nxt, None),
            "next_title": _at(self.step_title, nxt, None),
            "next_due": _at(self.step_due, nxt, None),
            "next_soon": _at(self.step_soon, nxt, None),
            "next_covered": _at(self.step_covered, nxt, False),
            "later_due": _at(self.step_due, self.later_at.tolist(), None),
            "breach_id": _at(self.step_id, breach, None),
            "breach_title": _at(self.step_title, breach, None),
            "breach_due": _at(self.step_due, breach, None),
            "review_due": self.review_due,
            "decision_due": self.decision_due,
            "final_due": self.final_due,
            "weeks_end": self.weeks_end,
            "notice_done": self.done["R2"],
            "report_done": self.done["R4"],
            **self.times.summary_columns(),
        }

    def step_columns(self) -> dict[str, list[Any]]:
        """case_step's fields, one value per open step."""
        return {
            "case_id": self.case_id[self.step_case].tolist(),
            "step_id": self.step_id,
            "title": self.step_title,
            "due": self.step_due,
            "soon": self.step_soon,
            "kind": self.step_kind,
            "covered": self.step_covered,
        }

    def review_columns(self) -> dict[str, list[Any]]:
        """case_review_time's fields, one value per review decision timeliness counts."""
        ids = self.case_id.tolist()
        rows = [(ids[i], r) for i, found in self.times.reviews.items() for r in found]
        return {
            "case_id": [case for case, _ in rows],
            "sent": [r.sent for _, r in rows],
            "on_time": [r.on_time for _, r in rows],
            "meeting_on_time": [r.meeting_on_time for _, r in rows],
        }

    def digest(self, case: int) -> Digest:
        """One case's digest, as `digest()` gives it."""
        at = np.flatnonzero(self.step_case == case).tolist()
        steps = tuple(self._step(k) for k in at)
        nxt, breach = int(self.next_at[case]), int(self.breach_at[case])
        return Digest(
            stage=self.stage[case],
            has_exception=self.has_exception[case],
            steps=steps,
            next=self._step(nxt) if nxt >= 0 else None,
            breach=self._step(breach) if breach >= 0 else None,
            review_due=self.review_due[case],
            decision_due=self.decision_due[case],
            final_due=self.final_due[case],
            weeks_end=self.weeks_end[case],
            done=frozenset(k for k, flags in self.done.items() if flags[case]),
            times=self.times.case(case),
        )

    def _step(self, k: int) -> OpenStep:
        return OpenStep(
            id=self.step_id[k],
            title=self.step_title[k],
            due=self.step_due[k],
            soon=self.step_soon[k],
            kind=self.step_kind[k],
            covered=self.step_covered[k],
        )


@dataclass
class _Times:
    """Each case's CaseTimes (timeline/timeliness.py) as columns."""

    issued: list[date | None]
    issue_days: list[int | None]
    issue_excused: list[bool]
    decided: list[date | None]
    decision_on_time: list[bool | None]
    reviews: dict[int, tuple[ReviewTime, ...]]  # case position -> its counted review decisions

    def summary_columns(self) -> dict[str, list[Any]]:
        days = self.issue_days
        return {
            "issued_on": self.issued,
            "issue_days": days,
            "issue_on_time": _each_distinct(plan_on_time, days),
            "issue_after_52": _each_distinct(plan_after_52_weeks, days),
            "issue_excused": self.issue_excused,
            "decided_on": self.decided,
            "decision_on_time": self.decision_on_time,
        }

    def case(self, i: int) -> CaseTimes:
        return CaseTimes(
            issued=self.issued[i],
            issue_days=self.issue_days[i],
            issue_excused=self.issue_excused[i],
            decided=self.decided[i],
            decision_on_time=self.decision_on_time[i],
            reviews=self.reviews.get(i, ()),
        )


def _each_distinct(rule: Any, values: list[Any]) -> list[Any]:
    """rule(v) for every value (None stays None), the rule called once per distinct value."""
    found = {v: None if v is None else rule(v) for v in set(values)}
    return [found[v] for v in values]


# The exception bits that excuse N5, decided by timeliness's own rule code by code.
_EXCUSING_BITS: Final = sum(EXCEPTION_BITS[c] for c in EXCEPTION_CODES if excuses_plan((c,)))


def _times(cols: CaseColumns, policy: Policy) -> _Times:
    """case_times for every case: the same fields, the rules applied per distinct value."""
    received = cols.request_received
    has = received != MISSING
    issued = np.where(has & (cols.final_issued != MISSING) & (cols.final_issued >= received),
                      cols.final_issued, MISSING).astype(np.int32)  # fmt: skip
    decided = np.where(has & (cols.decision_to_assess != MISSING)
                       & (cols.decision_to_assess >= received),
                       cols.decision_to_assess, MISSING).astype(np.int32)  # fmt: skip
    issue_days = [
        None if d < 0 else d for d in np.where(issued == MISSING, -1, issued - received).tolist()
    ]
    decision_days = [
        None if d < 0 else d for d in np.where(decided == MISSING, -1, decided - received).tolist()
    ]
    reviews: dict[int, tuple[ReviewTime, ...]] = {}
    table = cols.reviews
    counted = np.flatnonzero(table.count > 0).tolist()
    if counted:
        meetings, sents = table.dates["meeting"], table.dates["decision_sent"]
        cycles = np.where(cols.plan_issued != MISSING, cols.plan_issued, cols.final_issued)
        for i in counted:
            k = int(table.count[i])
            found = review_times(
                _day(int(cycles[i])),
                zip(
                    map(_day, meetings[i, :k].tolist()),
                    map(_day, sents[i, :k].tolist()),
                    strict=True,
                ),
                policy,
            )
            if found:
                reviews[i] = found
    return _Times(
        issued=_dates(issued),
        issue_days=issue_days,
        issue_excused=((cols.exception_bits & _EXCUSING_BITS) != 0).tolist(),
        decided=_dates(decided),
        decision_on_time=_each_distinct(decision_on_time, decision_days),
        reviews=reviews,
    )


def _day(ordinal: int) -> date | None:
    return None if ordinal == MISSING else date.fromordinal(ordinal)


def _at(values: list[Any], index: list[int], none: Any) -> list[Any]:
    return [values[i] if i >= 0 else none for i in index]


def _dates(ordinals: Ordinals) -> list[date | None]:
    """Ordinals -> dates (None for MISSING), converting each distinct day once."""
    values, inverse = np.unique(ordinals, return_inverse=True)
    days = [None if v == MISSING else date.fromordinal(v) for v in values.tolist()]
    return [days[i] for i in inverse.ravel().tolist()]


def bulk_digests(cols: CaseColumns, policy: Policy | None = None) -> BulkDigests:
    """Every case's digest, equal to `digest(facts, policy)` case by case."""
    policy = policy or Policy()
    n = len(cols)
    out = _OpenSteps(n, policy, step_capacity(cols))
    run_rules(cols, rules_for(cols, _ANY_DAY, policy), out)
    rows = len(out.slots)
    slots = out.slots
    open_, due = out.open[:rows], out.due[:rows]

    # The open steps of each case in digest's order: by due date, ties in the engine's order
    # (the slot order, as BulkSteps.case_steps sorts them).
    step_row, step_case = np.nonzero(open_)
    step_due = due[step_row, step_case]
    order = np.lexsort((step_row, step_due, step_case))
    step_row, step_case, step_due = step_row[order], step_case[order], step_due[order]
    covered = out.covered[:rows][step_row, step_case]
    kinds = np.array([s.kind for s in slots], dtype=np.int8)[step_row]

    ids, titles = _names(cols, slots, step_row, step_case)
    warn = np.array([_warning(policy, i) for i in ids], dtype=np.int32)
    soon = _soon(step_due, warn)

    # next: the first open duty; breach: the first open duty no exception covers.
    position = np.arange(len(step_row), dtype=np.int64)
    duty = kinds == DUTY
    next_at = _first_per_case(step_case[duty], position[duty], n)
    free = duty & ~covered
    breach_at = _first_per_case(step_case[free], position[free], n)
    # later: the first open duty due after the next duty's day (steps are in due order).
    of_next = next_at[step_case]
    later = duty & (of_next >= 0) & (step_due > step_due[np.maximum(of_next, 0)])
    later_at = _first_per_case(step_case[later], position[later], n)

    review, decision, final, end = _case_dates(cols, out, rules_for(cols, _ANY_DAY, policy))
    return BulkDigests(
        case_id=cols.case_id,
        stage=[STAGES[s] for s in _stages(cols).tolist()],
        has_exception=(cols.exception_bits != 0).tolist(),
        review_due=_dates(review),
        decision_due=_dates(decision),
        final_due=_dates(final),
        weeks_end=_dates(end),
        done={
            k: (out.kept_done[k] if k in out.kept_done else np.zeros(n, dtype=np.bool_)).tolist()
            for k in sorted(DONE_KEPT)
        },
        next_at=next_at,
        breach_at=breach_at,
        later_at=later_at,
        step_case=step_case,
        step_id=ids,
        step_title=titles,
        step_due=_dates(step_due),  # type: ignore[arg-type]
        step_soon=_dates(soon),  # type: ignore[arg-type]
        step_kind=kinds.tolist(),
        step_covered=covered.tolist(),
        times=_times(cols, policy),
    )


def _first_per_case(
    cases: npt.NDArray[np.intp], positions: npt.NDArray[np.int64], n: int
) -> npt.NDArray[np.int64]:
    """Per case, the first of its positions (positions are in case order); -1 for none."""
    first = np.full(n, -1, dtype=np.int64)
    # Assigning in reverse leaves the first position of each case.
    first[cases[::-1]] = positions[::-1]
    return first


def _warning(policy: Policy, step_id: str) -> int:
    if policy.step_warning_days:
        return policy.warning_days_for(step_id)
    return policy.warning_working_days


def _soon(due: Ordinals, warn: npt.NDArray[np.int32]) -> Ordinals:
    """soon_from for every (due, warn) pair, computed once per distinct pair."""
    if not len(due):
        return np.zeros(0, dtype=np.int32)
    pairs, inverse = np.unique(np.stack([due, warn]), axis=1, return_inverse=True)
    firsts = np.array(
        [soon_from(date.fromordinal(d), w).toordinal() for d, w in pairs.T.tolist()],
        dtype=np.int32,
    )
    return firsts[inverse.ravel()]


def _names(
    cols: CaseColumns,
    slots: list[StepSlot],
    rows: npt.NDArray[np.intp],
    cases: npt.NDArray[np.intp],
) -> tuple[list[str], list[str]]:
    """Each step's id and title as the engine gives them (a lone advice request is "N2",
    advice and consultations name the body)."""
    ids: list[str] = []
    names: list[str] = []
    families = {
        "N2": (cols.advice.count, cols.advice.labels.get("kind")),
        "N4b": (cols.consultations.count, cols.consultations.labels.get("institution")),
    }
    for row, case in zip(rows.tolist(), cases.tolist(), strict=True):
        slot = slots[row]
        if slot.family in families:
            count, labels = families[slot.family]
            ids.append(slot.family if count[case] == 1 else slot.name)
            body = "" if labels is None else str(labels[case, slot.number - 1])
            names.append(slot.title.replace("{0}", body))
        else:
            ids.append(slot.name)
            names.append(slot.title)
    return ids, names


def _case_dates(
    cols: CaseColumns, out: _OpenSteps, rules: Any
) -> tuple[Ordinals, Ordinals, Ordinals, Ordinals]:
    """review_due, decision_due, final_due and weeks_end as digest() decides them."""
    n = len(cols)
    rows = len(out.slots)
    names = [s.name for s in out.slots]
    r1 = np.zeros(n, dtype=np.int32)
    r1_applies = np.zeros(n, dtype=np.bool_)
    if "R1" in names:
        row = names.index("R1")
        r1 = out.due[row]
        r1_applies = out.present[row] & ~out.not_applicable[row]
    # The first T3 in the engine's (due) order that applies and has a due date.
    transfer = np.zeros(n, dtype=np.int32)
    for row in (r for r in range(rows) if names[r] == "T3"):
        usable = out.present[row] & ~out.not_applicable[row] & (out.due[row] != MISSING)
        earlier = usable & ((transfer == MISSING) | (out.due[row] < transfer))
        transfer = np.where(earlier, out.due[row], transfer)
    open_case = cols.ceased == MISSING
    moved = cols.plan_transferred != MISSING
    r1_or_none = np.where(r1_applies, r1, MISSING)
    both = (transfer != MISSING) & (r1_or_none != MISSING)
    after_move = np.where(
        both, np.minimum(transfer, r1_or_none), np.where(transfer != MISSING, transfer, r1_or_none)
    )
    planned = (cols.plan_issued != MISSING) | (cols.final_issued != MISSING)
    review = np.where(moved, after_move, np.where(planned, r1, MISSING))
    review = np.where(open_case, review, MISSING).astype(np.int32)
    received = cols.request_received
    has = received != MISSING
    decision = np.where(has, rules.weeks_after(received, 6), MISSING).astype(np.int32)
    final = np.where(has, rules.weeks_after(received, 20), MISSING).astype(np.int32)
    end = np.where(cols.final_issued != MISSING, cols.final_issued, cols.not_issue_decision)
    not_assessed = (end == MISSING) & (cols.decision_outcome == DECISION_CODES["not-assess"])
    end = np.where(not_assessed, cols.decision_to_assess, end)
    end = np.where(end == MISSING, cols.ceased, end).astype(np.int32)
    return review, decision, final, end
