"""Recording cases and their events: round trips, conflicts, audit, validation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from send_desktop.errors import KnownError
from send_desktop.store import ConflictError, Database
from send_desktop.store import cases as c
from send_desktop.store.models import AuditEntry, Case, Child, national_curriculum_year

AS_OF = date(2025, 6, 1)
ALICE = c.ChildDetails(
    first_name="Alice",
    last_name="Example",
    date_of_birth=date(2015, 3, 14),
    sex="F",
    postcode="AB1 2CD",
    upn="A123456789012",
)


def _new_case(db: Database, **fields: object) -> int:
    with db.session() as s:
        case = c.create_case(
            s,
            db.user,
            child=ALICE,
            request_received=date(2025, 1, 6),
            request_channel="email",
            request_source="parent",
            as_of=AS_OF,
            **fields,
        )
        return case.id


def test_create_case_round_trip(db: Database) -> None:
    case_id = _new_case(db)
    with db.session() as s:
        case = s.get(Case, case_id)
        assert case is not None
        assert case.ref == "EHC-2025-00001"
        assert case.request_received == date(2025, 1, 6)
        assert case.request_channel == "email"
        assert case.version == 1
        assert case.updated_by == "Test User"
        assert case.child.full_name == "Alice Example"
        assert case.child.date_of_birth == date(2015, 3, 14)
        assert case.closed is False
    second = _new_case(db)
    with db.session() as s:
        other = s.get(Case, second)
        assert other is not None
        assert other.ref == "EHC-2025-00002"
        # Same UPN and date of birth: the same child, not a copy.
        assert other.child_id == s.get(Case, case_id).child_id  # type: ignore[union-attr]


def test_update_case_bumps_version_and_writes_audit(db: Database) -> None:
    case_id = _new_case(db)
    with db.session() as s:
        case = c.update_case(
            s,
            case_id,
            1,
            "Sam Caseworker",
            as_of=AS_OF,
            decision_to_assess=date(2025, 2, 10),
            decision_outcome="assess",
        )
        assert case.version == 2
    with db.session() as s:
        rows = s.execute(
            select(AuditEntry)
            .where(AuditEntry.case_id == case_id, AuditEntry.action == "update")
            .order_by(AuditEntry.field)
        ).scalars()
        found = [(a.user, a.table_name, a.row_id, a.field, a.old, a.new) for a in rows]
    assert found == [
        ("Sam Caseworker", "case", case_id, "decision_outcome", None, "assess"),
        ("Sam Caseworker", "case", case_id, "decision_to_assess", None, "2025-02-10"),
    ]


def test_insert_is_audited_field_by_field(db: Database) -> None:
    case_id = _new_case(db)
    with db.session() as s:
        fields = {
            a.field: a.new
            for a in s.execute(
                select(AuditEntry).where(
                    AuditEntry.case_id == case_id, AuditEntry.action == "insert"
                )
            ).scalars()
        }
    assert fields["request_received"] == "2025-01-06"
    assert fields["ref"] == "EHC-2025-00001"


def test_concurrent_edit_is_a_conflict_not_an_overwrite(db: Database) -> None:
    case_id = _new_case(db)
    first = db._sessionmaker()
    second = db._sessionmaker()
    try:
        mine = first.get(Case, case_id)
        theirs = second.get(Case, case_id)
        assert mine is not None and theirs is not None
        assert mine.version == theirs.version == 1
        c.update_case(second, case_id, 1, "Other Worker", as_of=AS_OF, need_type="ASD")
        second.commit()
        with pytest.raises(ConflictError) as caught:
            c.update_case(first, case_id, 1, "Test User", as_of=AS_OF, need_type="SEMH")
        assert caught.value.changed_by == "Other Worker"
        assert str(caught.value).startswith("Changed by Other Worker at ")
        assert str(caught.value).endswith(" - reload")
        first.rollback()
    finally:
        first.close()
        second.close()
    with db.session() as s:
        case = s.get(Case, case_id)
        assert case is not None
        assert case.need_type == "ASD"
        assert case.version == 2


def test_stale_write_detected_at_flush(db: Database) -> None:
    """Both sessions pass the version check; the version column still stops the second."""
    case_id = _new_case(db)
    first = db._sessionmaker()
    second = db._sessionmaker()
    try:
        mine = first.get(Case, case_id)
        theirs = second.get(Case, case_id)
        assert mine is not None and theirs is not None
        theirs.need_type = "HI"
        second.commit()
        mine.need_type = "VI"
        with pytest.raises(ConflictError):
            c.flush_or_conflict(first, Case, case_id)
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize(
    ("changes", "field_words"),
    [
        ({"decision_to_assess": date(2024, 12, 1), "decision_outcome": "assess"}, "Decision"),
        ({"final_issued": date(2025, 3, 1), "draft_served": date(2025, 4, 1)}, "Final plan"),
        ({"final_issued": date(2030, 1, 1)}, "more than a year ahead"),
        ({"decision_outcome": "maybe", "decision_to_assess": date(2025, 2, 1)}, "outcome"),
        ({"decision_outcome": "assess"}, "give the date"),
        ({"cease_reason": 12}, "Reason the plan ceased"),
        ({"favourite_colour": "blue"}, "cannot be recorded"),
        (
            {
                "decision_to_assess": date(2025, 2, 1),
                "decision_outcome": "not-assess",
                "draft_served": date(2025, 3, 1),
            },
            "not to assess",
        ),
    ],
)
def test_impossible_changes_are_refused_naming_the_field(
    db: Database, changes: dict[str, object], field_words: str
) -> None:
    case_id = _new_case(db)
    with pytest.raises(KnownError, match=field_words), db.session() as s:
        c.update_case(s, case_id, 1, "Test User", as_of=AS_OF, **changes)
    with db.session() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.version == 1


def test_request_before_birth_is_refused(db: Database) -> None:
    with pytest.raises(KnownError, match="date of birth"), db.session() as s:
        c.create_case(s, "Test User", child=ALICE, request_received=date(2014, 1, 1), as_of=AS_OF)


def test_event_rows_add_update_delete_with_audit(db: Database) -> None:
    case_id = _new_case(db)
    with db.session() as s:
        advice = c.add_advice_request(
            s, case_id, "Test User", kind="EP", requested=date(2025, 2, 12), as_of=AS_OF
        )
        exc = c.add_exception(
            s, case_id, "Test User", code="X3", start=date(2025, 3, 1), note="illness"
        )
        cons = c.add_consultation(
            s, case_id, "Test User", institution="Hill School", sent=date(2025, 4, 1)
        )
        review = c.add_review(s, case_id, "Test User", meeting=date(2025, 5, 1), as_of=AS_OF)
        note = c.add_note(s, case_id, "Test User", "Phoned parent", written=date(2025, 2, 1))
        ids = (advice.id, exc.id, cons.id, review.id, note.id)
    with db.session() as s:
        updated = c.update_advice_request(
            s, ids[0], 1, "Test User", received=date(2025, 3, 20), as_of=AS_OF
        )
        assert updated.version == 2
        c.update_review(s, ids[3], 1, "Test User", decision_sent=date(2025, 5, 20), outcome="M")
    with pytest.raises(ConflictError), db.session() as s:
        c.delete_advice_request(s, ids[0], 1, "Test User")
    with db.session() as s:
        c.delete_advice_request(s, ids[0], 2, "Test User")
        c.delete_note(s, ids[4], 1, "Test User")
        assert c.week20_exception(s, case_id)
    with db.session() as s:
        actions = {
            (a.table_name, a.action)
            for a in s.execute(select(AuditEntry).where(AuditEntry.case_id == case_id)).scalars()
        }
        deleted = s.execute(
            select(AuditEntry.field, AuditEntry.old).where(
                AuditEntry.table_name == "advice_request", AuditEntry.action == "delete"
            )
        ).all()
    assert {
        ("advice_request", "insert"),
        ("advice_request", "update"),
        ("advice_request", "delete"),
        ("case_exception", "insert"),
        ("consultation", "insert"),
        ("annual_review", "update"),
        ("case_note", "delete"),
    } <= actions
    assert ("received", "2025-03-20") in deleted


def test_event_row_orders_are_checked(db: Database) -> None:
    case_id = _new_case(db)
    with pytest.raises(KnownError, match="Advice requested"), db.session() as s:
        c.add_advice_request(s, case_id, "Test User", kind="health", requested=date(2024, 1, 1))
    with pytest.raises(KnownError, match="Advice received"), db.session() as s:
        c.add_advice_request(
            s,
            case_id,
            "Test User",
            kind="health",
            requested=date(2025, 2, 1),
            received=date(2025, 1, 20),
        )
    with pytest.raises(KnownError, match="End"), db.session() as s:
        c.add_school_closure(
            s, "Test User", name="Summer", start=date(2025, 7, 23), end=date(2025, 7, 1)
        )


def test_school_closures_round_trip(db: Database) -> None:
    with db.session() as s:
        closure = c.add_school_closure(
            s, "Test User", name="Summer", start=date(2025, 7, 23), end=date(2025, 9, 2)
        )
        closure_id = closure.id
    with db.session() as s:
        c.update_school_closure(s, closure_id, 1, "Test User", end=date(2025, 9, 3))
    with db.session() as s:
        [found] = c.school_closures(s)
        assert (found.name, found.start, found.end, found.version) == (
            "Summer",
            date(2025, 7, 23),
            date(2025, 9, 3),
            2,
        )


def test_find_possible_duplicates(db: Database) -> None:
    _new_case(db)
    with db.session() as s:
        c.add_child(
            s,
            "Test User",
            c.ChildDetails(
                first_name="Alicia", last_name="Example", date_of_birth=date(2015, 3, 14)
            ),
        )
        c.add_child(s, "Test User", c.ChildDetails(first_name="Bob", last_name="Other"))
    with db.session() as s:
        same_name = c.find_possible_duplicates(s, " alice ", "EXAMPLE", None)
        same_birthday = c.find_possible_duplicates(s, "Alicia", "Smith", date(2015, 3, 14))
        nobody = c.find_possible_duplicates(s, "Carol", "Jones", date(2001, 1, 1))
    assert [ch.first_name for ch in same_name] == ["Alice"]
    assert [ch.first_name for ch in same_birthday] == ["Alicia"]
    assert nobody == []


def test_chronology_lists_events_and_changes_in_date_order(db: Database) -> None:
    case_id = _new_case(db)
    with db.session() as s:
        c.update_case(
            s,
            case_id,
            1,
            "Test User",
            as_of=AS_OF,
            decision_to_assess=date(2025, 2, 10),
            decision_outcome="assess",
        )
        c.add_advice_request(s, case_id, "Test User", kind="EP", requested=date(2025, 2, 12))
    with db.session() as s:
        entries = c.chronology(s, case_id)
    events = [e.title for e in entries if e.kind == "event"]
    assert events == [
        "Request for assessment received",
        "Decision whether to assess",
        "Advice requested",
    ]
    assert any(e.kind == "change" and "Decision outcome" in e.detail for e in entries)
    assert any(e.kind == "change" and e.title == "Added the child" for e in entries)
    # Plain words and UK dates, never "update case / Decision to assess: - -> 2025-02-10".
    decided = next(
        e for e in entries if e.kind == "change" and "Decision whether to assess" in e.detail
    )
    assert decided.title == "Changed the case"
    assert decided.detail == "Decision whether to assess set to 10/02/2025"
    assert not any("->" in e.detail or "2025-02" in e.detail for e in entries)
    assert [e.day for e in entries] == sorted(e.day for e in entries)


@pytest.mark.parametrize(
    ("dob", "as_of", "year"),
    [
        (date(2019, 9, 1), date(2024, 9, 2), 0),  # Reception in 2024/25
        (date(2020, 8, 31), date(2024, 9, 2), 0),
        (date(2020, 9, 1), date(2024, 9, 2), -1),  # nursery
        (date(2013, 5, 5), date(2025, 6, 1), 7),
        (date(2008, 1, 1), date(2025, 10, 1), 13),
    ],
)
def test_national_curriculum_year(dob: date, as_of: date, year: int) -> None:
    assert national_curriculum_year(dob, as_of) == year
    assert Child(first_name="a", last_name="b", date_of_birth=dob).year_group(as_of) == year


def test_audit_records_the_database_identity_in_team_mode(db: Database) -> None:
    case_id = _new_case(db)
    with db.session() as s:
        identities = set(
            s.execute(select(AuditEntry.db_user).where(AuditEntry.case_id == case_id)).scalars()
        )
        expected = (
            s.execute(text("SELECT current_user")).scalar_one()
            if db.dialect == "postgresql"
            else None
        )
    assert identities == {expected}
    assert (expected is not None) == (db.dialect == "postgresql")


def test_delete_case_keeps_every_value_in_the_audit(db: Database) -> None:
    case_id = _new_case(db)
    with db.session() as s:
        c.add_advice_request(s, case_id, "Test User", kind="EP", requested=date(2025, 2, 1))
    with pytest.raises(ConflictError), db.session() as s:
        c.delete_case(s, case_id, 7, "Test User")
    with db.session() as s:
        c.delete_case(s, case_id, 1, "Test User")
    with db.session() as s:
        assert s.get(Case, case_id) is None
        deleted = {
            (a.table_name, a.field, a.old)
            for a in s.execute(
                select(AuditEntry).where(
                    AuditEntry.case_id == case_id, AuditEntry.action == "delete"
                )
            ).scalars()
        }
    assert ("case", "request_received", "2025-01-06") in deleted
    assert ("advice_request", "requested", "2025-02-01") in deleted


def test_date_of_birth_cannot_move_after_a_request(db: Database) -> None:
    case_id = _new_case(db)
    with db.session() as s:
        child_id = s.get(Case, case_id).child_id  # type: ignore[union-attr]
    with pytest.raises(KnownError, match="Date of birth"), db.session() as s:
        c.update_child(s, child_id, 1, "Test User", as_of=AS_OF, date_of_birth=date(2025, 2, 1))
    with db.session() as s:
        child = c.update_child(s, child_id, 1, "Test User", as_of=AS_OF, postcode="ZZ1 1AA")
        assert child.version == 2
