"""The bulk clock path: every statutory step for a whole caseload in a few numpy array passes.

The scalar engine (`compute_steps`, `summarise`) is the reference; `compute_bulk` gives the same
due date, done date, status and days for every step of every case, and the same next deadline
and summary, without a Python loop over cases. Use it to recompute a caseload of 100,000; use
the scalar engine for one case's explanations.

    cols = CaseColumns.from_rows(cases, advice, consultations, reviews, exceptions)
    steps = compute_bulk(cols, as_of, policy)
    steps.next_due, steps.next_slot, steps.next_status   # per case, for the caseload table
    steps.summary(i), steps.case_steps(i)                # one case, as the scalar engine says

Column order for `CaseColumns.from_rows` (dates as `date`, ISO text or None):

- cases (`CASE_COLUMNS`): case_id, then every single date of `Facts` and its two words
  (decision_outcome, transfer_kind), in the order `Facts` declares them
- advice (`ADVICE_COLUMNS`): case_id, kind, requested, received
- consultations (`CONSULTATION_COLUMNS`): case_id, institution, sent, responded
- reviews (`REVIEW_COLUMNS`): case_id, meeting, notice_sent, advice_circulated, report_sent,
  decision_sent, outcome, amendment_sent, final_amended
- exceptions (`EXCEPTION_COLUMNS`): case_id, code

Child rows are kept whole, padded per case (see `bulk_columns`), not flattened: the engine gives
each advice request and consultation its own step, uses the latest dated review for R2-R7, every
review decision for R1 and T3, and every review for the phase-transfer step. Exceptions reduce
to the set of codes a case holds, which is all the engine reads from them.

Output arrays (`BulkSteps`) have one row per step slot and one column per case: due and done as
date ordinals (`MISSING` = 0 for none), status as an index into `STATUSES` (`ABSENT` = 0 where
the case has no such step), days with `NO_DAYS` where the engine's Step.days is None.
"""

from send_desktop.timeline.bulk_bench import BENCH_AS_OF, bench_bulk, synthetic_rows
from send_desktop.timeline.bulk_calendar import FAR_FUTURE, MISSING, CalendarTable, calendar_for
from send_desktop.timeline.bulk_columns import (
    ADVICE_COLUMNS,
    CARRIED_FACTS,
    CASE_COLUMNS,
    CASE_DATES,
    CONSULTATION_COLUMNS,
    DECISION_CODES,
    EXCEPTION_BITS,
    EXCEPTION_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_OUTCOME_CODES,
    TRANSFER_CODES,
    CaseColumns,
    ChildTable,
)
from send_desktop.timeline.bulk_compute import (
    ABSENT,
    NO_DAYS,
    OPEN_CODES,
    STATUS_CODES,
    STATUSES,
    BulkStep,
    BulkSteps,
    StepSlot,
    compute_bulk,
)

__all__ = [
    "ABSENT",
    "ADVICE_COLUMNS",
    "BENCH_AS_OF",
    "CARRIED_FACTS",
    "CASE_COLUMNS",
    "CASE_DATES",
    "CONSULTATION_COLUMNS",
    "DECISION_CODES",
    "EXCEPTION_BITS",
    "EXCEPTION_COLUMNS",
    "FAR_FUTURE",
    "MISSING",
    "NO_DAYS",
    "OPEN_CODES",
    "REVIEW_COLUMNS",
    "REVIEW_OUTCOME_CODES",
    "STATUSES",
    "STATUS_CODES",
    "TRANSFER_CODES",
    "BulkStep",
    "BulkSteps",
    "CalendarTable",
    "CaseColumns",
    "ChildTable",
    "StepSlot",
    "bench_bulk",
    "calendar_for",
    "compute_bulk",
    "synthetic_rows",
]
