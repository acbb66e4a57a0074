"""Reference implementations the tests compare the product's fast paths against.

They compute a caseload row or a team report case by case through the scalar engine
(`timeline.summarise`, `compute_steps`), the slow and obvious way; the product reads stored
deadlines (store/counts.py) and the bulk engine (store/fast_reports.py) instead. They live here,
not in send_desktop, so that nothing the program ships depends on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import Session

from send_desktop import timeline as tl
from send_desktop.store import reports
from send_desktop.store.facts import CASE_COLUMNS, RelatedRows, facts_for
from send_desktop.store.models import Case, Caseworker, Child, Team
from send_desktop.store.queries import CaseloadRow
from send_desktop.timeline import counting

# ---------------------------------------------------------------- the caseload, case by case


def like_condition(search: str) -> ColumnElement[bool] | None:
    """The search rule, spelt apart from store/desk_sql.py's text (SQLAlchemy Core): every
    word appears in the reference, a name or the UPN, case-insensitive, LIKE's wildcards
    escaped (None: no words)."""
    conditions = []
    for word in search.lower().split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (Case.ref, Child.first_name, Child.last_name, Child.upn)
                )
            )
        )
    return and_(*conditions) if conditions else None


def _search_condition(search: str) -> ColumnElement[bool]:
    found = like_condition(search)
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


_NAMES = (Case.ref, Child.first_name, Child.last_name, Child.upn, Caseworker.name, Team.name)


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


# ---------------------------------------------------------------- the team report, case by case


def team_report_by_case(
    session: Session,
    as_of: date,
    policy: tl.Policy,
    period_start: date,
    period_end: date,
    team_id: int | None = None,
    *,
    threshold: int | None = None,
) -> reports.TeamReport:
    """`team_report` with every case's full Facts and compute_steps per case (the reference)."""
    return reports._team_report(
        session, as_of, policy, period_start, period_end, team_id, threshold, source=_by_case
    )


def _open_cases_by_case(
    session: Session, as_of: date, policy: tl.Policy, team_id: int | None
) -> tuple[list[reports._OpenCase], list[tl.Facts]]:
    scope = (
        select(
            Case.id,
            Case.ref,
            Case.closed,
            Case.caseworker_id,
            Child.first_name,
            Child.last_name,
        )
        .join(Child, Child.id == Case.child_id)
        .outerjoin(Caseworker, Caseworker.id == Case.caseworker_id)
    )
    if team_id is not None:
        scope = scope.where(Caseworker.team_id == team_id)
    rows = session.execute(scope.order_by(Case.id)).all()
    facts = facts_for(session, reports._scope_ids(team_id))
    found: list[reports._OpenCase] = []
    for case_id, ref, closed, worker_id, first, last in rows:
        if closed:
            continue
        case_facts = facts[case_id]
        steps = tl.compute_steps(case_facts, as_of, policy)
        overdue_steps = [s for s in steps if s.statutory and s.status is tl.Status.OVERDUE]
        found.append(
            reports._OpenCase(
                case_id=case_id,
                ref=ref,
                worker_id=worker_id,
                first_name=first,
                last_name=last,
                stage=tl.stage_of(case_facts),
                next_step=tl.next_deadline(steps),
                has_exception=bool(case_facts.exceptions),
                overdue_steps=len(overdue_steps),
                first_overdue=overdue_steps[0] if overdue_steps else None,
                forecast=_forecast_step(steps, as_of),
                steps=steps,
            )
        )
    return found, list(facts.values())


def _by_case(
    session: Session, as_of: date, policy: tl.Policy, team_id: int | None, period: reports.Period
) -> tuple[list[reports._OpenCase], reports.Measure]:
    del period  # every case's full Facts: timeliness filters by date itself
    open_cases, all_facts = _open_cases_by_case(session, as_of, policy, team_id)

    def measured(start: date, end: date) -> tl.Timeliness:
        return tl.timeliness(all_facts, start, end, policy)

    return open_cases, measured


def _forecast_step(steps: Sequence[tl.Step], as_of: date) -> tl.Step | None:
    """The open statutory duty, not yet overdue and not a parent's period, due first after
    as_of: the case breaches within N weeks if it falls due in (as_of, as_of+N]."""
    first: tl.Step | None = None
    for step in steps:
        if (
            step.statutory
            and step.is_open
            and step.status is not tl.Status.OVERDUE
            and step.id.split(".", 1)[0] not in reports.PARENT_PERIODS
            and step.due is not None
            and step.due > as_of
            and (first is None or first.due is None or step.due < first.due)
        ):
            first = step
    return first
