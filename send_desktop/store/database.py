"""Opening the case database: SQLite file or PostgreSQL, migrated at start-up, never too new."""

from __future__ import annotations

import getpass
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from send_desktop import paths
from send_desktop.errors import KnownError, known_failure
from send_desktop.store import revision_files
from send_desktop.store.errors import DatabaseTooNewError
from send_desktop.store.location import DATABASE_ENV as DATABASE_ENV
from send_desktop.store.location import DEFAULT_FILE_NAME as DEFAULT_FILE_NAME
from send_desktop.store.location import NETWORK_FSTYPES as NETWORK_FSTYPES
from send_desktop.store.location import chosen_location
from send_desktop.store.location import default_database_path as default_database_path
from send_desktop.store.location import make_private as make_private
from send_desktop.store.location import network_share_fstype as network_share_fstype
from send_desktop.store.models import utc_now
from send_desktop.store.revision_files import Revisions

if TYPE_CHECKING:
    from alembic.config import Config

#: Shown in Help > About (the gui imports no SQLAlchemy itself).
SQLALCHEMY_VERSION: str = sqlalchemy.__version__
log = logging.getLogger(__name__)

# fstype values in /proc/mounts whose file locking SQLite cannot rely on.
# pg_advisory_xact_lock key held while migrating ("SEND" in ASCII).
MIGRATION_LOCK = 0x53454E44
BAD_LOCATION = (
    "The database location is not one SEND Desktop can use: give a SQLite file path or "
    "postgresql+psycopg://user@server/database"
)
# The audit trail's user column (String(200)).
MAX_USER_NAME = 200


def resolve_url(url_or_path: str | None) -> URL:
    """A URL as given, a bare path as a SQLite file, nothing as the env var or the default."""
    chosen = chosen_location(url_or_path)
    if "://" in chosen:
        try:
            url = make_url(chosen)
        except Exception as exc:  # sqlalchemy.exc.ArgumentError, ValueError for a bad port
            raise KnownError(f"{BAD_LOCATION} (the location could not be read)") from exc
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise KnownError(f"{BAD_LOCATION} ({url.get_backend_name()} is not supported)")
        return url
    path = Path(chosen).expanduser()
    if path.exists() and not path.is_file():
        raise KnownError(
            f"{path} is not a database file (it is a folder or a device): give the path of a "
            "SQLite file, e.g. ~/send-desktop.sqlite3"
        )
    return URL.create("sqlite", database=str(path.resolve()))


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


