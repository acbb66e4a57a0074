"""Which tracker column holds which case field: header synonyms and finding the header row."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from send_desktop.store import fields
from send_desktop.store.caseload_types import WORKBOOK_COLUMNS

FieldKind = Literal["text", "name", "date", "upn", "outcome", "ignore"]


@dataclass(frozen=True, slots=True)
class TrackerField:
    """A case field a tracker column can fill, with the headers people use for it."""

    key: str
    label: str
    kind: FieldKind
    synonyms: tuple[str, ...]
    max_length: int = 200


def normalise(header: str) -> str:
    """Header text compared case- and punctuation-insensitively: "D.O.B." == "dob"."""
    text = header.casefold().replace("&", " and ")
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^0-9a-z]+", " ", text)
    text = re.sub(r"(?<=\b[a-z]) (?=[a-z]\b)", "", text)  # "d o b" -> "dob"
    return " ".join(text.split())


# The export's own headers come first in each list, so an exported workbook always imports back.
_FIELDS: Final[tuple[TrackerField, ...]] = (
    TrackerField("ref", "Case ref", "text", fields.synonyms("ref"), max_length=40),
    TrackerField(
        "child_name",
        "Child (full name)",
        "name",
        (
            "Child",
            "Name",
            "Child name",
            "Child's name",
            "Childs name",
            "Full name",
            "Child full name",
            "Pupil",
            "Pupil name",
            "Student",
            "Student name",
            "Learner",
            "Learner name",
            "Young person",
            "Child/young person",
            "Child or young person",
            "CYP",
            "CYP name",
            "Name of child",
            "Name of child/young person",
        ),
    ),
    TrackerField("first_name", "First name", "name", fields.synonyms("first_name")),
    TrackerField("last_name", "Last name", "name", fields.synonyms("last_name")),
    TrackerField("date_of_birth", "Date of birth", "date", fields.synonyms("date_of_birth")),
    TrackerField("upn", "UPN", "upn", fields.synonyms("upn"), 13),
    TrackerField(
        "caseworker",
        "Caseworker",
        "text",
        (
            "Caseworker",
            "Case worker",
            "Officer",
            "Case officer",
            "EHC officer",
            "EHCP officer",
            "SEN officer",
            "SEND officer",
            "Casework officer",
            "Lead officer",
            "Named officer",
            "Allocated officer",
            "EHC coordinator",
            "EHCP coordinator",
            "EHC co-ordinator",
            "EHCP co-ordinator",
            "Coordinator",
            "Co-ordinator",
            "Keyworker",
            "Key worker",
            "Allocated to",
            "Assigned to",
            "Worker",
        ),
        max_length=120,
    ),
    TrackerField("team", "Team", "text", ("Team", "Team name", "Area team", "Locality team")),
    TrackerField(
        "request_received", "Request received", "date", fields.synonyms("request_received")
    ),
    TrackerField(
        "decision_to_assess",
        "Decision to assess (date)",
        "date",
        fields.synonyms("decision_to_assess"),
    ),
    TrackerField(
        "decision_outcome",
        "Decision outcome (assess / not assess)",
        "outcome",
        fields.synonyms("decision_outcome"),
        max_length=40,
    ),
    TrackerField("draft_served", "Draft plan issued", "date", fields.synonyms("draft_served")),
    TrackerField(
        "not_issue_decision",
        "Decision not to issue (date)",
        "date",
        fields.synonyms("not_issue_decision"),
    ),
    TrackerField("final_issued", "Final plan issued", "date", fields.synonyms("final_issued")),
    TrackerField(
        "notes",
        "Notes",
        "text",
        ("Notes", "Note", "Comments", "Comment", "Remarks", "Actions", "Notes/actions"),
        max_length=4000,
    ),
    # The export's computed columns: recognised so an exported workbook imports back cleanly,
    # never imported (the clock engine recomputes them). Stage tells "Not assessed" apart.
    TrackerField("stage", "Stage (read only)", "ignore", ("Stage",), 40),
)
# Headers every known field or SEN2 item already answers to.
_KNOWN: Final = {
    normalise(s)
    for names in (*(f.synonyms for f in _FIELDS), *fields.SYNONYMS.values())
    for s in names
}
# The export's computed columns, recognised so an exported workbook imports back cleanly and
# never imported: every Caseload sheet header (store/caseload_types.py WORKBOOK_COLUMNS, so a
# new column there needs no line here) that names no field, and two of older exports.
_COMPUTED: Final = tuple(
    dict.fromkeys(
        header
        for header in (*(c.header for c in WORKBOOK_COLUMNS), "Days to review", "Overdue steps")
        if normalise(header) not in _KNOWN
    )
)
FIELDS: Final[tuple[TrackerField, ...]] = (
    *_FIELDS,
    TrackerField("computed", "Computed column (ignored)", "ignore", _COMPUTED),
)

FIELDS_BY_KEY: Final = {f.key: f for f in FIELDS}
# Fields a caseworker can choose in a hand-made mapping.
MAPPABLE_FIELDS: Final = tuple(f.key for f in FIELDS if f.key != "computed")


_EXACT: Final[dict[str, str]] = {}
for _field in FIELDS:
    for _synonym in _field.synonyms:
        _EXACT.setdefault(normalise(_synonym), _field.key)


def _tokens(text: str) -> set[str]:
    return set(text.split())


def match_header(header: object) -> str | None:
    """The field a header most likely means, or None. Exact synonyms first, then key words."""
    if not isinstance(header, str):
        return None
    text = normalise(header)
    if not text:
        return None
    if text in _EXACT:
        return _EXACT[text]
    # Format hints such as "(dd/mm/yyyy)" or "- 20 weeks" are not part of the meaning.
    stripped = normalise(re.sub(r"\(.*?\)", " ", header.casefold()))
    stripped = re.sub(r"\b(dd mm yyyy|dd mm yy|date format)\b", " ", stripped)
    stripped = " ".join(stripped.split())
    if stripped in _EXACT:
        return _EXACT[stripped]
    return _by_keywords(_tokens(stripped))


def _by_keywords(words: set[str]) -> str | None:
    # A column that holds a deadline someone else computed is not an event date: never guess it.
    if words & {"due", "deadline", "target", "weeks", "days"}:
        return None
    if words & {"dob"} or {"birth"} <= words:
        return "date_of_birth"
    if "upn" in words:
        return "upn"
    if words & {"surname"}:
        return "last_name"
    if words & {"forename", "forenames"}:
        return "first_name"
    if words & {"caseworker", "officer", "coordinator", "keyworker"}:
        return "caseworker"
    if "draft" in words:
        return "draft_served"
    if "final" in words and words & {"plan", "ehcp", "issued", "issue"}:
        return "final_issued"
    if "decision" in words and "assess" in words and "not" not in words:
        return "decision_to_assess"
    if words & {"request", "referral", "ehcna"} and words & {"date", "received", "receipt"}:
        return "request_received"
    if words & {"notes", "comments"}:
        return "notes"
    return None


@dataclass(frozen=True, slots=True)
class HeaderRow:
    """The row of a sheet that names the columns, and the field each column was matched to."""

    row_number: int  # the spreadsheet's own row number (1-based)
    headers: tuple[str, ...]  # header text per column ("" for a blank header cell)
    suggested: dict[str, int]  # field key -> 0-based column index


def header_text(value: object) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


def _score(cells: Sequence[object], wanted: set[str]) -> int:
    score = 0
    for cell in cells:
        if not isinstance(cell, str) or not cell.strip():
            continue
        if match_header(cell) is not None or normalise(cell) in wanted:
            score += 1
    return score


def find_header_row(
    rows: Iterable[tuple[int, Sequence[object]]],
    hand_mapped: Iterable[str] = (),
    search_rows: int = 50,
) -> HeaderRow | None:
    """The row among the first `search_rows` with the most recognisable headers (at least 2).

    Title rows, blank rows and notes above the table score 0 or 1, so they are passed over.
    Headers named in a hand-made mapping count too, so an unusual tracker can still be read.
    """
    wanted = {normalise(h) for h in hand_mapped if h}
    best: tuple[int, int, Sequence[object]] | None = None
    for count, (row_number, cells) in enumerate(rows):
        if count >= search_rows:
            break
        score = _score(cells, wanted)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, row_number, cells)
    if best is None:
        return None
    _, row_number, cells = best
    headers = tuple(header_text(c) for c in cells)
    return HeaderRow(row_number, headers, suggest_mapping(headers))


def suggest_mapping(headers: Sequence[str]) -> dict[str, int]:
    """Field -> column for recognised headers; the first column wins when two mean the same."""
    mapping: dict[str, int] = {}
    for index, text in enumerate(headers):
        key = match_header(text)
        if key is None or key == "computed" or key in mapping:
            continue
        mapping[key] = index
    return mapping


def apply_hand_mapping(
    headers: Sequence[str], suggested: Mapping[str, int], hand: Mapping[str, str | None]
) -> tuple[dict[str, int], list[str]]:
    """The suggested mapping overridden by a hand-made {field: header} one; also the errors.

    A header named by hand is taken away from whatever field it was guessed for; a field mapped
    to null or "" is left out of the import.
    """
    errors: list[str] = []
    by_text: dict[str, int] = {}
    for index, text in enumerate(headers):
        by_text.setdefault(normalise(text), index)
    mapping = dict(suggested)
    for key, header in hand.items():
        if key not in MAPPABLE_FIELDS:
            errors.append(
                f"the mapping names an unknown field {key!r} (fields: {', '.join(MAPPABLE_FIELDS)})"
            )
            continue
        mapping.pop(key, None)
        if not header:
            continue
        found = by_text.get(normalise(header))
        if found is None:
            errors.append(f"the mapping's header {header!r} for {key!r} is not in the header row")
            continue
        index = found
        for other, column in list(mapping.items()):
            if column == index:
                del mapping[other]
        mapping[key] = index
    return mapping, errors


# Header synonyms for the SEN2 items (store.models Child/Case columns added for the SEN2
# return), keyed by column name, from the registry (store/fields.py): the columns the tracker
# fields above do not already name. The first synonym is the export's header.
SEN2_SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = {
    k: v for k, v in fields.SYNONYMS.items() if k not in FIELDS_BY_KEY
}
