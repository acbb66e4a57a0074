"""Cases built for the letter tests: one per kind of letter, with the team's contacts saved."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from send_desktop.letters.contacts import save_contact
from send_desktop.store.cases import (
    ChildDetails,
    add_advice_request,
    add_consultation,
    add_exception,
    add_review,
    add_row,
    create_case,
)
from send_desktop.store.models import Case, FamilyContact
from send_desktop.store.queries import add_caseworker

USER = "Test User"
CONTACTS = {
    "la.name": "Northshire County Council",
    "signatory.name": "Sam Patel",
    "signatory.title": "Head of SEND",
    "officer.phone": "01234 567890",
    "officer.email": "send@northshire.example",
    "mediation.name": "Calm Waters Mediation",
    "mediation.contact": "0800 000 111, mediation@calm.example",
    "mediation.la_contact": "Jo Rivers, 01234 567899",
    "sendiass.name": "Northshire SENDIASS",
    "sendiass.contact": "0800 222 333, iass@northshire.example",
    "dr.contact": "Calm Waters Disagreement Resolution, 0800 000 112",
    "local_offer.url": "www.northshire.example/localoffer",
    "complaints.contact": "complaints@northshire.example",
}
CHILD = "Amelia Brightwater"


def save_contacts(session: Session) -> None:
    for key, value in CONTACTS.items():
        save_contact(session, key, value, USER)


def base_case(
    session: Session,
    *,
    received: date = date(2026, 1, 5),
    dob: date = date(2016, 4, 2),
    parent: bool = True,
    **fields: object,
) -> Case:
    worker = add_caseworker(session, USER, "Priya Shah")
    case = create_case(
        session,
        USER,
        child=ChildDetails("Amelia", "Brightwater", date_of_birth=dob, setting_name="Oak Primary"),
        request_received=received,
        request_channel="email",
        caseworker_id=worker.id,
        as_of=date(2026, 12, 1),
        **fields,
    )
    if parent:
        add_row(
            session,
            FamilyContact,
            USER,
            case.id,
            {
                "name": "Dana Brightwater",
                "role": "parent",
                "address": "4 Mill Lane\nNorthtown NT1 2AB",
                "preferred_channel": "email",
                "may_appeal": True,
            },
            as_of=date(2026, 12, 1),
        )
    return case


# kind -> (case fields, extra rows builder, fills, as_of)
def build(session: Session, code: str) -> tuple[int, dict[str, str], date]:
    """A case where the `code` letter is due, the fills it needs and the letter's date."""
    save_contacts(session)
    fills: dict[str, str] = {}
    if code == "ACK":
        case = base_case(session)
        return case.id, fills, date(2026, 1, 6)
    if code in ("DA", "ADV", "CON"):
        case = base_case(session, decision_to_assess=date(2026, 2, 9), decision_outcome="assess")
        if code == "ADV":
            add_advice_request(
                session,
                case.id,
                USER,
                kind="EP",
                requested=date(2026, 2, 10),
                advice_giver="Dr Lee, Educational Psychology",
                as_of=date(2026, 12, 1),
            )
            return case.id, fills, date(2026, 2, 10)
        if code == "CON":
            add_consultation(
                session,
                case.id,
                USER,
                institution="Riverside School",
                sent=date(2026, 4, 20),
                as_of=date(2026, 12, 1),
            )
            return case.id, fills, date(2026, 4, 20)
        return case.id, fills, date(2026, 2, 9)
    if code == "DNA":
        case = base_case(
            session, decision_to_assess=date(2026, 2, 9), decision_outcome="not-assess"
        )
        fills["reasons"] = "Her needs are being met well through SEN support at Oak Primary."
        return case.id, fills, date(2026, 2, 10)
    if code == "NP":
        case = base_case(
            session,
            decision_to_assess=date(2026, 2, 9),
            decision_outcome="assess",
            not_issue_decision=date(2026, 4, 24),
        )
        fills["reasons"] = (
            "The assessment shows the school can meet her needs from its own resources."
        )
        return case.id, fills, date(2026, 4, 24)
    if code == "DP":
        case = base_case(session, decision_to_assess=date(2026, 2, 9), decision_outcome="assess")
        return case.id, fills, date(2026, 4, 27)
    if code == "FP":
        case = base_case(
            session,
            decision_to_assess=date(2026, 2, 9),
            decision_outcome="assess",
            draft_served=date(2026, 4, 27),
            final_issued=date(2026, 5, 22),
        )
        return case.id, fills, date(2026, 5, 22)
    if code == "DEL":
        case = base_case(session, decision_to_assess=date(2026, 2, 9), decision_outcome="assess")
        add_exception(
            session,
            case.id,
            USER,
            code="X1",
            start=date(2026, 3, 30),
            end=date(2026, 4, 30),
            note="school closed",
            as_of=date(2026, 12, 1),
        )
        fills.update(
            step="N5",
            expected="2026-06-12",
            reason="The educational psychologist's advice is late.",
        )
        return case.id, fills, date(2026, 5, 15)
    plan = {
        "decision_to_assess": date(2025, 2, 10),
        "decision_outcome": "assess",
        "draft_served": date(2025, 4, 28),
        "final_issued": date(2025, 5, 23),
        "received": date(2025, 1, 6),
    }
    received = plan.pop("received")
    if code == "PT":
        case = base_case(
            session,
            received=received,
            dob=date(2015, 1, 10),
            phase_transfer=date(2026, 9, 1),
            transfer_kind="school",
            **plan,  # type: ignore[arg-type]
        )
        return case.id, fills, date(2025, 9, 15)
    case = base_case(session, received=received, **plan)  # type: ignore[arg-type]
    if code == "AR":
        add_review(session, case.id, USER, meeting=date(2026, 5, 5), as_of=date(2026, 12, 1))
        fills.update(time="10am", place="Oak Primary, meeting room 2")
        return case.id, fills, date(2026, 4, 14)
    if code == "RD":
        add_review(
            session, case.id, USER, meeting=date(2026, 5, 5), outcome="M", as_of=date(2026, 12, 1)
        )
        return case.id, fills, date(2026, 5, 20)
    if code == "FAP":
        add_review(
            session,
            case.id,
            USER,
            meeting=date(2026, 5, 5),
            outcome="A",
            decision_sent=date(2026, 5, 20),
            amendment_sent=date(2026, 5, 20),
            final_amended=date(2026, 7, 10),
            as_of=date(2026, 12, 1),
        )
        return case.id, fills, date(2026, 7, 10)
    if code == "NTA":
        add_review(
            session,
            case.id,
            USER,
            meeting=date(2026, 5, 5),
            outcome="A",
            decision_sent=date(2026, 5, 20),
            amendment_sent=date(2026, 5, 20),
            as_of=date(2026, 12, 1),
        )
        fills["reasons"] = "The comments received show the present plan still meets her needs."
        return case.id, fills, date(2026, 6, 30)
    if code == "CP":
        fills.update(
            ground="no longer necessary",
            evidence="The review found all outcomes met with SEN support.",
            views_by="2026-07-01",
        )
        return case.id, fills, date(2026, 6, 10)
    if code == "CD":
        from send_desktop.store.cases import update_case

        update_case(
            session,
            case.id,
            case.version,
            USER,
            ceased=date(2026, 9, 30),
            cease_reason=2,
            as_of=date(2026, 12, 1),
        )
        fills.update(
            ground="no longer necessary", reasons="The outcomes in the plan have been met."
        )
        return case.id, fills, date(2026, 7, 15)
    raise AssertionError(code)
