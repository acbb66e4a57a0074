"""How the law counts periods (rules section 1: W, D, M, MS, F, WD) and England's working days."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from send_desktop.timeline import bank_holidays
from send_desktop.timeline.model import Policy

_ONE_DAY = timedelta(days=1)
# relativedelta arithmetic costs microseconds; a caseload repeats the same few thousand dates,
# so month counts are cached (they are pure functions of their arguments).

# Ordinals of England's bank holidays, filled a year at a time: `holidays` builds a year in
# about a millisecond, far too slow to do per case when a caseload of 100,000 loads.
_BANK_HOLIDAYS: set[int] = set()
_YEARS_LOADED: set[int] = set()


def _load_year(year: int) -> None:
    # The package's own days, from its table in timeline/bank_holidays.py when the installed
    # version is the one it was read from (importing `holidays` holds about 4 MB of every
    # country's calendars); else the package itself, imported here (about 0.2 s).
    days = bank_holidays.england(year)
    if days is None:
        import holidays

        days = list(holidays.country_holidays("GB", subdiv="ENG", years=year))
    _BANK_HOLIDAYS.update(day.toordinal() for day in days)
    _YEARS_LOADED.add(year)


def is_bank_holiday(day: date) -> bool:
    """A bank holiday in England (Christmas, Good Friday and substitute days included)."""
    if day.year not in _YEARS_LOADED:
        _load_year(day.year)
    return day.toordinal() in _BANK_HOLIDAYS


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday in England."""
    return day.weekday() < 5 and not is_bank_holiday(day)


def next_working_day(day: date) -> date:
    """The day itself if it is a working day, else the next one."""
    while not is_working_day(day):
        day += _ONE_DAY
    return day


@lru_cache(maxsize=8192)
def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (start itself not counted; count 0 -> start)."""
    day = start
    while count > 0:
        day += _ONE_DAY
        if is_working_day(day):
            count -= 1
    return day


def working_days_within(start: date, count: int) -> date:
    """Last day of "N working days beginning with" `start`: start counts if it is a working day."""
    return add_working_days(next_working_day(start), count - 1)


def working_days_between(start: date, end: date) -> int:
    """Working days in start .. end-1 (how many working days `start` is before `end`)."""
    count = 0
    day = start
    while day < end:
        if is_working_day(day):
            count += 1
        day += _ONE_DAY
    return count


def weeks_after(trigger: date, weeks: int, policy: Policy) -> date:
    """W: "within N weeks of X" - X + 7N days, the day of X excluded (Dodds v Walker [1981]).

    Under the inclusive reading the day of X is day 1, so the period ends one day earlier.
    """
    return trigger + _week_span(weeks, policy.week_start == "inclusive")


@lru_cache(maxsize=256)
def _week_span(weeks: int, inclusive: bool) -> timedelta:
    # Cached: building a timedelta costs more than looking one up, on the caseload's hot path.
    return timedelta(days=7 * weeks - (1 if inclusive else 0))


def weeks_before(event: date, weeks: int, policy: Policy) -> date:
    """W back: the latest day that is "at least N weeks before" the event.

    The inclusive reading makes every week count one day stricter, here as well as forwards.
    """
    days = 7 * weeks + (1 if policy.week_start == "inclusive" else 0)
    return event - timedelta(days=days)


def days_window(start: date, days: int) -> date:
    """D: last day of "at least N days, beginning with the day X" (X .. X + N-1)."""
    return start + timedelta(days=days - 1)


@lru_cache(maxsize=65536)
def months_after(trigger: date, months: int) -> date:
    """M: the corresponding date N months later, else the last day of that shorter month."""
    moved: date = trigger + relativedelta(months=months)
    return moved


@lru_cache(maxsize=65536)
def months_before(event: date, months: int) -> date:
    """M back: the corresponding date N months earlier (last day of a shorter month)."""
    moved: date = event - relativedelta(months=months)
    return moved


@lru_cache(maxsize=65536)
def months_starting_with(start: date, months: int) -> date:
    """MS: last day of "the period of N months starting with" `start`.

    The period ends the day before the corresponding date; where that month has no
    corresponding date (29 Feb, 31st) the period ends on the month's last day.
    """
    end: date = start + relativedelta(months=months)
    if end.day != start.day:
        return end
    return end - _ONE_DAY


def review_due(start: date, policy: Policy) -> date:
    """R1: the review year from `start`, strict (CFA s.44 "starting with") or the anniversary."""
    if policy.review_year == "anniversary":
        return months_after(start, 12)
    return months_starting_with(start, 12)


def transfer_deadline(transfer: date, kind: str, policy: Policy) -> date:
    """F: reg 18's "before 15 February" (school) or "before 31 March" (post-16) of the transfer year.

    Strict: the day before. "by" (some authorities' reading): the date itself.
    """
    day = date(transfer.year, 2, 15) if kind == "school" else date(transfer.year, 3, 31)
    return day - _ONE_DAY if policy.transfer_deadline == "strict" else day


def certificate_due(trigger: date, policy: Policy) -> date:
    """A3: the mediation certificate within 3 working days.

    Default: counted from the next working day (the day of the trigger is not day 1); the
    "same-day" reading counts the trigger day when it is itself a working day.
    """
    if policy.certificate_count == "same-day":
        return working_days_within(trigger, 3)
    return add_working_days(trigger, 3)


def tribunal_deadline(day: date) -> date:
    """FtT r.12: a time limit ending 25 Dec-1 Jan or in August, or on a non-working day, moves on."""
    if (day.month == 12 and day.day >= 25) or (day.month == 1 and day.day == 1):
        year = day.year + 1 if day.month == 12 else day.year
        return next_working_day(date(year, 1, 2))
    if day.month == 8:
        return next_working_day(date(day.year, 9, 1))
    return next_working_day(day)


# Spelled out rather than strftime("%a"), which follows the process locale.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def long_date(day: date) -> str:
    """ "Mon 26 May 2025": how a caseworker reads a date."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def school_year_start(day: date) -> int:
    """The calendar year in which the school year holding `day` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def national_curriculum_year(date_of_birth: date, on: date) -> int:
    """NCY in the school year containing `on`: Reception = 0, nursery negative, Year 12 = 12.

    A child starts Reception in the September after their fourth birthday, so the year is the
    child's age on the 31 August before the school year began, minus 4 (Year 1 is the year a
    child starts aged 5 on 31 August).
    """
    cutoff = date(school_year_start(on), 8, 31)
    age = cutoff.year - date_of_birth.year
    if (date_of_birth.month, date_of_birth.day) > (cutoff.month, cutoff.day):
        age -= 1
    return age - 4
