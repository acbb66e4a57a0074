"""A case's history as a caseworker, a parent's adviser or a tribunal reads it: dated events
and every recorded change, oldest first."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from send_desktop.store.fields import label
from send_desktop.store.models import (
    AdviceRequest,
    AnnualReview,
    AuditEntry,
    Base,
    Case,
    CaseException,
    CaseNote,
    Consultation,
    Letter,
    Move,
)
from send_desktop.store.rows import BREACH_NOTE, case_of
from send_desktop.store.rules import RECORDS


class ChronologyEntry(NamedTuple):
    """One line of a case's history: a dated event or a recorded change."""

    day: date
    at: datetime | None
    kind: str  # "event" (a date in the case) or "change" (an audit row)
    title: str
    detail: str
    user: str | None


def _detail(row: Base) -> str:
    if isinstance(row, AdviceRequest):
        return row.kind + (f" ({row.advice_giver})" if row.advice_giver else "")
    if isinstance(row, CaseException):
        return row.code + (f": {row.note}" if row.note else "")
    if isinstance(row, Consultation):
        return row.institution + (f" - {row.outcome}" if row.outcome else "")
    if isinstance(row, AnnualReview):
        return f"outcome {row.outcome}" if row.outcome else ""
    if isinstance(row, Move):
        return f"{row.direction} {row.other_authority or ''}".strip()
    if isinstance(row, Letter):
        how = f" by {row.sent_by}" if row.sent_by and row.sent_on else ""
        return f"{row.letter} to {row.recipient}{how}: {row.file_path}"
    return ""


def chronology(session: Session, case_id: int) -> list[ChronologyEntry]:
    """Everything dated in a case and every recorded change, oldest first."""
    case = case_of(session, case_id)
    entries: list[ChronologyEntry] = []
    for name, title in RECORDS[Case].events:
        value = getattr(case, name)
        if value is not None:
            detail = ""
            if name == "decision_to_assess" and case.decision_outcome:
                detail = case.decision_outcome
            if name == "ceased" and case.cease_reason:
                detail = f"reason {case.cease_reason}"
            entries.append(ChronologyEntry(value, None, "event", title, detail, None))
    for model, record in RECORDS.items():
        events = record.events
        if model is Case or not events:
            continue
        rows = session.execute(
            select(model).where(model.case_id == case_id)  # type: ignore[attr-defined]
        ).scalars()
        for row in rows:
            for name, title in events:
                value = getattr(row, name)
                if value is not None:
                    entries.append(ChronologyEntry(value, None, "event", title, _detail(row), None))
    for note in session.execute(select(CaseNote).where(CaseNote.case_id == case_id)).scalars():
        title = "Breach recorded" if note.text.startswith(BREACH_NOTE) else "Note"
        entries.append(ChronologyEntry(note.written, None, "event", title, note.text, note.author))
    # Changes to the child's details belong to every case of that child.
    audits = session.execute(
        select(AuditEntry)
        .where(
            or_(
                AuditEntry.case_id == case_id,
                (AuditEntry.table_name == "child") & (AuditEntry.row_id == case.child_id),
            )
        )
        .order_by(AuditEntry.id)
    ).scalars()
    for audit in audits:
        what = _change_words(audit.action, audit.table_name)
        detail = ""
        if audit.field:
            detail = _field_change_words(label(audit.field), audit.old, audit.new)
        entries.append(
            ChronologyEntry(audit.at.date(), audit.at, "change", what, detail, audit.user)
        )
    entries.sort(key=lambda e: (e.day, e.kind != "event", e.at or datetime.min))
    return entries


_ACTION_WORDS = {"insert": "Added", "update": "Changed", "delete": "Removed"}


def _change_words(action: str, table: str) -> str:
    """ "Changed the case", "Added an advice request": the chronology is read by parents'
    advisers and tribunals, not only by us."""
    thing = table.replace("_", " ")
    article = "an" if thing[:1] in "aeiou" else "a"
    noun = f"the {thing}" if table in ("case", "child") else f"{article} {thing}"
    return f"{_ACTION_WORDS.get(action, action.capitalize())} {noun}"


def _value_words(value: str | None) -> str:
    """A stored ISO date reads as the UK date the caseworker typed; anything else as stored."""
    if not value:
        return ""
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def _field_change_words(name: str, old: str | None, new: str | None) -> str:
    before, after = _value_words(old), _value_words(new)
    if before and after:
        return f"{name} changed from {before} to {after}"
    if after:
        return f"{name} set to {after}"
    if before:
        return f"{name} cleared (was {before})"
    return name
