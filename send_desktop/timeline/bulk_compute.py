"""Every statutory step of a whole caseload at once, with array rules equal to the scalar engine.

Each rule of `engine.py` appears here once as array arithmetic over all cases (the Tribunal's
day-moving rule is read from a per-day table of the scalar function instead); the only Python
loops run over steps (and over advice/consultation slots), never over cases. A step a case does
not have is `ABSENT` in that case's column; otherwise due, done, status and days are exactly what
`compute_steps` gives (tests/timeline/test_bulk.py checks it on generated cases).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

from send_desktop.timeline import counting
from send_desktop.timeline.bulk_calendar import (
    FAR_FUTURE,
    MISSING,
    CalendarTable,
    Ordinals,
    calendar_for,
    pick,
    pick_code,
)
from send_desktop.timeline.bulk_columns import (
    DECISION_CODES,
    REVIEW_OUTCOME_CODES,
    TRANSFER_CODES,
    CaseColumns,
)
from send_desktop.timeline.catalogue import DUTY, EXCEPTIONS_FOR, RIGHT, WINDOW, date_rules
from send_desktop.timeline.catalogue import step as step_info
from send_desktop.timeline.model import (
    STAGES,
    CaseSummary,
    Policy,
    Status,
)

Mask = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int8]

# Status codes in the status arrays: 0 = the case has no such step, then Status in this order.
ABSENT: Final = 0
STATUSES: Final[tuple[Status | None, ...]] = (
    None,
    Status.DONE_ON_TIME,
    Status.DONE_LATE,
    Status.LATE_EXCEPTION,
    Status.OVERDUE,
    Status.DUE_SOON,
    Status.ON_TRACK,
    Status.NOT_APPLICABLE,
    Status.BREACHED,
)
STATUS_CODES: Final[dict[Status, int]] = {s: i for i, s in enumerate(STATUSES) if s is not None}
_ON_TIME, _LATE, _EXCUSED, _OVERDUE, _SOON, _ON_TRACK, _NA, _BREACHED = range(1, 9)
OPEN_CODES: Final = (_EXCUSED, _OVERDUE, _SOON, _ON_TRACK)
_CODE: Final = tuple(np.int8(i) for i in range(len(STATUSES)))
# The days array holds this where the scalar engine's Step.days is None.
NO_DAYS: Final = int(np.iinfo(np.int32).min)
_NO_DAYS: Final = np.int32(NO_DAYS)
_FAR: Final = np.int32(FAR_FUTURE)

# Deadlines reach at most about five years past a recorded date (R8: date of birth + 60 months).
_YEAR_SLACK_DAYS: Final = 6 * 366


@dataclass(frozen=True, slots=True)
class StepSlot:
    """One row of the step arrays: a step every case may have (or a numbered advice/consultation).

    Its title, whether statutory and its kind are the catalogue's (`_slot`).
    """

    name: str  # "N1", "N2.3", "P2", "O1.final"...
    title: str  # N2's and N4b's hold "{0}" where the body's name goes
    statutory: bool
    kind: int
    family: str = ""  # "N2"/"N4b" for numbered slots, whose id drops the number when alone
    number: int = 0  # 1-based position among the case's advice requests or consultations


class BulkStep(NamedTuple):
    """One case's step read back from the arrays (the fields a caseload compares)."""

    id: str
    title: str
    due: date | None
    done: date | None
    status: Status
    days: int | None
    statutory: bool


