"""Calendar lookup tables that let the bulk clock path count months and working days with arrays.

Dates are Python proleptic ordinals (`date.toordinal()`) held in int32 arrays; `MISSING` (0) marks
an absent date and every function here passes it through unchanged. The tables cover whole years
and grow on demand, so any date a case can hold is looked up, never approximated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from send_desktop.timeline.counting import is_working_day, tribunal_deadline

Ordinals = npt.NDArray[np.int32]
Mask = npt.NDArray[np.bool_]

MISSING: Final = 0
# Far beyond any real deadline: lets "earliest of" reductions ignore missing dates.
FAR_FUTURE: Final = date(9999, 12, 31).toordinal()

# Wide enough for every case a team holds (requests from 2000, plans running to age 25) without
# regrowing; a date outside it widens the table rather than failing.
DEFAULT_FIRST_YEAR: Final = 1990
DEFAULT_LAST_YEAR: Final = 2080


Codes = npt.NDArray[np.int8]


def pick(mask: Mask, chosen: Ordinals | np.int32, other: Ordinals | np.int32) -> Ordinals:
    """np.where(mask, chosen, other) for date ordinals (int32), without branches.

    np.where costs several times more than arithmetic when the mask is irregular, as a
    caseload's masks are; chosen * m + other * (1 - m) does the same in four flat passes and
    cannot overflow (one term is always 0). Pass numpy scalars, not Python ints, so the result
    keeps the arrays' dtype.
    """
    m = mask.view(np.int8)
    return np.asarray(chosen * m + other * (1 - m), dtype=np.int32)


def pick_code(mask: Mask, chosen: Codes | np.int8, other: Codes | np.int8) -> Codes:
    """`pick` for small-int code arrays (int8)."""
    m = mask.view(np.int8)
    return np.asarray(chosen * m + other * (1 - m), dtype=np.int8)


@dataclass(frozen=True, slots=True)
class CalendarTable:
    """Per-day and per-month facts for the years first_year..last_year inclusive."""

    first_year: int
    last_year: int
    first: int  # ordinal of 1 January of first_year
    last: int  # ordinal of 31 December of last_year
    year: npt.NDArray[np.int16]  # per day
    month_index: npt.NDArray[np.int32]  # per day: months since January of first_year
    day_of_month: npt.NDArray[np.int32]  # per day
    month_start: Ordinals  # per month index (one extra entry): ordinal of its first day
    working: Mask  # per day: Monday-Friday and not an England bank holiday
    working_before: npt.NDArray[np.int32]  # per day: working days from `first` up to the day before
    working_days: Ordinals  # the ordinals of every working day, ascending

    @classmethod
    def build(cls, first_year: int, last_year: int) -> CalendarTable:
        first = date(first_year, 1, 1).toordinal()
        last = date(last_year, 12, 31).toordinal()
        days = np.arange(first, last + 1, dtype=np.int32)
        as_days = (days - _EPOCH).astype("datetime64[D]")
        months = as_days.astype("datetime64[M]")
        years = months.astype("datetime64[Y]")
        month_index = (months - np.datetime64(f"{first_year}-01", "M")).astype(np.int32)
        day_of_month = (as_days - months.astype("datetime64[D]")).astype(np.int32) + 1
        year = (years.astype(np.int64) + 1970).astype(np.int16)
        month_count = (last_year - first_year + 1) * 12
        month_start = (
            np.arange(month_count + 1, dtype=np.int64).astype("datetime64[M]")
            + (np.datetime64(f"{first_year}-01", "M") - np.datetime64("1970-01", "M"))
        ).astype("datetime64[D]").astype(np.int64).astype(np.int32) + _EPOCH
        # The scalar engine's own test, so both paths agree on every bank holiday by construction.
        working = np.fromiter(
            (is_working_day(date.fromordinal(int(o))) for o in days),
            dtype=np.bool_,
            count=len(days),
        )
        counted = np.cumsum(working, dtype=np.int32)
        working_before = counted - working.astype(np.int32)
        return cls(
            first_year=first_year,
            last_year=last_year,
            first=first,
            last=last,
            year=year,
            month_index=month_index,
            day_of_month=day_of_month,
            month_start=month_start,
            working=working,
            working_before=working_before,
            working_days=days[working],
        )

    def covers(self, low: int, high: int) -> bool:
        return self.first <= low and high <= self.last

    def _offset(self, ords: Ordinals) -> npt.NDArray[np.intp]:
        # Missing (and masked-out) dates look up the table's edge; callers restore MISSING.
        return np.clip(ords - self.first, 0, len(self.working) - 1).astype(np.intp)

    def add_months(self, ords: Ordinals, months: int | npt.NDArray[np.integer]) -> Ordinals:
        """The corresponding date `months` later (or earlier if negative), clipped to month end."""
        at = self._offset(ords)
        target = self.month_index[at] + months
        target = np.clip(target, 0, len(self.month_start) - 2)
        length = self.month_start[target + 1] - self.month_start[target]
        result = self.month_start[target] + np.minimum(self.day_of_month[at], length) - 1
        return np.asarray(result * (ords != MISSING), dtype=np.int32)

    def _index(self, ords: Ordinals) -> npt.NDArray[np.intp]:
        return np.minimum(np.asarray(ords, dtype=np.intp), len(self.working_days) - 1)

    def next_working_day(self, ords: Ordinals) -> Ordinals:
        """The day itself if it is a working day, else the next one."""
        at = self._offset(ords)
        found = self.working_days[self._index(self.working_before[at])]
        return np.asarray(found * (ords != MISSING), dtype=np.int32)

    def add_working_days(self, ords: Ordinals, count: int) -> Ordinals:
        """The count-th working day after the day (the day itself not counted; 0 -> the day)."""
        if count <= 0:
            return ords
        at = self._offset(ords)
        index = self.working_before[at] + self.working[at] + (count - 1)
        found = self.working_days[self._index(index)]
        return np.asarray(found * (ords != MISSING), dtype=np.int32)

    def working_days_within(self, ords: Ordinals, count: int) -> Ordinals:
        """Last day of "count working days beginning with" the day (it counts if working)."""
        at = self._offset(ords)
        found = self.working_days[self._index(self.working_before[at] + (count - 1))]
        return np.asarray(found * (ords != MISSING), dtype=np.int32)

    def working_days_between(self, start: Ordinals, end: Ordinals) -> npt.NDArray[np.int32]:
        """Working days in start .. end-1 (none when end is not after start)."""
        gap = self.working_before[self._offset(end)] - self.working_before[self._offset(start)]
        return np.asarray(np.maximum(gap, 0), dtype=np.int32)

    def tribunal_deadline(self, ords: Ordinals) -> Ordinals:
        """FtT r.12 applied to each date (25 Dec-1 Jan, August, non-working days move on).

        Looked up in a per-day table of the scalar rule (`counting.tribunal_deadline`), built
        once per table: the rule is a pure function of the day, so the bulk path cannot drift
        from it. Deliberately not re-derived with masks here.
        """
        moved = _tribunal_days(self.first_year, self.last_year)
        return np.asarray(moved[self._offset(ords)] * (ords != MISSING), dtype=np.int32)

    def month_and_day(self, ords: Ordinals) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        """Calendar month (1-12) and day of month of each date."""
        at = self._offset(ords)
        return (self.month_index[at] % 12 + 1).astype(np.int32), self.day_of_month[at]

    def month_start_of(self, ords: Ordinals, months_on: int = 0) -> Ordinals:
        """The first day of the date's month, or of the month `months_on` later."""
        at = self._offset(ords)
        return self.month_start[self.month_index[at] + months_on]

    def day_in_year(self, ords: Ordinals, month: int, day: int) -> Ordinals:
        """The given month and day in the year of each date (the day must exist in every year)."""
        at = self._offset(ords)
        january = self.month_index[at] - self.month_index[at] % 12
        return np.asarray(self.month_start[january + (month - 1)] + (day - 1), dtype=np.int32)


_EPOCH: Final = date(1970, 1, 1).toordinal()


@lru_cache(maxsize=4)
def _tribunal_days(first_year: int, last_year: int) -> Ordinals:
    first = date(first_year, 1, 1).toordinal()
    last = date(last_year, 12, 31).toordinal()
    return np.fromiter(
        (tribunal_deadline(date.fromordinal(o)).toordinal() for o in range(first, last + 1)),
        dtype=np.int32,
        count=last - first + 1,
    )


@lru_cache(maxsize=4)
def _table(first_year: int, last_year: int) -> CalendarTable:
    return CalendarTable.build(first_year, last_year)


def calendar_for(low: int, high: int) -> CalendarTable:
    """A table covering the ordinals low..high (with a year of slack for deadlines after them)."""
    first_year, last_year = DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR
    if low != MISSING and low < date(first_year, 1, 1).toordinal():
        first_year = date.fromordinal(low).year - 1
    if high > date(last_year - 2, 12, 31).toordinal():
        last_year = min(date.fromordinal(min(high, FAR_FUTURE)).year + 3, 9999)
    return _table(first_year, last_year)
