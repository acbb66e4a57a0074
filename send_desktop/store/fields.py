"""The one registry of what each record holds: per field its column, fact, words, codes and headers.

Everything that used to list a record's fields by hand derives from here: the store's rules
(which fields may be written, which are required, which codes are allowed), the timeline Facts
the store builds from rows (store/facts.py), the chronology's event titles, the words in
validation messages and the audit trail, and the import's header synonyms. The orders of dates
that are impossible stay timeline.order's (ORDERS[scope]): the timeline may not import the
store, and the dialogs, the import and `calc` check the same rules from there.

A new recorded date is one line here (and its column in store/models.py and a migration).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

from sqlalchemy import Date

from send_desktop.store.models import (
    ADVICE_KINDS,
    CONSULTATION_OUTCOMES,
    DECISION_OUTCOMES,
    DIRECT_PAYMENT_CODES,
    EXCEPTION_CODES,
    FAMILY_ROLES,
    LETTER_CHANNELS,
    MOVE_DIRECTIONS,
    NEED_TYPES,
    REQUEST_CHANNELS,
    REQUEST_SOURCES,
    RESIDENTIAL_CODES,
    REVIEW_OUTCOMES,
    SERVICE_METHODS,
    SETTING_CODES,
    SEXES,
    TRANSFER_KINDS,
    UPN_UNKNOWN_CODES,
    WORK_BASED_CODES,
    Base,
)
from send_desktop.timeline import order


@dataclass(frozen=True, slots=True)
class Field:
    """One column of a record as the caseworker, the timeline and a spreadsheet know it."""

    column: str
    # The caseworker's words in messages and the audit trail (None: the column name, capitalised).
    label: str | None = None
    # The timeline Facts field (or the field of the record in Facts) this column feeds.
    fact: str | None = None
    # The chronology's title when the column is a dated event of the case.
    event: str | None = None
    codes: tuple[Any, ...] = ()
    required: bool = False
    # Spreadsheet headers people use for this column; the first is the export's own.
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Record:
    """A kind of row a caseworker records, and how its fields reach the timeline."""

    table: str
    scope: str  # the record's kind in timeline.order, whose ORDERS[scope] check its dates
    fields: tuple[Field, ...]
    # Facts' field holding one timeline record per row ("advice"...), or "latest" when the
    # case's latest row's facts go straight into Facts, or "case" for the case row itself.
    feeds: str | None = None

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(f.column for f in self.fields)

    @cached_property
    def required(self) -> frozenset[str]:
        return frozenset(f.column for f in self.fields if f.required)

    @cached_property
    def codes(self) -> Mapping[str, tuple[Any, ...]]:
        return {f.column: f.codes for f in self.fields if f.codes}

    @cached_property
    def events(self) -> tuple[tuple[str, str], ...]:
        """(column, title) of the dated events, in the chronology's order."""
        return tuple((f.column, f.event) for f in self.fields if f.event)

    @cached_property
    def facts(self) -> tuple[tuple[str, str], ...]:
        """(column, fact) of the columns the timeline reads, in the registry's order."""
        return tuple((f.column, f.fact) for f in self.fields if f.fact)

    @cached_property
    def dates(self) -> tuple[tuple[str, str], ...]:
        """(column, fact) of the dates the timeline reads (the facts that are not codes)."""
        return tuple((f.column, f.fact) for f in self.fields if f.fact and not f.codes)

    @property
    def orders(self) -> tuple[tuple[str, str], ...]:
        """(later, earlier) pairs that may not be the other way round (timeline.order)."""
        return order.ORDERS[self.scope]


_F = Field

