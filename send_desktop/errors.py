"""Errors a user can act on ("known" errors), as opposed to bugs, and keeping case data out of both.

A KnownError carries a message written for a caseworker or IT: the CLI prints it and exits 2,
the GUI shows it in a plain message box. Anything else is a bug: it is logged with its
traceback and the GUI shows a crash dialog with copyable details.

Failures that come from the machine rather than the program (a full disk, a read-only folder,
a locked file, an unreachable server, a date past 9999) are recognised by known_failure()
wherever they surface - the one place SQLite's and PostgreSQL's busy, locked, disk-full, read-only
and I/O errors become KnownErrors, for the CLI, the crash dialog, every unit of work
(Database.session) and the backups - and every exception text that reaches a log, a dialog or a terminal goes
through scrub() first: a child's name, date of birth, UPN or postcode must never be in one.
"""

from __future__ import annotations

import errno
import re
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

_T = TypeVar("_T")


class KnownError(Exception):
    """A problem the user can fix: bad input, a locked file, a database that is too new."""

    exit_code = 2


class DiskFullError(KnownError):
    """No space left where the program writes."""


class ReadOnlyError(KnownError):
    """The folder or file cannot be written (read-only, or no permission)."""


class LockedError(KnownError):
    """Another program holds the database for longer than the program waits."""


class DamagedDatabaseError(KnownError):
    """The database file fails its integrity check: nothing is written into it."""


class UnreachableError(KnownError):
    """The database server cannot be reached."""


# ---------------------------------------------------------------- scrubbing

