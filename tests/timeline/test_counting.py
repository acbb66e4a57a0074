"""The counting rules of rules section 1, on the rules' own examples and England's bank holidays."""

from __future__ import annotations

from datetime import date

import pytest

from send_desktop.timeline import Policy
from send_desktop.timeline import counting as c

INCLUSIVE = Policy(week_start="inclusive")


def test_w_within_weeks_excludes_the_day_and_keeps_the_weekday() -> None:
    # Rules W: request Mon 6 Jan 2025 -> 20 weeks = Mon 26 May 2025.
    assert c.weeks_after(date(2025, 1, 6), 20, Policy()) == date(2025, 5, 26)
    # The inclusive reading ("receipt day = day 1") ends one day earlier.
    assert c.weeks_after(date(2025, 1, 6), 20, INCLUSIVE) == date(2025, 5, 25)


def test_w_ipsea_four_weeks_from_1_november() -> None:
    assert c.weeks_after(date(2024, 11, 1), 4, Policy()) == date(2024, 11, 29)
    assert c.weeks_after(date(2024, 11, 1), 4, INCLUSIVE) == date(2024, 11, 28)


def test_w_back_at_least_two_weeks_before() -> None:
    assert c.weeks_before(date(2024, 11, 1), 2, Policy()) == date(2024, 10, 18)
    assert c.weeks_before(date(2024, 11, 1), 2, INCLUSIVE) == date(2024, 10, 17)


def test_d_window_begins_with_the_day() -> None:
    # Rules D: draft served Mon 3 Mar 2025 -> window ends Mon 17 Mar; finalise from Tue 18 Mar.
    assert c.days_window(date(2025, 3, 3), 15) == date(2025, 3, 17)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 12, 31), 2, date(2026, 2, 28)),  # the rules' M example
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 10, 1), 2, date(2025, 12, 1)),
    ],
)
def test_m_corresponding_date_or_month_end(start: date, months: int, expected: date) -> None:
    assert c.months_after(start, months) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2019, 1, 1), date(2019, 12, 31)),  # the rules' MS example
        (date(2023, 3, 1), date(2024, 2, 29)),  # the day before 1 Mar in a leap year
        (date(2024, 2, 29), date(2025, 2, 28)),  # no 29 Feb 2025: the month's last day
        (date(2024, 6, 15), date(2025, 6, 14)),
    ],
)
def test_ms_period_starting_with(start: date, expected: date) -> None:
    assert c.months_starting_with(start, 12) == expected
    assert c.review_due(start, Policy()) == expected


def test_review_year_anniversary_policy() -> None:
    assert c.review_due(date(2019, 1, 1), Policy(review_year="anniversary")) == date(2020, 1, 1)


def test_f_before_15_february_and_31_march() -> None:
    # Rules F: transfer Sept 2026 -> 14 Feb 2026.
    sept = date(2026, 9, 1)
    assert c.transfer_deadline(sept, "school", Policy()) == date(2026, 2, 14)
    assert c.transfer_deadline(sept, "post16", Policy()) == date(2026, 3, 30)
    by = Policy(transfer_deadline="by")
    assert c.transfer_deadline(sept, "school", by) == date(2026, 2, 15)
    assert c.transfer_deadline(sept, "post16", by) == date(2026, 3, 31)


def test_wd_england_bank_holidays() -> None:
    assert c.is_bank_holiday(date(2025, 5, 26))  # spring bank holiday
    assert c.is_bank_holiday(date(2025, 4, 18))  # Good Friday
    assert not c.is_bank_holiday(date(2025, 3, 17))  # St Patrick's Day: Northern Ireland only
    assert not c.is_bank_holiday(date(2025, 8, 4))  # Scotland's summer holiday only
    assert not c.is_working_day(date(2025, 5, 24))  # Saturday
    assert c.add_working_days(date(2025, 12, 24), 3) == date(2025, 12, 31)
    assert c.working_days_within(date(2025, 12, 24), 3) == date(2025, 12, 30)
    assert c.working_days_between(date(2025, 12, 22), date(2026, 1, 5)) == 7


def test_certificate_counting_policy() -> None:
    declined = date(2025, 12, 24)
    assert c.certificate_due(declined, Policy()) == date(2025, 12, 31)
    assert c.certificate_due(declined, Policy(certificate_count="same-day")) == date(2025, 12, 30)
    # A trigger on a non-working day: both readings start on the next working day.
    sat = date(2025, 3, 1)
    assert c.certificate_due(sat, Policy()) == date(2025, 3, 5)
    assert c.certificate_due(sat, Policy(certificate_count="same-day")) == date(2025, 3, 5)


@pytest.mark.parametrize(
    ("nominal", "expected"),
    [
        (
            date(2025, 12, 29),
            date(2026, 1, 2),
        ),  # IPSEA: 25 Dec-1 Jan -> first working day after 1 Jan
        (date(2026, 1, 1), date(2026, 1, 2)),
        (date(2025, 8, 12), date(2025, 9, 1)),  # August -> first working day after 31 Aug
        (date(2026, 8, 31), date(2026, 9, 1)),  # 31 Aug 2026 is also a bank holiday
        (date(2025, 5, 24), date(2025, 5, 27)),  # Saturday before a bank holiday Monday
        (date(2025, 5, 23), date(2025, 5, 23)),  # a working day stays
    ],
)
def test_tribunal_deadline_moves(nominal: date, expected: date) -> None:
    assert c.tribunal_deadline(nominal) == expected


def test_long_date_reads_naturally() -> None:
    assert c.long_date(date(2025, 5, 26)) == "Mon 26 May 2025"
    assert c.long_date(date(2026, 1, 2)) == "Fri 2 Jan 2026"
