"""Recording requests for assessment, the children they are for, and their plans.

The store's write side is split by role: store/fields.py (what each record holds), rules.py
(what may be written), audit.py (the audit trail), rows.py (writing one row of any table, and
the named helpers for each kind of case row) and chronology.py (a case's history). This module
holds cases and children, and names everything the rest of the program imports from the store's
write side, so `from send_desktop.store.cases import ...` keeps working.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from send_desktop.errors import KnownError
from send_desktop.store.audit import _as_text, audit_fields, database_user, write_audit
from send_desktop.store.chronology import ChronologyEntry, chronology
from send_desktop.store.errors import NotFoundError
from send_desktop.store.fields import label
from send_desktop.store.models import (
    WEEK20_EXCEPTION_CODES,
    Case,
    CaseException,
    Child,
    utc_now,
)
from send_desktop.store.rows import (
    BREACH_NOTE,
    add_advice_request,
    add_consultation,
    add_exception,
    add_note,
    add_review,
    add_row,
    add_school_closure,
    case_of,
    delete_advice_request,
    delete_consultation,
    delete_exception,
    delete_note,
    delete_review,
    delete_row,
    delete_school_closure,
    flush_or_conflict,
    guard_case,
    load_for_edit,
    school_closures,
    update_advice_request,
    update_consultation,
    update_exception,
    update_note,
    update_review,
    update_row,
    update_school_closure,
)
from send_desktop.store.rules import (
    CASE_ROW_MODELS,
    FIELD_LABELS,
    FUTURE_LIMIT,
    RECORDS,
    check_row,
    editable_fields,
    row_state,
    validate,
)

__all__ = [
    "BREACH_NOTE",
    "FIELD_LABELS",
    "FUTURE_LIMIT",
    "REF_LOCK",
    "ChildDetails",
    "ChronologyEntry",
    "_as_text",
    "add_advice_request",
    "add_child",
    "add_consultation",
    "add_exception",
    "add_note",
    "add_review",
    "add_row",
    "add_school_closure",
    "audit_fields",
    "case_of",
    "check_row",
    "chronology",
    "create_case",
    "database_user",
    "delete_advice_request",
    "delete_case",
    "delete_consultation",
    "delete_exception",
    "delete_note",
    "delete_review",
    "delete_row",
    "delete_school_closure",
    "editable_fields",
    "find_possible_duplicates",
    "flush_or_conflict",
    "label",
    "next_ref",
    "school_closures",
    "update_advice_request",
    "update_case",
    "update_child",
    "update_consultation",
    "update_exception",
    "update_note",
    "update_review",
    "update_row",
    "update_school_closure",
    "week20_exception",
    "write_audit",
]

log = logging.getLogger(__name__)

# pg_advisory_xact_lock class for case references ("REF" in ASCII), keyed by year.
REF_LOCK = 0x524546


@dataclass(frozen=True)
class ChildDetails:
    """A child as typed on the new-request form."""

    first_name: str
    last_name: str
    date_of_birth: date | None = None
    sex: str | None = None
    postcode: str | None = None
    upn: str | None = None
    uln: str | None = None
    setting_name: str | None = None
    setting_urn: str | None = None
    setting_code: str | None = None
    ethnicity: str | None = None
    upn_unknown: str | None = None


def next_ref(session: Session, year: int) -> str:
    """The next free reference for a year: EHC-2025-00123."""
    prefix = f"EHC-{year}-"
    if session.get_bind().dialect.name == "postgresql":
        # Team mode: people creating cases at the same moment take turns for the year's next
        # number (held until the transaction ends), so none is handed out twice.
        session.execute(text("SELECT pg_advisory_xact_lock(:k, :y)"), {"k": REF_LOCK, "y": year})
    last = session.execute(
        select(func.max(Case.ref)).where(Case.ref.like(prefix + "%"))
    ).scalar_one_or_none()
    number = 1
    if last:
        tail = last[len(prefix) :]
        number = int(tail) + 1 if tail.isdigit() else 1
    return f"{prefix}{number:05d}"


def add_child(
    session: Session, user: str, details: ChildDetails, *, as_of: date | None = None
) -> Child:
    as_of = as_of or date.today()
    values = {k: v for k, v in asdict(details).items()}
    values["first_name"] = (values["first_name"] or "").strip()
    values["last_name"] = (values["last_name"] or "").strip()
    validate(session, Child, values, values, as_of, None)
    child = Child(**values, updated_by=user, updated_at=utc_now())
    session.add(child)
    session.flush()
    write_audit(
        session,
        user,
        "child",
        child.id,
        None,
        "insert",
        {k: (None, v) for k, v in values.items() if v is not None},
    )
    return child


def update_child(
    session: Session,
    child_id: int,
    expected_version: int,
    user: str,
    *,
    as_of: date | None = None,
    **changes: Any,
) -> Child:
    dob = changes.get("date_of_birth")
    if isinstance(dob, date):
        first = session.execute(
            select(func.min(Case.request_received)).where(Case.child_id == child_id)
        ).scalar_one_or_none()
        if first is not None and first < dob:
            raise KnownError(
                f"{label('date_of_birth')} ({dob:%d/%m/%Y}) cannot be after a request for "
                f"this child was received ({first:%d/%m/%Y})"
            )
    return update_row(session, Child, child_id, expected_version, user, changes, as_of=as_of)


def create_case(
    session: Session,
    user: str,
    *,
    child: ChildDetails | int,
    request_received: date,
    ref: str | None = None,
    as_of: date | None = None,
    breach_reason: str | None = None,
    confirm_breach: bool = False,
    **fields: Any,
) -> Case:
    """Record a new request for assessment; creates the child unless an existing id is given.

    With confirm_breach, a case recorded with a breach already in it (a final plan inside the
    reg 13(1) window) raises BreachNeedsReason unless breach_reason says why, as update_case.

    A child given as details is matched to an existing record only by an identical UPN and
    date of birth; anything looser is for the caseworker to decide (find_possible_duplicates).
    """
    as_of = as_of or date.today()
    if isinstance(child, int):
        child_row = session.get(Child, child)
        if child_row is None:
            raise NotFoundError(f"Child {child} does not exist")
    else:
        child_row = None
        if child.upn:
            child_row = session.execute(
                select(Child).where(
                    Child.upn == child.upn, Child.date_of_birth == child.date_of_birth
                )
            ).scalar_one_or_none()
        if child_row is None:
            child_row = add_child(session, user, child, as_of=as_of)
    values: dict[str, Any] = {"request_received": request_received, **fields}
    values.setdefault("closed", False)
    # PostgreSQL: a savepoint lets us retry when another user took the same number at the same
    # moment. SQLite (pysqlite) cannot nest transactions reliably and has a single writer anyway.
    retry = session.get_bind().dialect.name != "sqlite" and ref is None
    for attempt in range(10 if retry else 1):
        values["ref"] = ref or next_ref(session, request_received.year)
        merged = {**values, "child_id": child_row.id}
        validate(session, Case, values, merged, as_of, None)
        case = Case(**values, child_id=child_row.id, updated_by=user, updated_at=utc_now())
        if not retry:
            session.add(case)
            try:
                session.flush()
            except IntegrityError as exc:
                raise KnownError(
                    f"The reference {values['ref']} is already used - try again"
                ) from exc
            break
        savepoint = session.begin_nested()
        session.add(case)
        try:
            session.flush()
        except IntegrityError as exc:
            savepoint.rollback()
            if attempt == 9:
                raise KnownError(f"The reference {values['ref']} is already used") from exc
            continue
        savepoint.commit()
        break
    write_audit(
        session,
        user,
        "case",
        case.id,
        case.id,
        "insert",
        {k: (None, v) for k, v in {**values, "child_id": child_row.id}.items() if v is not None},
    )
    if values.get("draft_served") is not None and values.get("final_issued") is not None:
        # A new case has no advice or reviews yet: only these two can make a breach (reg
        # 13(1)), so the whole-case check is skipped for the other new cases (demo, import).
        guard_case(session, case.id, None, user, as_of, breach_reason, confirm_breach)
    log.info("Created case %s", case.id)
    return case


def update_case(
    session: Session,
    case_id: int,
    expected_version: int,
    user: str,
    *,
    as_of: date | None = None,
    breach_reason: str | None = None,
    confirm_breach: bool = False,
    **changes: Any,
) -> Case:
    """Change a case's recorded dates or details; stale versions raise ConflictError.

    With confirm_breach (the dialogs), a breach the change makes (a final plan inside the reg
    13(1) window...) raises BreachNeedsReason unless breach_reason says why; the reason goes
    into the chronology.
    """
    return update_row(
        session,
        Case,
        case_id,
        expected_version,
        user,
        changes,
        as_of=as_of,
        breach_reason=breach_reason,
        confirm_breach=confirm_breach,
    )


def delete_case(session: Session, case_id: int, expected_version: int, user: str) -> None:
    """Remove a case entered by mistake, with its event rows; the audit keeps every value."""
    case = load_for_edit(session, Case, case_id, expected_version)
    for model in CASE_ROW_MODELS:
        rules = RECORDS[model]
        owned = model.case_id == case_id  # type: ignore[attr-defined]
        for row in session.execute(select(model).where(owned)).scalars():
            values = {k: v for k, v in row_state(row, rules).items() if v is not None}
            write_audit(
                session,
                user,
                rules.table,
                row.id,  # type: ignore[attr-defined]
                case_id,
                "delete",
                {k: (v, None) for k, v in values.items()},
            )
    values = {k: v for k, v in row_state(case, RECORDS[Case]).items() if v is not None}
    values["child_id"] = case.child_id
    session.delete(case)
    flush_or_conflict(session, Case, case_id)
    write_audit(
        session, user, "case", case_id, case_id, "delete", {k: (v, None) for k, v in values.items()}
    )
    log.info("Deleted case %s", case_id)


def week20_exception(session: Session, case_id: int) -> bool:
    """SEN2 Week20 flag for a case: an X1-X4 exception is recorded."""
    found = session.execute(
        select(func.count())
        .select_from(CaseException)
        .where(
            CaseException.case_id == case_id,
            CaseException.code.in_(WEEK20_EXCEPTION_CODES),
        )
    ).scalar_one()
    return bool(found)


def find_possible_duplicates(
    session: Session, first_name: str, last_name: str, date_of_birth: date | None
) -> list[Child]:
    """Children who may be the same person: same names, or same birthday and one name."""
    first, last = first_name.strip().lower(), last_name.strip().lower()
    same_names = (func.lower(Child.first_name) == first) & (func.lower(Child.last_name) == last)
    condition: ColumnElement[bool] = same_names
    if date_of_birth is not None:
        condition = or_(
            same_names,
            (Child.date_of_birth == date_of_birth)
            & or_(func.lower(Child.first_name) == first, func.lower(Child.last_name) == last),
        )
    rows = session.execute(
        select(Child).where(condition).order_by(Child.last_name, Child.first_name, Child.id)
    ).scalars()
    return list(rows)
