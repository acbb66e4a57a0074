"""Case store: SQLAlchemy models, engine set-up, queries, audit, backups (no Qt).

The names below load on first use (PEP 562), so importing a plain module of the store - such
as store/first_page.py, which the start paints from - does not import SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from send_desktop.store.database import Database
    from send_desktop.store.errors import ConflictError, DatabaseTooNewError, NotFoundError

__all__ = ["ConflictError", "Database", "DatabaseTooNewError", "NotFoundError"]


def __getattr__(name: str) -> Any:
    if name == "Database":
        from send_desktop.store.database import Database

        return Database
    if name in ("ConflictError", "DatabaseTooNewError", "NotFoundError"):
        from send_desktop.store import errors

        return getattr(errors, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
