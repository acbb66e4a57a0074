"""Recording requests, decisions, plans and their events: validated, versioned and audited."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from send_desktop.errors import KnownError
from send_desktop.store.errors import BreachNeedsReason, ConflictError, NotFoundError
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
    WEEK20_EXCEPTION_CODES,
    WORK_BASED_CODES,
    AdviceRequest,
    AnnualReview,
    Appeal,
    AuditEntry,
    Base,
    Case,
    CaseException,
    CaseNote,
    Child,
    Consultation,
    FamilyContact,
    Letter,
    Mediation,
    Move,
    Placement,
    SchoolClosure,
    utc_now,
)
from send_desktop.timeline import order

log = logging.getLogger(__name__)

RowT = TypeVar("RowT", bound=Base)

# Words the caseworker sees in validation messages.
FIELD_LABELS: dict[str, str] = {
    "request_received": "Request received",
    "request_channel": "Request channel",
    "request_source": "Request made by",
    "decision_to_assess": "Decision whether to assess",
    "decision_outcome": "Decision outcome",
    "not_issue_decision": "Decision not to issue a plan",
    "draft_served": "Draft plan served",
    "draft_method": "Draft plan sent by",
    "final_issued": "Final plan issued",
    "plan_issued": "Plan first issued",
    "need_type": "Primary need",
    "need_rank": "Need rank",
    "phase_transfer": "Phase transfer date",
    "transfer_kind": "Phase transfer kind",
    "reassessment_notified": "Re-assessment notified",
    "ceased": "Plan ceased",
    "cease_reason": "Reason the plan ceased",
    "date_of_birth": "Date of birth",
    "first_name": "First name",
    "last_name": "Last name",
    "sex": "Sex",
    "upn": "UPN",
    "uln": "ULN",
    "setting_code": "Setting code",
    "kind": "Advice from",
    "requested": "Advice requested",
    "received": "Advice received",
    "chased": "Advice chased",
    "code": "Exception",
    "start": "Start",
    "end": "End",
    "sent": "Consultation sent",
    "responded": "Response received",
    "outcome": "Outcome",
    "meeting": "Review meeting",
    "notice_sent": "Notice of meeting sent",
    "advice_circulated": "Advice circulated",
    "report_sent": "Review report sent",
    "decision_sent": "Decision sent",
    "amendment_sent": "Proposed amendments sent",
    "final_amended": "Final amended plan issued",
    "institution": "School or institution",
    "text": "Note",
    "name": "Name",
    "written": "Note date",
    "direction": "Direction",
    "move_date": "Moved",
    "aware_of_move": "Knew of the move",
    "plan_transferred": "Plan transferred",
    "certificate_issued": "Mediation certificate issued",
    "mediation_declined": "Mediation declined",
    "mediation_requested": "Mediation requested",
    "mediation_held": "Mediation held",
    "adviser_contacted": "Mediation adviser contacted",
    "lodged": "Appeal lodged",
    "hearing": "Hearing",
    "order_assess": "Tribunal order to assess",
    "order_plan": "Tribunal order to make a plan",
    "order_notice_sent": "Parent told of the order",
    "parent_notified": "Parent told of the transfer",
    # SEN2 items (send_desktop/sen2).
    "ethnicity": "Ethnicity",
    "upn_unknown": "Reason the UPN is unknown",
    "request_rya": "In youth custody when the request was made",
    "exported_la": "LA the child moved to",
    "transfer_la": "LA the plan came from",
    "secondary_need": "Secondary need",
    "plan_setting_code": "Setting type named in the plan",
    "plan_setting_other": "Setting described",
    "plan_residential": "Residential placement",
    "plan_work_based": "Work-based placement",
    "personal_budget": "Personal budget",
    "budget_organised": "Budget organised by the LA",
    "direct_payment": "Direct payment",
    "entry": "Placement started",
    "leaving": "Placement left",
}

# pg_advisory_xact_lock class for case references ("REF" in ASCII), keyed by year.
REF_LOCK = 0x524546
# How far ahead a date may be recorded (planned meetings, closures); beyond is a typing error.
FUTURE_LIMIT = order.FUTURE_LIMIT
# A case note that records a confirmed breach and its reason starts with these words.
BREACH_NOTE = "Breach recorded: "


def label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


@dataclass(frozen=True)
class _RowRules:
    """What may be written to one table and which orders of dates are impossible."""

    table: str
    fields: frozenset[str]
    scope: str  # the record's kind in timeline.order, whose rules check its dates
    required: frozenset[str] = frozenset()
    codes: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    # Which orders of dates are impossible is timeline.order's (ORDERS[scope]), for every way in.


_CASE = _RowRules(
    table="case",
    scope="case",
    fields=frozenset(
        {
            "ref",
            "caseworker_id",
            "request_received",
            "request_channel",
            "request_source",
            "decision_to_assess",
            "decision_outcome",
            "not_issue_decision",
            "draft_served",
            "draft_method",
            "final_issued",
            "plan_issued",
            "need_type",
            "need_rank",
            "placement_name",
            "placement_urn",
            "phase_transfer",
            "transfer_kind",
            "reassessment_notified",
            "ceased",
            "cease_reason",
            "closed",
            "request_rya",
            "exported_la",
            "transfer_la",
            "secondary_need",
            "plan_setting_code",
            "plan_setting_other",
            "plan_residential",
            "plan_work_based",
            "personal_budget",
            "budget_organised",
            "direct_payment",
        }
    ),
    required=frozenset({"ref", "request_received"}),
    codes={
        "request_channel": REQUEST_CHANNELS,
        "request_source": REQUEST_SOURCES,
        "decision_outcome": DECISION_OUTCOMES,
        "draft_method": SERVICE_METHODS,
        "need_type": NEED_TYPES,
        "transfer_kind": TRANSFER_KINDS,
        "cease_reason": tuple(range(1, 10)),
        "secondary_need": NEED_TYPES,
        "plan_setting_code": SETTING_CODES,
        "plan_residential": RESIDENTIAL_CODES,
        "plan_work_based": WORK_BASED_CODES,
        "direct_payment": DIRECT_PAYMENT_CODES,
    },
)
_CHILD = _RowRules(
    table="child",
    scope="child",
    fields=frozenset(
        {
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "postcode",
            "upn",
            "uln",
            "setting_name",
            "setting_urn",
            "setting_code",
            "ethnicity",
            "upn_unknown",
        }
    ),
    required=frozenset({"first_name", "last_name"}),
    codes={"sex": SEXES, "setting_code": SETTING_CODES, "upn_unknown": UPN_UNKNOWN_CODES},
)
_ROW_RULES: dict[type[Base], _RowRules] = {
    Case: _CASE,
    Child: _CHILD,
    AdviceRequest: _RowRules(
        table="advice_request",
        scope="advice",
        fields=frozenset({"kind", "advice_giver", "requested", "received", "chased"}),
        required=frozenset({"kind", "requested"}),
        codes={"kind": ADVICE_KINDS},
    ),
    CaseException: _RowRules(
        table="case_exception",
        scope="exception",
        fields=frozenset({"code", "start", "end", "note"}),
        required=frozenset({"code"}),
        codes={"code": EXCEPTION_CODES},
    ),
    Consultation: _RowRules(
        table="consultation",
        scope="consultation",
        fields=frozenset({"institution", "institution_urn", "sent", "responded", "outcome"}),
        required=frozenset({"institution", "sent"}),
        codes={"outcome": CONSULTATION_OUTCOMES},
    ),
    AnnualReview: _RowRules(
        table="annual_review",
        scope="review",
        fields=frozenset(
            {
                "meeting",
                "notice_sent",
                "advice_circulated",
                "report_sent",
                "decision_sent",
                "outcome",
                "amendment_sent",
                "final_amended",
            }
        ),
        codes={"outcome": REVIEW_OUTCOMES},
    ),
    Move: _RowRules(
        table="move",
        scope="move",
        fields=frozenset(
            {
                "direction",
                "other_authority",
                "move_date",
                "aware_of_move",
                "plan_transferred",
                "parent_notified",
            }
        ),
        required=frozenset({"direction"}),
        codes={"direction": MOVE_DIRECTIONS},
    ),
    Mediation: _RowRules(
        table="mediation",
        scope="mediation",
        fields=frozenset(
            {
                "decision_sent",
                "adviser_contacted",
                "mediation_declined",
                "mediation_requested",
                "mediation_held",
                "certificate_issued",
                "note",
            }
        ),
    ),
    Appeal: _RowRules(
        table="appeal",
        scope="appeal",
        fields=frozenset(
            {
                "subject",
                "lodged",
                "hearing",
                "outcome",
                "order_assess",
                "order_plan",
                "order_notice_sent",
            }
        ),
    ),
    CaseNote: _RowRules(
        table="case_note",
        scope="note",
        fields=frozenset({"written", "author", "text"}),
        required=frozenset({"written", "text"}),
    ),
    Placement: _RowRules(
        table="placement",
        scope="placement",
        fields=frozenset(
            {
                "rank",
                "name",
                "urn",
                "setting_code",
                "setting_other",
                "entry",
                "leaving",
                "sen_unit",
                "resourced_provision",
                "residential",
                "work_based",
            }
        ),
        required=frozenset({"entry"}),
        codes={
            "rank": (1, 2),
            "setting_code": SETTING_CODES,
            "residential": RESIDENTIAL_CODES,
            "work_based": WORK_BASED_CODES,
        },
    ),
    SchoolClosure: _RowRules(
        table="school_closure",
        scope="closure",
        fields=frozenset({"name", "start", "end"}),
        required=frozenset({"name", "start", "end"}),
    ),
    # Letters (issue 17): who they go to, and each letter written and sent.
    FamilyContact: _RowRules(
        table="family_contact",
        scope="family_contact",
        fields=frozenset({"name", "role", "address", "email", "preferred_channel", "may_appeal"}),
        required=frozenset({"name", "role"}),
        codes={"role": FAMILY_ROLES, "preferred_channel": LETTER_CHANNELS},
    ),
    Letter: _RowRules(
        table="letter",
        scope="letter",
        fields=frozenset(
            {"letter", "recipient", "dated", "sent_on", "sent_by", "file_path", "sha256", "inputs"}
        ),
        required=frozenset({"letter", "dated"}),
        codes={"sent_by": LETTER_CHANNELS},
    ),
}
_CASE_ROW_MODELS = (
    AdviceRequest,
    CaseException,
    Consultation,
    AnnualReview,
    Move,
    Mediation,
    Appeal,
    CaseNote,
    FamilyContact,
    Letter,
    Placement,
)


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


class ChronologyEntry(NamedTuple):
    """One line of a case's history: a dated event or a recorded change."""

    day: date
    at: datetime | None
    kind: str  # "event" (a date in the case) or "change" (an audit row)
    title: str
    detail: str
    user: str | None


