"""Policy options and simple settings: stored, read back, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from send_desktop.errors import KnownError
from send_desktop.store import Database
from send_desktop.store.models import AuditEntry
from send_desktop.store.settings import (
    get_setting,
    load_policy,
    save_policy,
    set_setting,
)
from send_desktop.timeline import Policy


def test_policy_defaults_then_round_trip_with_audit(db: Database) -> None:
    with db.session() as s:
        assert load_policy(s) == Policy()
    chosen = Policy(
        week_start="inclusive",
        review_year="anniversary",
        under5_review_months=3,
        step_warning_days=(("N5", 15),),
    )
    with db.session() as s:
        save_policy(s, chosen, "Team Leader")
    with db.session() as s:
        assert load_policy(s) == chosen
        save_policy(s, Policy(week_start="inclusive"), "Team Leader")
    with db.session() as s:
        changes = {
            (a.field, a.old, a.new, a.action)
            for a in s.execute(select(AuditEntry).where(AuditEntry.table_name == "setting"))
            .scalars()
            .all()
        }
    assert ("policy.week_start", None, "inclusive", "insert") in changes
    assert ("policy.review_year", "anniversary", "strict", "update") in changes


def test_simple_settings(db: Database) -> None:
    with db.session() as s:
        assert get_setting(s, "export.folder") is None
        assert get_setting(s, "export.folder", "x") == "x"
        set_setting(s, "export.folder", "/tmp/out", "Test User")
    with db.session() as s:
        assert get_setting(s, "export.folder") == "/tmp/out"


def test_a_corrupt_stored_policy_is_a_known_error(db: Database) -> None:
    with db.session() as s:
        set_setting(s, "policy.week_start", "sometimes", "Test User")
    with pytest.raises(KnownError, match="week_start"), db.session() as s:
        load_policy(s)
