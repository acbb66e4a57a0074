"""The steps the team report reads for each open case, from the bulk engine instead of per case.

`ReportSteps` answers, for case i of a `CaseColumns`, what `compute_steps` would have told the
report: the next deadline, the first overdue statutory step and how many there are, the first
step that could breach soon (the forecast) and the review-pipeline steps. Each answer is a
`StepView` with the engine's id, title, due date and status. (Timeliness is stored per case
with its digest and counted in SQL: store/reports.py `_stored_measure`.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt

from send_desktop import timeline as tl
from send_desktop.timeline import catalogue
from send_desktop.timeline.bulk import (
    ABSENT,
    FAR_FUTURE,
    MISSING,
    NO_DAYS,
    OPEN_CODES,
    STATUS_CODES,
    STATUSES,
    BulkSteps,
    CaseColumns,
    compute_bulk,
)

# The steps the review pipeline looks at (store.reports._pipeline).
PIPELINE_STEPS: Final = catalogue.ids_counted_as("pipeline")
_OVERDUE = STATUS_CODES[tl.Status.OVERDUE]


class StepView(NamedTuple):
    """One step of one case, as the report reads it (the fields of `timeline.Step` it uses)."""

    id: str
    title: str
    due: date | None
    status: tl.Status
    days: int | None

    @property
    def is_open(self) -> bool:
        return self.status in tl.OPEN_STATUSES


class ReportSteps:
    """compute_bulk over the open cases, read back per case in the report's terms.

    Every answer is made for all cases at once (lists indexed by case position): the report
    visits each case once, and building its views column by column is what keeps it quick.
    """

    def __init__(
        self,
        cols: CaseColumns,
        as_of: date,
        policy: tl.Policy,
        parent_periods: Iterable[str],
    ) -> None:
        steps = compute_bulk(cols, as_of, policy)
        self.steps = steps
        n = len(cols)
        self.stage: list[str] = [tl.STAGES[s] for s in steps.stage.tolist()]
        self.has_exception: list[bool] = steps.has_exception.tolist()
        self.overdue_count: list[int] = steps.overdue_steps.tolist()
        status = steps.status
        # Not done, too: "late - exception" is also the status of a step done late, excused.
        is_open = np.isin(status, OPEN_CODES) & (steps.done == MISSING)
        overdue = status == _OVERDUE
        parents = frozenset(parent_periods)
        not_parent = np.array(
            [slot.name.split(".", 1)[0] not in parents for slot in steps.slots], dtype=np.bool_
        )
        may_breach = is_open & ~overdue & not_parent[:, None] & (steps.due > as_of.toordinal())
        rows = np.flatnonzero(steps.statutory)
        #: The next statutory deadline (`timeline.next_deadline`), None if there is none.
        self.next_step = self._views(steps.next_slot.astype(np.int32))
        #: The first overdue statutory step in due order (the one the overdue lists name).
        self.first_overdue = self._views(_first_by_due(steps, rows, overdue, n))
        #: The first open statutory duty not yet overdue and due after as_of (not a parent's
        #: period): the step that would breach first.
        self.forecast = self._views(_first_by_due(steps, rows, may_breach, n))
        #: Each case's review and phase-transfer steps (R1, R2, R4, R5, R7, P1-P3) it has.
        self.pipeline_steps: list[list[StepView]] = [[] for _ in range(n)]
        for name in PIPELINE_STEPS:
            row = steps.row_of(name)
            for case, view in enumerate(self._views(np.full(n, row, dtype=np.int32))):
                if view is not None:
                    self.pipeline_steps[case].append(view)

    def _views(self, rows: npt.NDArray[np.int32]) -> list[StepView | None]:
        """The step in the given row for each case (None where the row is -1 or absent)."""
        steps = self.steps
        n = len(rows)
        cases = np.arange(n)
        at = np.where(rows >= 0, rows, 0)
        codes = np.where(rows >= 0, steps.status[at, cases], ABSENT)
        dues = dates(steps.due[at, cases])
        days = _days(steps.days[at, cases])
        ids: list[str | None] = [None] * n
        titles: list[str | None] = [None] * n
        plain = {
            row: (slot.name, steps.step_title(row, 0))
            for row, slot in enumerate(steps.slots)
            if not slot.family
        }
        present = np.flatnonzero(codes != ABSENT).tolist()
        for case, row in zip(present, at[present].tolist(), strict=True):
            known = plain.get(row)
            if known is None:  # an advice request or consultation: named per case
                ids[case], titles[case] = steps.step_id(row, case), steps.step_title(row, case)
            else:
                ids[case], titles[case] = known
        out: list[StepView | None] = [None] * n
        for case, code in zip(present, codes[present].tolist(), strict=True):
            out[case] = StepView(
                str(ids[case]), str(titles[case]), dues[case], _status(code), days[case]
            )
        return out


def _first_by_due(
    steps: BulkSteps, rows: npt.NDArray[np.intp], chosen: npt.NDArray[np.bool_], n: int
) -> npt.NDArray[np.int32]:
    """Per case, the row of the earliest-due chosen step (the first in row order on a tie,
    as the engine's stable due order has it); -1 where none is chosen."""
    best = np.full(n, FAR_FUTURE, dtype=np.int32)
    best_row = np.full(n, -1, dtype=np.int32)
    for row in rows.tolist():
        key = np.where(chosen[row], steps.due[row], FAR_FUTURE)
        earlier = key < best
        best = np.where(earlier, key, best)
        best_row = np.where(earlier, row, best_row)
    return best_row


def _status(code: int) -> tl.Status:
    found = STATUSES[code]
    assert found is not None
    return found


def _days(values: npt.NDArray[np.int32]) -> list[int | None]:
    return [None if v == NO_DAYS else v for v in values.tolist()]


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