CASE: Final = Record(
    "case",
    "case",
    (
        # The dated events first, in the order the chronology lists a day's events.
        _F(
            "request_received",
            "Request received",
            fact="request_received",
            event="Request for assessment received",
            required=True,
            synonyms=(
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
        _F(
            "decision_to_assess",
            "Decision whether to assess",
            fact="decision_to_assess",
            event="Decision whether to assess",
            synonyms=(
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
        _F(
            "not_issue_decision",
            "Decision not to issue a plan",
            fact="not_issue_decision",
            event="Decision not to issue a plan",
            synonyms=(
                "Decision not to issue",
                "Date of decision not to issue",
                "Decision not to issue date",
                "Not to issue",
                "Notice not to issue",
            ),
        ),
        _F(
            "draft_served",
            "Draft plan served",
            fact="draft_served",
            event="Draft plan served",
            synonyms=(
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
        _F(
            "final_issued",
            "Final plan issued",
            fact="final_issued",
            event="Final EHC plan issued",
            synonyms=(
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
        _F("plan_issued", "Plan first issued", fact="plan_issued", event="Plan first issued"),
        _F(
            "reassessment_notified",
            "Re-assessment notified",
            fact="reassessment_notified",
            event="Re-assessment notified",
        ),
        _F("phase_transfer", "Phase transfer date", fact="phase_transfer", event="Phase transfer"),
        _F("ceased", "Plan ceased", fact="ceased", event="Plan ceased"),
        _F(
            "ref",
            required=True,
            synonyms=(
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
        ),
        _F("caseworker_id"),
        _F("request_channel", "Request channel", codes=REQUEST_CHANNELS),
        _F(
            "request_source",
            "Request made by",
            codes=REQUEST_SOURCES,
            synonyms=("Request made by", "Request source", "Requested by", "Referrer"),
        ),
        _F(
            "decision_outcome",
            "Decision outcome",
            fact="decision_outcome",
            codes=DECISION_OUTCOMES,
            synonyms=(
                "Decision outcome",
                "Outcome",
                "Decision",
                "Agreed to assess",
                "Assess",
                "Assess yes no",
                "Decision to assess outcome",
                "Panel decision",
            ),
        ),
        _F("draft_method", "Draft plan sent by", codes=SERVICE_METHODS),
        _F(
            "need_type",
            "Primary need",
            codes=NEED_TYPES,
            synonyms=("Primary need", "Primary SEN type", "SEN type 1", "Main need"),
        ),
        _F("need_rank", "Need rank"),
        _F("placement_name"),
        _F(
            "placement_urn",
            synonyms=("Placement URN", "School URN", "URN", "Setting URN", "UKPRN"),
        ),
        _F("transfer_kind", "Phase transfer kind", fact="transfer_kind", codes=TRANSFER_KINDS),
        _F(
            "cease_reason",
            "Reason the plan ceased",
            codes=tuple(range(1, 10)),
            synonyms=("Reason ceased", "Cease reason", "Ceasing reason", "Reason plan ceased"),
        ),
        _F("closed"),
        # SEN2 items (send_desktop/sen2).
        _F(
            "request_rya",
            "In youth custody when the request was made",
            synonyms=("In youth custody", "RYA", "Youth custody", "Request in youth custody"),
        ),
        _F(
            "exported_la",
            "LA the child moved to",
            synonyms=("Moved to LA", "Exported", "Transferred out to LA", "New LA"),
        ),
        _F(
            "transfer_la",
            "LA the plan came from",
            synonyms=("Plan came from LA", "TransferLA", "Transferred in from LA", "Previous LA"),
        ),
        _F(
            "secondary_need",
            "Secondary need",
            codes=NEED_TYPES,
            synonyms=("Secondary need", "Secondary SEN type", "SEN type 2", "Second need"),
        ),
        _F(
            "plan_setting_code",
            "Setting type named in the plan",
            codes=SETTING_CODES,
            synonyms=("Setting type", "SENsetting", "SEN setting", "Setting code"),
        ),
        _F("plan_setting_other", "Setting described"),
        _F(
            "plan_residential",
            "Residential placement",
            codes=RESIDENTIAL_CODES,
            synonyms=("Residential placement", "Residential", "PlanRes"),
        ),
        _F(
            "plan_work_based",
            "Work-based placement",
            codes=WORK_BASED_CODES,
            synonyms=("Work-based placement", "Apprenticeship or internship", "PlanWBP"),
        ),
        _F(
            "personal_budget",
            "Personal budget",
            synonyms=("Personal budget", "PB", "Has personal budget"),
        ),
        _F(
            "budget_organised",
            "Budget organised by the LA",
            synonyms=("Budget organised by LA", "Organised arrangement", "OA"),
        ),
        _F(
            "direct_payment",
            "Direct payment",
            codes=DIRECT_PAYMENT_CODES,
            synonyms=("Direct payment", "DP", "Direct payment type"),
        ),
    ),
    feeds="case",
)

CHILD: Final = Record(
    "child",
    "child",
    (
        _F(
            "first_name",
            "First name",
            required=True,
            synonyms=(
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
        _F(
            "last_name",
            "Last name",
            required=True,
            synonyms=(
                "Last name",
                "Surname",
                "Family name",
                "Legal surname",
                "Child surname",
                "Child last name",
            ),
        ),
        _F(
            "date_of_birth",
            "Date of birth",
            fact="date_of_birth",
            synonyms=(
                "Date of birth",
                "DOB",
                "D.O.B.",
                "Birth date",
                "Birthdate",
                "Child DOB",
                "Born",
            ),
        ),
        _F("sex", "Sex", codes=SEXES, synonyms=("Sex", "Gender", "Legal sex", "Sex (M/F)")),
        _F(
            "postcode",
            synonyms=("Postcode", "Post code", "Home postcode", "Address postcode"),
        ),
        _F("upn", "UPN", synonyms=("UPN", "Unique pupil number", "Pupil number")),
        _F("uln", "ULN", synonyms=("ULN", "Unique learner number", "Learner number")),
        _F("setting_name"),
        _F("setting_urn"),
        _F("setting_code", "Setting code", codes=SETTING_CODES),
        _F(
            "ethnicity",
            "Ethnicity",
            synonyms=(
                "Ethnicity",
                "Ethnicity code",
                "Ethnic group",
                "Ethnic origin",
                "CBDS ethnicity",
            ),
        ),
        _F(
            "upn_unknown",
            "Reason the UPN is unknown",
            codes=UPN_UNKNOWN_CODES,
            synonyms=("UPN unknown reason", "UPN unknown", "No UPN reason", "UPNunknown"),
        ),
    ),
)

ADVICE: Final = Record(
    "advice_request",
    "advice",
    (
        _F("kind", "Advice from", fact="kind", codes=ADVICE_KINDS, required=True),
        _F(
            "requested",
            "Advice requested",
            fact="requested",
            event="Advice requested",
            required=True,
        ),
        _F("chased", "Advice chased", event="Advice chased"),
        _F("received", "Advice received", fact="received", event="Advice received"),
        _F("advice_giver"),
    ),
    feeds="advice",
)

EXCEPTION: Final = Record(
    "case_exception",
    "exception",
    (
        _F("code", "Exception", fact="code", codes=EXCEPTION_CODES, required=True),
        _F("start", "Start", fact="start", event="Exception began"),
        _F("end", "End", fact="end", event="Exception ended"),
        _F("note", fact="note"),
    ),
    feeds="exceptions",
)

CONSULTATION: Final = Record(
    "consultation",
    "consultation",
    (
        _F("institution", "School or institution", fact="institution", required=True),
        _F(
            "sent",
            "Consultation sent",
            fact="sent",
            event="Consultation sent",
            required=True,
        ),
        _F("responded", "Response received", fact="responded", event="Consultation response"),
        _F("outcome", "Outcome", codes=CONSULTATION_OUTCOMES),
        _F("institution_urn"),
    ),
    feeds="consultations",
)

REVIEW: Final = Record(
    "annual_review",
    "review",
    (
        _F(
            "notice_sent",
            "Notice of meeting sent",
            fact="notice_sent",
            event="Review meeting notice sent",
        ),
        _F(
            "advice_circulated",
            "Advice circulated",
            fact="advice_circulated",
            event="Review advice circulated",
        ),
        _F("meeting", "Review meeting", fact="meeting", event="Annual review meeting"),
        _F("report_sent", "Review report sent", fact="report_sent", event="Review report sent"),
        _F("decision_sent", "Decision sent", fact="decision_sent", event="Review decision sent"),
        _F("outcome", "Outcome", fact="outcome", codes=REVIEW_OUTCOMES),
        _F(
            "amendment_sent",
            "Proposed amendments sent",
            fact="amendment_sent",
            event="Proposed amendments sent",
        ),
        _F(
            "final_amended",
            "Final amended plan issued",
            fact="final_amended",
            event="Final amended plan issued",
        ),
    ),
    feeds="reviews",
)

MOVE: Final = Record(
    "move",
    "move",
    (
        _F("aware_of_move", "Knew of the move", fact="aware_of_move", event="Learned of the move"),
        _F("move_date", "Moved", fact="move_date", event="Moved"),
        _F(
            "plan_transferred",
            "Plan transferred",
            fact="plan_transferred",
            event="Plan transferred",
        ),
        _F(
            "parent_notified",
            "Parent told of the transfer",
            fact="transfer_notice_sent",
            event="Parent told of the transfer",
        ),
        _F("direction", "Direction", codes=MOVE_DIRECTIONS, required=True),
        _F("other_authority"),
    ),
    feeds="latest",
)

MEDIATION: Final = Record(
    "mediation",
    "mediation",
    (
        _F("decision_sent", "Decision sent", fact="decision_sent", event="Decision notice sent"),
        _F(
            "adviser_contacted",
            "Mediation adviser contacted",
            event="Mediation adviser contacted",
        ),
        _F(
            "mediation_declined",
            "Mediation declined",
            fact="mediation_declined",
            event="Mediation declined",
        ),
        _F(
            "mediation_requested",
            "Mediation requested",
            fact="mediation_requested",
            event="Mediation requested",
        ),
        _F("mediation_held", "Mediation held", fact="mediation_held", event="Mediation held"),
        _F(
            "certificate_issued",
            "Mediation certificate issued",
            fact="certificate_issued",
            event="Mediation certificate issued",
        ),
        _F("note"),
    ),
    feeds="latest",
)

APPEAL: Final = Record(
    "appeal",
    "appeal",
    (
        _F("lodged", "Appeal lodged", fact="appeal_lodged", event="Appeal lodged"),
        _F("hearing", "Hearing", event="Tribunal hearing"),
        _F(
            "order_assess",
            "Tribunal order to assess",
            fact="order_assess",
            event="Tribunal order to assess",
        ),
        _F(
            "order_plan",
            "Tribunal order to make a plan",
            fact="order_plan",
            event="Tribunal order to make a plan",
        ),
        _F(
            "order_notice_sent",
            "Parent told of the order",
            fact="order_notice_sent",
            event="Parent told of the order",
        ),
        _F("subject"),
        _F("outcome", "Outcome"),
    ),
    feeds="latest",
)

NOTE: Final = Record(
    "case_note",
    "note",
    (
        _F("written", "Note date", required=True),
        _F("author"),
        _F("text", "Note", required=True),
    ),
)

PLACEMENT: Final = Record(
    "placement",
    "placement",
    (
        _F("rank", codes=(1, 2)),
        _F("name", "Name"),
        _F("urn"),
        _F("setting_code", "Setting code", codes=SETTING_CODES),
        _F("setting_other"),
        _F("entry", "Placement started", required=True),
        _F("leaving", "Placement left"),
        _F("sen_unit"),
        _F("resourced_provision"),
        _F("residential", codes=RESIDENTIAL_CODES),
        _F("work_based", codes=WORK_BASED_CODES),
    ),
)

SCHOOL_CLOSURE: Final = Record(
    "school_closure",
    "closure",
    (
        _F("name", "Name", required=True),
        _F("start", "Start", required=True),
        _F("end", "End", required=True),
    ),
)

# Letters (issue 17): who they go to, and each letter written and sent.
FAMILY_CONTACT: Final = Record(
    "family_contact",
    "family_contact",
    (
        _F("name", "Name", required=True),
        _F("role", codes=FAMILY_ROLES, required=True),
        _F("address"),
        _F("email"),
        _F("preferred_channel", codes=LETTER_CHANNELS),
        _F("may_appeal"),
    ),
)

LETTER: Final = Record(
    "letter",
    "letter",
    (
        _F("dated", event="Letter written", required=True),
        _F("sent_on", event="Letter sent"),
        _F("letter", required=True),
        _F("recipient"),
        _F("sent_by", codes=LETTER_CHANNELS),
        _F("file_path"),
        _F("sha256"),
        _F("inputs"),
    ),
)

# Every record, by table name; rows of a case come in the chronology's order.
RECORDS: Final[Mapping[str, Record]] = {
    r.table: r
    for r in (
        CASE,
        CHILD,
        ADVICE,
        EXCEPTION,
        CONSULTATION,
        REVIEW,
        MOVE,
        MEDIATION,
        APPEAL,
        NOTE,
        FAMILY_CONTACT,
        LETTER,
        PLACEMENT,
        SCHOOL_CLOSURE,
    )
}


def _labels() -> dict[str, str]:
    found: dict[str, str] = {}
    for record in RECORDS.values():
        for f in record.fields:
            if f.label is None:
                continue
            if found.setdefault(f.column, f.label) != f.label:
                raise AssertionError(f"{f.column} has two labels: {found[f.column]!r}, {f.label!r}")
    return found


# The caseworker's words for a column, whichever record it is in (one word per column name).
LABELS: Final[Mapping[str, str]] = _labels()

# Spreadsheet headers for the columns the workbook round trip derives from the models.
SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = {
    f.column: f.synonyms for record in (CHILD, CASE) for f in record.fields if f.synonyms
}


def synonyms(column: str) -> tuple[str, ...]:
    """The spreadsheet headers a case or child column is known by (the export's own first)."""
    return SYNONYMS[column]


# The caseworker's words for the codes of how a request came, a draft was served or a letter
# sent (request_channel, draft_method, sent_by: one set of codes).
CHANNEL_WORDS: Final[Mapping[str, str]] = {
    "email": "Email",
    "post": "Post",
    "hand": "By hand",
    "portal": "Online portal",
}


def code_words(record: Record, column: str) -> list[tuple[str, Any]]:
    """(words, code) for each code the registry allows in record.column, in its order."""
    words = CHANNEL_WORDS if column in ("request_channel", "draft_method", "sent_by") else {}
    return [(words.get(c) or str(c).capitalize(), c) for c in record.codes[column]]


def dated(record: Record) -> tuple[str, ...]:
    """The record's columns that hold a date (the model's Date columns), in the registry's
    order: what a dialog checks against timeline.order and a snapshot of the record holds."""
    table = Base.metadata.tables[record.table]
    return tuple(f.column for f in record.fields if isinstance(table.c[f.column].type, Date))


def label(name: str) -> str:
    """The caseworker's words for a field: "draft_served" -> "Draft plan served"."""
    return LABELS.get(name, name.replace("_", " ").capitalize())
