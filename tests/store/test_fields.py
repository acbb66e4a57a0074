"""The field registry (store/fields.py) against the models, the timeline and the store's writes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, inspect, select
from sqlalchemy.orm import Session

from send_desktop import timeline as tl
from send_desktop.errors import KnownError
from send_desktop.store import Database, cases, fields, rows
from send_desktop.store.models import AdviceRequest, AuditEntry, Case, CaseException
from send_desktop.store.rules import RECORDS
from send_desktop.timeline import order

_BOOKKEEPING = {"id", "version", "updated_at", "updated_by", "case_id", "child_id"}


@pytest.mark.parametrize("model", list(RECORDS), ids=lambda m: m.__tablename__)
def test_every_column_a_user_writes_is_in_the_registry(model: type) -> None:
    columns = {a.key for a in inspect(model).column_attrs} - _BOOKKEEPING
    assert RECORDS[model].names == columns


@pytest.mark.parametrize("model", list(RECORDS), ids=lambda m: m.__tablename__)
def test_events_are_dates_and_orders_name_the_records_fields(model: type) -> None:
    record = RECORDS[model]
    table = inspect(model).columns
    for column, _ in record.events:
        assert isinstance(table[column].type, Date), column
    context = {"request_received", "plan_start", "date_of_birth"}
    for later, earlier in record.orders:
        assert {later, earlier} <= record.names | context, (later, earlier)


def test_facts_name_timeline_fields() -> None:
    facts = {f.name for f in dataclasses.fields(tl.Facts)}
    each = {
        "advice": tl.AdviceRequest,
        "consultations": tl.Consultation,
        "reviews": tl.Review,
        "exceptions": tl.ExceptionRecord,
    }
    fed: set[str] = set()
    for record in fields.RECORDS.values():
        names = {fact for _, fact in record.facts}
        if record.feeds in each:
            assert names == {f.name for f in dataclasses.fields(each[record.feeds])}
            fed.add(record.feeds)
        elif names:
            assert names <= facts, record.table
            fed |= names
    # Every Facts field is fed by some column: a new fact without a column would never be read.
    assert fed == facts


def test_each_column_has_one_label_and_headers_mean_one_thing() -> None:
    assert fields.label("draft_served") == "Draft plan served"
    assert fields.label("advice_giver") == "Advice giver"
    from send_desktop.workbooks.headers import match_header, normalise

    seen: dict[str, str] = {}
    for column, names in fields.SYNONYMS.items():
        for name in names:
            assert seen.setdefault(normalise(name), column) == column, name
    # The tracker's own fields read their headers from the registry.
    assert match_header("Date of request for assessment") == "request_received"
    assert match_header(fields.synonyms("final_issued")[0]) == "final_issued"


def test_calc_knows_every_date_the_case_feeds() -> None:
    from send_desktop.commands.calc import KNOWN_FACTS

    for record in (fields.CASE, fields.CHILD, fields.MOVE, fields.MEDIATION, fields.APPEAL):
        for f in record.fields:
            if f.fact and not f.codes:
                assert f.fact in KNOWN_FACTS


def _case(session: Session) -> Case:
    case = cases.create_case(
        session,
        "tester",
        child=cases.ChildDetails("Ada", "Lovelace", date(2015, 3, 1)),
        request_received=date(2025, 1, 6),
        as_of=date(2025, 3, 1),
    )
    session.flush()
    return case


def test_named_helpers_are_the_generic_add_update_delete(db: Database) -> None:
    with db.session() as session:
        case = _case(session)
        advice = cases.add_advice_request(
            session,
            case.id,
            "tester",
            kind="EP",
            requested=date(2025, 1, 20),
            as_of=date(2025, 3, 1),
        )
        cases.update_advice_request(
            session, advice.id, advice.version, "tester", received=date(2025, 2, 20)
        )
        exception = cases.add_exception(session, case.id, "tester", code="X1")
        assert exception.note == ""
        session.commit()
        audited = session.execute(
            select(AuditEntry.table_name, AuditEntry.field, AuditEntry.action).where(
                AuditEntry.case_id == case.id
            )
        ).all()
        assert ("advice_request", "received", "update") in audited
        if db.is_sqlite:  # PostgreSQL's triggers audit what the row holds
            assert ("case_exception", "note", "insert") in audited  # the default is audited
        cases.delete_exception(session, exception.id, exception.version, "tester")
        session.commit()
        assert session.get(CaseException, exception.id) is None
        assert rows.add_advice_request is cases.add_advice_request
        with pytest.raises(KnownError, match="Advice requested is required"):
            cases.add_advice_request(session, case.id, "tester", kind="EP")


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = Database.open(str(tmp_path_factory.mktemp("fields") / "cases.sqlite3"), "Test")
    try:
        yield database
    finally:
        database.close()


@settings(max_examples=30, deadline=None)
@given(
    requested=st.dates(date(2024, 6, 1), date(2025, 6, 1)),
    received=st.one_of(st.none(), st.dates(date(2024, 6, 1), date(2025, 6, 1))),
)
def test_advice_dates_follow_the_registrys_orders(
    sqlite_db: Database, requested: date, received: date | None
) -> None:
    """Whatever the dates, the store accepts exactly what the record's orders accept."""
    with sqlite_db.session() as session:
        case = _case(session)
        dated: dict[str, object] = {
            "requested": requested,
            "request_received": case.request_received,
        }
        if received is not None:
            dated["received"] = received
        expected = order.order_problems(fields.ADVICE.scope, dated)
        try:
            row = cases.add_advice_request(
                session,
                case.id,
                "tester",
                kind="EP",
                requested=requested,
                received=received,
                as_of=date(2025, 6, 2),
            )
        except KnownError as exc:
            assert expected and str(exc) == expected[0]
        else:
            assert not expected
            assert session.get(AdviceRequest, row.id) is not None
        finally:
            session.rollback()
