"""Header matching: synonyms, case and punctuation, the export's own headers, the header row."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from send_desktop.workbooks.export import caseload_columns
from send_desktop.workbooks.headers import (
    FIELDS,
    apply_hand_mapping,
    find_header_row,
    match_header,
    normalise,
)

ALL_SYNONYMS = [(f.key, s) for f in FIELDS for s in f.synonyms]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Date of request", "request_received"),
        ("Request date", "request_received"),
        ("EHCNA request received", "request_received"),
        ("DOB", "date_of_birth"),
        ("D.O.B.", "date_of_birth"),
        ("Date of Birth (dd/mm/yyyy)", "date_of_birth"),
        ("Officer", "caseworker"),
        ("Caseworker", "caseworker"),
        ("EHC Co-ordinator", "caseworker"),
        ("Final EHCP issued", "final_issued"),
        ("UPN", "upn"),
        ("Name", "child_name"),
        ("Surname", "last_name"),
        ("Forename", "first_name"),
        ("Decision date", "decision_to_assess"),
        ("Date draft issued", "draft_served"),
        ("Child's name", "child_name"),
        ("Case ref", "ref"),
        ("Child", "child_name"),
        ("  NOTES  ", "notes"),
        ("Date final plan sent to parent", "final_issued"),
    ],
)
def test_common_headers(header: str, field: str) -> None:
    assert match_header(header) == field


@pytest.mark.parametrize(
    "header", ["Week 20 deadline", "Final plan due", "Days left", "School", ""]
)
def test_deadlines_and_unknown_columns_are_not_imported(header: str) -> None:
    assert match_header(header) in {None, "computed"}


def test_every_export_header_is_recognised() -> None:
    for column in caseload_columns(pseudonymise=False):
        assert match_header(column.header) is not None, column.header


def test_synonyms_are_unambiguous() -> None:
    seen: dict[str, str] = {}
    for key, synonym in ALL_SYNONYMS:
        text = normalise(synonym)
        assert seen.setdefault(text, key) == key, synonym


_separators = st.text(alphabet=" -_./:;,()*#\t", min_size=1, max_size=3)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(ALL_SYNONYMS),
    st.lists(st.booleans(), min_size=60, max_size=60),
    _separators,
    st.text(alphabet=" :*.-", max_size=3),
)
def test_case_and_punctuation_do_not_matter(
    pair: tuple[str, str], upper: list[bool], separator: str, trailing: str
) -> None:
    key, synonym = pair
    words = normalise(synonym).split()
    text = separator.join(words) + trailing
    text = "".join(ch.upper() if flip else ch for ch, flip in zip(text, upper * 10, strict=False))
    assert match_header(text) == key


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_normalise_is_idempotent_and_matcher_total(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)
    assert match_header(text) is None or isinstance(match_header(text), str)


def test_header_row_found_below_title_rows() -> None:
    rows: list[tuple[int, list[object]]] = [
        (1, ["EHC needs assessment tracker 2025", None, None]),
        (2, ["Updated weekly by the SEN team", None, None]),
        (3, [None, None, None]),
        (4, ["Name", "DOB", "Date of request", "Officer", "Notes"]),
        (5, ["Jane Smith", "06/01/2015", "06/01/2025", "Amy", ""]),
    ]
    found = find_header_row(rows)
    assert found is not None
    assert found.row_number == 4
    assert found.suggested == {
        "child_name": 0,
        "date_of_birth": 1,
        "request_received": 2,
        "caseworker": 3,
        "notes": 4,
    }


def test_no_header_row() -> None:
    assert find_header_row([(1, ["hello", "world"]), (2, [1, 2])]) is None


def test_hand_mapping_overrides_and_reports_bad_names() -> None:
    headers = ["Pupil", "Got it", "Worker"]
    suggested = {"child_name": 0, "caseworker": 2}
    mapping, errors = apply_hand_mapping(
        headers, suggested, {"request_received": "got it", "caseworker": None, "shoe": "Pupil"}
    )
    assert mapping == {"child_name": 0, "request_received": 1}
    assert len(errors) == 1 and "shoe" in errors[0]
    _, errors = apply_hand_mapping(headers, suggested, {"date_of_birth": "Birthday"})
    assert "Birthday" in errors[0]
