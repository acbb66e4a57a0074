"""Errors of the case store that a caseworker or IT can act on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from send_desktop.errors import KnownError
from send_desktop.timeline.order import Breach


class DatabaseTooNewError(KnownError):
    """The database was migrated by a newer SEND Desktop: refuse it, change nothing."""

    def __init__(self, location: str, revision: str) -> None:
        self.location = location
        self.revision = revision
        super().__init__(
            f"The database {location} was last opened by a newer version of SEND Desktop "
            f"(schema {revision}). Install that version or later to open it; "
            "the database has not been changed."
        )


class ConflictError(KnownError):
    """Someone else saved the same record since it was loaded: reload instead of overwriting."""

    def __init__(self, changed_by: str, changed_at: datetime | None) -> None:
        self.changed_by = changed_by or "another user"
        self.changed_at = changed_at
        when = changed_at.strftime("%d/%m/%Y %H:%M") + " UTC" if changed_at else "an unknown time"
        super().__init__(f"Changed by {self.changed_by} at {when} - reload")


class NotFoundError(KnownError):
    """The record asked for does not exist (deleted by someone else, or a wrong id)."""


class BreachNeedsReason(KnownError):
    """The fact is lawful to record but a breach (rules section 7): confirm it with a reason."""

    def __init__(self, breaches: Sequence[Breach]) -> None:
        self.breaches = tuple(breaches)
        super().__init__(
            "This would record a breach: "
            + "; ".join(b.message for b in self.breaches)
            + ". To record it as it happened, confirm and give the reason."
        )


# ---------------------------------------------------------------- the session boundary

# PostgreSQL's SQLSTATE codes for "try again": a lock not granted in time, two transactions
# that changed the same rows at once, a deadlock.
_PG_LOCK_TIMEOUT = {"55P03"}
_PG_RETRY = {"40001", "40P01"}
_CONNECTION_LOST = (
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "connection already closed",
    "consuming input failed",
    "connection to server",
    "ssl connection has been closed",
)


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found:
        found.append(current)
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return found


def database_failure(exc: BaseException, where: str) -> KnownError | None:
    """A busy or I/O failure of SQLite or PostgreSQL as a plain message naming the database and
    what to do; None for anything else (a bug, or a KnownError already plain).

    Applied once, where every unit of work ends (Database.session), so every command and window
    shows the same words instead of a crash dialog."""
    from send_desktop.errors import DiskFullError, LockedError, ReadOnlyError, UnreachableError

    if isinstance(exc, KnownError):
        return None
    chain = _chain(exc)
    if not any(
        type(c).__module__.split(".")[0] in ("sqlalchemy", "sqlite3", "psycopg") for c in chain
    ):
        return None
    text = " ".join(str(c) for c in chain).lower()
    codes = {getattr(c, "sqlstate", None) or getattr(c, "pgcode", None) for c in chain}
    if codes & _PG_LOCK_TIMEOUT or "lock timeout" in text:
        return LockedError(
            f"The database is busy ({where}): another user is changing the same records and "
            "held them longer than the program waits. Nothing was saved; try again in a moment."
        )
    if codes & _PG_RETRY or "could not serialize" in text or "deadlock detected" in text:
        return LockedError(
            f"The database {where}: another user changed the same records at the same moment. "
            "Nothing was saved; try again."
        )
    if "database is locked" in text or "database table is locked" in text:
        return LockedError(
            f"The database is busy ({where}): another program (or another copy of SEND "
            "Desktop) is holding it. Nothing was saved; try again, and close the other copies "
            "if it keeps happening."
        )
    if "database or disk is full" in text or "no space left" in text or "53100" in codes:
        return DiskFullError(
            f"The disk is full (the database {where}): nothing was saved. Free some space (or "
            "ask IT), then try again."
        )
    if "readonly database" in text or "read-only file system" in text or "25006" in codes:
        return ReadOnlyError(
            f"The database {where} cannot be written (read-only, or no permission): nothing "
            "was saved. Choose a database you can write to, or ask IT."
        )
    if "disk i/o error" in text or "58030" in codes:
        return KnownError(
            f"The disk reported an error reading or writing the database {where}: nothing "
            "more was saved. Check the disk (or ask IT), then run `send-desktop check`."
        )
    lost = any(
        bool(getattr(c, "connection_invalidated", False))
        or str(getattr(c, "sqlstate", "") or "").startswith("08")
        for c in chain
    )
    if lost or any(words in text for words in _CONNECTION_LOST):
        return UnreachableError(
            f"The connection to the database {where} was lost: nothing more was saved. Check "
            "the network (or ask IT), then try again."
        )
    return None
