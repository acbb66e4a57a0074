"""Writing one row (a case's advice request, exception, review...): validated, versioned, audited.

add_row, update_row and delete_row serve every record in the registry (store/fields.py); the
named helpers below (add_advice_request...) are those three bound to one table.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from send_desktop.errors import KnownError
from send_desktop.store.audit import write_audit
from send_desktop.store.errors import BreachNeedsReason, ConflictError, NotFoundError
from send_desktop.store.facts import case_facts
from send_desktop.store.models import (
    AdviceRequest,
    AnnualReview,
    Base,
    Case,
    CaseException,
    CaseNote,
    Child,
    Consultation,
    SchoolClosure,
    utc_now,
)
from send_desktop.store.rules import CASE_ROW_MODELS, RECORDS, row_state, validate
from send_desktop.timeline import order

log = logging.getLogger(__name__)

RowT = TypeVar("RowT", bound=Base)

# A case note that records a confirmed breach and its reason starts with these words.
BREACH_NOTE = "Breach recorded: "


def _facts_of(session: Session, case_id: int) -> Any:
    return case_facts(session, [case_id]).get(case_id)


def guard_case(
    session: Session,
    case_id: int,
    before: Any,
    user: str,
    as_of: date,
    breach_reason: str | None,
    confirm_breach: bool,
) -> None:
    """After a write to a case (flushed, not committed): the order rules on the whole case.

    An impossible order the write introduced (a final plan now before a review meeting
    recorded earlier...) is always refused. A new breach (rules section 7) is refused when
    the caller can ask the user (confirm_breach: the dialogs) until a reason is given, which
    is kept as a case note, so it is in the chronology; other callers (the import, demo data)
    record the fact, and the engine shows the step as breached. Raising here rolls the
    caller's transaction back, so nothing is written.
    """
    after = _facts_of(session, case_id)
    if after is None:
        return
    old = set(order.impossible(before, None)) if before is not None else set()
    fresh = [p for p in order.impossible(after, None) if p not in old]
    if fresh:
        raise KnownError(fresh[0])
    breaches = order.new_breaches(before, after)
    if not breaches or not (confirm_breach or breach_reason):
        return
    reason = (breach_reason or "").strip()
    if not reason:
        raise BreachNeedsReason(breaches)
    text = BREACH_NOTE + "; ".join(b.message for b in breaches) + f". Reason: {reason}"
    note = CaseNote(
        case_id=case_id,
        written=as_of,
        author=user,
        text=text,
        updated_by=user,
        updated_at=utc_now(),
    )
    session.add(note)
    session.flush()
    write_audit(session, user, "case_note", note.id, case_id, "insert", {"text": (None, text)})
    log.info("breach recorded with a reason on case %s", case_id)


# ---------------------------------------------------------------- generic row editing


def load_for_edit(session: Session, model: type[RowT], row_id: int, expected_version: int) -> RowT:
    row = session.get(model, row_id, populate_existing=True)
    if row is None:
        raise NotFoundError(f"That {RECORDS[model].table.replace('_', ' ')} no longer exists")
    if row.version != expected_version:  # type: ignore[attr-defined]
        raise ConflictError(row.updated_by, row.updated_at)  # type: ignore[attr-defined]
    return row


def flush_or_conflict(session: Session, model: type[Base], row_id: int | None) -> None:
    """Flush, turning a concurrent write detected by the version column into a ConflictError."""
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        fresh = session.get(model, row_id) if row_id is not None else None
        if fresh is None:
            raise ConflictError("another user", None) from None
        raise ConflictError(fresh.updated_by, fresh.updated_at) from None  # type: ignore[attr-defined]


def case_of(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFoundError(f"Case {case_id} does not exist")
    return case


def add_row(
    session: Session,
    model: type[RowT],
    user: str,
    case_id: int | None,
    values: Mapping[str, Any],
    *,
    as_of: date | None = None,
    breach_reason: str | None = None,
    confirm_breach: bool = False,
) -> RowT:
    """Insert one event row (advice, exception, review...) for a case, validated and audited."""
    if model not in RECORDS or model in (Case, Child):
        raise TypeError(f"add_row does not handle {model.__name__}")
    as_of = as_of or date.today()
    case = case_of(session, case_id) if model in CASE_ROW_MODELS and case_id else None
    if model in CASE_ROW_MODELS and case is None:
        raise KnownError("Choose the case first")
    clean = {k: v for k, v in values.items()}
    validate(session, model, clean, clean, as_of, case)
    before = _facts_of(session, case.id) if case is not None and model is not CaseNote else None
    row = model(**clean, updated_by=user, updated_at=utc_now())
    if case is not None:
        row.case_id = case.id  # type: ignore[attr-defined]
    session.add(row)
    session.flush()
    write_audit(
        session,
        user,
        RECORDS[model].table,
        row.id,  # type: ignore[attr-defined]
        case.id if case else None,
        "insert",
        {k: (None, v) for k, v in clean.items() if v is not None},
    )
    if case is not None and model is not CaseNote:
        guard_case(session, case.id, before, user, as_of, breach_reason, confirm_breach)
    return row


def update_row(
    session: Session,
    model: type[RowT],
    row_id: int,
    expected_version: int,
    user: str,
    changes: Mapping[str, Any],
    *,
    as_of: date | None = None,
    breach_reason: str | None = None,
    confirm_breach: bool = False,
) -> RowT:
    """Change some fields of a row loaded at expected_version; audited field by field.

    With confirm_breach, a change that makes a breach (rules section 7) raises
    BreachNeedsReason unless breach_reason is given; the reason is kept as a case note.
    """
    as_of = as_of or date.today()
    rules = RECORDS[model]
    row = load_for_edit(session, model, row_id, expected_version)
    before = row_state(row, rules)
    if model is Case:
        before["child_id"] = row.child_id  # type: ignore[attr-defined]
    merged = {**before, **changes}
    case_id: int | None = getattr(row, "case_id", None)
    case = session.get(Case, case_id) if case_id is not None and model is not Case else None
    validate(session, model, changes, merged, as_of, case)
    diff = {k: (before.get(k), v) for k, v in changes.items() if before.get(k) != v}
    if not diff:
        return row
    owner = row_id if model is Case else case_id
    guarded = owner is not None and model is not CaseNote
    facts_before = _facts_of(session, owner) if guarded and owner is not None else None
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_by = user  # type: ignore[attr-defined]
    row.updated_at = utc_now()  # type: ignore[attr-defined]
    _flush_and_audit(
        session, model, row_id, user, row_id if model is Case else case_id, "update", diff
    )
    if guarded and owner is not None:
        guard_case(session, owner, facts_before, user, as_of, breach_reason, confirm_breach)
    return row


def delete_row(
    session: Session, model: type[Base], row_id: int, expected_version: int, user: str
) -> None:
    """Delete a row loaded at expected_version; the audit keeps its last values."""
    rules = RECORDS[model]
    row = load_for_edit(session, model, row_id, expected_version)
    before = {k: v for k, v in row_state(row, rules).items() if v is not None}
    case_id: int | None = getattr(row, "case_id", None)
    session.delete(row)
    _flush_and_audit(
        session, model, row_id, user, case_id, "delete", {k: (v, None) for k, v in before.items()}
    )


def _flush_and_audit(
    session: Session,
    model: type[Base],
    row_id: int,
    user: str,
    case_id: int | None,
    action: str,
    changes: Mapping[str, tuple[Any, Any]],
) -> None:
    flush_or_conflict(session, model, row_id)
    write_audit(session, user, RECORDS[model].table, row_id, case_id, action, changes)


# ---------------------------------------------------------------- one table's add, change, delete


def adder(model: type[RowT], **defaults: Any) -> Callable[..., RowT]:
    """add_row bound to one kind of case row: add(session, case_id, user, *, as_of, **values).

    defaults: values written when the caller gives none (audited like the caller's own).
    """

    def add(
        session: Session, case_id: int, user: str, *, as_of: date | None = None, **values: Any
    ) -> RowT:
        return add_row(session, model, user, case_id, {**defaults, **values}, as_of=as_of)

    add.__doc__ = f"Record a new {RECORDS[model].table.replace('_', ' ')} for a case."
    return add


def updater(model: type[RowT]) -> Callable[..., RowT]:
    """update_row bound to one table: update(session, row_id, expected_version, user, **changes)."""

    def update(
        session: Session, row_id: int, expected_version: int, user: str, **changes: Any
    ) -> RowT:
        as_of = changes.pop("as_of", None)
        return update_row(session, model, row_id, expected_version, user, changes, as_of=as_of)

    update.__doc__ = f"Change a {RECORDS[model].table.replace('_', ' ')}; audited field by field."
    return update


def deleter(model: type[Base]) -> Callable[[Session, int, int, str], None]:
    """delete_row bound to one table: delete(session, row_id, expected_version, user)."""

    def delete(session: Session, row_id: int, expected_version: int, user: str) -> None:
        delete_row(session, model, row_id, expected_version, user)

    delete.__doc__ = f"Remove a {RECORDS[model].table.replace('_', ' ')}; the audit keeps it."
    return delete


def handlers(
    model: type[RowT], **defaults: Any
) -> tuple[Callable[..., RowT], Callable[..., RowT], Callable[[Session, int, int, str], None]]:
    """add, update and delete for one kind of case row."""
    return adder(model, **defaults), updater(model), deleter(model)


# Advice: kind, requested (required), received, chased, advice_giver.
add_advice_request, update_advice_request, delete_advice_request = handlers(AdviceRequest)
# Exceptions: code (required), start, end, note.
add_exception, update_exception, delete_exception = handlers(CaseException, note="")
# Consultations: institution, sent (required), responded, outcome, institution_urn.
add_consultation, update_consultation, delete_consultation = handlers(Consultation)
# Annual reviews: meeting, notice_sent, advice_circulated, report_sent, decision_sent,
# outcome ("A"/"C"/"M"), amendment_sent, final_amended - any may be left for later.
add_review, update_review, delete_review = handlers(AnnualReview)
# Notes and closures are added by their own functions below: a note's author and date, a
# closure belongs to no case.
update_note, delete_note = updater(CaseNote), deleter(CaseNote)
update_school_closure, delete_school_closure = updater(SchoolClosure), deleter(SchoolClosure)


def add_note(
    session: Session,
    case_id: int,
    user: str,
    note: str,
    *,
    written: date | None = None,
) -> CaseNote:
    values = {"text": note, "written": written or date.today(), "author": user}
    return add_row(session, CaseNote, user, case_id, values)


def add_school_closure(
    session: Session, user: str, *, name: str, start: date, end: date, as_of: date | None = None
) -> SchoolClosure:
    values = {"name": name, "start": start, "end": end}
    return add_row(session, SchoolClosure, user, None, values, as_of=as_of)


def school_closures(session: Session) -> list[SchoolClosure]:
    return list(session.execute(select(SchoolClosure).order_by(SchoolClosure.start)).scalars())
