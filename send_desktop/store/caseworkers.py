"""The team's list of caseworkers: choose from it, add to it on purpose, merge two records.

A caseworker is never created by typing a new name into a case (a typo would make a second
"Priya Sha" who then shows on the dashboard, forecast and reassign lists). Adding one is an
explicit action that warns about near-duplicate names; a team leader can merge two records,
moving every case, with the audit trail and each case's chronology saying so.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from send_desktop.errors import KnownError
from send_desktop.store.cases import write_audit
from send_desktop.store.errors import NotFoundError
from send_desktop.store.models import Case, CaseNote, Caseworker, utc_now
from send_desktop.store.queries import add_caseworker
from send_desktop.timeline.names import near_duplicates, normalise

log = logging.getLogger(__name__)

MERGE_NOTE = "Caseworker records merged: "


class SimilarCaseworkerError(KnownError):
    """The name looks like one already on the list: the user must confirm it is someone else."""

    def __init__(self, name: str, similar: Sequence[str]) -> None:
        self.name = name
        self.similar = tuple(similar)
        super().__init__(
            f"{name!r} looks like {', '.join(repr(s) for s in self.similar)} already on the "
            "team's list. Choose that caseworker, or confirm that this is a different person."
        )


def team_names(session: Session) -> list[str]:
    """The active caseworkers' names, A-Z: what the caseworker chooser offers."""
    rows = session.execute(
        select(Caseworker.name).where(Caseworker.active.is_(True)).order_by(Caseworker.name)
    ).scalars()
    return list(dict.fromkeys(rows))


def find_caseworker(session: Session, name: str) -> Caseworker | None:
    """The active caseworker with exactly this name (case and spaces aside), if any."""
    wanted = normalise(name)
    if not wanted:
        return None
    for worker in session.execute(
        select(Caseworker).where(Caseworker.active.is_(True)).order_by(Caseworker.id)
    ).scalars():
        if normalise(worker.name) == wanted:
            return worker
    return None


def caseworker_id(session: Session, name: str) -> int:
    """The id of a caseworker on the team's list; KnownError naming the name when not on it."""
    found = find_caseworker(session, name)
    if found is None:
        similar = near_duplicates(name, team_names(session))
        hint = f" Did you mean {', '.join(similar)}?" if similar else ""
        raise KnownError(
            f"Caseworker: {name.strip()!r} is not on the team's list.{hint} Choose a name from "
            "the list, or use Add caseworker to add a new one."
        )
    return found.id


def add_named_caseworker(
    session: Session,
    user: str,
    name: str,
    *,
    confirmed_different: bool = False,
    team_id: int | None = None,
) -> Caseworker:
    """Add a caseworker on purpose. The same name again is refused; a similar one
    (edit distance, initials, swapped names) raises SimilarCaseworkerError until confirmed."""
    clean = " ".join(name.split())
    if not clean:
        raise KnownError("Caseworker: type the new caseworker's name")
    existing = find_caseworker(session, clean)
    if existing is not None:
        raise KnownError(f"Caseworker: {existing.name!r} is already on the team's list")
    similar = near_duplicates(clean, team_names(session))
    if similar and not confirmed_different:
        raise SimilarCaseworkerError(clean, similar)
    worker = add_caseworker(session, user, clean, team_id=team_id)
    log.info("caseworker %s added", worker.id)
    return worker


def _is_team_leader(session: Session, user: str) -> bool:
    leaders = session.execute(
        select(Caseworker).where(Caseworker.role == "team_leader", Caseworker.active.is_(True))
    ).scalars()
    wanted = normalise(user)
    return any(normalise(w.name) == wanted or (w.db_role or "") == user for w in leaders)


def merge_caseworkers(
    session: Session, user: str, keep_id: int, merge_id: int, *, as_of: date | None = None
) -> int:
    """Move every case of merge_id to keep_id and retire merge_id; returns the cases moved.

    Only a team leader may merge. Audited: one audit row per case moved, a note in each
    case's chronology, and the retired record kept (inactive) so old audit rows still name it.
    """
    if not _is_team_leader(session, user):
        raise KnownError(
            f"Only a team leader can merge caseworker records; {user!r} is not a team leader"
        )
    if keep_id == merge_id:
        raise KnownError("Choose two different caseworker records to merge")
    keep, gone = session.get(Caseworker, keep_id), session.get(Caseworker, merge_id)
    if keep is None or gone is None:
        raise NotFoundError("That caseworker record no longer exists")
    if not keep.active:
        raise KnownError(f"Caseworker: {keep.name!r} has left the list; merge into an active one")
    as_of = as_of or date.today()
    text = f"{MERGE_NOTE}{gone.name!r} (record {gone.id}) merged into {keep.name!r} by {user}"
    cases = list(session.execute(select(Case).where(Case.caseworker_id == merge_id)).scalars())
    for case in cases:
        case.caseworker_id = keep_id
        case.updated_by = user
        case.updated_at = utc_now()
        note = CaseNote(
            case_id=case.id,
            written=as_of,
            author=user,
            text=text,
            updated_by=user,
            updated_at=utc_now(),
        )
        session.add(note)
    session.flush()
    for case in cases:
        write_audit(
            session,
            user,
            "case",
            case.id,
            case.id,
            "update",
            {"caseworker_id": (merge_id, keep_id)},
        )
    gone.active = False
    gone.updated_by = user
    gone.updated_at = utc_now()
    session.flush()
    write_audit(
        session,
        user,
        "caseworker",
        gone.id,
        None,
        "update",
        {"active": (True, False), "merged_into": (None, keep.id)},
    )
    log.info("caseworker %s merged into %s (%d cases)", merge_id, keep_id, len(cases))
    return len(cases)
