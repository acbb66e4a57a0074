"""The table writer's typed cells (export._typed_cell) are the cells openpyxl's value setter makes.

A table sets the data type of numbers, and of dates in a date-formatted column, directly
instead of through Cell.value (export._DATES / _NUMBERS); for every such value the cell, and
the sheet XML written from it, must be what the setter would have made.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import partial

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from send_desktop.workbooks.export import (
    _DATES,
    _NUMBERS,
    _cell,
    _Styles,
    _typed_cell,
    _values_to_row,
)

VALUES = st.one_of(
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 12, 31)),
    st.booleans(),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=5),  # as cleaned
)


def _sheet_xml(cells: list[object]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("T")
    sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml")


@settings(max_examples=200, deadline=None)
@given(values=st.lists(VALUES, min_size=1, max_size=6), dated=st.booleans())
def test_typed_cells_equal_the_value_setters(values: list[object], dated: bool) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("T")
    assert isinstance(sheet, WriteOnlyWorksheet)
    styles = _Styles(sheet)
    style, types = (styles.date, _DATES) if dated else (styles.int, _NUMBERS)
    for value in values:
        kind = types.get(type(value))
        if kind is None:
            continue  # written through _cell, as before
        fast, slow = _typed_cell(sheet, value, style, kind), _cell(sheet, value, style)
        assert (fast.data_type, fast._value, fast._style) == (
            slow.data_type,
            slow._value,
            slow._style,
        )
        assert fast.number_format == slow.number_format


def test_the_sheet_xml_is_the_same() -> None:
    def cells(fast: bool) -> list[object]:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("T")
        assert isinstance(sheet, WriteOnlyWorksheet)
        styles = _Styles(sheet)
        values: list[tuple[object, object]] = [
            (dt.date(2025, 1, 6), styles.date),
            (dt.datetime(2025, 1, 6, 9, 30), styles.stamp),
            (12, styles.int),
            (0.25, styles.percent),
        ]
        return [
            _typed_cell(sheet, v, s, _DATES[type(v)]) if fast else _cell(sheet, v, s)
            for v, s in values
        ]

    assert _sheet_xml(cells(True)) == _sheet_xml(cells(False))


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.one_of(st.none(), VALUES, st.sampled_from(["styled", "plain cell"]))),
        max_size=5,
    )
)
def test_rows_are_written_as_openpyxl_writes_them(rows: list[list[object]]) -> None:
    """export._values_to_row (no exception per styled cell) writes openpyxl's sheet XML."""

    def xml(patched: bool) -> bytes:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("T")
        assert isinstance(sheet, WriteOnlyWorksheet)
        if patched:
            sheet._values_to_row = partial(_values_to_row, sheet)
        styles = _Styles(sheet)
        for row in rows:
            cells: list[object] = []
            for value in row:
                if value == "styled":
                    cells.append(_cell(sheet, dt.date(2025, 1, 6), styles.date))
                elif value == "plain cell":
                    cells.append(_cell(sheet, 7, styles.text))  # no style: reused by openpyxl
                else:
                    cells.append(value)
            sheet.append(cells)
        out = io.BytesIO()
        book.save(out)
        return zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml")

    assert xml(True) == xml(False)
