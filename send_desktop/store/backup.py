"""Data safety for the case database: backups, restore, and a health check a caseworker can run."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from collections.abc import Mapping
from contextlib import closing, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from send_desktop.errors import KnownError, UnreachableError, scrub
from send_desktop.store.backup_names import BACKUP_NAME as BACKUP_NAME
from send_desktop.store.backup_names import BACKUP_PREFIX as BACKUP_PREFIX
from send_desktop.store.backup_names import backups_dir as backups_dir
from send_desktop.store.backup_names import list_backups as list_backups
from send_desktop.store.daily_backup import DEFAULT_KEEP as DEFAULT_KEEP
from send_desktop.store.daily_backup import KEEP_SETTING as KEEP_SETTING
from send_desktop.store.daily_backup import (
    backup_name,
    copy_database,
    daily_backup_file,
    keep_from,
    private_empty_file,
)
from send_desktop.store.daily_backup import plain_error as _plain
from send_desktop.store.daily_backup import prune_backups as prune_backups
from send_desktop.store.database import (
    Database,
    alembic_config,
    make_private,
    resolve_url,
)
from send_desktop.tempfiles import partial_name

log = logging.getLogger(__name__)

# Backups asked for by a person (send-desktop backup): never pruned.
MANUAL_PREFIX = "send-desktop-manual-"
# What the check counts, in the caseworker's words.
COUNTED_TABLES: tuple[tuple[str, str], ...] = (
    ("cases", "case"),
    ("children", "child"),
    ("reviews", "annual_review"),
    ("audit rows", "audit_entry"),
)
PG_BACKUP_MESSAGE = (
    "This database is on a PostgreSQL server (team mode): IT backs up the server "
    "(pg_dump or the server's own backup), not SEND Desktop. Ask IT when the last backup ran."
)
PG_RESTORE_MESSAGE = (
    "This database is on a PostgreSQL server (team mode): IT restores the server "
    "(pg_restore), not SEND Desktop."
)


def _known_revisions() -> tuple[set[str], str | None]:
    # Imported here: the daily backup at start-up must not pay for alembic's import.
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}, script.get_current_head()


def _sqlite_file(db: Database) -> Path:
    if not db.is_sqlite:
        raise KnownError(PG_BACKUP_MESSAGE)
    if db.path is None:
        raise KnownError("An in-memory database cannot be backed up")
    return db.path


def backup_now(
    db: Database,
    dest: Path | str | None = None,
    *,
    now: datetime | None = None,
    manual: bool = False,
) -> Path:
    """A consistent copy of the live SQLite database (online backup API), owner-only.

    Written under a temporary name and renamed when complete and checked, so a backup that was
    interrupted never looks like a good one (and never pushes a good one out when pruning).
    """
    source = _sqlite_file(db)
    if dest is None:
        target = backup_name(
            backups_dir(source), now or datetime.now(), MANUAL_PREFIX if manual else BACKUP_PREFIX
        )
    else:
        target = Path(dest).expanduser().resolve()
        if target.exists():
            raise KnownError(f"{target} already exists: choose a new file name for the backup")
        if not target.parent.is_dir():
            raise KnownError(f"The folder {target.parent} does not exist")
        if target == source.resolve():
            raise KnownError("The backup cannot replace the database itself")
    return copy_database(source, target, db.location)


def backup_keep(db: Database) -> int:
    """How many daily backups to keep: the `backup.keep` setting, else 14."""
    from send_desktop.store.settings import get_setting

    with db.session() as s:
        raw = get_setting(s, KEEP_SETTING)
    return keep_from(raw)


def daily_backup(
    db: Database, keep: int | None = None, *, now: datetime | None = None
) -> Path | None:
    """Back up on the first start of each day and keep the newest `keep` backups.

    Returns the new backup, or None when today's backup already exists or the database is on a
    PostgreSQL server (backed up by IT) or in memory. (The start, before the database is
    opened, makes the same backup through store/daily_backup.py.)
    """
    if not db.is_sqlite or db.path is None:
        return None
    return daily_backup_file(db.path, keep if keep is not None else backup_keep(db), now=now)


# ---------------------------------------------------------------- restore


def _read_only_uri(path: Path) -> str:
    # immutable: read the file exactly as it is, without creating -wal/-shm beside it - unless
    # it has a -wal of its own (a copied live database), whose committed pages belong to it.
    has_wal = Path(str(path) + "-wal").exists()
    return path.resolve().as_uri() + ("?mode=ro" if has_wal else "?mode=ro&immutable=1")


def _read_backup(backup_file: Path) -> str:
    """The schema revision of a backup after checking it is whole; refuses damaged or too new."""
    if not backup_file.is_file():
        raise KnownError(f"There is no backup file {backup_file}")
    uri = _read_only_uri(backup_file)
    try:
        with closing(sqlite3.connect(uri, uri=True)) as con:
            rows = [str(r[0]) for r in con.execute("PRAGMA integrity_check").fetchall()]
            if rows != ["ok"]:
                raise KnownError(
                    f"The backup {backup_file.name} is damaged ({rows[0]}): not restored. "
                    "Choose an earlier backup."
                )
            has_version = con.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            row = (
                con.execute("SELECT version_num FROM alembic_version").fetchone()
                if has_version
                else None
            )
    except sqlite3.DatabaseError as exc:
        raise KnownError(
            f"{backup_file.name} is not a SEND Desktop backup ({exc}): not restored"
        ) from exc
    if row is None:
        raise KnownError(f"{backup_file.name} is not a SEND Desktop backup: not restored")
    revision = str(row[0])
    known, _head = _known_revisions()
    if revision not in known:
        raise KnownError(
            f"The backup {backup_file.name} was made by a newer version of SEND Desktop "
            f"(schema {revision}): install that version to restore it. Nothing was changed."
        )
    return revision


def _keep_replaced(db_path: Path) -> Path:
    """Keep the database being replaced, in case the wrong backup was chosen."""
    target = backup_name(
        backups_dir(db_path), datetime.now(), stem=f"{BACKUP_PREFIX}before-restore-"
    )
    private_empty_file(target)
    try:
        with (
            closing(sqlite3.connect(db_path, timeout=5)) as live,
            closing(sqlite3.connect(target)) as copy,
        ):
            live.backup(copy)
    except sqlite3.DatabaseError:
        # The database being replaced may be the damaged one: keep its bytes as they are.
        shutil.copyfile(db_path, target)
        wal = Path(str(db_path) + "-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(str(target) + "-wal"))
            make_private(Path(str(target) + "-wal"))
    make_private(target)
    return target


def _replace_file(db_path: Path, backup_file: Path) -> None:
    partial = partial_name(db_path)
    private_empty_file(partial)
    try:
        with (
            closing(sqlite3.connect(_read_only_uri(backup_file), uri=True)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)
        # A stale -wal would be replayed onto the restored file: it belongs to the old one.
        for suffix in ("-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        os.replace(partial, db_path)
    finally:
        partial.unlink(missing_ok=True)


def restore(db_path: Path | str, backup_file: Path | str, confirm: bool) -> Path | None:
    """Replace the database at db_path with a checked backup.

    Refuses to overwrite an existing database without confirm, and refuses a damaged backup or
    one made by a newer program. Returns the copy kept of the replaced database (None if there
    was none). Run it with SEND Desktop closed everywhere else.
    """
    db_path = Path(db_path).expanduser().resolve()
    backup_file = Path(backup_file).expanduser().resolve()
    if backup_file == db_path:
        raise KnownError("The backup and the database are the same file")
    revision = _read_backup(backup_file)
    exists = db_path.exists() and db_path.stat().st_size > 0
    if exists and not confirm:
        raise KnownError(
            f"{db_path} already exists. Restoring replaces everything in it with the backup "
            f"{backup_file.name}; confirm to go ahead (send-desktop restore FILE --yes)."
        )
    if not db_path.parent.is_dir():
        raise KnownError(f"The folder {db_path.parent} does not exist")
    kept = _keep_replaced(db_path) if exists else None
    try:
        if exists:
            try:
                # The backup API writes into the live file under SQLite's own locks, so a
                # program that still has it open sees the restored data, never a torn file.
                with (
                    closing(sqlite3.connect(_read_only_uri(backup_file), uri=True)) as src,
                    closing(sqlite3.connect(db_path, timeout=5)) as dst,
                ):
                    src.backup(dst)
            except sqlite3.OperationalError as exc:
                raise _plain(exc, str(db_path), f"Could not restore into {db_path}") from exc
            except sqlite3.DatabaseError:
                _replace_file(db_path, backup_file)
        else:
            _replace_file(db_path, backup_file)
    except OSError as exc:
        raise KnownError(f"Could not restore into {db_path}: {exc.strerror or exc}") from exc
    for suffix in ("", "-wal", "-shm"):
        make_private(Path(str(db_path) + suffix))
    log.info("Restored the database from a backup at schema %s", revision)
    return kept


# ---------------------------------------------------------------- check


@dataclass(frozen=True)
class CheckReport:
    """What `send-desktop check` found: integrity, schema revision and row counts."""

    location: str
    dialect: str
    integrity_ok: bool
    integrity: tuple[str, ...]
    revision: str | None
    head: str | None
    known_revision: bool
    counts: Mapping[str, int | None] = field(default_factory=dict)
    # Why nothing could be saved into it now (None: it can be written).
    cannot_write: str | None = None

    @property
    def status(self) -> str:
        """The one word IT needs first: ok, damaged, or cannot write (open failures raise)."""
        if not self.integrity_ok:
            return "damaged"
        if self.cannot_write:
            return "cannot write"
        return "ok"

    @property
    def schema(self) -> str:
        if self.revision is None:
            return "no SEND Desktop schema found"
        if not self.known_revision:
            return f"{self.revision}, newer than this program ({self.head}): refused"
        if self.revision == self.head:
            return f"{self.revision}, up to date"
        return f"{self.revision}, older: brought up to date ({self.head}) when next opened"

    @property
    def ok(self) -> bool:
        return self.integrity_ok

    def lines(self) -> list[str]:
        shown = "ok" if self.integrity_ok else "FAILED"
        verdict = {
            "ok": "ok",
            "damaged": "DAMAGED - restore the latest good backup (send-desktop restore FILE)",
            "cannot write": f"CANNOT WRITE - {self.cannot_write}",
        }[self.status]
        out = [
            f"{'Status:':<12}{verdict}",
            f"{'Database:':<12}{self.location} ({self.dialect})",
            f"{'Integrity:':<12}{shown}",
        ]
        if not self.integrity_ok or self.integrity != ("ok",):
            out += [f"  {problem}" for problem in self.integrity[:20]]
            if len(self.integrity) > 20:
                out.append(f"  ... and {len(self.integrity) - 20} more")
        out.append(f"{'Schema:':<12}{self.schema}")
        for name, count in self.counts.items():
            out.append(f"{name.capitalize() + ':':<12}{'unreadable' if count is None else count}")
        return out


def open_for_check(url_or_path: str | None, user: str | None = None) -> Database:
    """Open a database as it is, without migrating or repairing it, for check and restore."""
    url = resolve_url(url_or_path)
    location = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database) if url.database and url.database != ":memory:" else None
        if path is None or not path.is_file():
            raise KnownError(f"There is no database at {path or location}")
        # Sweeps a backup killed half-way; a read-only data folder must not stop the check.
        with suppress(OSError):
            backups_dir(path)
        problem = _cannot_open(path)
        if problem:
            raise KnownError(f"Cannot open {path}: {problem}")
        engine = create_engine(url, connect_args={"timeout": 5}, hide_parameters=True)

        def _wait_for_writers(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout=5000")

        event.listen(engine, "connect", _wait_for_writers)
        return Database(engine, user or "check", [], path, None)
    engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    try:
        with engine.connect() as conn:
            db_user = str(conn.execute(text("SELECT current_user")).scalar_one())
    except SQLAlchemyError as exc:
        engine.dispose()
        raise UnreachableError(
            f"Cannot open: cannot connect to the database {location}: "
            f"{_problem(exc)}. Check the server name, that the server is running and the "
            "network, or ask IT."
        ) from exc
    return Database(engine, user or db_user, [], None, db_user)


def _problem(exc: BaseException) -> str:
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return scrub(str(orig).splitlines()[0]) if str(orig) else orig.__class__.__name__


def _cannot_open(path: Path) -> str | None:
    """Why the file cannot be read at all, or None."""
    if not os.access(path, os.R_OK):
        return "you do not have permission to read it; ask IT"
    try:
        with closing(sqlite3.connect(_read_only_uri(path), uri=True)) as con:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "malformed" in str(exc):
            return None  # opens, but damaged: the integrity check says so
        return f"{exc}; check the file and its folder"
    return None


def report_folder_problem(target: Path) -> str | None:
    """Why a file could not be written at target, or None (checked before work that must not
    be half-done, such as an import whose report comes last)."""
    folder = Path(target).expanduser().resolve().parent
    if not folder.is_dir():
        return f"cannot be written: the folder {folder} does not exist"
    if not os.access(folder, os.W_OK):
        return f"cannot be written: the folder {folder} is read-only or not yours"
    try:
        if shutil.disk_usage(folder).free < MIN_FREE_BYTES:
            return f"cannot be written: the disk holding {folder} is full"
    except OSError:
        pass
    return None


# Below this much free space a save can fail half-way: say so before it does.
MIN_FREE_BYTES = 4 * 1024 * 1024


def cannot_write(path: Path) -> str | None:
    """Why the SQLite file could not be written now (read-only, no permission, disk full)."""
    folder = path.parent
    if not os.access(folder, os.W_OK) or not os.access(path, os.W_OK):
        return (
            f"the folder {folder} or the file is read-only (or you lack permission): "
            "the data can be read but nothing can be saved. Ask IT, or restore it to a "
            "folder you can write to."
        )
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    if free < MIN_FREE_BYTES:
        return f"the disk holding {folder} is full ({free // 1024} KB free): free some space"
    return None


def check(db: Database, *, quick: bool = False) -> CheckReport:
    """Integrity (SQLite: PRAGMA integrity_check and foreign_key_check; PostgreSQL: data checksum
    failures), the schema revision against the program's, and the main row counts."""
    known, head = _known_revisions()
    problems: list[str] = []
    integrity_ok = True
    unwritable = cannot_write(db.path) if db.is_sqlite and db.path is not None else None
    if unwritable and db.path is not None:
        # A read-only folder or a full disk cannot take SQLite's -wal/-shm files: read the file
        # as it is, so a healthy database is not reported as having no schema.
        path = db.path
        db = Database(
            create_engine(
                "sqlite://",
                creator=lambda: sqlite3.connect(_read_only_uri(path), uri=True),
                hide_parameters=True,
            ),
            db.user,
            [],
            db.path,
            None,
        )
    location = str(db.path) if db.path else db.url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as conn:
            if db.is_sqlite:
                pragma = "quick_check" if quick else "integrity_check"
                rows = [str(r[0]) for r in conn.exec_driver_sql(f"PRAGMA {pragma}").fetchall()]
                if rows != ["ok"]:
                    integrity_ok = False
                    problems += rows
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    integrity_ok = False
                    tables = sorted({str(r[0]) for r in broken})
                    problems.append(
                        f"{len(broken)} records point at records that do not exist "
                        f"(in {', '.join(tables)})"
                    )
            else:
                # The server guarantees links and structure; what it cannot hide is damage on
                # disk, which it counts when data checksums are on.
                checksums = conn.execute(text("SHOW data_checksums")).scalar_one()
                failures = conn.execute(
                    text(
                        "SELECT coalesce(checksum_failures, 0) FROM pg_stat_database "
                        "WHERE datname = current_database()"
                    )
                ).scalar_one()
                if failures:
                    integrity_ok = False
                    problems.append(f"the server has seen {failures} damaged pages (checksums)")
                elif checksums != "on":
                    problems.append("data checksums are off on the server: damage is not detected")
    except (SQLAlchemyError, sqlite3.Error) as exc:
        integrity_ok = False
        problems.append(_problem(exc))
    if integrity_ok and not problems:
        problems = ["ok"]

    from alembic.runtime.migration import MigrationContext

    revision: str | None = None
    try:
        with db.engine.connect() as conn:
            revision = MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        log.warning("Could not read the schema revision: %s", _problem(exc))
    counts: dict[str, int | None] = {}
    for name, table in COUNTED_TABLES:
        try:
            with db.engine.connect() as conn:
                counts[name] = int(
                    conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                )
        except SQLAlchemyError:
            counts[name] = None
    report = CheckReport(
        location=location,
        dialect=db.dialect,
        integrity_ok=integrity_ok,
        integrity=tuple(problems),
        revision=revision,
        head=head,
        known_revision=revision in known,
        counts=counts,
        cannot_write=unwritable,
    )
    log.info(
        "Check: integrity %s, schema %s, %s cases",
        "ok" if integrity_ok else "FAILED",
        revision,
        counts.get("cases"),
    )
    return report
