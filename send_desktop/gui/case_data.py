"""Plain snapshots of one case for the case window and dialogs (no ORM objects outlive a session).

Which of the case row's columns a snapshot holds comes from the registry (store/fields.py): every
dated column of the case record is in `CaseSnapshot.dates`, so a newly registered date reaches
the dialogs' order checks without an edit here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from send_desktop.store import fields
from send_desktop.store.queries import add_caseworker, case_records, caseworker_id_by_name

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class AdviceLine:
    id: int
    version: int
    kind: str
    advice_giver: str | None
    requested: date
    received: date | None
    chased: date | None


@dataclass(frozen=True)
class ConsultationLine:
    id: int
    version: int
    institution: str
    sent: date
    responded: date | None
    outcome: str | None


@dataclass(frozen=True)
class ReviewLine:
    id: int
    version: int
    meeting: date | None
    decision_sent: date | None
    outcome: str | None
    final_amended: date | None


@dataclass(frozen=True)
class ExceptionLine:
    id: int
    version: int
    code: str
    start: date | None
    end: date | None
    note: str


@dataclass(frozen=True)
class NoteLine:
    id: int
    written: date
    author: str
    text: str


@dataclass(frozen=True)
class CaseSnapshot:
    """One case as last read: its version is what a save must still find in the database."""

    id: int
    version: int
    updated_by: str
    updated_at: datetime | None
    ref: str
    child_id: int
    first_name: str
    last_name: str
    date_of_birth: date | None
    upn: str | None
    postcode: str | None
    setting_name: str | None
    caseworker: str | None
    request_received: date
    request_channel: str | None
    request_source: str | None
    decision_to_assess: date | None
    decision_outcome: str | None
    not_issue_decision: date | None
    draft_served: date | None
    final_issued: date | None
    plan_issued: date | None
    ceased: date | None
    closed: bool
    advice: tuple[AdviceLine, ...]
    consultations: tuple[ConsultationLine, ...]
    reviews: tuple[ReviewLine, ...]
    exceptions: tuple[ExceptionLine, ...]
    notes: tuple[NoteLine, ...]
    # Every dated column of the case record (CASE_DATES), by column name.
    dates: Mapping[str, date | None] = dataclasses.field(default_factory=dict)

    @property
    def child_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# The case record's dated columns, in the registry's order (the chronology's).
CASE_DATES: tuple[str, ...] = fields.dated(fields.CASE)
# The snapshot's own attributes that are case columns, read as they are (ref, request_received...).
_CASE_COLUMNS: tuple[str, ...] = tuple(
    f.name
    for f in dataclasses.fields(CaseSnapshot)
    if f.name in fields.CASE.names and f.name != "closed"
)


def load_case(session: Session, case_id: int) -> CaseSnapshot:
    found = case_records(session, case_id)
    case, worker = found.case, found.caseworker
    child = case.child
    advice, consultations, reviews = found.advice, found.consultations, found.reviews
    exceptions, notes = found.exceptions, found.notes
    return CaseSnapshot(
        id=case.id,
        version=case.version,
        updated_by=case.updated_by,
        updated_at=case.updated_at,
        child_id=child.id,
        first_name=child.first_name,
        last_name=child.last_name,
        date_of_birth=child.date_of_birth,
        upn=child.upn,
        postcode=child.postcode,
        setting_name=child.setting_name,
        caseworker=worker.name if worker else None,
        **{name: getattr(case, name) for name in _CASE_COLUMNS},
        closed=bool(case.closed),
        advice=tuple(
            AdviceLine(a.id, a.version, a.kind, a.advice_giver, a.requested, a.received, a.chased)
            for a in advice
        ),
        consultations=tuple(
            ConsultationLine(c.id, c.version, c.institution, c.sent, c.responded, c.outcome)
            for c in consultations
        ),
        reviews=tuple(
            ReviewLine(r.id, r.version, r.meeting, r.decision_sent, r.outcome, r.final_amended)
            for r in reviews
        ),
        exceptions=tuple(
            ExceptionLine(e.id, e.version, e.code, e.start, e.end, e.note or "") for e in exceptions
        ),
        notes=tuple(NoteLine(n.id, n.written, n.author, n.text) for n in notes),
        dates={name: getattr(case, name) for name in CASE_DATES},
    )


def caseworker_id_for(session: Session, name: str, user: str) -> int:
    """The caseworker row for a name, created on first use (a new caseworker's first request)."""
    found = caseworker_id_by_name(session, name)
    if found is not None:
        return found
    return add_caseworker(session, user, name).id
