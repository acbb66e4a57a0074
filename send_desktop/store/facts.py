"""Cases' recorded dates turned into timeline Facts with a handful of bulk selects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, select
from sqlalchemy.orm import Session

from send_desktop import timeline as tl
from send_desktop.store.models import (
    AdviceRequest,
    AnnualReview,
    Appeal,
    Case,
    CaseException,
    Child,
    Consultation,
    Mediation,
    Move,
)

# Keeps IN lists under SQLite's bound-parameter limit and PostgreSQL's comfortable size.
CHUNK = 5000

CASE_COLUMNS = (
    Case.id,
    Case.request_received,
    Case.decision_to_assess,
    Case.decision_outcome,
    Case.not_issue_decision,
    Case.draft_served,
    Case.final_issued,
    Case.plan_issued,
    Case.phase_transfer,
    Case.transfer_kind,
    Case.reassessment_notified,
    Case.ceased,
    Child.date_of_birth,
)


def case_facts(session: Session, case_ids: Iterable[int] | None = None) -> dict[int, tl.Facts]:
    """Facts for the given cases (all cases when None), keyed by case id."""
    if case_ids is None:
        return facts_for(session, select(Case.id))
    ids = sorted(set(case_ids))
    found: dict[int, tl.Facts] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found.update(facts_for(session, select(Case.id).where(Case.id.in_(chunk))))
    return found


def facts_for(session: Session, id_select: Select[Any]) -> dict[int, tl.Facts]:
    """Facts for the cases whose ids id_select returns (a subquery, not a Python list)."""
    ids = id_select
    # Core rows through the session's connection: no ORM result processing per row.
    query = select(*CASE_COLUMNS).join(Child, Child.id == Case.child_id).where(Case.id.in_(ids))
    case_rows = session.connection().execute(query).all()
    related = RelatedRows.load(session, ids)
    return {row[0]: related.facts(row) for row in case_rows}


class RelatedRows:
    """Every event row of a set of cases, grouped by case id, in the order they were added."""

    def __init__(self) -> None:
        self.advice: dict[int, list[tl.AdviceRequest]] = defaultdict(list)
        self.consultations: dict[int, list[tl.Consultation]] = defaultdict(list)
        self.reviews: dict[int, list[tl.Review]] = defaultdict(list)
        self.exceptions: dict[int, list[tl.ExceptionRecord]] = defaultdict(list)
        # Moves, mediations and appeals: the latest row is the one the clocks run on.
        self.move: dict[int, Sequence[Any]] = {}
        self.mediation: dict[int, Sequence[Any]] = {}
        self.appeal: dict[int, Sequence[Any]] = {}

    @classmethod
    def load(cls, session: Session, ids: Select[Any]) -> RelatedRows:
        found = cls()
        conn = session.connection()
        for case_id, kind, requested, received in conn.execute(
            select(
                AdviceRequest.case_id,
                AdviceRequest.kind,
                AdviceRequest.requested,
                AdviceRequest.received,
            )
            .where(AdviceRequest.case_id.in_(ids))
            .order_by(AdviceRequest.case_id, AdviceRequest.id)
        ):
            found.advice[case_id].append(tl.AdviceRequest(kind, requested, received))
        for case_id, institution, sent, responded in conn.execute(
            select(
                Consultation.case_id,
                Consultation.institution,
                Consultation.sent,
                Consultation.responded,
            )
            .where(Consultation.case_id.in_(ids))
            .order_by(Consultation.case_id, Consultation.id)
        ):
            found.consultations[case_id].append(tl.Consultation(institution, sent, responded))
        for row in conn.execute(
            select(
                AnnualReview.case_id,
                AnnualReview.meeting,
                AnnualReview.notice_sent,
                AnnualReview.advice_circulated,
                AnnualReview.report_sent,
                AnnualReview.decision_sent,
                AnnualReview.outcome,
                AnnualReview.amendment_sent,
                AnnualReview.final_amended,
            )
            .where(AnnualReview.case_id.in_(ids))
            .order_by(AnnualReview.case_id, AnnualReview.id)
        ):
            found.reviews[row[0]].append(tl.Review(*row[1:]))  # type: ignore[arg-type]
        for case_id, code, start, end, note in conn.execute(
            select(
                CaseException.case_id,
                CaseException.code,
                CaseException.start,
                CaseException.end,
                CaseException.note,
            )
            .where(CaseException.case_id.in_(ids))
            .order_by(CaseException.case_id, CaseException.id)
        ):
            found.exceptions[case_id].append(
                tl.ExceptionRecord(code, start, end, note or "")  # type: ignore[arg-type]
            )
        # One move, mediation and appeal per case counts: the latest recorded.
        found.move = _latest_by_case(
            conn,
            Move,
            ids,
            Move.move_date,
            Move.aware_of_move,
            Move.plan_transferred,
            Move.parent_notified,
        )
        found.mediation = _latest_by_case(
            conn,
            Mediation,
            ids,
            Mediation.decision_sent,
            Mediation.certificate_issued,
            Mediation.mediation_declined,
            Mediation.mediation_requested,
            Mediation.mediation_held,
        )
        found.appeal = _latest_by_case(
            conn,
            Appeal,
            ids,
            Appeal.lodged,
            Appeal.order_assess,
            Appeal.order_plan,
            Appeal.order_notice_sent,
        )
        return found

    def facts(self, row: Sequence[Any]) -> tl.Facts:
        """Facts from one row of CASE_COLUMNS plus this case's event rows."""
        case_id = row[0]
        move = self.move.get(case_id, _NO_MOVE)
        mediation = self.mediation.get(case_id, _NO_MEDIATION)
        appeal = self.appeal.get(case_id, _NO_APPEAL)
        return tl.Facts(
            request_received=row[1],
            decision_to_assess=row[2],
            decision_outcome=row[3],
            not_issue_decision=row[4],
            draft_served=row[5],
            final_issued=row[6],
            plan_issued=row[7],
            phase_transfer=row[8],
            transfer_kind=row[9],
            reassessment_notified=row[10],
            ceased=row[11],
            date_of_birth=row[12],
            advice=tuple(self.advice.get(case_id, ())),
            consultations=tuple(self.consultations.get(case_id, ())),
            reviews=tuple(self.reviews.get(case_id, ())),
            exceptions=tuple(self.exceptions.get(case_id, ())),
            move_date=move[1],
            aware_of_move=move[2],
            plan_transferred=move[3],
            transfer_notice_sent=move[4],
            decision_sent=mediation[1],
            certificate_issued=mediation[2],
            mediation_declined=mediation[3],
            mediation_requested=mediation[4],
            mediation_held=mediation[5],
            appeal_lodged=appeal[1],
            order_assess=appeal[2],
            order_plan=appeal[3],
            order_notice_sent=appeal[4],
        )


_NO_MOVE: tuple[date | None, ...] = (None,) * 5
_NO_MEDIATION: tuple[date | None, ...] = (None,) * 6
_NO_APPEAL: tuple[date | None, ...] = (None,) * 5


def _latest_by_case(
    conn: Connection, model: Any, ids: Select[Any], *columns: Any
) -> dict[int, Sequence[Any]]:
    """(case_id, *columns) of each case's latest row of `model` (by id), keyed by case id."""
    rows = conn.execute(
        select(model.case_id, *columns).where(model.case_id.in_(ids)).order_by(model.id)
    )
    return {row[0]: row for row in rows}