@dataclass(frozen=True, slots=True)
class BulkSteps:
    """The step arrays: rows are `slots`, columns are cases in `CaseColumns` order."""

    slots: tuple[StepSlot, ...]
    case_id: npt.NDArray[np.int64]
    due: Ordinals  # (slots, cases), MISSING where absent
    done: Ordinals  # (slots, cases), MISSING where not done
    status: Codes  # (slots, cases), index into STATUSES; ABSENT where the case has no such step
    days: npt.NDArray[np.int32]  # (slots, cases), NO_DAYS where Step.days is None
    statutory: Mask  # (slots,)
    next_slot: npt.NDArray[np.int16]  # (cases,) row of the next statutory deadline, -1 if none
    next_due: Ordinals  # (cases,) MISSING if none
    next_days: npt.NDArray[np.int32]  # (cases,) NO_DAYS if none
    next_status: Codes  # (cases,) ABSENT if none
    overdue_steps: npt.NDArray[np.int16]  # (cases,) statutory steps overdue (no exception)
    has_exception: Mask  # (cases,)
    stage: Codes  # (cases,) index into STAGES
    advice_count: npt.NDArray[np.int32]
    consultation_count: npt.NDArray[np.int32]
    advice_kind: npt.NDArray[np.object_]  # (cases, advice slots)
    institution: npt.NDArray[np.object_]  # (cases, consultation slots)

    def __len__(self) -> int:
        return len(self.case_id)

    def step_id(self, row: int, case: int) -> str:
        """The id the scalar engine gives this step: a lone advice request is plain "N2"."""
        slot = self.slots[row]
        if slot.family == "N2" and self.advice_count[case] == 1:
            return "N2"
        if slot.family == "N4b" and self.consultation_count[case] == 1:
            return "N4b"
        return slot.name

    def step_title(self, row: int, case: int) -> str:
        """The title the scalar engine gives this step (advice and consultations name the body)."""
        slot = self.slots[row]
        if slot.family == "N2":
            return slot.title.replace("{0}", str(self.advice_kind[case, slot.number - 1]))
        if slot.family == "N4b":
            return slot.title.replace("{0}", str(self.institution[case, slot.number - 1]))
        return slot.title

    def case_steps(self, case: int) -> list[BulkStep]:
        """One case's steps in due order (as compute_steps orders them), without explanations."""
        rows = np.flatnonzero(self.status[:, case] != ABSENT)
        rows = rows[np.argsort(self.due[rows, case], kind="stable")]
        return [
            BulkStep(
                id=self.step_id(int(r), case),
                title=self.step_title(int(r), case),
                due=_day(int(self.due[r, case])),
                done=_day(int(self.done[r, case])),
                status=_status(int(self.status[r, case])),
                days=None if self.days[r, case] == NO_DAYS else int(self.days[r, case]),
                statutory=bool(self.statutory[r]),
            )
            for r in rows
        ]

    def summary(self, case: int) -> CaseSummary:
        """The caseload row for one case, equal to `summarise` for the same facts."""
        row = int(self.next_slot[case])
        found = row >= 0
        return CaseSummary(
            stage=STAGES[int(self.stage[case])],
            next_id=self.step_id(row, case) if found else None,
            next_title=self.step_title(row, case) if found else None,
            next_due=_day(int(self.next_due[case])),
            days_left=None if self.next_days[case] == NO_DAYS else int(self.next_days[case]),
            status=STATUSES[int(self.next_status[case])],
            has_exception=bool(self.has_exception[case]),
            overdue_steps=int(self.overdue_steps[case]),
        )

    def next_ids(self) -> npt.NDArray[np.object_]:
        """Per case, the id of the next statutory deadline (None if none), for a whole table."""
        names = np.array([s.name for s in self.slots] + [None], dtype=object)
        ids = names[self.next_slot]  # -1 picks the trailing None
        for family, count in (("N2", self.advice_count), ("N4b", self.consultation_count)):
            rows = [r for r, s in enumerate(self.slots) if s.family == family]
            alone = np.isin(self.next_slot, rows) & (count == 1)
            ids[alone] = family
        return ids

    def row_of(self, name: str) -> int:
        """The row of a slot by name ("N5", "N2.1", "O1.final")."""
        for row, slot in enumerate(self.slots):
            if slot.name == name:
                return row
        raise KeyError(name)


def _slot(name: str, family: str = "", number: int = 0) -> StepSlot:
    """The row for a step, with the catalogue's title, kind and statutory flag."""
    info = step_info(family or name)
    return StepSlot(name, info.title, info.statutory, info.kind, family=family, number=number)


def _day(ordinal: int) -> date | None:
    return None if ordinal == MISSING else date.fromordinal(ordinal)


def _status(code: int) -> Status:
    found = STATUSES[code]
    if found is None:
        raise ValueError("an absent step has no status")
    return found


