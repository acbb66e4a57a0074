"""Settings kept in the database: the authority's policy options and simple key/value choices."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from send_desktop.errors import KnownError
from send_desktop.store.cases import write_audit
from send_desktop.store.models import Setting, utc_now
from send_desktop.store.stamps import POLICY_PREFIX as POLICY_PREFIX
from send_desktop.timeline import Policy

log = logging.getLogger(__name__)


def get_setting(session: Session, key: str, default: str | None = None) -> str | None:
    row = session.get(Setting, key)
    return row.value if row is not None else default


def set_setting(session: Session, key: str, value: str, user: str) -> None:
    """Create or change one setting; audited (old -> new)."""
    if not key or len(key) > 100:
        raise KnownError("A setting needs a name of 1 to 100 characters")
    row = session.get(Setting, key, populate_existing=True)
    if row is None:
        session.add(Setting(key=key, value=value, updated_by=user, updated_at=utc_now()))
        session.flush()
        write_audit(session, user, "setting", None, None, "insert", {key: (None, value)})
        return
    if row.value == value:
        return
    old = row.value
    row.value = value
    row.updated_by = user
    row.updated_at = utc_now()
    session.flush()
    write_audit(session, user, "setting", None, None, "update", {key: (old, value)})


def all_settings(session: Session) -> dict[str, str]:
    return {row.key: row.value for row in session.execute(select(Setting)).scalars()}


def load_policy(session: Session) -> Policy:
    """The authority's policy; defaults for anything never saved."""
    stored = {
        key[len(POLICY_PREFIX) :]: value
        for key, value in all_settings(session).items()
        if key.startswith(POLICY_PREFIX)
    }
    try:
        return Policy.from_mapping(stored)
    except ValueError as exc:
        raise KnownError(f"The saved policy settings are not valid: {exc}") from exc


def save_policy(session: Session, policy: Policy, user: str) -> None:
    """Store every policy option; each change is audited."""
    for key, value in policy.to_mapping().items():
        set_setting(session, POLICY_PREFIX + key, value, user)
    log.info("Policy saved")
