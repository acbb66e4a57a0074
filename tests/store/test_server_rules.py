"""Team mode under attack: psql-style sessions as each role, on a real PostgreSQL cluster.

Each attack from issue 14 is run as plain SQL over the login the program itself uses (psycopg,
autocommit, as psql would be), and must be refused by the server or land with an audit row the
attacker could not shape. The program is not involved: these are the server's guarantees.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select

from send_desktop.cli import main
from send_desktop.store import ConflictError, Database
from send_desktop.store.cases import ChildDetails, create_case, update_case
from send_desktop.store.models import AuditEntry, Base, Case
from send_desktop.store.queries import add_caseworker, add_team
from send_desktop.store.team import (
    TABLES,
    Kind,
    add_person,
    setup_team_roles,
    unlisted_tables,
    verify_server_rules,
)
from tests.conftest import PgServer

pytestmark = pytest.mark.postgres
AS_OF = date(2025, 3, 14)
REFUSED = (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectNotInPrerequisiteState)


@dataclass
class Office:
    server: PgServer
    database: str
    cw: str  # caseworker in the North team
    cw_south: str  # caseworker in the South team
    tl: str  # team leader
    north_worker: int
    south_worker: int
    own_case: int  # allocated to cw
    other_case: int  # allocated to the South caseworker
    open_case: int  # unallocated
    own_child: int
    other_child: int
    advice: int  # advice request on own_case

    def connect(self, role: str) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host=str(self.server.sockdir),
            port=self.server.port,
            dbname=self.database,
            user=role,
            autocommit=True,
        )

    def open_as(self, role: str, name: str) -> Database:
        return Database.open(self.server.url(self.database, user=role), name)

    def owner_sql(self, sql: str) -> str:
        return self.server.psql(sql, self.database).strip()


@pytest.fixture
def office(pg_server: PgServer) -> Iterator[Office]:
    database = pg_server.create_database()
    admin = Database.open(pg_server.url(database), "IT admin")
    suffix = uuid.uuid4().hex[:8]
    cw, cw_south, tl = f"cw_{suffix}", f"cws_{suffix}", f"tl_{suffix}"
    try:
        setup_team_roles(admin.engine)
        for login, leader in ((cw, False), (cw_south, False), (tl, True)):
            add_person(admin.engine, login, leader=leader)
        with admin.session() as s:
            north = add_team(s, "IT admin", "North")
            south = add_team(s, "IT admin", "South")
            me = add_caseworker(s, "IT admin", "Casey Worker", north.id, db_role=cw)
            them = add_caseworker(s, "IT admin", "Sol South", south.id, db_role=cw_south)
            add_caseworker(s, "IT admin", "Lee Leader", north.id, "team_leader", db_role=tl)
            made = [
                create_case(
                    s,
                    "IT admin",
                    child=ChildDetails("Ada", f"Example{i}", date(2015, 5, 1), postcode="ZZ1 1AA"),
                    request_received=date(2025, 1, 6),
                    caseworker_id=worker,
                    as_of=AS_OF,
                )
                for i, worker in enumerate((me.id, them.id, None))
            ]
            from send_desktop.store.cases import add_advice_request

            advice = add_advice_request(
                s, made[0].id, "IT admin", kind="EP", requested=date(2025, 2, 3), as_of=AS_OF
            )
            ids = [c.id for c in made]
            children = [c.child_id for c in made]
        yield Office(
            pg_server,
            database,
            cw,
            cw_south,
            tl,
            me.id,
            them.id,
            *ids,
            children[0],
            children[1],
            advice.id,
        )
    finally:
        admin.close()


def _refused(conn: psycopg.Connection[Any], sql: str, *params: Any) -> str:
    with pytest.raises(REFUSED) as caught:
        conn.execute(sql, params or None)  # type: ignore[arg-type]
    return str(caught.value)


def _audit(office: Office, where: str) -> list[tuple[str, ...]]:
    rows = office.owner_sql(
        "SELECT \"user\", db_user, field, coalesce(old, '-'), coalesce(new, '-'), action, "
        f"extract(epoch FROM (now() AT TIME ZONE 'UTC') - at)::int FROM audit_entry WHERE {where} "
        "ORDER BY id"
    )
    return [tuple(line.split("|")) for line in rows.splitlines() if line]


# ---------------------------------------------------------------- the audit trail


@pytest.mark.parametrize("who", ["cw", "tl"])
def test_nobody_writes_the_audit_trail_directly(office: Office, who: str) -> None:
    role = getattr(office, who)
    before = office.owner_sql("SELECT count(*) FROM audit_entry")
    with office.connect(role) as conn:
        _refused(
            conn,
            'INSERT INTO audit_entry (at, "user", db_user, table_name, action) '
            "VALUES ('2020-01-01', 'Lee Leader', %s, 'case', 'update')",
            office.tl,
        )
        _refused(conn, "UPDATE audit_entry SET \"user\" = 'someone else'")
        _refused(conn, "DELETE FROM audit_entry")
        _refused(conn, "TRUNCATE audit_entry")
        # The trigger functions cannot be called by hand, nor switched off.
        _refused(conn, 'ALTER TABLE "case" DISABLE TRIGGER send_audit')
        _refused(conn, 'DROP TRIGGER send_audit ON "case"')
        with pytest.raises(psycopg.errors.Error):
            conn.execute("SELECT send_audit_row()")
    assert office.owner_sql("SELECT count(*) FROM audit_entry") == before


def test_a_caseworkers_edits_are_audited_by_the_server(office: Office) -> None:
    with office.connect(office.cw) as conn:
        # Claiming to be someone else, and asking the triggers to stand aside, changes nothing.
        conn.execute("SELECT set_config('send_desktop.user', 'Lee Leader', false)")
        conn.execute("SELECT set_config('send_desktop.unaudited', 'demo', false)")
        conn.execute(
            "UPDATE child SET postcode = 'ZZ9 9ZZ', upn = 'A123456789012', "
            "date_of_birth = '2014-01-01' WHERE id = %s",
            (office.own_child,),
        )
        conn.execute(
            "UPDATE \"case\" SET request_received = '2024-12-02' WHERE id = %s", (office.own_case,)
        )
    child_rows = _audit(
        office, f"table_name = 'child' AND row_id = {office.own_child} AND action = 'update'"
    )
    assert {(r[2], r[3], r[4]) for r in child_rows} == {
        ("postcode", "ZZ1 1AA", "ZZ9 9ZZ"),
        ("upn", "-", "A123456789012"),
        ("date_of_birth", "2015-05-01", "2014-01-01"),
    }
    case_rows = _audit(office, f"case_id = {office.own_case} AND action = 'update'")
    assert [(r[2], r[3], r[4]) for r in case_rows] == [
        ("request_received", "2025-01-06", "2024-12-02")
    ]
    for row in child_rows + case_rows:
        # The login the server vouches for, its caseworker record's name, the server's clock.
        assert row[:2] == ("Casey Worker", office.cw)
        assert abs(int(row[6])) < 60


def test_versions_and_stamps_are_the_servers(office: Office) -> None:
    db = office.open_as(office.cw, "Casey Worker")
    try:
        with db.session() as s:
            loaded = s.get_one(Case, office.own_case).version
        with office.connect(office.cw) as conn:
            conn.execute(
                "UPDATE \"case\" SET placement_name = 'Sneaky', version = 1, "
                "updated_by = 'Lee Leader', updated_at = '2001-01-01' WHERE id = %s",
                (office.own_case,),
            )
        row = office.owner_sql(
            f"SELECT version, updated_by, updated_at > now() - interval '1 minute' FROM \"case\" "
            f"WHERE id = {office.own_case}"
        )
        assert row == f"{loaded + 1}|Casey Worker|t"
        # The program's save from the copy loaded before is caught, not silently overwriting.
        with pytest.raises(ConflictError, match="Casey Worker"), db.session() as s:
            update_case(s, office.own_case, loaded, "Casey Worker", placement_name="Mine")
        # Setting version back cannot re-open the door for the stale copy either.
        with office.connect(office.cw) as conn:
            conn.execute('UPDATE "case" SET version = %s WHERE id = %s', (loaded, office.own_case))
        with pytest.raises(ConflictError), db.session() as s:
            update_case(s, office.own_case, loaded, "Casey Worker", placement_name="Mine")
    finally:
        db.close()


# ---------------------------------------------------------------- who may do what


def test_a_caseworker_cannot_allocate_close_reparent_or_delete(office: Office) -> None:
    with office.connect(office.cw) as conn:
        for column, value in (
            ("caseworker_id", office.south_worker),
            ("child_id", office.other_child),
            ("ref", "EHC-2025-99999"),
            ("closed", True),
        ):
            _refused(conn, f'UPDATE "case" SET {column} = %s WHERE id = %s', value, office.own_case)
        _refused(
            conn,
            "UPDATE advice_request SET case_id = %s WHERE id = %s",
            office.open_case,
            office.advice,
        )
        # A new case for someone else, or born closed: refused.
        insert_case = (
            'INSERT INTO "case" (ref, child_id, caseworker_id, request_received, closed) '
            "VALUES (%s, %s, %s, '2025-02-03', %s)"
        )
        message = _refused(
            conn, insert_case, "EHC-2025-90001", office.own_child, office.south_worker, False
        )
        assert "row-level security" in message
        _refused(conn, insert_case, "EHC-2025-90002", office.own_child, None, True)
        for table in ("case", "child", "advice_request", "case_note"):
            _refused(conn, f'DELETE FROM "{table}"')
            _refused(conn, f'TRUNCATE "{table}"')
        # A case for themselves, or for a team leader to allocate: allowed.
        conn.execute(insert_case, ("EHC-2025-90003", office.own_child, office.north_worker, False))
        conn.execute(insert_case, ("EHC-2025-90004", office.own_child, None, False))
    assert (
        office.owner_sql(f'SELECT count(*) FROM "case" WHERE caseworker_id = {office.south_worker}')
        == "1"
    )


def test_a_caseworker_edits_only_their_own_teams_cases(office: Office) -> None:
    with office.connect(office.cw) as conn:
        _refused(conn, "UPDATE \"case\" SET need_type = 'SEMH' WHERE id = %s", office.other_case)
        _refused(conn, "UPDATE child SET postcode = 'ZZ2 2BB' WHERE id = %s", office.other_child)
        _refused(
            conn,
            "INSERT INTO advice_request (case_id, kind, requested) VALUES (%s, 'EP', '2025-02-03')",
            office.other_case,
        )
        # Their own and the unallocated intake: allowed.
        for case_id in (office.own_case, office.open_case):
            conn.execute("UPDATE \"case\" SET need_type = 'SEMH' WHERE id = %s", (case_id,))
            conn.execute(
                "INSERT INTO advice_request (case_id, kind, requested) "
                "VALUES (%s, 'health', '2025-02-04')",
                (case_id,),
            )
    # The program says it plainly.
    from send_desktop.store.team import PermissionDeniedError

    db = office.open_as(office.cw, "Casey Worker")
    try:
        with db.session() as s:
            version = s.get_one(Case, office.other_case).version
        with pytest.raises(PermissionDeniedError), db.session() as s:
            update_case(s, office.other_case, version, "Casey Worker", need_type="SEMH")
    finally:
        db.close()


@pytest.mark.parametrize("mode", ["ACCESS EXCLUSIVE", "EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE"])
def test_a_caseworker_cannot_lock_the_team_out(office: Office, mode: str) -> None:
    with office.connect(office.cw) as conn:
        for table in ("child", "case", "advice_request", "audit_entry", "caseworker", "setting"):
            with conn.transaction():
                _refused(conn, f'LOCK TABLE "{table}" IN {mode} MODE')


def test_a_team_leader_allocates_and_closes_audited(office: Office) -> None:
    with office.connect(office.tl) as conn:
        conn.execute(
            'UPDATE "case" SET caseworker_id = %s, closed = true WHERE id = %s',
            (office.south_worker, office.open_case),
        )
        conn.execute("DELETE FROM advice_request WHERE id = %s", (office.advice,))
    rows = _audit(
        office, f"case_id IN ({office.open_case}, {office.own_case}) AND db_user = '{office.tl}'"
    )
    assert {(r[2], r[5]) for r in rows} >= {
        ("caseworker_id", "update"),
        ("closed", "update"),
        ("kind", "delete"),
        ("requested", "delete"),
    }
    assert {r[0] for r in rows} == {"Lee Leader"}


def test_caseworkers_may_not_change_reference_tables(office: Office) -> None:
    with office.connect(office.cw) as conn:
        _refused(conn, "UPDATE caseworker SET team_id = NULL")
        _refused(
            conn, "UPDATE caseworker SET db_role = %s WHERE id = %s", office.cw, office.south_worker
        )
        _refused(conn, "INSERT INTO setting (key, value) VALUES ('backup.keep', '1')")
        _refused(conn, "UPDATE alembic_version SET version_num = '0001'")
        _refused(conn, "CREATE TABLE mine (x int)")


# ---------------------------------------------------------------- the program over team mode


def test_the_program_writes_no_audit_rows_of_its_own_and_chronology_reads_the_servers(
    office: Office,
) -> None:
    from send_desktop.store.cases import chronology

    db = office.open_as(office.cw, "Casey Worker")
    try:
        with db.session() as s:
            version = s.get_one(Case, office.own_case).version
        with db.session() as s:
            update_case(
                s,
                office.own_case,
                version,
                "Casey Worker",
                as_of=AS_OF,
                decision_to_assess=date(2025, 2, 10),
                decision_outcome="assess",
            )
        with db.session() as s:
            rows = s.execute(
                select(AuditEntry.field, AuditEntry.db_user).where(
                    AuditEntry.case_id == office.own_case, AuditEntry.action == "update"
                )
            ).all()
            entries = chronology(s, office.own_case)
    finally:
        db.close()
    # One row per changed field: the triggers', not doubled by the program's.
    assert sorted(rows) == [("decision_outcome", office.cw), ("decision_to_assess", office.cw)]
    changes = [e for e in entries if e.kind == "change" and "Decision" in e.detail]
    assert len(changes) == 2 and {e.user for e in changes} == {"Casey Worker"}


def test_team_setup_verifies_and_a_caseworker_is_told_it_did_nothing(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    url = office.server.url(office.database, user=office.cw)
    assert main(["--database", url, "team-setup"]) == 2
    err = capsys.readouterr().err
    assert "team-setup did nothing" in err and office.cw in err
    # As the owner it verifies what the server enforces, and reports a hole made by hand.
    admin = Database.open(office.server.url(office.database), "IT admin")
    try:
        with admin.engine.connect() as conn:
            assert verify_server_rules(conn) == []
        office.owner_sql('GRANT DELETE ON "case" TO send_caseworker')
        office.owner_sql("GRANT INSERT ON audit_entry TO send_team_leader")
        office.owner_sql("ALTER TABLE child DISABLE TRIGGER send_audit")
        with admin.engine.connect() as conn:
            problems = verify_server_rules(conn)
        assert "send_caseworker may delete from or lock case" in problems
        assert "send_team_leader may insert audit_entry" in problems
        assert "changes to child are not audited by the server" in problems
        office.owner_sql("ALTER TABLE child ENABLE TRIGGER send_audit")
        # Running it again repairs all of it.
        setup_team_roles(admin.engine)
        with admin.engine.connect() as conn:
            assert verify_server_rules(conn) == []
    finally:
        admin.close()


def test_every_table_has_its_one_line() -> None:
    tables = {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}
    assert unlisted_tables(tables) == []
    # Derived tables are written with each case change by every role that may change a case.
    assert TABLES["case_summary"].kind is TABLES["case_step"].kind is Kind.DERIVED


# ---------------------------------------------------------------- references under load


def test_twenty_clients_creating_thirty_cases_each_get_unique_refs(office: Office) -> None:
    clients, each = 20, 30
    dbs = [office.open_as(office.cw, f"Worker {n}") for n in range(clients)]
    start = threading.Barrier(clients)
    made: list[list[str]] = [[] for _ in range(clients)]
    errors: list[str] = []

    def work(n: int) -> None:
        start.wait()
        for i in range(each):
            try:
                with dbs[n].session() as s:
                    case = create_case(
                        s,
                        f"Worker {n}",
                        child=ChildDetails("Load", f"W{n}C{i}"),
                        request_received=date(2025, 3, 3),
                        as_of=AS_OF,
                    )
                    made[n].append(case.ref)
            except Exception as exc:  # reported below: every creation must land
                errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    began = datetime.now(UTC)
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    elapsed = datetime.now(UTC) - began
    for db in dbs:
        db.close()
    refs = [r for per in made for r in per]
    assert not errors, errors[:3]
    assert len(refs) == len(set(refs)) == clients * each
    admin = Database.open(office.server.url(office.database), "IT admin")
    try:
        with admin.session() as s:
            stored = s.execute(
                select(func.count()).select_from(Case).where(Case.ref.in_(refs))
            ).scalar_one()
            audited = s.execute(
                select(func.count(func.distinct(AuditEntry.case_id))).where(
                    AuditEntry.table_name == "case",
                    AuditEntry.action == "insert",
                    AuditEntry.field == "ref",
                    AuditEntry.new.in_(refs),
                )
            ).scalar_one()
    finally:
        admin.close()
    assert stored == audited == clients * each
    assert elapsed < timedelta(minutes=5)
    print(
        f"{clients} clients x {each} cases: {len(refs)} unique refs in "
        f"{elapsed.total_seconds():.1f} s"
    )
