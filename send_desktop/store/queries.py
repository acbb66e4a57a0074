"""Caseload rows, teams and caseworkers: the read side the GUI and workbooks share."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple, cast

from sqlalchemy import Select, Table, func, insert, select
from sqlalchemy.orm import Session

from send_desktop import timeline as tl
from send_desktop.errors import KnownError
from send_desktop.store import counts, desk_sql
from send_desktop.store.counts import (
    CaseloadRow as CaseloadRow,  # defined beside the SQL that fills it
)
from send_desktop.store.errors import NotFoundError
from send_desktop.store.models import (
    ROLES,
    AdviceRequest,
    AnnualReview,
    Case,
    CaseException,
    CaseNote,
    Caseworker,
    Consultation,
    FamilyContact,
    Team,
    utc_now,
)

log = logging.getLogger(__name__)


def caseload(
    session: Session,
    as_of: date,
    policy: tl.Policy,
    caseworker_id: int | None = None,
    team_id: int | None = None,
    include_closed: bool = False,
    search: str | None = None,
) -> list[CaseloadRow]:
    """Every matching case with its stage and next statutory deadline on as_of, by case id.

    Read from the stored deadlines (store/counts.py), which were computed under the database's
    policy (`policy` must be that policy: it is what the stored rows are stamped with); the tests
    compare it, row for row, with a per-case reference (tests/oracles.py).
    """
    del policy  # the stored rows carry the database's policy
    query = counts.CaseloadQuery(as_of, caseworker_id, team_id, include_closed, search)
    found: list[CaseloadRow] = counts.rows(session, query)
    log.info("Caseload: %d cases", len(found))
    return found


# ---------------------------------------------------------------- teams and caseworkers


def teams(session: Session) -> list[Team]:
    return list(session.execute(select(Team).order_by(Team.name)).scalars())


def caseworkers(
    session: Session, team_id: int | None = None, active_only: bool = True
) -> list[Caseworker]:
    query = select(Caseworker).order_by(Caseworker.name, Caseworker.id)
    if team_id is not None:
        query = query.where(Caseworker.team_id == team_id)
    if active_only:
        query = query.where(Caseworker.active.is_(True))
    return list(session.execute(query).scalars())


def user_scope(session: Session, user: str) -> tuple[int | None, int | None]:
    """(caseworker id, team id) of the caseworker record named `user`; None where there is none
    (desk_sql.user_scope: the desk's plain reads ask the same)."""
    return desk_sql.user_scope(counts.reader(session), user)


def open_case_counts(session: Session) -> dict[int | None, int]:
    """Open cases per caseworker id (None = unallocated), for allocation decisions."""
    rows = session.execute(
        select(Case.caseworker_id, func.count())
        .where(Case.closed.is_(False))
        .group_by(Case.caseworker_id)
    ).all()
    return {worker: count for worker, count in rows}


def add_team(session: Session, user: str, name: str) -> Team:
    from send_desktop.store.cases import write_audit  # the write side: not needed to start

    team = Team(name=name.strip(), updated_by=user, updated_at=utc_now())
    session.add(team)
    session.flush()
    write_audit(session, user, "team", team.id, None, "insert", {"name": (None, team.name)})
    return team


def _checked(name: str, role: str) -> str:
    if role not in ROLES:
        raise KnownError(f"Role: {role!r} is not one of {', '.join(ROLES)}")
    if not name.strip():
        raise KnownError("Name is required")
    return name.strip()


def add_caseworker(
    session: Session,
    user: str,
    name: str,
    team_id: int | None = None,
    role: str = "caseworker",
    db_role: str | None = None,
) -> Caseworker:
    from send_desktop.store.cases import write_audit

    worker = Caseworker(
        name=_checked(name, role),
        team_id=team_id,
        role=role,
        active=True,
        db_role=db_role,
        updated_by=user,
        updated_at=utc_now(),
    )
    session.add(worker)
    session.flush()
    write_audit(
        session,
        user,
        "caseworker",
        worker.id,
        None,
        "insert",
        {"name": (None, worker.name), "team_id": (None, team_id), "role": (None, role)},
    )
    return worker


def insert_team(session: Session, user: str, name: str) -> tuple[int, str]:
    """add_team without flushing the session: (id, name as stored)."""
    clean = name.strip()
    return _insert_named(session, user, Team, {"name": clean}, ("name",)), clean


def insert_caseworker(
    session: Session, user: str, name: str, team_id: int | None = None
) -> tuple[int, str]:
    """add_caseworker (role caseworker, no login) without flushing the session: (id, name)."""
    clean = _checked(name, "caseworker")
    values: dict[str, Any] = {
        "name": clean,
        "team_id": team_id,
        "role": "caseworker",
        "active": True,
        "db_role": None,
    }
    new_id = _insert_named(session, user, Caseworker, values, ("name", "team_id", "role"))
    return new_id, clean


def _insert_named(
    session: Session,
    user: str,
    model: type[Team] | type[Caseworker],
    values: dict[str, Any],
    audited: tuple[str, ...],
) -> int:
    """The row add_team/add_caseworker write, as one INSERT on the session's connection.

    An import adding hundreds of names pays one statement for each instead of an ORM flush of
    the whole session for each. The same columns and defaults (version 1, updated_at/by) and
    the same audit rows, which are left pending in the session and go out with its next flush
    in the order written (the importer flushes before its bulk write).
    """
    from send_desktop.store.cases import write_audit

    table = cast(Table, model.__table__)
    stamp = {"version": 1, "updated_by": user, "updated_at": utc_now()}
    # On the connection: session.execute would flush the session first (its autoflush).
    # Values as parameters: one compiled statement for every name.
    done = session.connection().execute(insert(table), {**values, **stamp})
    key = done.inserted_primary_key
    assert key is not None
    new_id = int(key[0])
    changes = {name: (None, values[name]) for name in audited}
    write_audit(session, user, table.name, new_id, None, "insert", changes)
    return new_id


def reassign_cases(
    session: Session, case_ids: Iterable[int], caseworker_id: int | None, user: str
) -> int:
    """Move cases to another caseworker (None = unallocated); audited per case. Returns count."""
    from send_desktop.store.cases import flush_or_conflict, write_audit

    if caseworker_id is not None and session.get(Caseworker, caseworker_id) is None:
        raise NotFoundError(f"Caseworker {caseworker_id} does not exist")
    ids = sorted(set(case_ids))
    moved = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        for case in session.execute(select(Case).where(Case.id.in_(chunk))).scalars():
            if case.caseworker_id == caseworker_id:
                continue
            old = case.caseworker_id
            case.caseworker_id = caseworker_id
            case.updated_by = user
            case.updated_at = utc_now()
            write_audit(
                session,
                user,
                "case",
                case.id,
                case.id,
                "update",
                {"caseworker_id": (old, caseworker_id)},
            )
            moved += 1
    flush_or_conflict(session, Case, None)
    log.info("Reassigned %d cases", moved)
    return moved


# --- reads the windows make (the gui builds no SQL: issue 19) ------------------------------


def case_count(session: Session) -> int:
    """Every case in the database, open or closed (demo cases go only into an empty one)."""
    return int(session.execute(select(func.count()).select_from(Case)).scalar_one())


def caseworker_id_by_name(session: Session, name: str) -> int | None:
    """The first caseworker row with exactly this name, if any."""
    found = session.execute(
        select(Caseworker.id).where(Caseworker.name == name).order_by(Caseworker.id)
    ).scalar()
    return None if found is None else int(found)


def case_ids_of_caseworkers(names: Iterable[str]) -> Select[Any]:
    """The ids of every case (open or closed) allocated to one of these caseworkers."""
    return (
        select(Case.id)
        .join(Caseworker, Caseworker.id == Case.caseworker_id)
        .where(Caseworker.name.in_(list(names)))
    )


def family_contacts(session: Session, case_id: int) -> list[FamilyContact]:
    return list(
        session.execute(
            select(FamilyContact).where(FamilyContact.case_id == case_id).order_by(FamilyContact.id)
        ).scalars()
    )


class CaseRecords(NamedTuple):
    """One case with everything the case window shows of it, each list in its display order."""

    case: Case
    caseworker: Caseworker | None
    advice: list[AdviceRequest]
    consultations: list[Consultation]
    reviews: list[AnnualReview]
    exceptions: list[CaseException]
    notes: list[CaseNote]


def case_records(session: Session, case_id: int) -> CaseRecords:
    """The case as stored now (reloaded, not a cached copy); NotFoundError if it is gone."""
    case = session.get(Case, case_id, populate_existing=True)
    if case is None:
        raise NotFoundError("That case no longer exists (it may have been deleted)")
    worker = session.get(Caseworker, case.caseworker_id) if case.caseworker_id else None

    def of_case(model: Any, *order: Any) -> list[Any]:
        return list(
            session.execute(
                select(model).where(model.case_id == case_id).order_by(*order)
            ).scalars()
        )

    return CaseRecords(
        case,
        worker,
        of_case(AdviceRequest, AdviceRequest.id),
        of_case(Consultation, Consultation.id),
        of_case(AnnualReview, AnnualReview.id),
        of_case(CaseException, CaseException.id),
        of_case(CaseNote, CaseNote.written, CaseNote.id),
    )