class _Steps:
    """Collects the step rows while the rules run, settling each one's status as it is added."""

    def __init__(self, n: int, as_of: date, policy: Policy, capacity: int) -> None:
        self.n = n
        self.as_of = as_of.toordinal()
        self.as_of_date = as_of
        self.policy = policy
        self.slots: list[StepSlot] = []
        self.due = np.zeros((capacity, n), dtype=np.int32)
        self.done = np.zeros((capacity, n), dtype=np.int32)
        self.status = np.zeros((capacity, n), dtype=np.int8)
        self.days = np.full((capacity, n), NO_DAYS, dtype=np.int32)
        self._warn_limits: dict[int, int] = {}

    def warn_limit(self, step_id: str) -> int:
        """First day that is no longer "due soon" for this step id (engine._status).

        Due soon: at most `warn` working days in as_of+1 .. due, so a due date on a bank
        holiday is reached when the working day before it is.
        """
        warn = self.policy.warning_working_days
        if self.policy.step_warning_days:
            warn = self.policy.warning_days_for(step_id)
        if warn not in self._warn_limits:
            limit = counting.add_working_days(self.as_of_date, warn + 1)
            self._warn_limits[warn] = limit.toordinal()
        return self._warn_limits[warn]

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
        limit = self.warn_limit(slot.name) if warn_limit is None else warn_limit
        chosen = np.flatnonzero(present)
        if len(chosen) == 0:
            return  # the row stays ABSENT / MISSING / NO_DAYS, as allocated
        if len(chosen) * 4 >= len(present):
            # Common steps: settle every case (flat passes), then blank the cases without it;
            # MISSING and ABSENT are 0, so blanking is a multiplication.
            status, shown_done, days = self._settle(
                slot.kind, due, done, not_applicable, covered, limit, breached
            )
            self.status[row] = status * present.view(np.int8)
            self.due[row] = due * present
            self.done[row] = shown_done * present
            self.days[row] = pick(present, days, _NO_DAYS)
            return
        # Most steps belong to few cases (orders, moves, the fifth advice request...): settle
        # only those, and leave the rest of the row as allocated.
        due, done = due[chosen], done[chosen]
        if not_applicable is not None:
            not_applicable = not_applicable[chosen]
        if covered is not None:
            covered = covered[chosen]
        if breached is not None:
            breached = breached[chosen]
        if not isinstance(limit, int):
            limit = limit[chosen]
        status, shown_done, days = self._settle(
            slot.kind, due, done, not_applicable, covered, limit, breached
        )
        self.status[row, chosen] = status
        self.due[row, chosen] = due
        self.done[row, chosen] = shown_done
        self.days[row, chosen] = days

    def _settle(
        self,
        kind: int,
        due: Ordinals,
        done: Ordinals,
        not_applicable: Mask | None,
        covered: Mask | None,
        limit: int | npt.NDArray[np.int32],
        breached: Mask | None = None,
    ) -> tuple[Codes, Ordinals, npt.NDArray[np.int32]]:
        """engine._status for steps the cases have: status code, done as shown, days."""
        has_done = done != MISSING
        days = due - self.as_of
        passed = days < 0
        # Scalars where no exception can apply keep the chain cheap (int8 throughout).
        if covered is None:
            late_code: np.int8 | Codes = _CODE[_LATE]
            overdue_code: np.int8 | Codes = _CODE[_OVERDUE]
        else:
            late_code = pick_code(covered, _CODE[_EXCUSED], _CODE[_LATE])
            overdue_code = pick_code(covered, _CODE[_EXCUSED], _CODE[_OVERDUE])
        passed_code = {DUTY: overdue_code, WINDOW: _CODE[_ON_TIME], RIGHT: _CODE[_NA]}[kind]
        status = pick_code(
            has_done,
            pick_code(done <= due, _CODE[_ON_TIME], late_code),
            pick_code(passed, passed_code, pick_code(due < limit, _CODE[_SOON], _CODE[_ON_TRACK])),
        )
        counted = ~has_done
        if not_applicable is not None:
            status = pick_code(not_applicable, _CODE[_NA], status)
            counted &= ~not_applicable
        if breached is not None:
            # engine._status: a breach decides the status before anything else.
            status = pick_code(breached, _CODE[_BREACHED], status)
            counted &= ~breached
        shown_done = done
        if kind == WINDOW:
            # The engine reports a window that ran its full length as done on its last day.
            shown_done = pick(counted & passed, due, done)
        if kind != DUTY:
            counted &= ~passed  # an ended window or lapsed right has no days left
        return status, shown_done, pick(counted, days, _NO_DAYS)

    def finish(self, cols: CaseColumns) -> BulkSteps:
        rows = len(self.slots)
        due, done = self.due[:rows], self.done[:rows]
        status, days = self.status[:rows], self.days[:rows]
        statutory = np.array([s.statutory for s in self.slots], dtype=np.bool_)
        # A running minimum over the statutory rows, in row order: a strictly earlier due date
        # takes over, so on a tie the first row wins, as the engine's stable sort has it.
        best = np.full(self.n, FAR_FUTURE, dtype=np.int32)
        best_row = np.full(self.n, -1, dtype=np.int32)
        next_status = np.zeros(self.n, dtype=np.int8)
        next_days = np.full(self.n, NO_DAYS, dtype=np.int32)
        overdue = np.zeros(self.n, dtype=np.int16)
        late_best = np.full(self.n, FAR_FUTURE, dtype=np.int32)
        late_row = np.full(self.n, -1, dtype=np.int32)
        late_days = np.full(self.n, NO_DAYS, dtype=np.int32)
        for r in np.flatnonzero(statutory):
            row_status = status[r]
            if self.slots[r].kind != DUTY:
                # The family's windows and rights are never the authority's next deadline.
                overdue += row_status == _OVERDUE
                continue
            # Open statuses are the codes _EXCUSED.._ON_TRACK: one unsigned comparison.
            # ...and not done: "late - exception" is also the status of a step done late, excused.
            is_open = ((row_status - _CODE[_EXCUSED]).view(np.uint8) <= _ON_TRACK - _EXCUSED) & (
                done[r] == MISSING
            )
            key = pick(is_open, due[r], _FAR)
            earlier = key < best
            best = pick(earlier, key, best)
            best_row = pick(earlier, np.int32(r), best_row)
            next_status = pick_code(earlier, row_status, next_status)
            next_days = pick(earlier, days[r], next_days)
            late = row_status == _OVERDUE
            late_key = pick(late, due[r], _FAR)
            late_earlier = late_key < late_best
            late_best = pick(late_earlier, late_key, late_best)
            late_row = pick(late_earlier, np.int32(r), late_row)
            late_days = pick(late_earlier, days[r], late_days)
            overdue += late
        # An overdue duty (no exception excuses it) is the next deadline before anything else.
        is_late = late_best != FAR_FUTURE
        best = pick(is_late, late_best, best)
        best_row = pick(is_late, late_row, best_row)
        next_status = pick_code(is_late, _CODE[_OVERDUE], next_status)
        next_days = pick(is_late, late_days, next_days)
        found = best != FAR_FUTURE
        return BulkSteps(
            slots=tuple(self.slots),
            case_id=cols.case_id,
            due=due,
            done=done,
            status=status,
            days=days,
            statutory=statutory,
            next_slot=best_row.astype(np.int16),
            next_due=best * found,
            next_days=next_days,
            next_status=next_status,
            overdue_steps=overdue,
            has_exception=cols.exception_bits != 0,
            stage=_stages(cols),
            advice_count=cols.advice.count,
            consultation_count=cols.consultations.count,
            advice_kind=cols.advice.labels.get("kind", np.zeros((self.n, 0), dtype=object)),
            institution=cols.consultations.labels.get(
                "institution", np.zeros((self.n, 0), dtype=object)
            ),
        )


