"""Cell sanitising: formula-like text, control characters, Excel's length limit, sheet titles."""

from __future__ import annotations

import pytest

from send_desktop.workbooks.cells import EXCEL_MAX_TEXT, clean_text, looks_like_formula, sheet_title


@pytest.mark.parametrize("text", ["=1+1", "+44 7700", "-5", "@SUM(A1)", "\tx", "\rx", "#N/A"])
def test_formula_like_text_is_detected(text: str) -> None:
    assert looks_like_formula(text)


@pytest.mark.parametrize("text", ["Jane", "O'Neil", "a=b", "1+1", ""])
def test_ordinary_text_is_not(text: str) -> None:
    assert not looks_like_formula(text)


def test_clean_text_drops_control_characters_and_cuts_to_excel_limit() -> None:
    assert clean_text("a\x00b\x07c\td") == "abc\td"
    long = clean_text("x" * (EXCEL_MAX_TEXT + 10))
    assert len(long) == EXCEL_MAX_TEXT
    assert long.endswith("too long for Excel]")
    assert clean_text("y" * 10_000) == "y" * 10_000


def test_sheet_titles_are_legal_and_unique() -> None:
    taken: set[str] = {"Summary"}
    assert sheet_title("Amy/Brown: [team]?", taken) == "Amy Brown   team"
    first = sheet_title("A" * 40, taken)
    second = sheet_title("A" * 40, taken)
    assert len(first) == len(second) == 31
    assert first != second
    assert sheet_title("summary", taken) == "summary (2)"
