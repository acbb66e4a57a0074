"""Opening the case database: SQLite file or PostgreSQL, migrated at start-up, never too new."""

from __future__ import annotations

import getpass
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from send_desktop import paths
from send_desktop.errors import KnownError
from send_desktop.store.errors import DatabaseTooNewError
from send_desktop.store.models import utc_now

log = logging.getLogger(__name__)

DATABASE_ENV = "SEND_DESKTOP_DATABASE"
DEFAULT_FILE_NAME = "send-desktop.sqlite3"
# fstype values in /proc/mounts whose file locking SQLite cannot rely on.
# pg_advisory_xact_lock key held while migrating ("SEND" in ASCII).
MIGRATION_LOCK = 0x53454E44
NETWORK_FSTYPES = ("nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p", "afs")


def default_database_path() -> Path:
    return paths.data_dir() / DEFAULT_FILE_NAME


def resolve_url(url_or_path: str | None) -> URL:
    """A URL as given, a bare path as a SQLite file, nothing as the env var or the default."""
    chosen = url_or_path or os.environ.get(DATABASE_ENV) or str(default_database_path())
    if "://" in chosen:
        return make_url(chosen)
    path = Path(chosen).expanduser()
    return URL.create("sqlite", database=str(path.resolve()))


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


def sqlite_backup(source: Path, target: Path) -> Path:
    """A consistent copy of a live SQLite database via the backup API, owner-only."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    with (
        closing(sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
    make_private(target)
    return target


def _sqlite_revision(path: Path) -> str | None:
    """The alembic revision of a SQLite file, read without writing to it."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as con:
            found = con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            if found is None:
                return None
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise KnownError(f"{path} is not a SEND Desktop database ({exc})") from exc
    return str(row[0]) if row else None


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def alembic_config() -> Config:
    """Built in code: no alembic.ini ships with the program."""
    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    return cfg


class Database:
    """One database (SQLite file or PostgreSQL), its engine and its one sessionmaker."""

    def __init__(
        self,
        engine: Engine,
        user: str,
        warnings: list[str],
        path: Path | None,
        db_user: str | None,
    ) -> None:
        self.engine = engine
        self.url = engine.url
        self.user = user
        self.warnings = warnings
        self.path = path
        self.db_user = db_user
        self._sessionmaker = sessionmaker(bind=engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @classmethod
    def open(cls, url_or_path: str | None = None, user: str | None = None) -> Database:
        """Open, refuse if too new, back up (SQLite) and migrate to the program's schema."""
        url = resolve_url(url_or_path)
        who = user or _login_name()
        warnings: list[str] = []
        cfg = alembic_config()
        script = ScriptDirectory.from_config(cfg)
        known = {rev.revision for rev in script.walk_revisions()}
        head = script.get_current_head()

        path: Path | None = None
        if url.get_backend_name() == "sqlite":
            path = _sqlite_path(url)
            engine = _sqlite_engine(url, path)
            if path is not None:
                fstype = network_share_fstype(path)
                if fstype:
                    message = (
                        f"The database file is on a network share ({fstype}). SQLite's locking "
                        "is unreliable there and two users can corrupt it: use team mode "
                        "(a PostgreSQL server, --database postgresql+psycopg://...) instead."
                    )
                    log.warning("SQLite database on a network share (%s)", fstype)
                    warnings.append(message)
                if not path.parent.is_dir():
                    raise KnownError(f"The folder {path.parent} does not exist")
                current = _sqlite_revision(path)
            else:
                current = None
        else:
            engine = create_engine(url, pool_pre_ping=True)
            # Team mode: the server's grants refuse leader-only changes; say so in plain words.
            from send_desktop.store.team import install_permission_messages

            install_permission_messages(engine)
            try:
                with engine.connect() as conn:
                    current = MigrationContext.configure(conn).get_current_revision()
            except Exception as exc:
                engine.dispose()
                raise KnownError(
                    f"Cannot connect to the database {url.render_as_string(hide_password=True)}: "
                    f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                ) from exc

        location = str(path) if path else url.render_as_string(hide_password=True)
        if current is not None and current not in known:
            engine.dispose()
            log.error("Refused database at schema %s (program knows up to %s)", current, head)
            raise DatabaseTooNewError(location, current)

        if current != head:
            if path is not None and current is not None:
                backup = (
                    path.parent
                    / "backups"
                    / (
                        f"{path.stem}-before-migration-{current}-"
                        f"{utc_now().strftime('%Y%m%dT%H%M%S')}.sqlite3"
                    )
                )
                sqlite_backup(path, backup)
                log.info("Backed up the database before migrating from %s", current)
            _upgrade(engine, cfg)
            log.info("Migrated the database from %s to %s", current, head)

        db_user: str | None = None
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                db_user = conn.execute(text("SELECT current_user")).scalar_one()
        if path is not None:
            for suffix in ("", "-wal", "-shm"):
                make_private(Path(str(path) + suffix))
        return cls(engine, who, warnings, path, db_user)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends normally, rolls back otherwise."""
        session = self._sessionmaker()
        session.info["user"] = self.user
        session.info["db_user"] = self.db_user
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def close(self) -> None:
        self.engine.dispose()


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _sqlite_path(url: URL) -> Path | None:
    if not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _sqlite_engine(url: URL, path: Path | None) -> Engine:
    if path is None:
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        if path.parent.is_dir() and not path.exists():
            # Create it owner-only before SQLite does (SQLite would honour the umask).
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        engine = create_engine(url)
    event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def _upgrade(engine: Engine, cfg: Config) -> None:
    with engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild tables; with foreign keys on, dropping the old table
            # would cascade deletes into its children. Checked again afterwards.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            if engine.dialect.name == "postgresql":
                # Team mode: two programs starting together must not both migrate; the second
                # waits here, then finds the schema at head and has nothing to do.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise KnownError(
                        f"The migration left {len(broken)} broken links between records; "
                        "restore the backup taken before it"
                    )
        finally:
            cfg.attributes.pop("connection", None)
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
