"""Backups, restore and the database check, on real SQLite files (and PostgreSQL for check)."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from send_desktop import paths
from send_desktop.cli import main
from send_desktop.errors import KnownError
from send_desktop.store import Database
from send_desktop.store.backup import (
    backup_now,
    backups_dir,
    check,
    daily_backup,
    list_backups,
    open_for_check,
    restore,
)
from send_desktop.store.cases import ChildDetails, create_case, update_case
from send_desktop.store.daily_backup import daily_backup_file
from send_desktop.store.demo import make_demo
from send_desktop.store.settings import set_setting

AS_OF = date(2025, 3, 14)
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a stable order."""
    with closing(sqlite3.connect(path)) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Database]:
    """A database with demo cases plus audited edits."""
    db = Database.open(str(tmp_path / "cases.sqlite3"), "Test User")
    make_demo(db, 150, seed=3, as_of=AS_OF)
    with db.session() as s:
        case = create_case(
            s,
            "Test User",
            child=ChildDetails("Ada", "Example", date_of_birth=date(2015, 5, 1)),
            request_received=date(2025, 1, 6),
            as_of=AS_OF,
        )
        update_case(s, case.id, case.version, "Test User", as_of=AS_OF, need_type="ASD")
    try:
        yield db
    finally:
        db.close()


def _add_a_case(db: Database) -> None:
    with db.session() as s:
        create_case(
            s,
            "Test User",
            child=ChildDetails("Later", "Change"),
            request_received=date(2025, 2, 3),
            as_of=AS_OF,
        )


def test_backup_then_restore_gives_identical_data(filled: Database, tmp_path: Path) -> None:
    assert filled.path is not None
    before = dump(filled.path)
    backup = backup_now(filled)
    assert backup.parent.parent == paths.data_dir() / "backups"
    assert backup.parent == backups_dir(filled.path)
    assert backup.name.startswith("send-desktop-") and backup.suffix == ".db"
    assert dump(backup) == before

    _add_a_case(filled)
    assert dump(filled.path) != before
    filled.close()
    kept = restore(filled.path, backup, confirm=True)
    assert dump(filled.path) == before
    # The replaced database is kept, with the case added after the backup.
    assert kept is not None and kept.name.startswith("send-desktop-before-restore-")
    assert len(dump(kept)["case"]) == len(before["case"]) + 1
    # Restoring to a new place needs no confirmation.
    fresh = tmp_path / "elsewhere.sqlite3"
    assert restore(fresh, backup, confirm=False) is None
    assert dump(fresh) == before
    reopened = Database.open(str(filled.path), "Test User")
    try:
        assert check(reopened).ok
    finally:
        reopened.close()


def test_restore_into_an_open_database_is_seen_by_its_connections(filled: Database) -> None:
    assert filled.path is not None
    before = dump(filled.path)
    backup = backup_now(filled)
    _add_a_case(filled)
    restore(filled.path, backup, confirm=True)
    with filled.engine.connect() as conn:
        assert conn.exec_driver_sql('SELECT count(*) FROM "case"').scalar() == len(before["case"])
    assert dump(filled.path) == before


def test_restore_refuses_to_overwrite_without_confirmation(filled: Database) -> None:
    assert filled.path is not None
    backup = backup_now(filled)
    _add_a_case(filled)
    after = dump(filled.path)
    with pytest.raises(KnownError, match=r"already exists.*confirm"):
        restore(filled.path, backup, confirm=False)
    assert dump(filled.path) == after
    assert main(["--database", str(filled.path), "restore", str(backup)]) == 2
    assert dump(filled.path) == after


def test_restore_refuses_a_backup_from_a_newer_program(filled: Database, tmp_path: Path) -> None:
    assert filled.path is not None
    newer = backup_now(filled, tmp_path / "newer.db")
    with closing(sqlite3.connect(newer)) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        con.commit()
    before = dump(filled.path)
    with pytest.raises(KnownError, match=r"newer version.*9999_from_the_future"):
        restore(filled.path, newer, confirm=True)
    with pytest.raises(KnownError, match="newer version"):
        restore(tmp_path / "new.sqlite3", newer, confirm=True)
    assert dump(filled.path) == before
    assert not (tmp_path / "new.sqlite3").exists()


