"""Where the database is: a location as given, else SEND_DESKTOP_DATABASE, else the default file.

Plain Python (no SQLAlchemy): the start reads a SQLite file's first page before SQLAlchemy
loads (gui/app.py, store/first_page.py); store/database.py opens the same location.
"""

from __future__ import annotations

import os
from pathlib import Path

from send_desktop import paths

DATABASE_ENV = "SEND_DESKTOP_DATABASE"
DEFAULT_FILE_NAME = "send-desktop.sqlite3"


def default_database_path() -> Path:
    return paths.data_dir() / DEFAULT_FILE_NAME


def chosen_location(url_or_path: str | None) -> str:
    """The location as given; nothing: the environment variable or the default file."""
    return url_or_path or os.environ.get(DATABASE_ENV) or str(default_database_path())


def existing_sqlite_file(url_or_path: str | None) -> Path | None:
    """The SQLite file this location names when it is a plain path to a non-empty file (not a
    URL, not a folder, not a new or empty database); None otherwise."""
    chosen = chosen_location(url_or_path)
    if "://" in chosen:
        return None
    path = Path(chosen).expanduser()
    try:
        return path.resolve() if path.is_file() and path.stat().st_size > 0 else None
    except OSError:
        return None


NETWORK_FSTYPES = ("nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p", "afs")


def network_share_fstype(path: Path, mounts: str | None = None) -> str | None:
    """The file system type when path lies on a network share (UNC or a network mount)."""
    raw = str(path)
    if raw.startswith(("\\\\", "//")):
        return "unc"
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = path.resolve()
    best: tuple[int, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        # /proc/mounts escapes spaces and tabs in mount points as octal (\040, \011).
        mount_point = fields[1].replace("\\040", " ").replace("\\011", "\t")
        mount = Path(mount_point)
        if target == mount or mount in target.parents:
            depth = len(mount.parts)
            if best is None or depth >= best[0]:
                best = (depth, fields[2])
    if best is None:
        return None
    fstype = best[1]
    if fstype in NETWORK_FSTYPES or fstype.startswith("smb"):
        return fstype
    return None


def make_private(path: Path) -> None:
    """Owner-only permissions: the file holds children's personal data."""
    if os.name == "posix" and path.exists():
        os.chmod(path, 0o600)
