"""Caseload rows, teams and caseworkers: the read side the GUI and workbooks share."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import Session

from send_desktop import timeline as tl
from send_desktop.errors import KnownError
from send_desktop.store import counts
from send_desktop.store.counts import (
    CaseloadRow as CaseloadRow,  # defined beside the SQL that fills it
)
from send_desktop.store.counts import search_condition
from send_desktop.store.errors import NotFoundError
from send_desktop.store.facts import CASE_COLUMNS, RelatedRows
from send_desktop.store.models import (
    ROLES,
    AdviceRequest,
    AnnualReview,
    Case,
    CaseException,
    CaseNote,
    Caseworker,
    Child,
    Consultation,
    FamilyContact,
    Team,
    utc_now,
)
from send_desktop.timeline import counting

log = logging.getLogger(__name__)


def _search_condition(search: str) -> ColumnElement[bool]:
    """Every word must appear in the reference, a name or the UPN (store/counts.py's rule)."""
    found = search_condition(search)
    return found if found is not None else true()


def _filtered(
    columns: Iterable[Any],
    caseworker_id: int | None,
    team_id: int | None,
    include_closed: bool,
    search: str | None,
) -> Select[Any]:
    query = (
        select(*columns)
        .join(Child, Child.id == Case.child_id)
        .outerjoin(Caseworker, Caseworker.id == Case.caseworker_id)
        .outerjoin(Team, Team.id == Caseworker.team_id)
    )
    if caseworker_id is not None:
        query = query.where(Case.caseworker_id == caseworker_id)
    if team_id is not None:
        query = query.where(Caseworker.team_id == team_id)
    if not include_closed:
        query = query.where(Case.closed.is_(False))
    if search and search.strip():
        query = query.where(_search_condition(search))
    return query


def _weeks_open(facts: tl.Facts, as_of: date) -> int:
    """Weeks from the request to the end of the 20-week process (or to as_of while open)."""
    received = facts.request_received
    if received is None:
        return 0
    end = facts.final_issued or facts.not_issue_decision
    if end is None and facts.decision_outcome == "not-assess":
        end = facts.decision_to_assess
    end = end or facts.ceased or as_of
    return max(0, (end - received).days // 7)


def _review_due(facts: tl.Facts, as_of: date, policy: tl.Policy) -> date | None:
    """The engine's R1 (CFA s.44, brought forward by reg 18); after a move, the first of the new
    LA's first review (T3) and R1 that applies. None for a ceased plan or a case with no plan."""
    if facts.ceased is not None:
        return None
    if facts.plan_transferred is None and (facts.plan_issued or facts.final_issued) is None:
        return None
    steps = tl.compute_steps(facts, as_of, policy)
    if facts.plan_transferred is None:
        return next((s.due for s in steps if s.id == "R1"), None)
    for step in steps:
        if step.id in ("R1", "T3") and step.status is not tl.Status.NOT_APPLICABLE:
            return step.due
    return None


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
    policy (`policy` must be that policy: it is what the stored rows are stamped with); equal,
    row for row, to `caseload_by_case`, the per-case reference.
    """
    del policy  # the stored rows carry the database's policy
    query = counts.CaseloadQuery(as_of, caseworker_id, team_id, include_closed, search)
    found: list[CaseloadRow] = counts.rows(session, query)
    log.info("Caseload: %d cases", len(found))
    return found


_NAMES = (Case.ref, Child.first_name, Child.last_name, Child.upn, Caseworker.name, Team.name)


def _case_ids(
    caseworker_id: int | None, team_id: int | None, include_closed: bool, search: str | None
) -> Select[Any]:
    """The ids _filtered selects, joining only the tables a filter needs (a cheap subquery)."""
    query = select(Case.id)
    if search and search.strip():
        query = query.join(Child, Child.id == Case.child_id).where(_search_condition(search))
    if team_id is not None:
        query = query.join(Caseworker, Caseworker.id == Case.caseworker_id).where(
            Caseworker.team_id == team_id
        )
    if caseworker_id is not None:
        query = query.where(Case.caseworker_id == caseworker_id)
    if not include_closed:
        query = query.where(Case.closed.is_(False))
    return query


def caseload_by_case(
    session: Session,
    as_of: date,
    policy: tl.Policy,
    caseworker_id: int | None = None,
    team_id: int | None = None,
    include_closed: bool = False,
    search: str | None = None,
) -> list[CaseloadRow]:
    """`caseload` case by case through `timeline.summarise`: the reference it is tested against."""
    query = _filtered(
        (*CASE_COLUMNS, *_NAMES), caseworker_id, team_id, include_closed, search
    ).order_by(Case.id)
    id_query = _filtered((Case.id,), caseworker_id, team_id, include_closed, search)
    rows = session.connection().execute(query).all()
    related = RelatedRows.load(session, id_query)
    width = len(CASE_COLUMNS)
    found: list[CaseloadRow] = []
    for row in rows:
        facts = related.facts(row)
        summary = tl.summarise(facts, as_of, policy)
        ref, first, last, upn, worker, team = row[width:]
        received: date = row[1]
        found.append(
            CaseloadRow(
                case_id=row[0],
                ref=ref,
                child_name=f"{first} {last}",
                first_name=first,
                last_name=last,
                date_of_birth=facts.date_of_birth,
                upn=upn,
                caseworker=worker,
                team=team,
                stage=summary.stage,
                next_step=summary.next_id,
                next_title=summary.next_title,
                next_due=summary.next_due,
                days_left=summary.days_left,
                status=summary.status,
                has_exception=summary.has_exception,
                request_received=received,
                decision_due=counting.weeks_after(received, 6, policy),
                decision_date=facts.decision_to_assess,
                final_due=counting.weeks_after(received, 20, policy),
                final_issued=facts.final_issued,
                weeks_open=_weeks_open(facts, as_of),
                review_due=_review_due(facts, as_of, policy),
                **_family(facts, as_of, policy),
            )
        )
    return found


def _family(facts: tl.Facts, as_of: date, policy: tl.Policy) -> dict[str, Any]:
    """The family's first open window or right (engine kinds 1 and 2), for the reference."""
    for step in tl.compute_steps(facts, as_of, policy):
        if step.statutory and step.kind != 0 and step.is_open and step.due is not None:
            return {"family_step": step.id, "family_title": step.title, "family_due": step.due}
    return {}


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
    """(caseworker id, team id) of the caseworker record named `user`; None where there is none."""
    row = session.execute(
        select(Caseworker.id, Caseworker.team_id)
        .where(Caseworker.name == user)
        .order_by(Caseworker.active.desc(), Caseworker.id)
        .limit(1)
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


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


def add_caseworker(
    session: Session,
    user: str,
    name: str,
    team_id: int | None = None,
    role: str = "caseworker",
    db_role: str | None = None,
) -> Caseworker:
    from send_desktop.store.cases import write_audit

    if role not in ROLES:
        raise KnownError(f"Role: {role!r} is not one of {', '.join(ROLES)}")
    if not name.strip():
        raise KnownError("Name is required")
    worker = Caseworker(
        name=name.strip(),
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