def _damage(path: Path, pages: int = 4) -> None:
    """Overwrite some pages in the middle of a file with noise (seeded)."""
    size = path.stat().st_size
    page = 4096
    first = (size // page) // 2
    noise = random.Random(7).randbytes(page * pages)
    with path.open("r+b") as f:
        f.seek(first * page)
        f.write(noise)


def test_restore_refuses_a_damaged_backup_and_a_non_database(
    filled: Database, tmp_path: Path
) -> None:
    assert filled.path is not None
    damaged = backup_now(filled, tmp_path / "damaged.db")
    _damage(damaged)
    with pytest.raises(KnownError, match=r"damaged|not a SEND Desktop backup"):
        restore(tmp_path / "target.sqlite3", damaged, confirm=True)
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database at all " * 500)
    with pytest.raises(KnownError, match="not a SEND Desktop backup"):
        restore(tmp_path / "target.sqlite3", text_file, confirm=True)
    with pytest.raises(KnownError, match="no backup file"):
        restore(tmp_path / "target.sqlite3", tmp_path / "missing.db", confirm=True)


def test_restore_replaces_a_damaged_database(filled: Database, tmp_path: Path) -> None:
    assert filled.path is not None
    before = dump(filled.path)
    backup = backup_now(filled)
    filled.close()
    victim = tmp_path / "victim.sqlite3"
    shutil.copyfile(filled.path, victim)
    with victim.open("r+b") as f:  # a wrecked header: "file is not a database"
        f.write(b"\xff" * 100)
    restore(victim, backup, confirm=True)
    assert dump(victim) == before


@posix_only
def test_backups_and_restored_files_are_owner_only(filled: Database, tmp_path: Path) -> None:
    os.umask(0o022)
    backup = backup_now(filled)
    out = backup_now(filled, tmp_path / "out.db")
    assert mode(backup) == 0o600
    assert mode(out) == 0o600
    assert mode(backups_dir(filled.path)) == 0o700
    restored = tmp_path / "restored.sqlite3"
    restore(restored, backup, confirm=False)
    assert mode(restored) == 0o600
    assert not list(backups_dir(filled.path).glob("*part"))


def test_backup_refuses_to_overwrite_a_file(filled: Database, tmp_path: Path) -> None:
    target = tmp_path / "taken.db"
    target.write_bytes(b"keep me")
    with pytest.raises(KnownError, match="already exists"):
        backup_now(filled, target)
    assert target.read_bytes() == b"keep me"
    assert filled.path is not None
    assert main(["--database", str(filled.path), "backup", "--out", str(tmp_path / "b.db")]) == 0
    assert dump(tmp_path / "b.db") == dump(filled.path)


def test_daily_backup_runs_once_a_day_and_keeps_the_newest(filled: Database) -> None:
    morning = datetime(2025, 3, 10, 8, 30)
    first = daily_backup(filled, keep=3, now=morning)
    assert first is not None and first.name == "send-desktop-20250310-083000.db"
    assert daily_backup(filled, keep=3, now=morning + timedelta(hours=9)) is None
    assert list_backups(backups_dir(filled.path)) == [first]
    made = [first]
    for day in range(1, 6):
        found = daily_backup(filled, keep=3, now=morning + timedelta(days=day))
        assert found is not None
        made.append(found)
    assert list_backups(backups_dir(filled.path)) == made[-3:]
    assert all(p.exists() for p in made[-3:]) and not any(p.exists() for p in made[:-3])


def test_daily_backup_keeps_the_number_in_the_settings(filled: Database) -> None:
    start = datetime(2025, 4, 1, 9, 0)
    for day in range(4):
        daily_backup(filled, now=start + timedelta(days=day))
    assert len(list_backups(backups_dir(filled.path))) == 4  # default 14
    with filled.session() as s:
        set_setting(s, "backup.keep", "2", "Test User")
    daily_backup(filled, now=start + timedelta(days=4))
    names = [p.name for p in list_backups(backups_dir(filled.path))]
    assert names == ["send-desktop-20250404-090000.db", "send-desktop-20250405-090000.db"]
    with filled.session() as s:
        set_setting(s, "backup.keep", "none", "Test User")
    daily_backup(filled, now=start + timedelta(days=5))
    assert (
        len(list_backups(backups_dir(filled.path))) == 3
    )  # a bad setting falls back to 14, prunes nothing


def test_the_starts_plain_daily_backup_is_the_same_backup(filled: Database) -> None:
    """The start's backup of the file before the database is opened (plain sqlite3,
    store/daily_backup.py): the same whole, checked, owner-only copy, once a day, pruned by the
    file's own `backup.keep` setting."""
    assert filled.path is not None
    start = datetime(2025, 5, 1, 9, 0)
    with filled.session() as s:
        set_setting(s, "backup.keep", "2", "Test User")
    made = [daily_backup_file(filled.path, now=start + timedelta(days=day)) for day in range(3)]
    assert daily_backup_file(filled.path, now=start + timedelta(days=2, hours=3)) is None
    assert all(p is not None for p in made)
    assert list_backups(backups_dir(filled.path)) == made[1:]
    assert dump(made[2]) == dump(filled.path)  # type: ignore[arg-type]
    if os.name == "posix":
        assert stat.S_IMODE(made[2].stat().st_mode) == 0o600  # type: ignore[union-attr]
    # A file gone is refused in words, and no empty database is left where it was.
    gone = filled.path.with_name("gone.sqlite3")
    with pytest.raises(KnownError):
        daily_backup_file(gone, now=start)
    assert not gone.exists()


def test_check_passes_on_a_good_database(
    filled: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    report = check(filled)
    assert report.ok and report.integrity == ("ok",)
    assert report.revision == report.head and report.known_revision
    assert report.counts["cases"] == 151
    assert report.counts["children"] == 151
    assert report.counts["audit rows"] is not None and report.counts["audit rows"] > 3
    with filled.engine.connect() as conn:
        reviews = conn.exec_driver_sql("SELECT count(*) FROM annual_review").scalar()
    assert report.counts["reviews"] == reviews
    assert filled.path is not None
    assert main(["--database", str(filled.path), "check"]) == 0
    out = capsys.readouterr().out
    assert "Integrity:  ok" in out and "Cases:      151" in out and "up to date" in out


def test_check_reports_a_damaged_file_as_failed(
    filled: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = backup_now(filled, tmp_path / "copy.sqlite3")
    _damage(copy)
    db = open_for_check(str(copy))
    try:
        report = check(db)
    finally:
        db.close()
    assert not report.ok
    assert report.integrity and report.integrity != ("ok",)
    assert main(["--database", str(copy), "check"]) == 1
    assert "Integrity:  FAILED" in capsys.readouterr().out


def test_check_does_not_create_or_upgrade(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite3"
    assert main(["--database", str(missing), "check"]) == 2
    assert not missing.exists()


@pytest.mark.postgres
def test_postgresql_backup_is_for_it_and_check_works(pg_database: str) -> None:
    db = Database.open(pg_database, "Test User")
    try:
        make_demo(db, 20, seed=1, as_of=AS_OF)
        with pytest.raises(KnownError, match="IT backs up the server"):
            backup_now(db)
        assert daily_backup(db) is None
        report = check(db)
        assert report.ok and report.counts["cases"] == 20
        assert report.revision == report.head
    finally:
        db.close()
    assert main(["--database", pg_database, "backup"]) == 2
    assert main(["--database", pg_database, "check"]) == 0
    assert main(["--database", pg_database, "restore", "x.db", "--yes"]) == 2


def test_restore_from_a_copied_live_database_keeps_its_wal(
    filled: Database, tmp_path: Path
) -> None:
    assert filled.path is not None
    _add_a_case(filled)  # still in the -wal file: the database is open
    wal = Path(str(filled.path) + "-wal")
    assert wal.stat().st_size > 0
    copied = tmp_path / "copied.db"
    shutil.copyfile(filled.path, copied)
    shutil.copyfile(wal, Path(str(copied) + "-wal"))
    expected = dump(filled.path)
    restore(tmp_path / "restored.sqlite3", copied, confirm=False)
    assert dump(tmp_path / "restored.sqlite3") == expected


def test_backups_are_kept_per_database_and_manual_ones_never_pruned(
    filled: Database, tmp_path: Path
) -> None:
    other = Database.open(str(tmp_path / "other.sqlite3"), "Test User")
    try:
        assert filled.path is not None and other.path is not None
        assert backups_dir(filled.path) != backups_dir(other.path)
        manual = backup_now(filled, manual=True)
        assert main(["--database", str(filled.path), "backup"]) == 0
        start = datetime(2025, 4, 1, 9, 0)
        for day in range(5):
            daily_backup(filled, keep=2, now=start + timedelta(days=day))
        # The other database's daily backups prune only its own.
        for day in range(5):
            daily_backup(other, keep=1, now=start + timedelta(days=day))
        mine = sorted(p.name for p in backups_dir(filled.path).iterdir())
        assert len(list_backups(backups_dir(filled.path))) == 2
        assert len(list_backups(backups_dir(other.path))) == 1
        # Both manual backups (the call and the command) are still there.
        assert manual.name in mine
        assert sum(1 for n in mine if n.startswith("send-desktop-manual-")) == 2
    finally:
        other.close()