def refuse_if_damaged(path: Path) -> None:
    """Refuse to write into a SQLite file that fails SQLite's quick check (a damaged page).

    Run before a migration and an import: writing more into a damaged file spreads the damage
    and makes the last good backup harder to tell apart. quick_check reads every page but
    skips the index cross-checks: about a second for 100,000 cases.
    """
    from send_desktop.errors import DamagedDatabaseError

    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as con:
            rows = [str(r[0]) for r in con.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        rows = [str(exc)]
    if rows != ["ok"]:
        log.error("Refused to write into a damaged database (%d problems)", len(rows))
        raise DamagedDatabaseError(
            f"The database {path} is damaged ({rows[0]}): nothing was written into it. Run "
            "`send-desktop check`, then restore the latest good backup "
            "(`send-desktop restore FILE`)."
        )


CACHE_KIB = 16 * 1024


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 16 MiB of page cache (SQLite's default is 2 MB): a caseworker's cases lie on pages
        # scattered through a large file, and a desk action re-reads them (at 100,000 cases a
        # page query 5.1 -> 3.4 ms). Pages are cached as they are read, so a small database
        # or a short session never holds more than it read.
        cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    finally:
        cursor.close()


@lru_cache(maxsize=1)
def revisions() -> Revisions:
    """Read from the migration scripts' own lines (store/revision_files): importing alembic to
    walk them costs about half a second of every start, and is only needed when there is
    something to migrate, or when a script is written some other way."""
    found = revision_files.from_scripts()
    return found if found is not None else _alembic_revisions()


def _alembic_revisions() -> Revisions:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return Revisions(
        frozenset(rev.revision for rev in script.walk_revisions()), script.get_current_head()
    )


def read_revision(conn: Connection) -> str | None:
    """The revision recorded in alembic_version, None for an empty database."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(found) > 1:
        # Several heads recorded: alembic's own check explains it.
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()
    return str(found[0]) if found else None


def alembic_config() -> Config:
    """Built in code: no alembic.ini ships with the program."""
    from alembic.config import Config

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
        # Every change to a case rewrites its stored deadlines before the commit.
        from send_desktop.store import summaries

        summaries.install(self._sessionmaker)

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
        known, head = revisions()

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
                from send_desktop.tempfiles import sweep_partial

                sweep_partial(path.parent)  # a restore killed half-way leaves its partial file
                if not os.access(path.parent, os.W_OK) or (
                    path.exists() and not os.access(path, os.W_OK)
                ):
                    from send_desktop.errors import ReadOnlyError

                    raise ReadOnlyError(
                        f"Cannot write in {path.parent}: the folder or the database file is "
                        "read-only (or you lack permission), so nothing could be saved. Use a "
                        "folder you can write to, or ask IT; `send-desktop check` can still "
                        "read it."
                    )
                current = _sqlite_revision(path)
            else:
                current = None
        else:
            if len(who) > MAX_USER_NAME:
                raise KnownError(
                    f"The user name is {len(who)} characters long; the audit trail keeps at "
                    f"most {MAX_USER_NAME}. Give a shorter --user."
                )
            # hide_parameters: a refused or failed statement's message must never carry a
            # child's name, date of birth or postcode into a log or a crash dialog.
            engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
            _tell_server_the_user(engine, who)
            # Team mode: the server's grants refuse leader-only changes; say so in plain words.
            from send_desktop.store.team import install_permission_messages

            install_permission_messages(engine)
            try:
                with engine.connect() as conn:
                    current = read_revision(conn)
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
                refuse_if_damaged(path)
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
            _upgrade(engine, alembic_config())
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
        except BaseException as exc:
            with suppress(Exception):  # a lost connection cannot roll back either
                session.rollback()
            plain = known_failure(exc, database=self.location)
            if plain is not None and plain is not exc:
                raise plain from exc
            raise
        finally:
            session.close()

    @property
    def location(self) -> str:
        """The database as a user names it: the file, or the server URL without a password."""
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return read_revision(conn)

    def close(self) -> None:
        self.engine.dispose()


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _tell_server_the_user(engine: Engine, who: str) -> None:
    """Team mode: the name typed at start-up, for audit rows of logins with no caseworker record
    (the server's triggers read it; the login itself is recorded beside it either way)."""
    from send_desktop.store.team import USER_SETTING

    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT set_config(%s, %s, false)", (USER_SETTING, who))
        finally:
            cursor.close()
        # A setting made in a transaction that is later rolled back is undone: commit it.
        dbapi_connection.commit()

    event.listen(engine, "connect", _on_connect)


def _sqlite_path(url: URL) -> Path | None:
    if not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _sqlite_engine(url: URL, path: Path | None) -> Engine:
    if path is None:
        engine = create_engine(
            url,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
            hide_parameters=True,
        )
    else:
        if path.parent.is_dir() and not path.exists():
            # Create it owner-only before SQLite does (SQLite would honour the umask).
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        engine = create_engine(url, hide_parameters=True)
    event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def _upgrade(engine: Engine, cfg: Config) -> None:
    from alembic import command

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
            if engine.dialect.name == "postgresql":
                # Tables added by later migrations get their triggers, policies and grants
                # from their one line in team.TABLES.
                from send_desktop.store.team import install_server_rules

                install_server_rules(conn)
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
