"""The import's faster paths give what the general ones give (issue 15, the 2.0x import).

Each shortcut is compared with the code it stands in for: an insert's audit fields with
audit_fields, the store's quick acceptance of a date with order.date_problem, the plain
inline-string cell with openpyxl's own parse_cell, the paused collector with the state it
found. The whole import on the bench's tracker shape is compared with the one-row-at-a-time
store path in test_wb_bulk.py (test_bulk_equals_rowwise_on_the_bench_tracker_shape).
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import threading
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet._reader import WorkSheetParser

from send_desktop.errors import KnownError
from send_desktop.store.audit import audit_fields, inserted_fields
from send_desktop.store.models import Case, CaseNote, Child
from send_desktop.store.rules import RECORDS, check_row
from send_desktop.timeline import order
from send_desktop.workbooks.dates import EARLIEST_YEAR, LATEST_YEAR, DateError, parse_date
from send_desktop.workbooks.tracker import _NotingFormulas, collector_paused

_VALUES = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-5, 10**6),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(),
)


@settings(max_examples=300, deadline=None)
@given(values=st.dictionaries(st.text(min_size=1, max_size=8), _VALUES, max_size=12))
def test_inserted_fields_are_the_audit_fields_of_an_insert(values: dict[str, Any]) -> None:
    pairs = {k: (None, v) for k, v in values.items() if v is not None}
    assert inserted_fields(values) == audit_fields("insert", pairs)


def _problem(model: type[Any], values: dict[str, Any], as_of: dt.date) -> str | None:
    try:
        check_row(model, values, values, as_of)
    except KnownError as exc:
        return str(exc)
    return None


_EDGES = [order.EARLIEST, order.LATEST]
_DAYS = st.one_of(
    st.dates(),
    st.sampled_from(_EDGES).flatmap(
        lambda d: (
            st.integers(-2, 2).map(lambda n: d + dt.timedelta(days=n))
            if dt.date.min + dt.timedelta(days=2) < d < dt.date.max - dt.timedelta(days=2)
            else st.just(d)
        )
    ),
)


@settings(max_examples=400, deadline=None)
@given(
    day=_DAYS, as_of=st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)), ahead=st.integers(-3, 3)
)
def test_a_date_the_store_lets_through_is_one_date_problem_finds_nothing_wrong_with(
    day: dt.date, as_of: dt.date, ahead: int
) -> None:
    """check_row's quick acceptance of a date and order.date_problem agree, for a date that
    may never be in the future (date of birth) and for one that may be up to a year ahead,
    around today, a year ahead and the accepted range's ends; the message is date_problem's."""
    near = as_of + order.FUTURE_LIMIT + dt.timedelta(days=ahead)
    for when in (day, as_of + dt.timedelta(days=ahead), near):
        child = {"first_name": "Ann", "last_name": "Lee", "date_of_birth": when}
        assert _problem(Child, child, as_of) == order.date_problem(
            "date_of_birth", when, as_of, RECORDS[Child].scope
        )
        note = {"text": "seen", "written": when, "author": "A"}
        assert _problem(CaseNote, note, as_of) == order.date_problem(
            "written", when, as_of, RECORDS[CaseNote].scope
        )


def test_the_store_still_refuses_a_case_date_out_of_range() -> None:
    values = {"ref": "EHC-1", "request_received": dt.date(1899, 12, 31)}
    with pytest.raises(KnownError, match="outside the dates SEND Desktop accepts"):
        check_row(Case, values, {**values, "child_id": 1}, dt.date(2025, 6, 1))


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="<>&"), max_size=10
)


@st.composite
def _inline_cells(draw: st.DrawFn) -> str:
    """An inline-string cell as Excel, LibreOffice, openpyxl and scripts write them."""
    attrs = ' t="inlineStr"'
    if draw(st.booleans()):
        attrs += f' r="{draw(st.sampled_from(["A1", "C7", "AB120"]))}"'
    if draw(st.booleans()):
        attrs += f' s="{draw(st.integers(0, 30))}"'
    shape = draw(st.sampled_from(["plain", "empty", "spaced", "runs", "phonetic", "none", "bare"]))
    text = draw(_TEXT)
    body = {
        "plain": f"<is><t>{text}</t></is>",
        "empty": "<is><t/></is>",
        "spaced": f'<is><t xml:space="preserve"> {text} </t></is>',
        "runs": f"<is><r><rPr><b/></rPr><t>{text}</t></r><r><t>{draw(_TEXT)}</t></r></is>",
        "phonetic": f"<is><t>{text}</t><rPh sb='0' eb='1'><t>x</t></rPh></is>",
        "none": "",
        "bare": "<is/>",
    }[shape]
    return f'<c xmlns="{_NS}"{attrs}>{body}</c>'


def _parser(kind: type[WorkSheetParser]) -> WorkSheetParser:
    parser = kind(io.BytesIO(b""), [], data_only=True)
    parser.row_counter, parser.col_counter = 4, 2
    return parser


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(_inline_cells(), min_size=1, max_size=4))
def test_an_inline_string_cell_reads_as_openpyxl_reads_it(cells: list[str]) -> None:
    ours, theirs = _parser(_NotingFormulas), _parser(WorkSheetParser)
    for xml in cells:
        element = ET.fromstring(xml)
        assert ours.parse_cell(element) == theirs.parse_cell(element)
        assert ours.col_counter == theirs.col_counter


def test_the_collector_is_paused_while_reading_and_put_back_as_it_was() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # off before, so left off
    finally:
        gc.enable()
    with pytest.raises(KnownError), collector_paused():
        raise KnownError("a refused tracker")
    assert gc.isenabled()


def test_two_threads_pausing_the_collector_leave_it_on_when_both_end() -> None:
    inside = threading.Barrier(2)
    leave = threading.Event()

    def hold() -> None:
        with collector_paused():
            inside.wait()
            leave.wait(5)

    other = threading.Thread(target=hold)
    other.start()
    with collector_paused():
        inside.wait()
    assert not gc.isenabled()  # the other thread's import is still running
    leave.set()
    other.join()
    assert gc.isenabled()


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.dates(), st.datetimes()))
def test_a_date_cell_reads_as_its_day_or_is_refused_naming_it(value: dt.date) -> None:
    """parse_date's quick return for a plausible date cell, and the same refusal as before
    (the cell's text as dd/mm/yyyy and its year) for any other."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        assert parse_date(value) == (day, None)
    else:
        with pytest.raises(DateError) as refused:
            parse_date(value)
        assert str(refused.value).startswith(f"'{value.strftime('%d/%m/%Y')}' is not a plausible")
        assert f"(year {day.year};" in str(refused.value)
