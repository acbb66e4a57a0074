"""The audit trail: one row per changed field, who changed it and when, never edited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from send_desktop.store.models import AuditEntry, utc_now


def _as_text(value: Any) -> str | None:
    if type(value) is str:  # the commonest, first
        return value
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
        before = None if old is None else _as_text(old)  # None: an insert's every field
        after = _as_text(new)
        if before != after or action == "delete":
            fields.append((name, before, after))
    return fields or [(None, None, None)]


def inserted_fields(
    values: Mapping[str, Any],
) -> list[tuple[str | None, str | None, str | None]]:
    """audit_fields("insert", {name: (None, value)}) for a new row's values, in one pass: an
    insert's old values are all None and a None new value writes no row."""
    fields: list[tuple[str | None, str | None, str | None]] = [
        (name, None, value if type(value) is str else _as_text(value))
        for name, value in sorted(values.items(), key=_name)
        if value is not None
    ]
    return fields or [(None, None, None)]


def _name(item: tuple[str, Any]) -> str:
    return item[0]
