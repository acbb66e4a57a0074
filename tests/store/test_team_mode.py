"""Team mode on a real PostgreSQL server: each person's own role, leader-only changes refused."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from send_desktop.cli import main
from send_desktop.errors import KnownError
from send_desktop.store import Database
from send_desktop.store.cases import (
    ChildDetails,
    add_advice_request,
    create_case,
    delete_advice_request,
    update_case,
)
from send_desktop.store.models import AuditEntry, Case
from send_desktop.store.queries import add_caseworker, reassign_cases
from send_desktop.store.settings import save_policy, set_setting
from send_desktop.store.team import (
    PermissionDeniedError,
    add_person,
    permission_message,
    setup_team_roles,
    url_has_password,
)
from send_desktop.timeline import Policy
from tests.conftest import PgServer

pytestmark = pytest.mark.postgres
AS_OF = date(2025, 3, 14)


@dataclass
class Team:
    server: PgServer
    database: str
    caseworker_role: str
    leader_role: str
    other_worker_id: int
    case_id: int
    advice_id: int

    def open_as(self, role: str, name: str) -> Database:
        return Database.open(self.server.url(self.database, user=role), name)


@pytest.fixture
def team(pg_server: PgServer) -> Iterator[Team]:
    """A migrated database with team roles, one caseworker login, one team leader login."""
    database = pg_server.create_database()
    admin = Database.open(pg_server.url(database), "IT admin")
    suffix = uuid.uuid4().hex[:8]
    try:
        setup_team_roles(admin.engine)
        setup_team_roles(admin.engine)  # idempotent: IT runs it again after each upgrade
        cw, tl = f"cw_{suffix}", f"tl.{suffix}"
        assert add_person(admin.engine, cw, leader=False) is True
        assert add_person(admin.engine, tl, leader=True) is True
        with admin.session() as s:
            other = add_caseworker(s, "IT admin", "Sam Other")
            case = create_case(
                s,
                "IT admin",
                child=ChildDetails("Ada", "Example"),
                request_received=date(2025, 1, 6),
                as_of=AS_OF,
            )
            advice = add_advice_request(
                s, case.id, "IT admin", kind="EP", requested=date(2025, 2, 3), as_of=AS_OF
            )
        yield Team(pg_server, database, cw, tl, other.id, case.id, advice.id)
    finally:
        admin.close()


def _version(db: Database, case_id: int) -> int:
    with db.session() as s:
        return s.get_one(Case, case_id).version


def test_a_caseworker_records_cases_and_the_audit_names_their_login(team: Team) -> None:
    db = team.open_as(team.caseworker_role, "Casey Worker")
    try:
        assert db.db_user == team.caseworker_role
        with db.session() as s:
            case = create_case(
                s,
                "Casey Worker",
                child=ChildDetails("Ben", "Sample"),
                request_received=date(2025, 2, 10),
                as_of=AS_OF,
            )
            new_id = case.id
        with db.session() as s:
            update_case(
                s,
                team.case_id,
                1,
                "Casey Worker",
                as_of=AS_OF,
                decision_to_assess=date(2025, 3, 3),
                decision_outcome="assess",
            )
        with db.session() as s:
            rows = s.execute(
                select(AuditEntry.db_user, AuditEntry.user, AuditEntry.case_id).where(
                    AuditEntry.user == "Casey Worker"
                )
            ).all()
        assert rows and {r.db_user for r in rows} == {team.caseworker_role}
        assert {r.case_id for r in rows if r.case_id} == {new_id, team.case_id}
    finally:
        db.close()


def test_a_caseworker_cannot_reassign_delete_or_change_settings(team: Team) -> None:
    db = team.open_as(team.caseworker_role, "Casey Worker")
    try:
        with (
            pytest.raises(PermissionDeniedError, match=r"^Only a team leader can reassign cases"),
            db.session() as s,
        ):
            update_case(s, team.case_id, 1, "Casey Worker", caseworker_id=team.other_worker_id)
        with pytest.raises(PermissionDeniedError, match="reassign cases"), db.session() as s:
            reassign_cases(s, [team.case_id], team.other_worker_id, "Casey Worker")
        with (
            pytest.raises(PermissionDeniedError, match=r"^Only a team leader can delete records"),
            db.session() as s,
        ):
            delete_advice_request(s, team.advice_id, 1, "Casey Worker")
        with pytest.raises(PermissionDeniedError, match="delete records"), db.session() as s:
            s.execute(text('DELETE FROM "case" WHERE id = :i'), {"i": team.case_id})
        settings_refused = r"^Only a team leader can change the authority's settings"
        with pytest.raises(PermissionDeniedError, match=settings_refused), db.session() as s:
            set_setting(s, "backup.keep", "30", "Casey Worker")
        with pytest.raises(PermissionDeniedError, match="settings"), db.session() as s:
            save_policy(s, Policy(review_year="anniversary"), "Casey Worker")
        with (
            pytest.raises(PermissionDeniedError, match="Nobody can change the audit trail"),
            db.session() as s,
        ):
            s.execute(text("UPDATE audit_entry SET \"user\" = 'someone else'"))
        # The refusals are plain messages for the caseworker (KnownError), and nothing changed.
        assert issubclass(PermissionDeniedError, KnownError)
        with db.session() as s:
            case = s.get_one(Case, team.case_id)
            assert (case.caseworker_id, case.version) == (None, 1)
            assert len(case.advice_requests) == 1
        # The session is usable after a refusal.
        with db.session() as s:
            update_case(s, team.case_id, 1, "Casey Worker", need_type="SEMH", as_of=AS_OF)
    finally:
        db.close()


def test_a_team_leader_can_reassign_delete_and_change_settings(team: Team) -> None:
    db = team.open_as(team.leader_role, "Lee Leader")
    try:
        with db.session() as s:
            update_case(s, team.case_id, 1, "Lee Leader", caseworker_id=team.other_worker_id)
        with db.session() as s:
            assert reassign_cases(s, [team.case_id], None, "Lee Leader") == 1
        with db.session() as s:
            delete_advice_request(s, team.advice_id, 1, "Lee Leader")
        with db.session() as s:
            set_setting(s, "backup.keep", "30", "Lee Leader")
            save_policy(s, Policy(review_year="anniversary"), "Lee Leader")
        with db.session() as s:
            audit_users = set(
                s.execute(
                    select(AuditEntry.db_user).where(AuditEntry.user == "Lee Leader")
                ).scalars()
            )
            actions = set(
                s.execute(
                    select(AuditEntry.action, AuditEntry.table_name).where(
                        AuditEntry.user == "Lee Leader"
                    )
                ).all()
            )
        assert audit_users == {team.leader_role}
        assert {("update", "case"), ("delete", "advice_request"), ("insert", "setting")} <= actions
        # Nobody edits the audit trail, team leaders included.
        with (
            pytest.raises(PermissionDeniedError, match="Nobody can change the audit trail"),
            db.session() as s,
        ):
            s.execute(text('DELETE FROM audit_entry WHERE "user" = :u'), {"u": "Lee Leader"})
    finally:
        db.close()


def test_promoting_a_caseworker_gives_leader_rights(team: Team) -> None:
    admin = Database.open(team.server.url(team.database), "IT admin")
    try:
        assert add_person(admin.engine, team.caseworker_role, leader=True) is False
    finally:
        admin.close()
    db = team.open_as(team.caseworker_role, "Casey Worker")
    try:
        with db.session() as s:
            update_case(s, team.case_id, 1, "Casey Worker", caseworker_id=team.other_worker_id)
    finally:
        db.close()
    admin = Database.open(team.server.url(team.database), "IT admin")
    try:
        add_person(admin.engine, team.caseworker_role, leader=False)
    finally:
        admin.close()
    db = team.open_as(team.caseworker_role, "Casey Worker")
    try:
        with pytest.raises(PermissionDeniedError), db.session() as s:
            update_case(s, team.case_id, 2, "Casey Worker", caseworker_id=None)
    finally:
        db.close()


def test_connecting_through_a_service_file(
    team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service_file = tmp_path / "pg_service.conf"
    service_file.write_text(
        f"[send]\nhost={team.server.sockdir}\nport={team.server.port}\ndbname={team.database}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PGSERVICEFILE", str(service_file))
    # The documented form: the shared service file names the server, the location the person.
    url = f"postgresql+psycopg:///?service=send&user={team.caseworker_role}"
    assert not url_has_password(url)
    db = Database.open(url, "Casey Worker")
    try:
        assert db.db_user == team.caseworker_role
        with db.session() as s:
            assert s.get_one(Case, team.case_id).ref.startswith("EHC-2025-")
    finally:
        db.close()
    assert main(["--database", url, "check"]) == 0


def test_team_setup_command(pg_server: PgServer, capsys: pytest.CaptureFixture[str]) -> None:
    database = pg_server.create_database()
    suffix = uuid.uuid4().hex[:8]
    url = pg_server.url(database)
    code = main(
        ["--database", url, "team-setup", "--caseworker", f"a_{suffix}", "--leader", f"b_{suffix}"]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert f"a_{suffix}: created, caseworker" in out and f"b_{suffix}: created, team leader" in out
    rights = pg_server.psql(
        f"SELECT has_column_privilege('a_{suffix}', 'case', 'caseworker_id', 'UPDATE'), "
        f"has_column_privilege('a_{suffix}', 'case', 'final_issued', 'UPDATE'), "
        f"has_table_privilege('a_{suffix}', 'setting', 'INSERT'), "
        f"has_table_privilege('a_{suffix}', 'child', 'DELETE'), "
        f"has_column_privilege('b_{suffix}', 'case', 'caseworker_id', 'UPDATE'), "
        f"has_table_privilege('b_{suffix}', 'setting', 'INSERT')",
        database=database,
    )
    assert rights.strip() == "f|t|f|f|t|t"
    # A grant made by hand (or left by an older version) is taken away when setup runs again.
    pg_server.psql('GRANT UPDATE ("caseworker_id") ON "case" TO send_caseworker', database)
    assert main(["--database", url, "team-setup"]) == 0
    again = pg_server.psql(
        f"SELECT has_column_privilege('a_{suffix}', 'case', 'caseworker_id', 'UPDATE')", database
    )
    assert again.strip() == "f"
    assert main(["--database", url, "team-setup", "--caseworker", "bad name;"]) == 2


def test_team_setup_refuses_sqlite(tmp_path: Path) -> None:
    assert main(["--database", str(tmp_path / "x.sqlite3"), "team-setup"]) == 2


def test_messages_and_password_detection() -> None:
    assert "reassign cases" in permission_message(
        'UPDATE "case" SET caseworker_id=%(caseworker_id)s::INTEGER, version=%(version)s '
        'WHERE "case".id = %(case_id)s'
    )
    assert "make this change" in permission_message(
        'UPDATE "case" SET final_issued=%(f)s WHERE "case".caseworker_id = 3'
    )
    assert url_has_password("postgresql+psycopg://jo:secret@db.example/send")
    assert url_has_password("postgresql+psycopg://jo@db.example/send?password=secret")
    assert not url_has_password("postgresql+psycopg://jo@db.example/send")