# ---------------------------------------------------------------- audit


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def database_user(session: Session) -> str | None:
    """PostgreSQL's current_user for audit rows (None on SQLite), asked once per session."""
    if "db_user" not in session.info:
        bind = session.get_bind()
        session.info["db_user"] = (
            session.execute(text("SELECT current_user")).scalar_one()
            if bind.dialect.name == "postgresql"
            else None
        )
    found: str | None = session.info["db_user"]
    return found


def write_audit(
    session: Session,
    user: str,
    table: str,
    row_id: int | None,
    case_id: int | None,
    action: str,
    changes: Mapping[str, tuple[Any, Any]],
) -> None:
    """One audit row per changed field, in the caller's transaction.

    On PostgreSQL (team mode) the server's triggers write the audit rows, with the login and
    the server's clock (store/team.py); the program writing its own as well would double them.
    """
    if session.get_bind().dialect.name == "postgresql":
        return
    at = utc_now()
    fields = audit_fields(action, changes)
    session.add_all(
        AuditEntry(
            at=at,
            user=user,
            db_user=database_user(session),
            table_name=table,
            row_id=row_id,
            case_id=case_id,
            field=name,
            old=old,
            new=new,
            action=action,
        )
        for name, old, new in fields
    )


def audit_fields(
    action: str, changes: Mapping[str, tuple[Any, Any]]
) -> list[tuple[str | None, str | None, str | None]]:
    """(field, old, new) as audit rows hold them: one per changed field, else one bare row."""
    fields: list[tuple[str | None, str | None, str | None]] = []
    for name, (old, new) in sorted(changes.items()):
        before, after = _as_text(old), _as_text(new)
        if before != after or action == "delete":
            fields.append((name, before, after))
    return fields or [(None, None, None)]