class _Rules:
    """The period arithmetic of counting.py, on arrays."""

    def __init__(self, cal: CalendarTable, policy: Policy) -> None:
        self.cal = cal
        self.policy = policy
        self.inclusive = 1 if policy.week_start == "inclusive" else 0

    def weeks_after(self, day: Ordinals, weeks: int) -> Ordinals:
        return day + (7 * weeks - self.inclusive)

    def weeks_before(self, day: Ordinals, weeks: int) -> Ordinals:
        return day - (7 * weeks + self.inclusive)

    def months_starting_with(self, day: Ordinals, months: int) -> Ordinals:
        end = self.cal.add_months(day, months)
        _, day_of_end = self.cal.month_and_day(end)
        _, day_of_start = self.cal.month_and_day(day)
        return np.where(day_of_end != day_of_start, end, end - 1).astype(np.int32)

    def review_due(self, day: Ordinals) -> Ordinals:
        if self.policy.review_year == "anniversary":
            return self.cal.add_months(day, 12)
        return self.months_starting_with(day, 12)

    def tribunal_deadline(self, day: Ordinals) -> Ordinals:
        """FtT r.12's moves (Christmas, August, non-working days), read from the calendar's
        table of counting.tribunal_deadline, so the bulk path follows the scalar rule exactly."""
        return self.cal.tribunal_deadline(day)


def _first_known(*columns: Ordinals) -> Ordinals:
    """Python's `a or b or c` over dates: the first that is not MISSING."""
    out = columns[-1]
    for column in reversed(columns[:-1]):
        out = pick(column != MISSING, column, out)
    return out


