"""Caseload rows for a whole caseload from the bulk engine's arrays, with no loop over steps.

`caseload_rows` turns `compute_bulk`'s per-case results into the same `CaseloadRow` values the
per-case path (`queries.caseload_by_case`, `timeline.summarise`) gives: the next deadline,
status and stage from the engine, and the dates the table shows worked out on whole columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt

from send_desktop import timeline as tl
from send_desktop.store.queries import CaseloadRow
from send_desktop.timeline.bulk import (
    ABSENT,
    DECISION_CODES,
    MISSING,
    NO_DAYS,
    STATUS_CODES,
    STATUSES,
    BulkSteps,
    CaseColumns,
    compute_bulk,
)

Ordinals = npt.NDArray[np.int32]

_STAGE_WORDS = np.array(tl.STAGES, dtype=object)
_STATUS_WORDS = np.array(STATUSES, dtype=object)
_NOT_APPLICABLE = STATUS_CODES[tl.Status.NOT_APPLICABLE]


def caseload_rows(
    cols: CaseColumns,
    names: Sequence[Sequence[Any]],
    as_of: date,
    policy: tl.Policy,
) -> list[CaseloadRow]:
    """One CaseloadRow per case in cols; names holds the ref, first name, last name, UPN,
    caseworker and team columns in the same case order.

    cols may be `fast_columns.statutory_columns` (only statutory steps are read here).
    """
    n = len(cols)
    if n == 0:
        return []
    steps = compute_bulk(cols, as_of, policy)
    ref, first, last, upn, worker, team = names
    inclusive = 1 if policy.week_start == "inclusive" else 0
    received = cols.request_received
    has_received = received != MISSING
    days = steps.next_days.astype(object)
    days[steps.next_days == NO_DAYS] = None
    columns: tuple[Sequence[Any], ...] = (
        cols.case_id.tolist(),
        ref,
        [f"{f} {s}" for f, s in zip(first, last, strict=True)],
        first,
        last,
        dates(cols.date_of_birth),
        upn,
        worker,
        team,
        _STAGE_WORDS[steps.stage].tolist(),
        steps.next_ids().tolist(),
        next_titles(steps),
        dates(steps.next_due),
        days.tolist(),
        _STATUS_WORDS[steps.next_status].tolist(),
        steps.has_exception.tolist(),
        dates(received),
        dates(np.where(has_received, received + (42 - inclusive), MISSING)),
        dates(cols.decision_to_assess),
        dates(np.where(has_received, received + (140 - inclusive), MISSING)),
        dates(cols.final_issued),
        weeks_open(cols, as_of).tolist(),
        dates(review_due(cols, steps)),
    )
    # tuple.__new__ straight from C: CaseloadRow._make is a Python call per row.
    return list(map(partial(tuple.__new__, CaseloadRow), zip(*columns, strict=True)))


def weeks_open(cols: CaseColumns, as_of: date) -> npt.NDArray[np.int64]:
    """Weeks from the request to the end of the 20-week process (or to as_of while open)."""
    received = cols.request_received.astype(np.int64)
    end = _first_known(cols.final_issued, cols.not_issue_decision)
    not_assessed = cols.decision_outcome == DECISION_CODES["not-assess"]
    end = np.where((end == MISSING) & not_assessed, cols.decision_to_assess, end)
    end = _first_known(end, cols.ceased).astype(np.int64)
    end = np.where(end == MISSING, as_of.toordinal(), end)
    weeks = np.maximum(0, (end - received) // 7)
    return np.asarray(np.where(received == MISSING, 0, weeks), dtype=np.int64)


def review_due(cols: CaseColumns, steps: BulkSteps) -> Ordinals:
    """R1 as the engine gives it: 12 months from the plan or the last review decision, brought
    forward by a phase-transfer deadline; after a move, the first of the new LA's first review
    (T3) and R1 that applies. MISSING for a ceased plan or a case with no plan."""
    plan_start = _first_known(cols.plan_issued, cols.final_issued)
    moved = cols.plan_transferred != MISSING
    r1, t3 = steps.row_of("R1"), steps.row_of("T3")
    r1_due, t3_due = steps.due[r1], steps.due[t3]
    r1_applies = _applies(steps.status[r1])
    t3_applies = _applies(steps.status[t3])
    # On equal dates T3 comes first, as in the engine's step order.
    r1_first = r1_applies & (~t3_applies | (r1_due < t3_due))
    after_move = np.where(r1_first, r1_due, np.where(t3_applies, t3_due, MISSING))
    planned = np.where(steps.status[r1] != ABSENT, r1_due, MISSING)
    due = np.where(moved, after_move, np.where(plan_start != MISSING, planned, MISSING))
    return np.asarray(np.where(cols.ceased != MISSING, MISSING, due), dtype=np.int32)


def _applies(status: npt.NDArray[np.int8]) -> npt.NDArray[np.bool_]:
    return np.asarray((status != ABSENT) & (status != _NOT_APPLICABLE))


def _first_known(first: Ordinals, other: Ordinals) -> Ordinals:
    return np.asarray(np.where(first != MISSING, first, other), dtype=np.int32)


def dates(ordinals: npt.NDArray[Any]) -> list[date | None]:
    """Date objects (None for MISSING), each distinct day made once."""
    known = ordinals[ordinals != MISSING]
    if not len(known):
        return [None] * len(ordinals)
    low, high = int(known.min()), int(known.max())
    if high - low > 2 * len(ordinals) + 1000:
        # Dates far apart (a mistyped year): make only the days that occur.
        days, at = np.unique(ordinals, return_inverse=True)
        made = [None if d == MISSING else date.fromordinal(d) for d in days.tolist()]
        return list(np.array(made, dtype=object)[at.reshape(-1)].tolist())
    # Every day from low to high, with None in front for MISSING.
    table = np.array([None, *map(date.fromordinal, range(low, high + 1))], dtype=object)
    at = np.where(ordinals == MISSING, 0, ordinals - (low - 1))
    return list(table[at].tolist())


def next_titles(steps: BulkSteps) -> list[str | None]:
    """The engine's title of each case's next deadline (advice names its kind)."""
    plain: list[str | None] = [
        None if slot.family else steps.step_title(row, 0) for row, slot in enumerate(steps.slots)
    ]
    titles = np.array([*plain, None], dtype=object)[steps.next_slot]  # -1: no next deadline
    family_rows = [row for row, slot in enumerate(steps.slots) if slot.family]
    made: dict[tuple[int, str], str] = {}
    for case in np.flatnonzero(np.isin(steps.next_slot, family_rows)).tolist():
        row = int(steps.next_slot[case])
        slot = steps.slots[row]
        labels = steps.advice_kind if slot.family == "N2" else steps.institution
        key = (row, str(labels[case, slot.number - 1]))
        if key not in made:
            made[key] = steps.step_title(row, case)
        titles[case] = made[key]
    return list(titles.tolist())