# ---------------------------------------------------------------- validation


def _check_values(
    rules: _RowRules,
    values: Mapping[str, Any],
    merged: Mapping[str, Any],
    as_of: date,
) -> None:
    unknown = sorted(set(values) - rules.fields)
    if unknown:
        raise KnownError(f"{label(unknown[0])} cannot be recorded here")
    for name in sorted(rules.required):
        value = merged.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise KnownError(f"{label(name)} is required")
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, datetime):
            raise KnownError(f"{label(name)}: give a date, not a date and time")
        if name in rules.codes and value not in rules.codes[name]:
            allowed = ", ".join(str(v) for v in rules.codes[name])
            raise KnownError(f"{label(name)}: {value!r} is not one of {allowed}")
        if isinstance(value, date):
            problem = order.date_problem(name, value, as_of, rules.scope)
            if problem:
                raise KnownError(problem)


def _check_case(merged: Mapping[str, Any], dob: date | None) -> None:
    if merged.get("decision_outcome") == "not-assess":
        for name in ("draft_served", "final_issued", "not_issue_decision"):
            if merged.get(name) is not None:
                raise KnownError(
                    f"{label(name)}: the decision was not to assess, so there is no plan"
                )
    if merged.get("decision_outcome") is not None and merged.get("decision_to_assess") is None:
        raise KnownError(f"{label('decision_to_assess')}: give the date of the decision")
    if merged.get("not_issue_decision") and merged.get("final_issued"):
        raise KnownError(
            f"{label('final_issued')}: a decision not to issue a plan is recorded for this request"
        )
    if merged.get("cease_reason") is not None and merged.get("ceased") is None:
        raise KnownError(f"{label('ceased')}: give the date the plan ceased")