def _on_or_after(day: Ordinals, start: Ordinals) -> Ordinals:
    return np.asarray(day * ((day != MISSING) & (day >= start)), dtype=np.int32)


def _earliest(values: Ordinals, keep: Mask) -> Ordinals:
    """Per case (row), the earliest kept value; MISSING if none."""
    found = pick(keep, values, _FAR).min(axis=1, initial=FAR_FUTURE)
    return np.asarray(found * (found != FAR_FUTURE), dtype=np.int32)


def _latest(values: Ordinals, keep: Mask) -> Ordinals:
    return np.asarray((values * keep).max(axis=1, initial=MISSING), dtype=np.int32)


def compute_bulk(cols: CaseColumns, as_of: date, policy: Policy | None = None) -> BulkSteps:
    """Every step for every case on `as_of`: the scalar engine's results, as arrays."""
    policy = policy or Policy()
    out = _Steps(len(cols), as_of, policy, step_capacity(cols))
    run_rules(cols, rules_for(cols, as_of, policy), out)
    return out.finish(cols)


def rules_for(cols: CaseColumns, as_of: date, policy: Policy) -> _Rules:
    """The period arithmetic over a calendar covering every date of these cases and as_of."""
    low, high = cols.date_range()
    today = as_of.toordinal()
    low = min(low, today) if low != MISSING else today
    cal = calendar_for(low - _YEAR_SLACK_DAYS, max(high, today) + _YEAR_SLACK_DAYS)
    return _Rules(cal, policy)


def step_capacity(cols: CaseColumns) -> int:
    """Rows enough for every step slot of these cases."""
    return 40 + cols.advice.width + cols.consultations.width


def run_rules(cols: CaseColumns, rules: _Rules, out: _Steps) -> None:
    """Every rule of the engine, adding its step slots to `out` (bulk_digest keeps its own)."""
    # Each group's one-date steps (catalogue.DATE_RULES) right after it, as the engine does.
    _assessment(cols, rules, out)
    _date_rules(cols, rules, "assessment", out)
    _reviews(cols, rules, out)
    _date_rules(cols, rules, "reviews", out)
    _moves(cols, rules, out)
    _date_rules(cols, rules, "moves", out)  # T2
    _appeals(cols, rules, out)
    _date_rules(cols, rules, "appeals", out)
    _date_rules(cols, rules, "orders", out)  # O1-O3


