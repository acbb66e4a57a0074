"""Which tracker column holds which case field: header synonyms and finding the header row."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

FieldKind = Literal["text", "name", "date", "upn", "outcome", "ignore"]


@dataclass(frozen=True, slots=True)
class TrackerField:
    """A case field a tracker column can fill, with the headers people use for it."""

    key: str
    label: str
    kind: FieldKind
    synonyms: tuple[str, ...]
    max_length: int = 200


# The export's own headers come first in each list, so an exported workbook always imports back.
FIELDS: Final[tuple[TrackerField, ...]] = (
    TrackerField(
        "ref",
        "Case ref",
        "text",
        (
            "Case ref",
            "Case reference",
            "Case ref no",
            "Ref",
            "Reference",
            "Ref no",
            "Case ID",
            "Case number",
            "Case no",
            "EHC ref",
            "EHCP ref",
            "EHCNA ref",
            "LA ref",
            "Local authority reference",
        ),
        max_length=40,
    ),
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
    TrackerField(
        "first_name",
        "First name",
        "name",
        (
            "First name",
            "Forename",
            "Forenames",
            "Given name",
            "Given names",
            "First names",
            "Legal forename",
            "Child forename",
            "Child first name",
            "Christian name",
        ),
    ),
    TrackerField(
        "last_name",
        "Last name",
        "name",
        (
            "Last name",
            "Surname",
            "Family name",
            "Legal surname",
            "Child surname",
            "Child last name",
        ),
    ),
    TrackerField(
        "date_of_birth",
        "Date of birth",
        "date",
        ("Date of birth", "DOB", "D.O.B.", "Birth date", "Birthdate", "Child DOB", "Born"),
    ),
    TrackerField("upn", "UPN", "upn", ("UPN", "Unique pupil number", "Pupil number"), 13),
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
        "request_received",
        "Request received",
        "date",
        (
            "Request received",
            "Date of request",
            "Request date",
            "Date request received",
            "Request received date",
            "Date received",
            "Received",
            "EHCNA request received",
            "EHCNA request date",
            "EHCNA received",
            "EHCNA date",
            "EHC request received",
            "EHC needs assessment request received",
            "Request for assessment",
            "Request for assessment received",
            "Date of request for assessment",
            "Referral date",
            "Date of referral",
            "Referral received",
            "Week 0",
        ),
    ),
    TrackerField(
        "decision_to_assess",
        "Decision to assess (date)",
        "date",
        (
            "Decision to assess",
            "Decision date",
            "Date of decision",
            "Decision to assess date",
            "Date decision to assess",
            "Date of decision to assess",
            "Decision to assess made",
            "Decision to assess issued",
            "Decision issued",
            "Decision letter sent",
            "Week 6 decision",
            "Panel decision date",
        ),
    ),
    TrackerField(
        "decision_outcome",
        "Decision outcome (assess / not assess)",
        "outcome",
        (
            "Decision outcome",
            "Outcome",
            "Decision",
            "Agreed to assess",
            "Assess",
            "Assess yes no",
            "Decision to assess outcome",
            "Panel decision",
        ),
        max_length=40,
    ),
    TrackerField(
        "draft_served",
        "Draft plan issued",
        "date",
        (
            "Draft plan issued",
            "Date draft issued",
            "Draft issued",
            "Draft served",
            "Draft plan served",
            "Draft EHCP issued",
            "Draft EHC plan issued",
            "Draft plan sent",
            "Draft sent",
            "Draft date",
            "Draft plan date",
            "Date of draft",
            "Date of draft plan",
        ),
    ),
    TrackerField(
        "not_issue_decision",
        "Decision not to issue (date)",
        "date",
        (
            "Decision not to issue",
            "Date of decision not to issue",
            "Decision not to issue date",
            "Not to issue",
            "Notice not to issue",
        ),
    ),
    TrackerField(
        "final_issued",
        "Final plan issued",
        "date",
        (
            "Final plan issued",
            "Final EHCP issued",
            "Final EHC plan issued",
            "Final issued",
            "Date final issued",
            "Date final plan issued",
            "Date final EHCP issued",
            "Final plan date",
            "Date of final plan",
            "Final EHCP date",
            "Final date",
            "Plan issued",
            "EHCP issued",
            "Date EHCP issued",
            "EHCP issue date",
            "Date plan issued",
            "Date issued",
            "Issue date",
        ),
    ),
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
    TrackerField(
        "computed",
        "Computed column (ignored)",
        "ignore",
        (
            "Decision to assess due",
            "Final plan due",
            "Weeks open",
            "Next step",
            "Next deadline",
            "Days left",
            "Status",
            "Exception",
            "Review due",
            "Days to review",
            "Overdue steps",
        ),
    ),
)

FIELDS_BY_KEY: Final = {f.key: f for f in FIELDS}
# Fields a caseworker can choose in a hand-made mapping.
MAPPABLE_FIELDS: Final = tuple(f.key for f in FIELDS if f.key != "computed")


def normalise(header: str) -> str:
    """Header text compared case- and punctuation-insensitively: "D.O.B." == "dob"."""
    text = header.casefold().replace("&", " and ")
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^0-9a-z]+", " ", text)
    text = re.sub(r"(?<=\b[a-z]) (?=[a-z]\b)", "", text)  # "d o b" -> "dob"
    return " ".join(text.split())


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
# return), keyed by column name: for the workbook round trip that derives its columns from the
# models. The first synonym is the export's header.
SEN2_SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = {
    "ethnicity": ("Ethnicity", "Ethnicity code", "Ethnic group", "Ethnic origin", "CBDS ethnicity"),
    "sex": ("Sex", "Gender", "Legal sex", "Sex (M/F)"),
    "postcode": ("Postcode", "Post code", "Home postcode", "Address postcode"),
    "uln": ("ULN", "Unique learner number", "Learner number"),
    "upn_unknown": ("UPN unknown reason", "UPN unknown", "No UPN reason", "UPNunknown"),
    "request_source": ("Request made by", "Request source", "Requested by", "Referrer"),
    "request_rya": ("In youth custody", "RYA", "Youth custody", "Request in youth custody"),
    "exported_la": ("Moved to LA", "Exported", "Transferred out to LA", "New LA"),
    "transfer_la": ("Plan came from LA", "TransferLA", "Transferred in from LA", "Previous LA"),
    "need_type": ("Primary need", "Primary SEN type", "SEN type 1", "Main need"),
    "secondary_need": ("Secondary need", "Secondary SEN type", "SEN type 2", "Second need"),
    "placement_urn": ("Placement URN", "School URN", "URN", "Setting URN", "UKPRN"),
    "plan_setting_code": ("Setting type", "SENsetting", "SEN setting", "Setting code"),
    "plan_residential": ("Residential placement", "Residential", "PlanRes"),
    "plan_work_based": ("Work-based placement", "Apprenticeship or internship", "PlanWBP"),
    "personal_budget": ("Personal budget", "PB", "Has personal budget"),
    "budget_organised": ("Budget organised by LA", "Organised arrangement", "OA"),
    "direct_payment": ("Direct payment", "DP", "Direct payment type"),
    "cease_reason": ("Reason ceased", "Cease reason", "Ceasing reason", "Reason plan ceased"),
}
