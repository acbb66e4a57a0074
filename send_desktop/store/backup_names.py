"""Where a SQLite database's daily backups are and which exist, without SQLAlchemy (the
start checks today's backup before the database is opened: store/backup.py makes them)."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime
from pathlib import Path

from send_desktop import paths
from send_desktop.store.location import default_database_path
from send_desktop.tempfiles import sweep_partial

BACKUP_PREFIX = "send-desktop-"
# Only the daily backups match: manual backups and the copies taken just before a restore use
# other names and are never pruned.
BACKUP_NAME = re.compile(r"^send-desktop-(\d{8})-(\d{6})(?:-(\d+))?\.db$")


def backups_dir(db_path: Path | None = None) -> Path:
    """The owner-only folder for the backups of one SQLite database (the default one if None).

    One folder per database, named by its file and a hash of its full path: two databases
    used by one person never share a folder, so one's daily backups never prune the other's.
    """
    path = (db_path or default_database_path()).expanduser().resolve()
    key = hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:10]
    root = paths.data_dir() / "backups"
    folder = root / f"{path.stem}-{key}"
    for made in (root, folder):
        made.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix":
            os.chmod(made, 0o700)
    sweep_partial(folder)
    return folder


def list_backups(folder: Path | None = None) -> list[Path]:
    """Backups named send-desktop-YYYYMMDD-HHMMSS.db, oldest first."""
    folder = folder or backups_dir()
    found: list[tuple[tuple[str, str, int], Path]] = []
    for entry in folder.iterdir():
        match = BACKUP_NAME.match(entry.name)
        if match and entry.is_file():
            found.append(((match[1], match[2], int(match[3] or 1)), entry))
    return [path for _key, path in sorted(found)]


def backed_up_today(db_path: Path, now: datetime | None = None) -> bool:
    """Today's daily backup of the database at `db_path` exists (store/backup.daily_backup
    would make none)."""
    today = f"{(now or datetime.now()):%Y%m%d}"
    return any(
        p.name.startswith(f"{BACKUP_PREFIX}{today}-") for p in list_backups(backups_dir(db_path))
    )