def _assessment(cols: CaseColumns, r: _Rules, out: _Steps) -> None:
    """N1-N5, N4b and the draft-plan target (engine._assessment)."""
    trigger = cols.request_received
    has_trigger = trigger != MISSING
    not_assessed = cols.decision_outcome == DECISION_CODES["not-assess"]
    no_order = (cols.order_assess == MISSING) & (cols.order_plan == MISSING)
    final, draft, not_issue = cols.final_issued, cols.draft_served, cols.not_issue_decision
    # engine._assessment: outstanding advice stops being a deadline once the assessment ends.
    advice_ended = (not_assessed | (not_issue != MISSING) | (final != MISSING)) & no_order
    covers_n1 = cols.has_exception(*EXCEPTIONS_FOR["N1"])
    covers_n2 = cols.has_exception(*EXCEPTIONS_FOR["N2"])
    covers_n3 = cols.has_exception(*EXCEPTIONS_FOR["N3"])
    covers_n5 = cols.has_exception(*EXCEPTIONS_FOR["N5"])
    has_final, has_draft = final != MISSING, draft != MISSING
    # engine._assessment: advice outstanding when the final plan ended the assessment is
    # breached, not "not applicable" (rules section 7).
    final_ended = no_order & ~not_assessed & (not_issue == MISSING) & has_final
    advice = cols.advice
    out_at_final = np.zeros(len(final), dtype=np.bool_)
    out_at_draft = np.zeros(len(final), dtype=np.bool_)
    outstanding_k: list[Mask] = []
    for k in range(advice.width):
        asked, got = advice.dates["requested"][:, k], advice.dates["received"][:, k]
        exists = advice.count > k
        at_final = exists & has_final & (asked <= final) & ((got == MISSING) | (got > final))
        out_at_final |= at_final
        out_at_draft |= exists & has_draft & (asked <= draft) & ((got == MISSING) | (got > draft))
        outstanding_k.append(at_final)
    in_window = has_final & has_draft & (draft <= final) & (final <= draft + 14)

    out.add(
        _slot("N1"),
        has_trigger,
        r.weeks_after(trigger, 6),
        cols.decision_to_assess,
        covered=covers_n1,
    )
    for k in range(advice.width):
        received = advice.dates["received"][:, k]
        breached = final_ended & outstanding_k[k]
        name = f"N2.{k + 1}"
        # A lone request is called plain "N2", and may carry its own warning setting.
        limit = np.where(advice.count == 1, out.warn_limit("N2"), out.warn_limit(name)).astype(
            np.int32
        )
        out.add(
            _slot(name, family="N2", number=k + 1),
            advice.count > k,
            r.weeks_after(advice.dates["requested"][:, k], 6),
            received,
            not_applicable=advice_ended & (received == MISSING) & ~breached,
            covered=covers_n2,
            warn_limit=limit,
            breached=breached,
        )
    consulted = cols.consultations
    for k in range(consulted.width):
        name = f"N4b.{k + 1}"
        limit = np.where(consulted.count == 1, out.warn_limit("N4b"), out.warn_limit(name)).astype(
            np.int32
        )
        out.add(
            _slot(name, family="N4b", number=k + 1),
            consulted.count > k,
            consulted.dates["sent"][:, k] + 14,
            consulted.dates["responded"][:, k],
            warn_limit=limit,
        )
    out.add(
        _slot("N4"),
        draft != MISSING,
        draft + 14,
        np.zeros_like(draft),
        breached=in_window,
    )
    n3_na = (not_issue == MISSING) & (not_assessed | (draft != MISSING) | (final != MISSING))
    out.add(
        _slot("N3"),
        has_trigger,
        r.weeks_after(trigger, 16),
        not_issue,
        not_applicable=n3_na,
        covered=covers_n3,
    )
    n5_due = r.weeks_after(trigger, 20)
    plan_after_all = (final != MISSING) & (final >= trigger)
    n5_na = (not_assessed | (not_issue != MISSING)) & ~plan_after_all
    out.add(
        _slot("N4.target"),
        has_trigger,
        n5_due - np.where(consulted.count > 0, 30, 15).astype(np.int32),
        draft,
        not_applicable=n5_na,
        breached=has_draft & ~n5_na & out_at_draft,
    )
    out.add(
        _slot("N5"),
        has_trigger,
        n5_due,
        np.where(n5_na, MISSING, final).astype(np.int32),
        not_applicable=n5_na,
        covered=covers_n5,
        breached=has_final & ~n5_na & (in_window | out_at_final),
    )