def _check_child(merged: Mapping[str, Any], as_of: date) -> None:
    upn = merged.get("upn")
    if upn and (len(upn) != 13 or not upn[1:].isalnum()):
        raise KnownError(f"{label('upn')} must be 13 characters")
    uln = merged.get("uln")
    if uln and (len(uln) != 10 or not uln.isdigit()):
        raise KnownError(f"{label('uln')} must be 10 digits")


def _row_state(row: Base, rules: _RowRules) -> dict[str, Any]:
    return {name: getattr(row, name) for name in rules.fields}


def _validate(
    session: Session,
    model: type[Base],
    values: Mapping[str, Any],
    merged: Mapping[str, Any],
    as_of: date,
    case: Case | None,
) -> None:
    birth = None
    if model is Case and merged.get("child_id"):
        child = session.get(Child, merged["child_id"])
        birth = child.date_of_birth if child else None
    check_row(
        model,
        values,
        merged,
        as_of,
        child_birth=birth,
        request_received=case.request_received if case is not None else None,
        plan_start=(
            order.plan_start({"plan_issued": case.plan_issued, "final_issued": case.final_issued})
            if case is not None
            else None
        ),
    )


def check_row(
    model: type[Base],
    values: Mapping[str, Any],
    merged: Mapping[str, Any],
    as_of: date,
    *,
    child_birth: date | None = None,
    request_received: date | None = None,
    plan_start: date | None = None,
) -> None:
    """The store's rules for one row, given what they need from the database; KnownError if broken.

    values: the fields being written; merged: the row as it would be afterwards. child_birth:
    the case's child's date of birth (cases); request_received: the case's request date (rows
    belonging to a case); plan_start: when the case's plan began (reviews). The orders of
    dates are timeline.order's, the same words as the dialogs, the import and `calc` give.
    """
    rules = _ROW_RULES[model]
    _check_values(rules, values, merged, as_of)
    if model is Case:
        _check_case(merged, child_birth)
    elif model is Child:
        _check_child(merged, as_of)
    dated: dict[str, object] = {k: v for k, v in merged.items() if isinstance(v, date)}
    if model is Case and child_birth is not None:
        dated["date_of_birth"] = child_birth
    if request_received is not None and "request_received" not in dated:
        dated["request_received"] = request_received
    if plan_start is not None:
        dated["plan_start"] = plan_start
    problems = order.order_problems(rules.scope, dated)
    if problems:
        raise KnownError(problems[0])


