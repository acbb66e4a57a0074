"""The case store read in bulk and turned into SEN2 Person elements (sen2-return.md section 6).

A handful of selects over the cases in scope (no query per case), then one Person element per
child with one Requests per case, in ReceivedDate order. Dates after census day are treated as
not yet happened: the return describes the authority as it stood on census day.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from send_desktop import timeline as tl
from send_desktop.sen2 import codes
from send_desktop.store.facts import CHUNK, case_facts
from send_desktop.store.models import (
    AnnualReview,
    Appeal,
    Case,
    CaseException,
    Child,
    Mediation,
    Placement,
)
from send_desktop.timeline.catalogue import EXCEPTIONS_FOR, ids_counted_as

# Exceptions that excuse a late final plan (reg 13(3)): the engine's N5 list is SEN2's Week20.
WEEK20_CODES = EXCEPTIONS_FOR["N5"]
PHASE_STEPS = ids_counted_as("phase")
_LONG_AGO = date(1, 1, 1)

CHILD_COLUMNS = (
    Child.id,
    Child.first_name,
    Child.last_name,
    Child.date_of_birth,
    Child.sex,
    Child.ethnicity,
    Child.postcode,
    Child.upn,
    Child.uln,
    Child.upn_unknown,
)
CASE_COLUMNS = (
    Case.id,
    Case.ref,
    Case.child_id,
    Case.request_received,
    Case.request_source,
    Case.request_rya,
    Case.decision_to_assess,
    Case.decision_outcome,
    Case.not_issue_decision,
    Case.final_issued,
    Case.plan_issued,
    Case.exported_la,
    Case.transfer_la,
    Case.need_type,
    Case.secondary_need,
    Case.placement_urn,
    Case.plan_setting_code,
    Case.plan_setting_other,
    Case.plan_residential,
    Case.plan_work_based,
    Case.personal_budget,
    Case.budget_organised,
    Case.direct_payment,
    Case.ceased,
    Case.cease_reason,
    Case.closed,
    Case.phase_transfer,
)
_CASE_NAMES = tuple(c.key for c in CASE_COLUMNS)


@dataclass(frozen=True, slots=True)
class PersonOut:
    """One child's Person element and who it is, in the caseworker's terms."""

    element: ET.Element
    who: str
    case_ids: tuple[int, ...]


def scope(start: date, end: date) -> Any:
    """Cases whose journey touches the period (sen2-return.md section 2): received by its end
    and not ended before it began (not assessed, not issued, ceased, or closed with no plan)."""
    # Each part is guarded against NULL so that NOT(...) is never NULL (SQL's three values).
    ended_before = or_(
        and_(
            Case.decision_outcome.is_not(None),
            Case.decision_outcome == "not-assess",
            Case.decision_to_assess.is_not(None),
            Case.decision_to_assess < start,
        ),
        and_(Case.not_issue_decision.is_not(None), Case.not_issue_decision < start),
        and_(Case.ceased.is_not(None), Case.ceased < start),
        and_(
            Case.closed,
            Case.final_issued.is_(None),
            Case.plan_issued.is_(None),
            Case.request_received < start,
            func.coalesce(Case.decision_to_assess, _LONG_AGO) < start,
            func.coalesce(Case.not_issue_decision, _LONG_AGO) < start,
        ),
    )
    return and_(Case.request_received <= end, ~ended_before)


def _yn(flag: bool | None) -> str | None:
    return None if flag is None else "1" if flag else "0"


def _add(parent: ET.Element, tag: str, value: object) -> None:
    """A child element with text, left out when there is no value (no empty tags)."""
    if value is None or value == "":
        return
    ET.SubElement(parent, tag).text = value.isoformat() if isinstance(value, date) else str(value)


def _setting_ids(parent: ET.Element, urn: str | None, code: str | None, other: str | None) -> None:
    # A 6-digit number is a GIAS URN, an 8-digit one a UKPRN; otherwise a SENsetting code.
    if urn:
        _add(parent, "UKPRN" if len(urn) == 8 else "URN", urn)
    elif code:
        _add(parent, "SENsetting", code)
        _add(parent, "SENSettingOther", other)


class Collector:
    """Reads the cases in scope and yields Person elements, one child at a time."""

    def __init__(self, session: Session, collection: int, policy: tl.Policy | None = None) -> None:
        self.session = session
        self.collection = collection
        self.census = codes.census_day(collection)
        self.start, self.end = codes.collection_period(collection)
        self.policy = policy or tl.Policy()

    def _cut(self, day: date | None) -> date | None:
        return day if day is not None and day <= self.census else None

    def persons(self, progress: Callable[[int, int], bool] | None = None) -> Iterator[PersonOut]:
        conn = self.session.connection()
        in_scope = select(Case.id).where(scope(self.start, self.end))
        cases: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in conn.execute(
            select(*CASE_COLUMNS).where(scope(self.start, self.end)).order_by(Case.child_id)
        ):
            case = dict(zip(_CASE_NAMES, row, strict=True))
            cases[case["child_id"]].append(case)
        children = {
            row[0]: row
            for row in conn.execute(
                select(*CHILD_COLUMNS).where(
                    Child.id.in_(select(Case.child_id).where(scope(self.start, self.end)))
                )
            )
        }
        week20: set[int] = set()
        for case_id, code in conn.execute(
            select(CaseException.case_id, CaseException.code).where(
                CaseException.case_id.in_(in_scope)
            )
        ):
            if code in WEEK20_CODES:
                week20.add(case_id)
        mediated = set(
            conn.execute(select(Mediation.case_id).where(Mediation.case_id.in_(in_scope))).scalars()
        )
        appealed = set(
            conn.execute(select(Appeal.case_id).where(Appeal.case_id.in_(in_scope))).scalars()
        )
        reviews: dict[int, list[Sequence[Any]]] = defaultdict(list)
        for review in conn.execute(
            select(
                AnnualReview.case_id,
                AnnualReview.meeting,
                AnnualReview.decision_sent,
                AnnualReview.outcome,
                AnnualReview.amendment_sent,
            )
            .where(AnnualReview.case_id.in_(in_scope))
            .order_by(AnnualReview.id)
        ):
            reviews[review[0]].append(review)
        placements: dict[int, list[Sequence[Any]]] = defaultdict(list)
        for place in conn.execute(
            select(
                Placement.case_id,
                Placement.rank,
                Placement.urn,
                Placement.setting_code,
                Placement.setting_other,
                Placement.entry,
                Placement.leaving,
                Placement.sen_unit,
                Placement.resourced_provision,
                Placement.residential,
                Placement.work_based,
            )
            .where(Placement.case_id.in_(in_scope))
            .order_by(Placement.case_id, Placement.entry, Placement.id)
        ):
            placements[place[0]].append(place)
        # Reg 18's deadlines fall on 15 February / 31 March of the transfer year, or 5 months
        # before it: only transfers in the period's year or the first half of the next can
        # have a deadline in the period, so only those go through the engine.
        first = self.start.year
        phase = self._phase_transfers(
            [
                c["id"]
                for group in cases.values()
                for c in group
                if c["phase_transfer"] is not None
                and (
                    c["phase_transfer"].year == first
                    or (c["phase_transfer"].year == first + 1 and c["phase_transfer"].month <= 6)
                )
            ]
        )
        total = len(cases)
        for n, (child_id, group) in enumerate(cases.items(), 1):
            if progress is not None and n % 2000 == 0 and not progress(n, total):
                return
            child = children[child_id]
            group.sort(key=lambda c: (c["request_received"], c["id"]))
            yield self._person(child, group, week20, mediated, appealed, reviews, placements, phase)
        if progress is not None:
            progress(total, total)

    def _phase_transfers(self, ids: Iterable[int]) -> dict[int, tuple[date | None, date | None]]:
        """The engine's P1/P2/P3 step (reg 18) of each case with a transfer: its deadline, if in
        the period, and the date the review's amended plan was finalised."""
        found: dict[int, tuple[date | None, date | None]] = {}
        id_list = list(ids)
        for begin in range(0, len(id_list), CHUNK):
            facts = case_facts(self.session, id_list[begin : begin + CHUNK])
            for case_id, f in facts.items():
                for step in tl.compute_steps(f, self.census, self.policy):
                    if step.id in PHASE_STEPS and step.due is not None:
                        if self.start <= step.due <= self.end:
                            found[case_id] = (step.due, self._cut(step.done))
                        break
        return found

    def _person(
        self,
        child: Sequence[Any],
        group: list[dict[str, Any]],
        week20: set[int],
        mediated: set[int],
        appealed: set[int],
        reviews: dict[int, list[Sequence[Any]]],
        placements: dict[int, list[Sequence[Any]]],
        phase: dict[int, tuple[date | None, date | None]],
    ) -> PersonOut:
        _id, first, last, born, sex, ethnicity, postcode, upn, uln, unknown = child
        person = ET.Element("Person")
        _add(person, "Surname", last)
        _add(person, "Forename", first)
        _add(person, "PersonBirthDate", born)
        _add(person, "Sex", sex)
        # CBDS NOBT: "information not yet obtained" - the honest code when none is recorded.
        _add(person, "Ethnicity", ethnicity or "NOBT")
        _add(person, "PostCode", postcode)
        _add(person, "UPN", upn)
        _add(person, "UniqueLearnerNumber", uln)
        _add(person, "UPNunknown", unknown)
        for case in group:
            self._requests(
                person,
                case,
                case["id"] in week20,
                case["id"] in mediated,
                case["id"] in appealed,
                reviews.get(case["id"], []),
                placements.get(case["id"], []),
                phase.get(case["id"]),
            )
        refs = ", ".join(c["ref"] for c in group)
        who = f"{first} {last}".strip() + f" (case {refs})"
        return PersonOut(person, who, tuple(c["id"] for c in group))

    def _requests(
        self,
        person: ET.Element,
        c: dict[str, Any],
        week20: bool,
        mediated: bool,
        appealed: bool,
        reviews: list[Sequence[Any]],
        placements: list[Sequence[Any]],
        phase: tuple[date | None, date | None] | None,
    ) -> None:
        cut = self._cut
        start = self.start
        r = ET.SubElement(person, "Requests")
        decided = cut(c["decision_to_assess"])
        outcome_word = c["decision_outcome"] if decided is not None else None
        not_issued = cut(c["not_issue_decision"])
        issued = cut(c["final_issued"])
        prior_plan = cut(c["plan_issued"])
        ceased = cut(c["ceased"])
        # A plan that predates the period, or was transferred in, was decided before it (H).
        plan_before = prior_plan is not None or (issued is not None and issued < start)
        if plan_before or (outcome_word == "assess" and decided is not None and decided < start):
            request_outcome = "H"
        elif outcome_word == "assess":
            request_outcome = "Y"
        elif outcome_word == "not-assess":
            request_outcome = "N"
        elif c["closed"] or ceased is not None or c["exported_la"]:
            request_outcome = "W"
        else:
            request_outcome = "A"
        _add(r, "ReceivedDate", c["request_received"])
        source = c["request_source"]
        _add(r, "RequestSource", codes.REQUEST_SOURCE_FROM_STORE.get(source) if source else None)
        # RYA: in youth custody when the request was made; not recorded means it was not.
        _add(r, "RYA", "1" if c["request_rya"] else "0")
        if request_outcome in ("Y", "N"):
            _add(r, "RequestOutcomeDate", decided)
        _add(r, "RequestOutcome", request_outcome)
        if request_outcome == "N":
            _add(r, "RequestMediation", _yn(mediated))
            _add(r, "RequestTribunal", _yn(appealed))
        _add(r, "Exported", c["exported_la"])
        if request_outcome not in ("Y", "H"):
            return
        if c["exported_la"] and issued is None and prior_plan is None:
            return  # moved away before the plan: nothing below Exported (section 6)
        a = ET.SubElement(r, "Assessment")
        if plan_before:
            outcome, when = "H", None
        elif issued is not None:
            outcome, when = "Y", issued
        elif not_issued is not None:
            outcome, when = "N", not_issued
        elif c["closed"] or ceased is not None:
            outcome, when = "W", None
        else:
            outcome, when = "A", None
        _add(a, "AssessmentOutcome", outcome)
        _add(a, "AssessmentOutcomeDate", when)
        if outcome == "N":
            _add(a, "AssessmentMediation", _yn(mediated))
            _add(a, "AssessmentTribunal", _yn(appealed))
        elif outcome in ("Y", "H"):
            _add(a, "OtherMediation", _yn(mediated))
            _add(a, "OtherTribunal", _yn(appealed))
        if outcome == "Y":
            _add(a, "Week20", "1" if week20 else "0")
        if outcome not in ("Y", "H"):
            return
        plan_start = prior_plan or issued
        plan = ET.SubElement(a, "NamedPlan")
        _add(plan, "StartDate", plan_start)
        urn, code = c["placement_urn"], c["plan_setting_code"]
        if urn or code:
            detail = ET.SubElement(plan, "PlanDetail")
            _setting_ids(detail, urn, code, c["plan_setting_other"])
            _add(detail, "PlacementRank", "1")
            if urn and len(urn) == 6:
                # The flags of the named school's place, from the placement record at that URN.
                same = [p for p in placements if p[2] == urn]
                if same:
                    _add(detail, "SENunitIndicator", _yn(same[-1][7]))
                    _add(detail, "ResourcedProvisionIndicator", _yn(same[-1][8]))
        _add(plan, "PlanRes", c["plan_residential"])
        _add(plan, "PlanWBP", c["plan_work_based"])
        _add(plan, "PB", _yn(c["personal_budget"]))
        if c["personal_budget"]:
            _add(plan, "OA", _yn(c["budget_organised"]))
            _add(plan, "DP", c["direct_payment"])
        if ceased is not None:
            _add(plan, "CeaseDate", ceased)
            _add(plan, "CeaseReason", c["cease_reason"])
        if ceased is not None and ceased < start:
            return
        self._active(r, c, reviews, placements, phase)

    def _active(
        self,
        r: ET.Element,
        c: dict[str, Any],
        reviews: list[Sequence[Any]],
        placements: list[Sequence[Any]],
        phase: tuple[date | None, date | None] | None,
    ) -> None:
        cut = self._cut
        active = ET.SubElement(r, "ActivePlans")
        _add(active, "TransferLA", c["transfer_la"])
        for _case, rank, urn, code, other, entry, leaving, unit, rp, res, wbp in placements:
            if entry > self.census or (leaving is not None and leaving < self.start):
                continue  # placements in the period up to census day only
            place = ET.SubElement(active, "PlacementDetail")
            _setting_ids(place, urn, code, other)
            _add(place, "PlacementRank", rank)
            _add(place, "EntryDate", entry)
            _add(place, "LeavingDate", cut(leaving))
            if urn:
                _add(place, "SENunitIndicator", _yn(unit))
                _add(place, "ResourcedProvisionIndicator", _yn(rp))
            _add(place, "Res", res)
            _add(place, "WBP", wbp)
        for rank, need in ((1, c["need_type"]), (2, c["secondary_need"])):
            if need:
                sen = ET.SubElement(active, "SENneed")
                _add(sen, "SENtype", need)
                _add(sen, "SENtypeRank", rank)
        # The latest review whose meeting was held by census day (G5 counts meetings to census).
        held = [v for v in reviews if v[1] is not None and v[1] <= self.census]
        if held:
            _case, meeting, sent, outcome, amendment = max(held, key=lambda v: v[1])
            sent = cut(sent)
            _add(active, "ReviewMeeting", meeting)
            if sent is not None:
                _add(active, "ReviewOutcome", outcome)
                if outcome == "A":
                    _add(active, "ReviewDraft", cut(amendment))
        if phase is not None:
            _add(active, "PhaseTransferDueDate", phase[0])
            _add(active, "PhaseTransferFinalDate", phase[1])
        if held and cut(sent) is not None:
            _add(active, "LastReview", sent)