def _reviews(cols: CaseColumns, r: _Rules, out: _Steps) -> None:
    """R1-R8, P1-P3 and T3 (engine._reviews, _phase_transfer, _current_review)."""
    cal = r.cal
    plan_start = _first_known(cols.plan_issued, cols.final_issued)
    moved = cols.plan_transferred
    ceased = cols.ceased != MISSING
    reviews = cols.reviews
    width = reviews.width
    meeting_all = reviews.dates["meeting"]
    decision_all = reviews.dates["decision_sent"]
    amendment_all = reviews.dates["amendment_sent"]
    final_all = reviews.dates["final_amended"]
    outcome_all = reviews.codes["outcome"]
    # The engine sorts reviews by their first known date and ignores ones with none.
    sort_key = _first_known(meeting_all, decision_all, amendment_all, final_all)
    dated = sort_key != MISSING
    # engine._reviews: a dated review means a plan exists, with or without the plan's date.
    implied = dated.any(axis=1) if width else np.zeros(len(plan_start), dtype=np.bool_)
    active = (plan_start != MISSING) | (moved != MISSING) | implied
    has_decision = decision_all != MISSING  # always dated: the decision is in the sort key
    last_decision = _latest(decision_all, has_decision)

    # P1-P3 (reg 18): the review and final amended plan before a phase transfer.
    transfer, kind = cols.phase_transfer, cols.transfer_kind
    has_phase = (
        (transfer != MISSING)
        & (kind != 0)
        & ((plan_start != MISSING) | implied | (cols.request_received == MISSING))
    )
    strict = 1 if r.policy.transfer_deadline == "strict" else 0
    phase_due = np.select(
        [kind == TRANSFER_CODES["school"], kind == TRANSFER_CODES["post16"]],
        [cal.day_in_year(transfer, 2, 15) - strict, cal.day_in_year(transfer, 3, 31) - strict],
        cal.add_months(transfer, -5),
    ).astype(np.int32)
    year_before = cal.add_months(phase_due, -12)
    maintained = outcome_all == REVIEW_OUTCOME_CODES["M"]
    finished = pick(final_all != MISSING, final_all, decision_all * maintained)
    phase_done = _earliest(finished, (finished != MISSING) & (finished > year_before[:, None]))
    phase_na = (phase_done == MISSING) & (ceased | (plan_start > phase_due))
    longstop = np.where(has_phase & ~phase_na, phase_due, MISSING)
    for name, code in (("P1", "school"), ("P2", "post16"), ("P3", "post16-other")):
        out.add(
            _slot(name),
            has_phase & (kind == TRANSFER_CODES[code]),
            phase_due,
            phase_done,
            not_applicable=phase_na,
        )

    base = plan_start
    use_decision = (last_decision != MISSING) & ((base == MISSING) | (last_decision >= base))
    base = np.where(use_decision, last_decision, base)
    base = np.where(active, base, MISSING)

    # T3 (reg 15(5)): the new LA's first review after a transferred plan.
    has_moved = moved != MISSING
    after_move = has_decision & (decision_all >= moved[:, None])
    first_after = _earliest(decision_all, after_move)
    before_move = _latest(decision_all, has_decision & ~after_move)
    cycle = np.maximum(before_move, plan_start)
    three = r.months_starting_with(moved, 3)
    t3_due = np.where(cycle == MISSING, three, np.maximum(three, r.review_due(cycle)))
    out.add(
        _slot("T3"),
        has_moved,
        t3_due.astype(np.int32),
        first_after,
        not_applicable=ceased & (first_after == MISSING),
    )
    # While T3 runs it is this cycle's review, so R1 and R8 do not apply.
    cycle_na = ceased | (has_moved & (first_after == MISSING))

    has_base = base != MISSING
    r1_due = r.review_due(base)
    brought = (longstop != MISSING) & (base <= longstop) & (longstop < r1_due)
    nothing = np.zeros_like(base)
    out.add(
        _slot("R1"),
        has_base,
        np.where(brought, longstop, r1_due).astype(np.int32),
        nothing,
        not_applicable=cycle_na,
    )
    dob = cols.date_of_birth
    under5_due = cal.add_months(base, r.policy.under5_review_months)
    out.add(
        _slot("R8"),
        has_base & (dob != MISSING) & (under5_due < cal.add_months(dob, 60)),
        under5_due,
        nothing,
        not_applicable=cycle_na,
    )

    # R2-R7 for the latest review: the last among equal sort keys, as a stable sort leaves it.
    has_review = active & dated.any(axis=1) if width else np.zeros(len(base), dtype=np.bool_)
    if width:
        rank = np.where(dated, sort_key.astype(np.int64) * width + np.arange(width), -1)
        latest = np.argmax(rank, axis=1)[:, None]
    else:
        latest = np.zeros((len(base), 1), dtype=np.intp)

    def of_latest(grid: npt.NDArray[np.int32] | Codes) -> npt.NDArray[np.int32]:
        if not width:
            return np.zeros(len(base), dtype=np.int32)
        return np.take_along_axis(grid, latest, axis=1)[:, 0].astype(np.int32)

    meeting = of_latest(meeting_all)
    sent = of_latest(amendment_all)
    final_amended = of_latest(final_all)
    has_meeting = has_review & (meeting != MISSING)

    def ended(done: Ordinals) -> Mask:
        return np.asarray(ceased & (done == MISSING))

    two_before = r.weeks_before(meeting, 2)
    for name, due, done in (
        ("R2", two_before, "notice_sent"),
        ("R3", two_before, "advice_circulated"),
        ("R4", r.weeks_after(meeting, 2), "report_sent"),
        ("R5", r.weeks_after(meeting, 4), "decision_sent"),
    ):
        done_on = of_latest(reviews.dates[done])
        out.add(
            _slot(name),
            has_meeting,
            due,
            done_on,
            not_applicable=ended(done_on),
        )
    has_sent = sent != MISSING
    out.add(
        _slot("R6"),
        has_review & has_sent,
        sent + 14,
        nothing,
    )
    amending = of_latest(outcome_all) == REVIEW_OUTCOME_CODES["A"]
    by_notice, by_meeting = r.weeks_after(sent, 8), r.weeks_after(meeting, 12)
    r7_due = np.where(
        has_sent & (meeting != MISSING),
        np.minimum(by_notice, by_meeting),
        np.where(has_sent, by_notice, by_meeting),
    )
    anchor = np.where(meeting != MISSING, meeting, sent)
    brought = (longstop != MISSING) & (anchor <= longstop) & (longstop < r7_due)
    out.add(
        _slot("R7"),
        has_review & (has_sent | (amending & (meeting != MISSING))),
        np.where(brought, longstop, r7_due).astype(np.int32),
        final_amended,
        not_applicable=ended(final_amended),
    )


