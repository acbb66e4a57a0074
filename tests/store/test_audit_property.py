"""Property: replaying a case's audit trail rebuilds exactly what is stored."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from send_desktop.store import Database
from send_desktop.store import cases as c
from send_desktop.store.cases import _as_text
from send_desktop.store.models import (
    NEED_TYPES,
    REQUEST_CHANNELS,
    REQUEST_SOURCES,
    AuditEntry,
    Case,
)

AS_OF = date(2025, 6, 1)
FIELDS = ("need_type", "request_channel", "request_source", "placement_name", "closed")

changes = st.fixed_dictionaries(
    {},
    optional={
        "need_type": st.sampled_from((None, *NEED_TYPES)),
        "request_channel": st.sampled_from((None, *REQUEST_CHANNELS)),
        "request_source": st.sampled_from((None, *REQUEST_SOURCES)),
        "placement_name": st.one_of(st.none(), st.text(min_size=1, max_size=30)),
        "closed": st.booleans(),
    },
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edits=st.lists(changes, max_size=6))
def test_audit_trail_replays_to_the_stored_case(
    sqlite_db: Database, edits: list[dict[str, Any]]
) -> None:
    db = sqlite_db
    with db.session() as s:
        case = c.create_case(
            s,
            "Test User",
            child=c.ChildDetails("Prop", "Erty", date(2015, 1, 1)),
            request_received=date(2025, 1, 6),
            as_of=AS_OF,
        )
        case_id, version = case.id, case.version
    effective = 0
    for edit in edits:
        with db.session() as s:
            before = s.get(Case, case_id)
            assert before is not None
            changed = any(getattr(before, k) != v for k, v in edit.items())
            version = c.update_case(s, case_id, version, "Editor", as_of=AS_OF, **edit).version
            effective += changed
    with db.session() as s:
        stored = s.get(Case, case_id)
        assert stored is not None
        replay: dict[str, str | None] = {}
        for entry in s.execute(
            select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
        ).scalars():
            if entry.field is not None:
                assert replay.get(entry.field) == entry.old
                replay[entry.field] = entry.new
        for name in FIELDS:
            assert replay.get(name) == _as_text(getattr(stored, name)), name
        assert stored.version == 1 + effective
