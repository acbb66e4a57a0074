"""Opening, migrating and refusing databases, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from send_desktop.errors import KnownError
from send_desktop.store import Database, DatabaseTooNewError
from send_desktop.store.database import (
    alembic_config,
    network_share_fstype,
    resolve_url,
    sqlite_backup,
)

TABLES = {
    "team",
    "caseworker",
    "child",
    "case",
    "advice_request",
    "case_exception",
    "consultation",
    "annual_review",
    "move",
    "mediation",
    "appeal",
    "case_note",
    "audit_entry",
    "setting",
    "school_closure",
}


def _head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def test_open_migrates_an_empty_database_to_head(db: Database) -> None:
    assert db.current_revision() == _head()
    assert set(inspect(db.engine).get_table_names()) >= TABLES


def test_downgrade_to_base_and_up_again(db: Database) -> None:
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert not TABLES & set(inspect(db.engine).get_table_names())
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    assert db.current_revision() == _head()


def test_sqlite_pragmas_are_set(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_sqlite_file_and_its_companions_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite3"
    db = Database.open(str(path), "Test User")
    try:
        with db.session() as s:
            s.execute(text("SELECT 1"))
        for suffix in ("", "-wal", "-shm"):
            companion = Path(str(path) + suffix)
            if companion.exists():
                assert companion.stat().st_mode & 0o777 == 0o600, suffix
        assert path.stat().st_mode & 0o777 == 0o600
    finally:
        db.close()


def test_default_location_is_the_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    from send_desktop import paths

    db = Database.open(None, None)
    try:
        assert db.path == (paths.data_dir() / "send-desktop.sqlite3").resolve()
        assert db.user  # the login name when no --user was given
    finally:
        db.close()


def test_environment_variable_overrides_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere.sqlite3"
    monkeypatch.setenv("SEND_DESKTOP_DATABASE", str(target))
    db = Database.open(None, "Test User")
    try:
        assert db.path == target.resolve()
        assert target.exists()
    finally:
        db.close()


def test_resolve_url_keeps_urls_and_turns_paths_into_sqlite(tmp_path: Path) -> None:
    url = resolve_url("postgresql+psycopg://me@/send?host=/tmp")
    assert url.get_backend_name() == "postgresql"
    assert resolve_url(str(tmp_path / "a b.sqlite3")).database == str(tmp_path / "a b.sqlite3")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_newer_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    Database.open(str(path), "Test User").close()
    with sqlite3.connect(path) as con:
        con.execute("UPDATE alembic_version SET version_num = 'ffffffff9999'")
    con.close()
    before = _sha(path)
    mtime = path.stat().st_mtime_ns
    with pytest.raises(DatabaseTooNewError) as caught:
        Database.open(str(path), "Test User")
    assert isinstance(caught.value, KnownError)
    assert "newer version of SEND Desktop" in str(caught.value)
    assert "ffffffff9999" in str(caught.value)
    assert _sha(path) == before
    assert path.stat().st_mtime_ns == mtime
    assert not (tmp_path / "backups").exists()


@pytest.mark.postgres
def test_a_newer_postgresql_database_is_refused(pg_database: str) -> None:
    db = Database.open(pg_database, "Test User")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffff9999'"))
    db.close()
    with pytest.raises(DatabaseTooNewError):
        Database.open(pg_database, "Test User")


def test_a_file_that_is_not_a_database_is_a_known_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("shopping list\n" * 100)
    with pytest.raises(KnownError, match="not a SEND Desktop database"):
        Database.open(str(path), "Test User")


def test_sqlite_backup_copies_the_data_owner_only(sqlite_db: Database, tmp_path: Path) -> None:
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("INSERT INTO team (name, updated_by) VALUES ('North', 'x')"))
    assert sqlite_db.path is not None
    copy = sqlite_backup(sqlite_db.path, tmp_path / "backups" / "copy.sqlite3")
    with sqlite3.connect(copy) as con:
        assert con.execute("SELECT name FROM team").fetchall() == [("North",)]
    con.close()
    if os.name == "posix":
        assert copy.stat().st_mode & 0o777 == 0o600


MOUNTS = """\
sysfs /sys sysfs rw 0 0
/dev/sda1 / ext4 rw,relatime 0 0
server:/export /mnt/nfs nfs4 rw 0 0
//fileserver/send /mnt/team\\040share cifs rw 0 0
sshfs#me@host: /home/me/remote fuse.sshfs rw 0 0
/dev/sdb1 /mnt/nfs/local ext4 rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/me/cases.sqlite3", None),
        ("/mnt/nfs/cases.sqlite3", "nfs4"),
        ("/mnt/team share/cases.sqlite3", "cifs"),
        ("/home/me/remote/db/cases.sqlite3", "fuse.sshfs"),
        ("/mnt/nfs/local/cases.sqlite3", None),  # a local disk mounted inside the share
        ("\\\\server\\send\\cases.sqlite3", "unc"),
    ],
)
def test_network_shares_are_recognised(path: str, expected: str | None) -> None:
    assert network_share_fstype(Path(path), MOUNTS) == expected


def test_an_older_sqlite_database_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "older.sqlite3"
    db = Database.open(str(path), "Test User")
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
        conn.execute(text("INSERT INTO team (name, updated_by) VALUES ('North', 'x')"))
    db.close()
    reopened = Database.open(str(path), "Test User")
    try:
        assert reopened.current_revision() == _head()
        columns = {col["name"] for col in inspect(reopened.engine).get_columns("move")}
        assert "parent_notified" in columns
        with reopened.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM team")).scalars().all() == ["North"]
    finally:
        reopened.close()
    [backup] = (tmp_path / "backups").iterdir()
    assert backup.name.startswith("older-before-migration-0001-")
    with sqlite3.connect(backup) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert con.execute("SELECT name FROM team").fetchall() == [("North",)]
    con.close()
    if os.name == "posix":
        assert backup.stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700


def test_a_network_share_gives_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from send_desktop.store import database

    monkeypatch.setattr(database, "network_share_fstype", lambda path, mounts=None: "cifs")
    db = Database.open(str(tmp_path / "shared.sqlite3"), "Test User")
    try:
        assert len(db.warnings) == 1
        assert "network share (cifs)" in db.warnings[0]
        assert "team mode" in db.warnings[0]
    finally:
        db.close()


@pytest.mark.postgres
def test_two_programs_starting_together_on_postgresql(pg_database: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=3) as pool:
        opened = list(pool.map(lambda _: Database.open(pg_database, "Test User"), range(3)))
    try:
        assert {db.current_revision() for db in opened} == {_head()}
    finally:
        for db in opened:
            db.close()