def _date_rules(cols: CaseColumns, r: _Rules, group: str, out: _Steps) -> None:
    """engine._date_rules: the one-date steps of a rule group, from catalogue.DATE_RULES."""
    for rule in date_rules(group):
        start = getattr(cols, rule.after)
        if rule.weeks:
            due = r.weeks_after(start, rule.count)
        else:
            due = r.cal.add_working_days(start, rule.count)
        excused_by = EXCEPTIONS_FOR.get(rule.step)
        done = getattr(cols, rule.done)
        if rule.done_from_start:
            done = _on_or_after(done, start)
        other_road: Mask | None = None
        for name in rule.unless:
            recorded = _on_or_after(getattr(cols, name), start) != MISSING
            other_road = recorded if other_road is None else other_road | recorded
        out.add(
            _slot(rule.step),
            start != MISSING,
            due,
            done,
            not_applicable=None if other_road is None else other_road & (done == MISSING),
            covered=cols.has_exception(*excused_by) if excused_by else None,
        )


def _moves(cols: CaseColumns, r: _Rules, out: _Steps) -> None:
    """T1-T2 (engine._moves)."""
    move, aware = cols.move_date, cols.aware_of_move
    short_notice = (aware != MISSING) & (r.cal.working_days_between(aware, move) < 15)
    out.add(
        _slot("T1"),
        move != MISSING,
        np.where(short_notice, r.cal.working_days_within(aware, 15), move).astype(np.int32),
        cols.plan_transferred,
    )


def _appeals(cols: CaseColumns, r: _Rules, out: _Steps) -> None:
    """A1-A4 (engine._appeals)."""
    cal = r.cal
    not_assessed = cols.decision_outcome == DECISION_CODES["not-assess"]
    decision = cols.decision_sent
    decision = np.where((decision == MISSING) & not_assessed, cols.decision_to_assess, decision)
    decision = _first_known(decision, cols.not_issue_decision)
    has_decision = decision != MISSING
    requested, declined = cols.mediation_requested, cols.mediation_declined
    certificate = cols.certificate_issued
    contacted = np.stack([requested, declined, certificate], axis=1)
    plain = cal.add_months(decision, 2)
    out.add(
        _slot("A1"),
        has_decision,
        plain,
        _earliest(contacted, contacted != MISSING),
    )
    latest = np.where(
        certificate != MISSING, np.maximum(plain, cal.add_months(certificate, 1)), plain
    ).astype(np.int32)
    out.add(
        _slot("A2"),
        has_decision,
        r.tribunal_deadline(latest),
        cols.appeal_lodged,
    )
    out.add(
        _slot("A4"),
        requested != MISSING,
        requested + 30,
        cols.mediation_held,
    )
    trigger = _first_known(declined, cols.mediation_held)
    if r.policy.certificate_count == "same-day":
        certificate_due = cal.working_days_within(trigger, 3)
    else:
        certificate_due = cal.add_working_days(trigger, 3)
    out.add(
        _slot("A3"),
        trigger != MISSING,
        certificate_due,
        certificate,
    )


def _stages(cols: CaseColumns) -> Codes:
    """engine.stage_of for every case: the first matching rule wins."""
    no_order = (cols.order_assess == MISSING) & (cols.order_plan == MISSING)
    stage = np.select(
        [
            cols.ceased != MISSING,
            (cols.final_issued != MISSING)
            | (cols.plan_issued != MISSING)
            | (cols.plan_transferred != MISSING),
            cols.draft_served != MISSING,
            (cols.not_issue_decision != MISSING) & (cols.order_plan == MISSING),
            (cols.decision_outcome == DECISION_CODES["not-assess"]) & no_order,
            (cols.decision_to_assess != MISSING)
            | (cols.decision_outcome != 0)
            | ~no_order
            | (cols.advice.count > 0),
        ],
        [
            STAGES.index(s)
            for s in ("Ceased", "Plan", "Draft plan", "Not issued", "Not assessed", "Assessment")
        ],
        STAGES.index("Request"),
    )
    return stage.astype(np.int8)
