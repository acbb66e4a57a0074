"""Busy and I/O failures of SQLite and PostgreSQL reach the user as one plain message, from
wherever a unit of work ends (Database.session), not as a crash dialog (issue 19).

Real databases, real locks: a second connection holds the lock while the program writes."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from send_desktop.errors import LockedError, ReadOnlyError, UnreachableError, known_failure
from send_desktop.store import Database
from send_desktop.store.queries import add_team, teams


def test_sqlite_locked_by_another_program_is_a_plain_message(sqlite_db: Database) -> None:
    assert sqlite_db.path is not None
    with closing(sqlite3.connect(sqlite_db.path, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(LockedError) as caught, sqlite_db.session() as s:
            s.execute(text("PRAGMA busy_timeout=100"))  # the program waits 5 s; a test need not
            add_team(s, "Test User", "North")
        other.execute("ROLLBACK")
    message = str(caught.value)
    assert "busy" in message and str(sqlite_db.path) in message and "try again" in message
    assert "Traceback" not in message and "OperationalError" not in message
    assert known_failure(caught.value) is caught.value  # the crash dialog shows it plainly
    # Nothing half-written, and the database works once the other program lets go.
    with sqlite_db.session() as s:
        assert teams(s) == []
        add_team(s, "Test User", "North")
    with sqlite_db.session() as s:
        assert [t.name for t in teams(s)] == ["North"]


def test_sqlite_read_only_file_is_a_plain_message(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite3"
    Database.open(str(path), "Test User").close()
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    db = Database(engine, "Test User", [], path, None)
    try:
        with pytest.raises(ReadOnlyError) as caught, db.session() as s:
            add_team(s, "Test User", "North")
        assert str(path) in str(caught.value) and "nothing was saved" in str(caught.value)
    finally:
        db.close()


def test_a_bug_is_not_dressed_as_a_known_error(sqlite_db: Database) -> None:
    with pytest.raises(ZeroDivisionError), sqlite_db.session():
        _ = 1 / 0


@pytest.mark.postgres
def test_postgres_lock_timeout_is_a_plain_message(pg_database: str) -> None:
    db = Database.open(pg_database, "Test User")
    other_engine = create_engine(pg_database)
    other = other_engine.connect()
    try:
        other.execute(text("LOCK TABLE team IN ACCESS EXCLUSIVE MODE"))  # held: no commit
        with pytest.raises(LockedError) as caught, db.session() as s:
            s.execute(text("SET LOCAL lock_timeout = '200ms'"))
            add_team(s, "Test User", "North")
        message = str(caught.value)
        assert "busy" in message and "try again" in message
        assert db.url.render_as_string(hide_password=True) in message
        other.rollback()
        with db.session() as s:
            add_team(s, "Test User", "North")
        with db.session() as s:
            assert [t.name for t in teams(s)] == ["North"]
    finally:
        other.close()
        other_engine.dispose()
        db.close()


@pytest.mark.postgres
def test_postgres_connection_lost_is_a_plain_message(pg_database: str) -> None:
    db = Database.open(pg_database, "Test User")
    killer_engine = create_engine(pg_database)
    try:
        with pytest.raises(UnreachableError) as caught, db.session() as s:
            pid = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with killer_engine.connect() as killer:
                killer.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            add_team(s, "Test User", "North")
        assert "connection" in str(caught.value) and "lost" in str(caught.value)
        with db.session() as s:  # the pool opens a new connection: the program goes on
            assert teams(s) == []
    finally:
        killer_engine.dispose()
        db.close()
