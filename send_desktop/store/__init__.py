"""Case store: SQLAlchemy models, engine set-up, queries, audit, backups (no Qt)."""

from send_desktop.store.database import Database
from send_desktop.store.errors import ConflictError, DatabaseTooNewError, NotFoundError

__all__ = ["ConflictError", "Database", "DatabaseTooNewError", "NotFoundError"]