# ---------------------------------------------------------------- the whole case


def _facts_of(session: Session, case_id: int) -> Any:
    # Imported here: facts.py imports this module's models, not the other way round.
    from send_desktop.store.facts import case_facts

    return case_facts(session, [case_id]).get(case_id)


def _guard_case(
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


def _load_for_edit(session: Session, model: type[RowT], row_id: int, expected_version: int) -> RowT:
    row = session.get(model, row_id, populate_existing=True)
    if row is None:
        raise NotFoundError(f"That {_ROW_RULES[model].table.replace('_', ' ')} no longer exists")
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


def _case_of(session: Session, case_id: int) -> Case:
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
    if model not in _ROW_RULES or model in (Case, Child):
        raise TypeError(f"add_row does not handle {model.__name__}")
    as_of = as_of or date.today()
    case = _case_of(session, case_id) if model in _CASE_ROW_MODELS and case_id else None
    if model in _CASE_ROW_MODELS and case is None:
        raise KnownError("Choose the case first")
    clean = {k: v for k, v in values.items()}
    _validate(session, model, clean, clean, as_of, case)
    before = _facts_of(session, case.id) if case is not None and model is not CaseNote else None
    row = model(**clean, updated_by=user, updated_at=utc_now())
    if case is not None:
        row.case_id = case.id  # type: ignore[attr-defined]
    session.add(row)
    session.flush()
    write_audit(
        session,
        user,
        _ROW_RULES[model].table,
        row.id,  # type: ignore[attr-defined]
        case.id if case else None,
        "insert",
        {k: (None, v) for k, v in clean.items() if v is not None},
    )
    if case is not None and model is not CaseNote:
        _guard_case(session, case.id, before, user, as_of, breach_reason, confirm_breach)
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
    rules = _ROW_RULES[model]
    row = _load_for_edit(session, model, row_id, expected_version)
    before = _row_state(row, rules)
    if model is Case:
        before["child_id"] = row.child_id  # type: ignore[attr-defined]
    merged = {**before, **changes}
    case_id: int | None = getattr(row, "case_id", None)
    case = session.get(Case, case_id) if case_id is not None and model is not Case else None
    _validate(session, model, changes, merged, as_of, case)
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
    flush_or_conflict(session, model, row_id)
    write_audit(
        session,
        user,
        rules.table,
        row_id,
        row_id if model is Case else case_id,
        "update",
        diff,
    )
    if guarded and owner is not None:
        _guard_case(session, owner, facts_before, user, as_of, breach_reason, confirm_breach)
    return row


def delete_row(
    session: Session, model: type[Base], row_id: int, expected_version: int, user: str
) -> None:
    """Delete a row loaded at expected_version; the audit keeps its last values."""
    rules = _ROW_RULES[model]
    row = _load_for_edit(session, model, row_id, expected_version)
    before = {k: v for k, v in _row_state(row, rules).items() if v is not None}
    case_id: int | None = getattr(row, "case_id", None)
    session.delete(row)
    flush_or_conflict(session, model, row_id)
    write_audit(
        session,
        user,
        rules.table,
        row_id,
        case_id,
        "delete",
        {k: (v, None) for k, v in before.items()},
    )


# ---------------------------------------------------------------- cases and children


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
    _validate(session, Child, values, values, as_of, None)
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
        _validate(session, Case, values, merged, as_of, None)
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
        _guard_case(session, case.id, None, user, as_of, breach_reason, confirm_breach)
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
    case = _load_for_edit(session, Case, case_id, expected_version)
    for model in _CASE_ROW_MODELS:
        rules = _ROW_RULES[model]
        rows = session.execute(select(model).where(model.case_id == case_id)).scalars()
        for row in rows:
            values = {k: v for k, v in _row_state(row, rules).items() if v is not None}
            write_audit(
                session,
                user,
                rules.table,
                row.id,  # type: ignore[attr-defined]
                case_id,
                "delete",
                {k: (v, None) for k, v in values.items()},
            )
    values = {k: v for k, v in _row_state(case, _CASE).items() if v is not None}
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


# ---------------------------------------------------------------- typed event helpers


def add_advice_request(
    session: Session,
    case_id: int,
    user: str,
    *,
    kind: str,
    requested: date,
    received: date | None = None,
    chased: date | None = None,
    advice_giver: str | None = None,
    as_of: date | None = None,
) -> AdviceRequest:
    values = {
        "kind": kind,
        "requested": requested,
        "received": received,
        "chased": chased,
        "advice_giver": advice_giver,
    }
    return add_row(session, AdviceRequest, user, case_id, values, as_of=as_of)


def update_advice_request(
    session: Session, advice_id: int, expected_version: int, user: str, **changes: Any
) -> AdviceRequest:
    as_of = changes.pop("as_of", None)
    return update_row(
        session, AdviceRequest, advice_id, expected_version, user, changes, as_of=as_of
    )


def delete_advice_request(
    session: Session, advice_id: int, expected_version: int, user: str
) -> None:
    delete_row(session, AdviceRequest, advice_id, expected_version, user)


def add_exception(
    session: Session,
    case_id: int,
    user: str,
    *,
    code: str,
    start: date | None = None,
    end: date | None = None,
    note: str = "",
    as_of: date | None = None,
) -> CaseException:
    values = {"code": code, "start": start, "end": end, "note": note}
    return add_row(session, CaseException, user, case_id, values, as_of=as_of)


def update_exception(
    session: Session, exception_id: int, expected_version: int, user: str, **changes: Any
) -> CaseException:
    as_of = changes.pop("as_of", None)
    return update_row(
        session, CaseException, exception_id, expected_version, user, changes, as_of=as_of
    )


def delete_exception(session: Session, exception_id: int, expected_version: int, user: str) -> None:
    delete_row(session, CaseException, exception_id, expected_version, user)


def add_consultation(
    session: Session,
    case_id: int,
    user: str,
    *,
    institution: str,
    sent: date,
    responded: date | None = None,
    outcome: str | None = None,
    institution_urn: str | None = None,
    as_of: date | None = None,
) -> Consultation:
    values = {
        "institution": institution,
        "sent": sent,
        "responded": responded,
        "outcome": outcome,
        "institution_urn": institution_urn,
    }
    return add_row(session, Consultation, user, case_id, values, as_of=as_of)


def update_consultation(
    session: Session, consultation_id: int, expected_version: int, user: str, **changes: Any
) -> Consultation:
    as_of = changes.pop("as_of", None)
    return update_row(
        session, Consultation, consultation_id, expected_version, user, changes, as_of=as_of
    )


def delete_consultation(
    session: Session, consultation_id: int, expected_version: int, user: str
) -> None:
    delete_row(session, Consultation, consultation_id, expected_version, user)


def add_review(
    session: Session,
    case_id: int,
    user: str,
    *,
    as_of: date | None = None,
    **dates: Any,
) -> AnnualReview:
    """An annual review: meeting, notice_sent, advice_circulated, report_sent, decision_sent,
    outcome ("A"/"C"/"M"), amendment_sent, final_amended - any may be left for later."""
    return add_row(session, AnnualReview, user, case_id, dates, as_of=as_of)


def update_review(
    session: Session, review_id: int, expected_version: int, user: str, **changes: Any
) -> AnnualReview:
    as_of = changes.pop("as_of", None)
    return update_row(
        session, AnnualReview, review_id, expected_version, user, changes, as_of=as_of
    )


def delete_review(session: Session, review_id: int, expected_version: int, user: str) -> None:
    delete_row(session, AnnualReview, review_id, expected_version, user)


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


def update_note(
    session: Session, note_id: int, expected_version: int, user: str, **changes: Any
) -> CaseNote:
    as_of = changes.pop("as_of", None)
    return update_row(session, CaseNote, note_id, expected_version, user, changes, as_of=as_of)


def delete_note(session: Session, note_id: int, expected_version: int, user: str) -> None:
    delete_row(session, CaseNote, note_id, expected_version, user)


def add_school_closure(
    session: Session, user: str, *, name: str, start: date, end: date, as_of: date | None = None
) -> SchoolClosure:
    values = {"name": name, "start": start, "end": end}
    return add_row(session, SchoolClosure, user, None, values, as_of=as_of)


def update_school_closure(
    session: Session, closure_id: int, expected_version: int, user: str, **changes: Any
) -> SchoolClosure:
    as_of = changes.pop("as_of", None)
    return update_row(
        session, SchoolClosure, closure_id, expected_version, user, changes, as_of=as_of
    )


def delete_school_closure(
    session: Session, closure_id: int, expected_version: int, user: str
) -> None:
    delete_row(session, SchoolClosure, closure_id, expected_version, user)


def school_closures(session: Session) -> list[SchoolClosure]:
    return list(session.execute(select(SchoolClosure).order_by(SchoolClosure.start)).scalars())


# ---------------------------------------------------------------- chronology

_CASE_EVENTS: tuple[tuple[str, str], ...] = (
    ("request_received", "Request for assessment received"),
    ("decision_to_assess", "Decision whether to assess"),
    ("not_issue_decision", "Decision not to issue a plan"),
    ("draft_served", "Draft plan served"),
    ("final_issued", "Final EHC plan issued"),
    ("plan_issued", "Plan first issued"),
    ("reassessment_notified", "Re-assessment notified"),
    ("phase_transfer", "Phase transfer"),
    ("ceased", "Plan ceased"),
)
_ROW_EVENTS: dict[type[Base], tuple[tuple[str, str], ...]] = {
    AdviceRequest: (
        ("requested", "Advice requested"),
        ("chased", "Advice chased"),
        ("received", "Advice received"),
    ),
    CaseException: (("start", "Exception began"), ("end", "Exception ended")),
    Consultation: (("sent", "Consultation sent"), ("responded", "Consultation response")),
    AnnualReview: (
        ("notice_sent", "Review meeting notice sent"),
        ("advice_circulated", "Review advice circulated"),
        ("meeting", "Annual review meeting"),
        ("report_sent", "Review report sent"),
        ("decision_sent", "Review decision sent"),
        ("amendment_sent", "Proposed amendments sent"),
        ("final_amended", "Final amended plan issued"),
    ),
    Move: (
        ("aware_of_move", "Learned of the move"),
        ("move_date", "Moved"),
        ("plan_transferred", "Plan transferred"),
        ("parent_notified", "Parent told of the transfer"),
    ),
    Mediation: (
        ("decision_sent", "Decision notice sent"),
        ("adviser_contacted", "Mediation adviser contacted"),
        ("mediation_declined", "Mediation declined"),
        ("mediation_requested", "Mediation requested"),
        ("mediation_held", "Mediation held"),
        ("certificate_issued", "Mediation certificate issued"),
    ),
    Appeal: (
        ("lodged", "Appeal lodged"),
        ("hearing", "Tribunal hearing"),
        ("order_assess", "Tribunal order to assess"),
        ("order_plan", "Tribunal order to make a plan"),
        ("order_notice_sent", "Parent told of the order"),
    ),
    Letter: (("dated", "Letter written"), ("sent_on", "Letter sent")),
}


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
    case = _case_of(session, case_id)
    entries: list[ChronologyEntry] = []
    for name, title in _CASE_EVENTS:
        value = getattr(case, name)
        if value is not None:
            detail = ""
            if name == "decision_to_assess" and case.decision_outcome:
                detail = case.decision_outcome
            if name == "ceased" and case.cease_reason:
                detail = f"reason {case.cease_reason}"
            entries.append(ChronologyEntry(value, None, "event", title, detail, None))
    for model, events in _ROW_EVENTS.items():
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


def editable_fields(model: type[Base]) -> frozenset[str]:
    """The fields of a table that the store's add/update functions write and audit."""
    return _ROW_RULES[model].fields
