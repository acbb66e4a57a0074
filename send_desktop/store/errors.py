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
