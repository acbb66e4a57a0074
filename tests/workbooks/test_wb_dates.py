"""The tracker date parser: formats people type, empties, US order, and nonsense rejected."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from send_desktop.workbooks.dates import DateError, is_empty, parse_date

JAN6 = dt.date(2025, 1, 6)


@pytest.mark.parametrize(
    "text",
    [
        "06/01/2025",
        "6/1/2025",
        "6/1/25",
        "06-01-2025",
        "6.1.2025",
        "2025-01-06",
        "2025-01-06 00:00:00",
        "2025-01-06T00:00:00",
        "6 Jan 2025",
        "6 January 2025",
        "6th January 2025",
        "6-Jan-25",
        "Monday 6 January 2025",
        "Mon 6 Jan 2025",
        "January 6, 2025",
        "  6 JAN 2025 ",
        45663,
        "45663",
        dt.datetime(2025, 1, 6, 0, 0),
        JAN6,
    ],
)
def test_formats_read_as_6_january_2025(text: object) -> None:
    assert parse_date(text)[0] == JAN6


@pytest.mark.parametrize("blank", [None, "", "  ", "N/A", "n/a", "NA", "-", "TBC", "tbc", "—"])
def test_empty_markers_are_empty_not_errors(blank: object) -> None:
    assert is_empty(blank)
    assert parse_date(blank) == (None, None)


def test_ambiguous_numeric_dates_follow_the_chosen_order() -> None:
    assert parse_date("03/04/2025")[0] == dt.date(2025, 4, 3)
    assert parse_date("03/04/2025", dayfirst=False)[0] == dt.date(2025, 3, 4)


def test_us_order_only_when_unambiguous_and_with_a_note() -> None:
    day, note = parse_date("01/13/2025")
    assert day == dt.date(2025, 1, 13)
    assert note is not None and "US" in note
    day, note = parse_date("13/01/2025", dayfirst=False)
    assert day == dt.date(2025, 1, 13)
    assert note is not None and "UK" in note


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("31/02/2025", "not a real date"),
        ("13/13/2025", "no month 13"),
        ("next week", "not a date"),
        ("yes", "not a date"),
        (True, "TRUE"),
        (3.5, "number 3.5"),
        (0, "number 0"),
        ("01/01/1900", "not a plausible date"),
        (dt.time(9, 30), "expected a date"),
        ("x" * 10_000, "not a date"),
    ],
)
def test_nonsense_is_a_clear_error(value: object, words: str) -> None:
    with pytest.raises(DateError, match=words):
        parse_date(value)


def test_long_text_is_shortened_in_the_message() -> None:
    with pytest.raises(DateError) as caught:
        parse_date("y" * 10_000)
    assert len(str(caught.value)) < 120


dates = st.dates(min_value=dt.date(1969, 1, 1), max_value=dt.date(2068, 12, 31))


@settings(max_examples=200, deadline=None)
@given(dates, st.sampled_from(["/", "-", "."]), st.booleans(), st.booleans())
def test_round_trip_numeric_dayfirst(day: dt.date, sep: str, pad: bool, short: bool) -> None:
    d = f"{day.day:02d}" if pad else str(day.day)
    m = f"{day.month:02d}" if pad else str(day.month)
    y = f"{day.year % 100:02d}" if short else str(day.year)
    assert parse_date(f"{d}{sep}{m}{sep}{y}")[0] == day
    assert parse_date(f"{m}{sep}{d}{sep}{y}", dayfirst=False)[0] == day


@settings(max_examples=200, deadline=None)
@given(dates, st.sampled_from(["%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%A %d %B %Y", "%b %d, %Y"]))
def test_round_trip_written_formats(day: dt.date, fmt: str) -> None:
    assert parse_date(day.strftime(fmt))[0] == day
    assert parse_date(day.strftime(fmt).upper())[0] == day


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_date_none_or_a_date_error(text: str) -> None:
    try:
        day, note = parse_date(text)
    except DateError as exc:
        assert str(exc)
        return
    assert day is None or 1950 <= day.year <= 2099
    assert note is None or isinstance(note, str)