_PLACEHOLDER = "…"
_SCRUBBERS: tuple[tuple[re.Pattern[str], str], ...] = (
    # SQLAlchemy's echo of the statement's values (hide_parameters is on, but never rely on it).
    (re.compile(r"\[parameters: .*?\](?=\s|$)", re.DOTALL), "[parameters hidden]"),
    # PostgreSQL's DETAIL/Failing row: the values of the row.
    (re.compile(r"(Failing row contains )\(.*\)", re.DOTALL), r"\1(…)"),
    (re.compile(r"(Key \([^)]*\)=)\(.*?\)"), r"\1(…)"),
    (re.compile(r"^(DETAIL|CONTEXT|HINT):.*$", re.MULTILINE), r"\1: …"),
    # Quoted values: names, cell text, anything a user typed.
    (re.compile(r"'(?:[^'\\\n]|\\.)*'"), "'…'"),
    (re.compile(r'"(?:[^"\\\n]|\\.)*"'), '"…"'),
    # Dates (of birth), UPNs, postcodes, even unquoted.
    (re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\b"), "<date>"),
    (re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"), "<date>"),
    (re.compile(r"\b[A-Z]\d{11}[0-9A-Z]\b"), "<UPN>"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b", re.IGNORECASE), "<postcode>"),
)


def scrub(text: str) -> str:
    """Exception text with values taken out: what is left names the failure, not the child."""
    for pattern, replacement in _SCRUBBERS:
        text = pattern.sub(replacement, text)
    return text


def _walk(start: _T, links: Callable[[_T], Iterable[object]], kind: type[_T]) -> Iterator[_T]:
    """start and everything linked to it (each once, loops cut): an exception's causes."""
    seen: set[int] = set()
    stack: list[_T] = [start]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack.extend(linked for linked in links(current) if isinstance(linked, kind))


def _chain(te: traceback.TracebackException) -> Iterator[traceback.TracebackException]:
    return _walk(
        te,
        lambda t: (t.__cause__, t.__context__, *(getattr(t, "exceptions", None) or [])),
        traceback.TracebackException,
    )


def scrubbed_traceback(exc: BaseException) -> str:
    """The traceback as Python prints it (code lines, no locals), every message scrubbed."""
    te = traceback.TracebackException.from_exception(exc)
    for part in _chain(te):
        part._str = scrub(part._str)  # type: ignore[attr-defined]  # stable since 3.5
        notes = getattr(part, "__notes__", None)
        if notes:
            part.__notes__ = [scrub(str(n)) for n in notes]
    return "".join(te.format())


def scrubbed_message(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return scrub(text[0]) if text else type(exc).__name__


# ---------------------------------------------------------------- failures of the machine


def _causes(exc: BaseException) -> Iterator[BaseException]:
    return _walk(
        exc, lambda e: (getattr(e, "orig", None), e.__cause__, e.__context__), BaseException
    )


def _where(exc: BaseException) -> str:
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.filename:
            return f" ({cause.filename})"
    return ""


# PostgreSQL's SQLSTATE codes: a lock not granted in time; two transactions that changed the
# same rows at once, a deadlock (try again); disk full; read-only; I/O error.
_PG_LOCK_TIMEOUT = "55P03"
_PG_RETRY = ("40001", "40P01")
_PG_DISK_FULL = "53100"
_PG_READ_ONLY = "25006"
_PG_IO_ERROR = "58030"
_CONNECTION_LOST = (
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "connection already closed",
    "consuming input failed",
    "connection to server",
    "ssl connection has been closed",
)
_DRIVERS = ("sqlalchemy", "sqlite3", "psycopg")


def _sqlstate(cause: BaseException) -> str:
    return str(getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None) or "")


def _connection_lost(causes: list[BaseException], text: str) -> bool:
    return any(
        bool(getattr(c, "connection_invalidated", False)) or _sqlstate(c).startswith("08")
        for c in causes
    ) or any(words in text for words in _CONNECTION_LOST)


def known_failure(exc: BaseException, database: str | None = None) -> KnownError | None:
    """The plain message for a failure of the disk, the folder, the server or the input, if
    exc (or what caused it) is one; None for a bug. The one place busy, locked, disk-full,
    read-only and I/O errors of SQLite and PostgreSQL become KnownErrors.

    With database (its location as a user names it) this is the boundary of a unit of work
    (Database.session, a backup): only what the database driver raised is translated, and the
    message names the database; a KnownError is returned as it is, a bug gives None."""
    if isinstance(exc, KnownError):
        return exc
    causes = list(_causes(exc))
    if database is not None and not any(
        type(c).__module__.split(".")[0] in _DRIVERS for c in causes
    ):
        return None
    codes = {_sqlstate(c) for c in causes}
    where = f" ({database})" if database is not None else _where(exc)
    of_db = f" {database}" if database is not None else ""
    for cause in causes:
        name = type(cause).__name__
        text = str(cause).lower()
        number = getattr(cause, "errno", None)
        if _PG_LOCK_TIMEOUT in codes or "lock timeout" in text:
            return LockedError(
                f"The database is busy{where}: another user is changing the same records and "
                "held them longer than the program waits. Nothing was saved; try again in a "
                "moment."
            )
        if codes & set(_PG_RETRY) or "could not serialize" in text or "deadlock detected" in text:
            return LockedError(
                f"The database{of_db}: another user changed the same records at the same "
                "moment. Nothing was saved; try again."
            )
        if "database is locked" in text or "database table is locked" in text:
            return LockedError(
                f"The database is busy{where}: another program (or another copy of SEND "
                "Desktop) is holding it. Nothing was saved; try again, and close the other "
                "copies if it keeps happening."
            )
        if (
            (isinstance(cause, OSError) and number in (errno.ENOSPC, errno.EDQUOT))
            or "database or disk is full" in text
            or "no space left" in text
            or _PG_DISK_FULL in codes
        ):
            place = f" (the database {database})" if database is not None else where
            return DiskFullError(
                f"The disk is full{place}: nothing was saved. Free some space (or ask IT), "
                "then try again."
            )
        if (
            (isinstance(cause, OSError) and number in (errno.EROFS, errno.EACCES, errno.EPERM))
            or "readonly database" in text
            or "read-only file system" in text
            or _PG_READ_ONLY in codes
        ):
            if database is not None:
                return ReadOnlyError(
                    f"The database {database} cannot be written (read-only, or no "
                    "permission): nothing was saved. Choose a database you can write to, or "
                    "ask IT."
                )
            return ReadOnlyError(
                f"Cannot write{where}: the folder or file is read-only or you lack permission. "
                "Nothing was saved. Choose a folder you can write to, or ask IT."
            )
        if "disk i/o error" in text or _PG_IO_ERROR in codes:
            return KnownError(
                f"The disk reported an error reading or writing the database{of_db or where}: "
                "nothing more was saved. Check the disk (or ask IT), then run "
                "`send-desktop check`."
            )
        if database is not None and _connection_lost(causes, text):
            return UnreachableError(
                f"The connection to the database {database} was lost: nothing more was saved. "
                "Check the network (or ask IT), then try again."
            )
        if database is not None:
            continue  # the rest is for the CLI and the crash dialog, as they always were
        if "malformed" in text or "file is not a database" in text:
            return DamagedDatabaseError(
                f"The database file{where} is damaged: nothing was written. Run "
                "`send-desktop check`, then restore the latest good backup "
                "(`send-desktop restore FILE`)."
            )
        if "unable to open database file" in text:
            return ReadOnlyError(
                f"Cannot open the database file{where}: the folder does not exist, is not a "
                "folder, or cannot be written. Give a SQLite file in a folder you can write to."
            )
        if name in ("OperationalError", "ConnectionTimeout") and (
            "connection" in text or "could not connect" in text or "server" in text
        ):
            return UnreachableError(
                "Cannot reach the database server: "
                + scrubbed_message(cause)
                + ". Check the network and the server name in the location, or ask IT."
            )
        if name == "StringDataRightTruncation" or "value too long" in text:
            return KnownError(
                "A value is longer than the database keeps (at most 200 characters for a "
                "name). Shorten it and try again."
            )
        if (
            isinstance(cause, OverflowError)
            or (name in ("DataError", "DatetimeFieldOverflow") and "out of range" in text)
            or "year 10000" in text
            or "date value out of range" in text
        ):
            return KnownError(
                "A date is out of range (the last date is 31/12/9999, and deadlines after it "
                "cannot be counted). Give a real date."
            )
        if name == "NoSuchModuleError" or (name == "ArgumentError" and "url" in text):
            return KnownError(
                "The database location is not one SEND Desktop can use: give a SQLite file "
                "path (e.g. C:\\SEND\\cases.sqlite3) or postgresql+psycopg://user@server/db."
            )
    return None
