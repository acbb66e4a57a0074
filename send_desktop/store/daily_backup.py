"""The daily backup of a SQLite file, without SQLAlchemy.

The start paints the caseload and reads it with plain sqlite3 (store/desk_sql.py); the first
start of each day also backs the file up, and that must not load SQLAlchemy either, or that
start's memory would be what opening the database costs. So the copy itself (SQLite's online
backup API, owner-only, under a temporary name renamed only once complete and checked), the
pruning of old daily backups and the `backup.keep` setting are read here on plain sqlite3;
store/backup.py (backup, restore, check) makes its copies through the same function.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from send_desktop.errors import KnownError, known_failure
from send_desktop.store.backup_names import (
    BACKUP_PREFIX,
    backed_up_today,
    backups_dir,
    list_backups,
)
from send_desktop.store.location import make_private
from send_desktop.tempfiles import partial_name

log = logging.getLogger(__name__)

KEEP_SETTING = "backup.keep"
DEFAULT_KEEP = 14


def plain_error(exc: BaseException, database: str, otherwise: str) -> KnownError:
    """errors.known_failure's words for a busy, full, read-only or failing disk or database
    (naming the database for SQLite's own errors, the file for the operating system's), else
    `otherwise` with the reason."""
    known = known_failure(exc) if isinstance(exc, OSError) else known_failure(exc, database)
    if known is not None:
        return known
    return KnownError(f"{otherwise}: {getattr(exc, 'strerror', None) or exc}")


def private_empty_file(path: Path) -> None:
    # Created owner-only before SQLite writes a byte, so personal data is never world-readable.
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    make_private(path)


def backup_name(folder: Path, when: datetime, stem: str = BACKUP_PREFIX) -> Path:
    base = f"{stem}{when:%Y%m%d-%H%M%S}"
    candidate = folder / f"{base}.db"
    number = 2
    while candidate.exists():
        candidate = folder / f"{base}-{number}.db"
        number += 1
    return candidate


def quick_check(con: sqlite3.Connection) -> list[str]:
    rows = [str(row[0]) for row in con.execute("PRAGMA quick_check").fetchall()]
    return [] if rows == ["ok"] else rows


def copy_database(source: Path, target: Path, label: str) -> Path:
    """A consistent copy of the live SQLite file `source` at `target`, owner-only, checked.

    Written under a temporary name (with this process's id: a copy killed half-way is swept at
    the next start) and renamed when complete and checked, so a backup that was interrupted
    never looks like a good one (and never pushes a good one out when pruning). `label` names
    the database in a refusal."""
    partial = partial_name(target)
    try:
        private_empty_file(partial)
        # mode=rw: never create an empty database where the file has gone.
        uri = source.resolve().as_uri() + "?mode=rw"
        with (
            closing(sqlite3.connect(uri, uri=True)) as live,
            closing(sqlite3.connect(partial)) as copy,
        ):
            live.backup(copy)
            # One self-contained file: no -wal companion to lose when it is copied away.
            copy.execute("PRAGMA journal_mode=DELETE")
            problems = quick_check(copy)
        if problems:
            raise KnownError(
                "The database failed its check while being backed up: "
                f"{problems[0]}. Run `send-desktop check` and restore an earlier backup."
            )
        make_private(partial)
        os.replace(partial, target)
    except OSError as exc:
        raise plain_error(exc, label, f"Could not write the backup {target}") from exc
    except sqlite3.Error as exc:
        raise plain_error(exc, label, "Could not back up the database") from exc
    finally:
        partial.unlink(missing_ok=True)
    log.info("Backed up the database (%d bytes)", target.stat().st_size)
    return target


def prune_backups(keep: int, folder: Path | None = None) -> list[Path]:
    """Delete all but the newest `keep` daily backups; returns what was deleted."""
    if keep < 1:
        raise KnownError("Keep at least one backup")
    backups = list_backups(folder)
    removed = backups[: max(0, len(backups) - keep)]
    for old in removed:
        old.unlink(missing_ok=True)
    if removed:
        log.info("Pruned %d old backups, kept %d", len(removed), keep)
    return removed


def keep_from(raw: str | None) -> int:
    """How many daily backups to keep, from the `backup.keep` setting's text (None: unset)."""
    if raw is None:
        return DEFAULT_KEEP
    try:
        keep = int(raw)
    except ValueError:
        keep = 0
    if keep < 1:
        # A bad setting must not stop the program starting; the default is the safe choice.
        log.warning(
            "Setting %s is not a whole number of at least 1; keeping %d", KEEP_SETTING, DEFAULT_KEEP
        )
        return DEFAULT_KEEP
    return keep


def keep_setting(path: Path) -> int:
    """The `backup.keep` setting of the SQLite file at `path`, read with plain sqlite3."""
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as con:
            row = con.execute("SELECT value FROM setting WHERE key = ?", [KEEP_SETTING]).fetchone()
    except sqlite3.Error:
        # No settings table yet (a file the migration has not reached): the default.
        return DEFAULT_KEEP
    return keep_from(None if row is None else str(row[0]))


def daily_backup_file(
    path: Path, keep: int | None = None, *, now: datetime | None = None
) -> Path | None:
    """Back the SQLite file at `path` up on the first start of each day and keep the newest
    `keep` daily backups (the file's `backup.keep` setting, else 14). Returns the new backup,
    or None when today's already exists."""
    now = now or datetime.now()
    keep = keep if keep is not None else keep_setting(path)
    folder = backups_dir(path)
    made: Path | None = None
    try:
        if not backed_up_today(path, now):
            made = copy_database(path, backup_name(folder, now), str(path))
        prune_backups(keep, folder)
    except OSError as exc:
        raise KnownError(f"The daily backup failed in {folder}: {exc.strerror or exc}") from exc
    return made
