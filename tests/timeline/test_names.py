"""Near-duplicate caseworker names: typos and variants are found, different people are not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from send_desktop.timeline.names import NameIndex, near_duplicates, normalise

TEAM = ["Priya Shah", "Tom Lee", "Aisha Khan", "Christopher Jones", "Ann Li"]


def test_normalise_folds_case_accents_spaces_and_punctuation() -> None:
    assert normalise("  O'Neil,  Séan ") == "oneil sean"
    assert normalise("PRIYA   shah") == "priya shah"
    assert normalise("Mary-Jane Lee") == "mary jane lee"
    assert normalise(" ,. ") == ""


@pytest.mark.parametrize(
    "typed",
    [
        "Priya Sha",  # the typo: one letter missing
        "priya shah",  # case
        "Priya  Shah ",  # spaces
        "Pirya Shah",  # two neighbours swapped
        "Priya Shahh",
        "P Shah",  # initial and surname
        "P. Shah",
        "Shah Priya",  # swapped first/last
        "Shah, Priya",
        "Shah P",
        "Priya K Shah",  # a middle initial
        "PriyaShah",
    ],
)
def test_variants_of_priya_shah_are_found(typed: str) -> None:
    assert near_duplicates(typed, TEAM) == ["Priya Shah"]


def test_shortened_first_name_with_same_surname() -> None:
    assert near_duplicates("Chris Jones", TEAM) == ["Christopher Jones"]


@pytest.mark.parametrize(
    "typed",
    [
        "Peter Shah",  # same surname, a different first name with the same initial
        "Priya Patel",  # same first name, different surname
        "Bo Li",  # short names: two edits from "Ann Li" would be a different person
        "Tim Lea",
        "Zoe Brown",
    ],
)
def test_different_people_are_not_flagged(typed: str) -> None:
    assert near_duplicates(typed, TEAM) == []


def test_the_identical_name_is_not_a_near_duplicate_of_itself() -> None:
    assert near_duplicates("Priya Shah", TEAM) == []
    assert near_duplicates("Priya Shah", ["Priya Shah", "priya shah"]) == ["priya shah"]


def test_blank_names_match_nothing() -> None:
    assert near_duplicates("", TEAM) == []
    assert near_duplicates("  ", TEAM) == []
    assert near_duplicates("Priya Shah", ["", " "]) == []


def test_closest_first_and_each_name_once() -> None:
    existing = ["P Shah", "Priya Shahh", "Priya Sha", "Priya Sha", "priya shah"]
    found = near_duplicates("Priya Shah", existing)
    assert found[0] == "priya shah"
    assert sorted(found) == sorted(set(existing))
    assert len(found) == len(set(found))


def test_accepts_any_iterable() -> None:
    assert near_duplicates("Tom Le", (n for n in TEAM)) == ["Tom Lee"]


# --- NameIndex: the same answers as near_duplicates without comparing with every name ---------

_PARTS = st.sampled_from(
    ["priya", "shah", "p", "pr", "pri", "sha", "shahh", "tom", "lee", "le", "chris", "christopher",
     "jones", "ann", "li", "al", "mary", "jane", "maryjane", "o'neil", "séan", "sean", "ab", "ba"]
)  # fmt: skip
_SEPARATORS = st.sampled_from([" ", "  ", ", ", ". ", "-", ""])


@st.composite
def _names(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        # Anything at all, typos included.
        return draw(st.text(alphabet="abcdeé ,.-'PSa", max_size=14))
    parts = draw(st.lists(_PARTS, min_size=1, max_size=3))
    name = parts[0]
    for part in parts[1:]:
        name += draw(_SEPARATORS) + part
    if draw(st.booleans()) and name:
        # One edit: a letter dropped, doubled or changed.
        at = draw(st.integers(0, len(name) - 1))
        edit = draw(st.sampled_from(["drop", "double", "change"]))
        if edit == "drop":
            name = name[:at] + name[at + 1 :]
        elif edit == "double":
            name = name[:at] + name[at] + name[at:]
        else:
            name = name[:at] + "x" + name[at + 1 :]
    return name.title() if draw(st.booleans()) else name


@settings(max_examples=300, deadline=None)
@given(existing=st.lists(_names(), max_size=25), added=st.lists(_names(), min_size=1, max_size=8))
def test_name_index_answers_as_near_duplicates(existing: list[str], added: list[str]) -> None:
    index = NameIndex(existing)
    so_far = list(existing)
    for name in added:
        assert index.near(name) == near_duplicates(name, so_far)
        index.add(name)
        so_far.append(name)


def test_name_index_finds_the_variants_of_the_team() -> None:
    index = NameIndex(TEAM)
    assert index.near("Pirya Shah") == ["Priya Shah"]
    assert index.near("Shah, P") == ["Priya Shah"]
    assert index.near("Chris Jones") == ["Christopher Jones"]
    assert index.near("Priya Shah") == []
