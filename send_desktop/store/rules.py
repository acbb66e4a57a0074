"""The store's rules for one row: which fields a record takes, its codes, and impossible dates.

What each record holds is store/fields.py's; which orders of dates are impossible is
timeline.order's (ORDERS[scope]), the same words the dialogs, the import and `calc` give.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from send_desktop.errors import KnownError
from send_desktop.store import fields
from send_desktop.store.fields import Record, label
from send_desktop.store.models import Base, Case, Child, SchoolClosure
from send_desktop.timeline import order

# How far ahead a date may be recorded (planned meetings, closures); beyond is a typing error.
FUTURE_LIMIT = order.FUTURE_LIMIT
# Words the caseworker sees in validation messages (store/fields.py).
FIELD_LABELS: Final = fields.LABELS

_BY_TABLE: Final = {str(m.class_.__tablename__): m.class_ for m in Base.registry.mappers}
# Each table's record in the registry, in the registry's (the chronology's) order.
RECORDS: Final[dict[type[Base], Record]] = {
    _BY_TABLE[table]: record for table, record in fields.RECORDS.items()
}
# Rows that belong to one case (deleted with it).
CASE_ROW_MODELS: Final = tuple(m for m in RECORDS if m not in (Case, Child, SchoolClosure))


def record_of(model: type[Base]) -> Record:
    return RECORDS[model]


def _check_values(
    rules: Record,
    values: Mapping[str, Any],
    merged: Mapping[str, Any],
    as_of: date,
) -> None:
    if not rules.names.issuperset(values):
        unknown = sorted(set(values) - rules.names)
        raise KnownError(f"{label(unknown[0])} cannot be recorded here")
    required = _REQUIRED.get(rules.table)
    for name in required if required is not None else sorted(rules.required):
        value = merged.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise KnownError(f"{label(name)} is required")
    codes = rules.codes
    # The dates order.date_problem finds nothing wrong with, decided without its words (an
    # import checks hundreds of thousands); anything else goes to it for the message.
    ahead = as_of + FUTURE_LIMIT if as_of is not None else None
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, datetime):
            raise KnownError(f"{label(name)}: give a date, not a date and time")
        if name in codes and value not in codes[name]:
            allowed = ", ".join(str(v) for v in codes[name])
            raise KnownError(f"{label(name)}: {value!r} is not one of {allowed}")
        if isinstance(value, date):
            if (
                _EARLIEST <= value <= _LATEST
                and (ahead is None or value <= ahead)
                and (as_of is None or value <= as_of or name not in order.NEVER_FUTURE)
            ):
                continue
            problem = order.date_problem(name, value, as_of, rules.scope)
            if problem:
                raise KnownError(problem)


_REQUIRED: Final = {r.table: tuple(sorted(r.required)) for r in fields.RECORDS.values()}
_EARLIEST: Final = order.EARLIEST
_LATEST: Final = order.LATEST


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


def row_state(row: Base, rules: Record) -> dict[str, Any]:
    return {name: getattr(row, name) for name in rules.names}


def validate(
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
    rules = RECORDS[model]
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


def editable_fields(model: type[Base]) -> frozenset[str]:
    """The fields of a table that the store's add/update functions write and audit."""
    return RECORDS[model].names
