"""What one letter says: the case's facts, the clock engine's dates and the locked blocks' text.

Every date comes from `timeline.compute_steps` (never re-derived here); every missing fact or
contact the letter needs is a KnownError naming it, so no letter carries a blank or "None".
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from send_desktop.errors import KnownError
from send_desktop.letters.contacts import CONTACTS, load_contacts
from send_desktop.letters.kinds import (
    APPEAL_GROUNDS,
    CEASE_GROUNDS,
    KINDS_BY_CODE,
    LetterKind,
)
from send_desktop.store.facts import case_facts
from send_desktop.store.models import (
    AdviceRequest,
    Case,
    CaseException,
    Caseworker,
    Consultation,
    FamilyContact,
)
from send_desktop.store.settings import load_policy
from send_desktop.timeline import Facts, Policy, Step, compute_steps
from send_desktop.timeline.catalogue import EXCEPTION_PHRASES

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
ROLE_WORDS = {
    "parent": "parent",
    "young_person": "young person",
    "alternative_person": "alternative person (acting for the young person)",
}
CHANNEL_WORDS = {"email": "email", "post": "post", "hand": "by hand", "portal": "the online portal"}
EXCEPTION_WORDS = EXCEPTION_PHRASES  # the catalogue's, one per code


def letter_date(day: date) -> str:
    """How a letter writes a date: 5 March 2026."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Para:
    """One paragraph of a locked block."""

    text: str
    heading: bool = False
    bullet: bool = False


@dataclass
class LetterData:
    """Everything a template may use, plus the locked blocks and the dates they must show."""

    kind: LetterKind
    case_id: int
    case_ref: str
    as_of: date
    recipient: str
    fields: dict[str, Any]
    blocks: dict[str, list[Para]]
    # Every date the law requires this letter to show (step id -> written date), for the guard.
    dates: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    advice_ids: tuple[int, ...] = ()
    # A chase letter covers several cases of one adviser; otherwise just case_id.
    case_ids: tuple[int, ...] = ()

    def inputs_json(self) -> str:
        return json.dumps(self.inputs, sort_keys=True)


def end_of_compulsory_school_age(dob: date) -> date:
    """The last Friday in June of the school year in which the child turns 16.

    Education Act 1996 s.8 and the Education (School Leaving Date) Order 1997 (its SI number not
    checked verbatim [?]).
    After it the rights of CFA Part 3 belong to the young person (CFA s.83(2)).
    """
    sixteenth = date(dob.year + 16, dob.month, min(dob.day, 28) if dob.month == 2 else dob.day)
    year = sixteenth.year if sixteenth.month < 9 else sixteenth.year + 1
    day = date(year, 6, 30)
    while day.weekday() != 4:
        day = day.replace(day=day.day - 1)
    return day


class _Builder:
    """Collects a letter's fields; `need` refuses a missing fact by name."""

    def __init__(self, kind: LetterKind, ref: str) -> None:
        self.kind, self.ref = kind, ref

    def need(self, value: Any, what: str, how: str) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise KnownError(
                f"The {self.kind.code} letter for {self.ref} needs {what}, which is not recorded: "
                f"{how}"
            )
        return value


def gather(
    session: Session,
    case_id: int,
    code: str,
    as_of: date,
    fills: dict[str, str] | None = None,
    policy: Policy | None = None,
    *,
    advice_id: int | None = None,
    consultation_id: int | None = None,
) -> LetterData:
    """The letter `code` for one case, dated as_of (the day it is sent)."""
    kind = KINDS_BY_CODE.get(code.upper())
    if kind is None:
        raise KnownError(f"{code!r} is not a kind of letter; see `send-desktop letter --list`")
    if kind.code == "CHASE":
        raise KnownError("Chase letters are written per adviser: use chase_letters (Today list)")
    case = session.get(Case, case_id)
    if case is None:
        raise KnownError(f"Case {case_id} does not exist")
    policy = policy or load_policy(session)
    fills = {k: v.strip() for k, v in (fills or {}).items() if v and v.strip()}
    b = _Builder(kind, case.ref)
    contacts = load_contacts(session)
    for key in CONTACTS:
        if key != "templates.folder" and _contact_needed(kind, key):
            b.need(
                contacts[key],
                CONTACTS[key],
                f"add it under Letters > Team contacts (or `send-desktop letter --set {key}=...`)",
            )
    for needed in kind.needs:
        value = b.need(
            fills.get(needed.key),
            needed.label.lower(),
            f"type it in the letter dialog (or --fill {needed.key}=...)",
        )
        if needed.is_date:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise KnownError(f"{needed.label}: {value!r} is not a date (YYYY-MM-DD)") from None
    facts = case_facts(session, [case_id])[case_id]
    child = case.child
    worker = session.get(Caseworker, case.caseworker_id) if case.caseworker_id else None
    fields: dict[str, Any] = {
        "case": {"ref": case.ref},
        "child": {
            "name": child.full_name,
            "first_name": child.first_name,
            "dob": letter_date(
                b.need(child.date_of_birth, "the child's date of birth", "record it on the case")
            ),
        },
        "letter": {"date": letter_date(as_of), "kind": kind.code, "title": kind.title},
        "la": {"name": contacts["la.name"]},
        "caseworker": {
            "name": b.need(worker.name if worker else None, "the caseworker", "assign the case"),
            "phone": contacts["officer.phone"],
            "email": contacts["officer.email"],
        },
        "signatory": {"name": contacts["signatory.name"], "title": contacts["signatory.title"]},
        "local_offer": {"url": contacts["local_offer.url"]},
        "sendiass": {"name": contacts["sendiass.name"], "contact": contacts["sendiass.contact"]},
        "mediation": {
            "name": contacts["mediation.name"],
            "contact": contacts["mediation.contact"],
            "la_contact": contacts["mediation.la_contact"],
        },
        "dr_service": {"contact": contacts["dr.contact"]},
        "tribunal": {"contact": contacts["tribunal.contact"]},
        "setting": {"name": child.setting_name or case.placement_name or ""},
    }
    year = child.year_group(as_of)
    fields["child"]["year_group"] = f"Year {year}" if year and year > 0 else ""
    blocks: dict[str, list[Para]] = {}
    data = LetterData(kind, case.id, case.ref, as_of, "", fields, blocks, inputs=dict(fills))
    if kind.family:
        contact = _family_recipient(session, case, child.date_of_birth, as_of, b)
        data.recipient = contact.name
        fields["recipient"] = {
            "name": contact.name,
            "address": b.need(
                contact.address, f"{contact.name}'s address", "add it to the family contact"
            ),
            "role": ROLE_WORDS[contact.role],
        }
        others = session.execute(
            select(FamilyContact.name)
            .where(FamilyContact.case_id == case.id, FamilyContact.id != contact.id)
            .order_by(FamilyContact.id)
        ).scalars()
        fields["cc"] = {"list": ", ".join(others)}
    _KIND_BUILDERS[kind.code](session, case, facts, policy, data, b, advice_id or consultation_id)
    blocks["IAS"] = _ias(fields)
    return data


def _contact_needed(kind: LetterKind, key: str) -> bool:
    if key in ("mediation.name", "mediation.contact", "mediation.la_contact", "dr.contact"):
        return kind.ground is not None
    if key == "local_offer.url":
        return kind.code in ("DP", "RD")
    if key == "complaints.contact":
        return kind.code == "DEL"
    return key not in ("tribunal.contact",) or kind.ground is not None


def _family_recipient(
    session: Session, case: Case, dob: date | None, as_of: date, b: _Builder
) -> FamilyContact:
    """The person who holds the right of appeal: parent, then young person (CFA s.83(2))."""
    contacts = list(
        session.execute(
            select(FamilyContact)
            .where(FamilyContact.case_id == case.id, FamilyContact.may_appeal.is_(True))
            .order_by(FamilyContact.id)
        ).scalars()
    )
    over = dob is not None and as_of > end_of_compulsory_school_age(dob)
    wanted = ("alternative_person", "young_person") if over else ("parent",)
    for role in wanted:
        for contact in contacts:
            if contact.role == role:
                return contact
    if over:
        raise KnownError(
            f"The {b.kind.code} letter for {case.ref}: the child is over compulsory school age, so "
            "the rights belong to the young person (CFA s.83(2)); record the young person, or an "
            "alternative person acting for them (reg 64), as the family contact who may appeal"
        )
    raise KnownError(
        f"The {b.kind.code} letter for {case.ref} needs the parent's name and address: add the "
        "parent as a family contact who may appeal"
    )


def _steps(facts: Facts, as_of: date, policy: Policy) -> dict[str, Step]:
    return {s.id: s for s in compute_steps(facts, as_of, policy)}


def _date_of(data: LetterData, steps: dict[str, Step], step_id: str, b: _Builder) -> str:
    """The engine's due date for a step, written out, and noted as one the letter must show."""
    step = steps.get(step_id)
    due = b.need(
        step.due if step else None, f"the date of step {step_id}", "record the dates it runs from"
    )
    text = letter_date(due)
    data.dates[step_id] = text
    return text


def _label(step: Step) -> str:
    # A planning target is never called statutory (letters.md section 3).
    return step.source if step.statutory else f"{step.source} - guidance, not a statutory limit"


def _rights(
    data: LetterData, facts: Facts, policy: Policy, b: _Builder, *, recommend: bool
) -> None:
    """RIGHTS: the appeal, its time limit and reg 32's mediation items, from A1/A2 of the engine.

    The appeal clock runs from the date the notice is sent (the letter's date), so the engine
    is asked with decision_sent = that date.
    """
    sent = dataclasses.replace(facts, decision_sent=data.as_of)
    steps = _steps(sent, data.as_of, policy)
    a1 = _date_of(data, steps, "A1", b)
    a2 = _date_of(data, steps, "A2", b)
    f = data.fields
    ground = data.kind.ground
    assert ground is not None
    paras = [
        Para("Your right to appeal", heading=True),
        Para(
            "You can appeal to the First-tier Tribunal (Special Educational Needs and "
            f"Disability) against {APPEAL_GROUNDS[ground]} (Children and Families Act 2014, "
            f"section 51(2)({ground})). {f['tribunal']['contact']}."
        ),
        Para(
            f"Time limit: the Tribunal must receive your appeal by {a2}. That is 2 months from "
            f"the date this notice was sent ({f['letter']['date']}), or 1 month from the date "
            "of a mediation certificate if that is later (Tribunal Procedure Rules, rule "
            "20(1)(c); a last day in August, between 25 December and 1 January, or not a "
            "working day moves to the next working day)."
        ),
        Para("Mediation", heading=True),
        Para(
            "You have the right to mediation about this decision (sections 53 and 54 of the "
            "Act: education and social care, and health provision).",
            bullet=True,
        ),
        Para(
            "Before you can appeal you must contact a mediation adviser and get a certificate "
            "(section 55). You do not need one if your appeal is only about the school or "
            "college, or type of school or college, named in the plan, or that none is named.",
            bullet=True,
        ),
        Para(
            f"The mediation adviser is {f['mediation']['name']}: {f['mediation']['contact']}.",
            bullet=True,
        ),
        Para(
            f"If you want to use mediation, or to get a certificate, contact the mediation "
            f"adviser by {a1}, within 2 months of the date of this notice (regulation 33).",
            bullet=True,
        ),
        Para(
            "If you decide to go to mediation, tell us, say what the issues are, and say whether "
            "you want health provision to be part of it.",
            bullet=True,
        ),
        Para(f"Our contact for mediation: {f['mediation']['la_contact']}.", bullet=True),
        Para(
            "The adviser issues the certificate within 3 working days of being told you do not "
            "want mediation, or of mediation ending (regulation 34); if you ask for mediation we "
            "arrange it within 30 days (regulation 37). Mediation is your choice: it does not "
            "affect your right to appeal."
        ),
        Para(
            "Independent disagreement resolution is also available (section 57): "
            f"{f['dr_service']['contact']}."
        ),
        Para(
            "Free, impartial information and advice: "
            f"{f['sendiass']['name']}, {f['sendiass']['contact']} (section 32)."
        ),
    ]
    if recommend:
        paras.append(
            Para(
                "If you appeal, the Tribunal may also make recommendations (not binding) about "
                "the health and social care parts of the plan (SI 2017/1306)."
            )
        )
    data.blocks["RIGHTS"] = paras


def _ias(fields: dict[str, Any]) -> list[Para]:
    s = fields["sendiass"]
    return [
        Para("Information, advice and support", heading=True),
        Para(
            f"{s['name']} gives free, confidential and impartial information, advice and support "
            f"about special educational needs and disability (Children and Families Act 2014, "
            f"section 32): {s['contact']}."
        ),
    ]


def _key_dates(data: LetterData, steps: dict[str, Step], ids: tuple[str, ...], b: _Builder) -> Para:
    parts = []
    for step_id in ids:
        text = _date_of(data, steps, step_id, b)
        parts.append(f"{steps[step_id].title}: {text} ({_label(steps[step_id])})")
    return Para("Key dates: " + "; ".join(parts) + ".")


# ---------------------------------------------------------------- one builder per kind

Builder = Any


def _ack(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    steps = _steps(facts, d.as_of, p)
    channel = b.need(case.request_channel, "how the request arrived", "record the request channel")
    received = letter_date(case.request_received)
    d.fields["request"] = {"received": received, "channel": CHANNEL_WORDS[channel]}
    n1, n5 = _date_of(d, steps, "N1", b), _date_of(d, steps, "N5", b)
    d.blocks["STATUTORY"] = [
        Para(
            f"We received the request for an EHC needs assessment on {received} "
            f"({CHANNEL_WORDS[channel]}). We are considering whether an assessment is needed "
            "(Children and Families Act 2014, section 36)."
        ),
        Para(
            "You may tell us your views, in writing or by talking to us, and send us any "
            "evidence you want us to take into account (section 36(4) and (7))."
        ),
        Para(
            f"We must tell you by {n1} whether we will carry out an assessment (regulation 5(1))."
        ),
        Para(
            f"If we assess, the whole process must finish within 20 weeks of the request: by {n5} "
            "(regulation 13(2))."
        ),
    ]


ADVICE_SOUGHT = (
    "you, the parent or young person",
    "educational advice from the head teacher or principal (or an early-years practitioner)",
    "medical advice from a health care professional",
    "psychological advice from an educational psychologist",
    "social care advice",
    "anyone else we think appropriate, and anyone you reasonably ask us to consult",
)


def _da(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    if case.decision_outcome != "assess":
        b.need(None, "a decision to assess", "record the decision to assess first")
    steps = _steps(facts, d.as_of, p)
    decided = letter_date(b.need(case.decision_to_assess, "the date of the decision", "record it"))
    d.fields["decision"] = "to carry out an EHC needs assessment"
    sought = list(ADVICE_SOUGHT)
    year = case.child.year_group(d.as_of)
    if year is not None and year >= 9:
        sought.insert(
            5, "advice on preparing for adulthood and independent living (Year 9 and above)"
        )
    d.blocks["STATUTORY"] = [
        Para(
            f"On {decided} we decided to carry out an EHC needs assessment (Children and "
            "Families Act 2014, section 36(8); regulation 5(1))."
        ),
        Para(
            "We will ask for advice and information about needs, provision and outcomes from (regulation 6(1)):"
        ),
        *[Para(x, bullet=True) for x in sought],
        Para(
            "You may ask us to seek advice from a particular person. We will take into account "
            "your views and the child's views, wishes and feelings (regulation 7)."
        ),
        _key_dates(d, steps, ("N3", "N5"), b),
    ]


def _dna(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    if case.decision_outcome != "not-assess":
        b.need(None, "a decision not to assess", "record the decision first")
    steps = _steps(facts, d.as_of, p)
    decided = letter_date(b.need(case.decision_to_assess, "the date of the decision", "record it"))
    n1 = _date_of(d, steps, "N1", b)
    d.fields["decision"] = "not to carry out an EHC needs assessment"
    d.fields["reasons"] = d.inputs["reasons"]
    d.blocks["STATUTORY"] = [
        Para(
            f"On {decided} we decided not to carry out an EHC needs assessment (Children and "
            f"Families Act 2014, section 36(5); regulation 5(1): due by {n1})."
        ),
        Para("Our reasons", heading=True),
        Para(d.inputs["reasons"]),
    ]
    _rights(d, facts, p, b, recommend=False)


def _adv(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, row_id: Any
) -> None:
    rows = list(
        s.execute(
            select(AdviceRequest).where(AdviceRequest.case_id == case.id).order_by(AdviceRequest.id)
        ).scalars()
    )
    if not rows:
        b.need(None, "an advice request", "record the advice request first")
    chosen = next((r for r in rows if r.id == row_id), None) if row_id else rows[-1]
    if chosen is None:
        raise KnownError(f"Advice request {row_id} is not on case {case.ref}")
    giver = b.need(
        chosen.advice_giver, "the adviser's name", "fill 'Asked of' on the advice request"
    )
    steps = _steps(facts, d.as_of, p)
    index = rows.index(chosen) + 1
    step_id = f"N2.{index}" if len(rows) > 1 else "N2"
    due = _date_of(d, steps, step_id, b)
    d.recipient = giver
    d.advice_ids = (chosen.id,)
    d.fields["recipient"] = {"name": giver, "address": "", "role": f"adviser ({chosen.kind})"}
    d.fields["cc"] = {"list": ""}
    d.fields["advice"] = {"list": chosen.kind}
    d.blocks["STATUTORY"] = [
        Para(
            f"We are carrying out an EHC needs assessment for {case.child.full_name} (date of "
            f"birth {d.fields['child']['dob']}) and ask for your advice and information about "
            "their needs, the provision they need and the outcomes it should achieve "
            "(regulation 6(1))."
        ),
        Para(
            f"Please send it within 6 weeks of receiving this request, by {due} (regulation 8). "
            "The parent's or young person's views and any evidence they gave are enclosed."
        ),
    ]


def _np(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    decided = letter_date(
        b.need(case.not_issue_decision, "a decision not to issue a plan", "record it first")
    )
    steps = _steps(facts, d.as_of, p)
    n3 = _date_of(d, steps, "N3", b)
    d.fields["decision"] = "not to issue an EHC plan"
    d.fields["reasons"] = d.inputs["reasons"]
    d.blocks["STATUTORY"] = [
        Para(
            f"We have finished the EHC needs assessment and on {decided} decided not to issue "
            "an EHC plan (Children and Families Act 2014, section 36(9); regulation 10(1): due "
            f"by {n3})."
        ),
        Para("Our reasons", heading=True),
        Para(d.inputs["reasons"]),
        Para("We enclose written feedback with the advice gathered during the assessment."),
    ]
    _rights(d, facts, p, b, recommend=True)


SCHOOL_TYPES = (
    "a maintained school or maintained nursery school",
    "an Academy",
    "an institution within the further education sector",
    "a non-maintained special school",
    "an independent school or specialist post-16 institution approved under section 41",
)


def _dp(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    # The 15 days begin with the day the draft is served: this letter's date if not yet recorded.
    served = case.draft_served or d.as_of
    sent = dataclasses.replace(facts, draft_served=served)
    steps = _steps(sent, d.as_of, p)
    end, n5 = _date_of(d, steps, "N4", b), _date_of(d, steps, "N5", b)
    d.fields["draft"] = {"served": letter_date(served)}
    d.blocks["STATUTORY"] = [
        Para(
            "We enclose the draft EHC plan and its appendices. The draft does not name a "
            "school, college or type of institution (section 38(5))."
        ),
        Para(
            "You have at least 15 days, beginning with the day the draft was served "
            f"({letter_date(served)}), to comment on it and to ask us to name a school or college: "
            f"until {end} (section 38(2) and (4); regulation 13(1))."
        ),
        Para("You may ask for a school or college of these kinds (section 38(3)):"),
        *[Para(x, bullet=True) for x in SCHOOL_TYPES],
        Para(
            "You may ask to meet one of our officers about the draft (regulation 13(1)(a)). "
            f"Information about schools and colleges is in the Local Offer: "
            f"{d.fields['local_offer']['url']} (regulation 13(1)(b))."
        ),
        Para("You may ask for a personal budget (section 49)."),
        Para(f"The final plan must be issued by {n5} (regulation 13(2))."),
    ]


def _con(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, row_id: Any
) -> None:
    rows = list(
        s.execute(
            select(Consultation).where(Consultation.case_id == case.id).order_by(Consultation.id)
        ).scalars()
    )
    if not rows:
        b.need(None, "a consultation", "record the school or college consulted first")
    chosen = next((r for r in rows if r.id == row_id), None) if row_id else rows[-1]
    if chosen is None:
        raise KnownError(f"Consultation {row_id} is not on case {case.ref}")
    steps = _steps(facts, d.as_of, p)
    step_id = f"N4b.{rows.index(chosen) + 1}" if len(rows) > 1 else "N4b"
    reply = _date_of(d, steps, step_id, b)
    n5 = _date_of(d, steps, "N5", b)
    d.recipient = chosen.institution
    d.fields["recipient"] = {"name": chosen.institution, "address": "", "role": "school or college"}
    d.fields["cc"] = {"list": ""}
    d.fields["setting"] = {"name": chosen.institution}
    d.blocks["STATUTORY"] = [
        Para(
            f"We are consulting you about naming {chosen.institution} in the EHC plan of "
            f"{case.child.full_name} (date of birth {d.fields['child']['dob']}) (Children and "
            "Families Act 2014, sections 39(2) and 40(3)). The draft plan and the advice are enclosed."
        ),
        Para(
            "We must name the school or college unless it would be unsuitable for the age, "
            "ability, aptitude or special educational needs of the child or young person, or "
            "their attendance would be incompatible with the efficient education of others or "
            "the efficient use of resources (section 39(4))."
        ),
        Para(
            f"Please reply by {reply} (15 days: Code of Practice 9.83 - guidance, not a "
            f"statutory limit). The final plan must be issued by {n5} (regulation 13(2))."
        ),
    ]


def _fp(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    issued = letter_date(
        b.need(case.final_issued, "the date the final plan was issued", "record it")
    )
    steps = _steps(facts, d.as_of, p)
    n5 = _date_of(d, steps, "N5", b)
    d.fields["plan"] = {"issued": issued}
    named = case.placement_name or case.child.setting_name
    d.blocks["STATUTORY"] = [
        Para(f"We enclose the final EHC plan, issued on {issued} (regulation 13(2): due by {n5})."),
        Para(
            (
                f"{named} is named in the plan and must admit "
                if named
                else "The school or college named in the plan must admit "
            )
            + f"{case.child.first_name} (section 43)."
        ),
    ]
    _rights(d, facts, p, b, recommend=True)


def _del(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    steps = _steps(facts, d.as_of, p)
    step_id = d.inputs["step"]
    step = steps.get(step_id)
    if step is None or step.due is None:
        raise KnownError(f"Step {step_id!r} has no date on case {case.ref}")
    due = _date_of(d, steps, step_id, b)
    expected = letter_date(date.fromisoformat(d.inputs["expected"]))
    rows = s.execute(
        select(CaseException).where(CaseException.case_id == case.id).order_by(CaseException.id)
    ).scalars()
    used = []
    for e in rows:
        when = " to ".join(letter_date(x) for x in (e.start, e.end) if x)
        used.append(EXCEPTION_WORDS[e.code] + (f", {when}" if when else ""))
    exception = (
        "The exception we rely on: " + "; ".join(used) + "."
        if used
        else "No exception in the regulations applies."
    )
    d.fields["delay"] = {"expected": expected}
    d.fields["exception"] = {"text": exception}
    statutory = (
        "statutory time limit" if step.statutory else "target (guidance, not a statutory limit)"
    )
    d.blocks["STATUTORY"] = [
        Para(
            f'We are sorry: we will not meet the {statutory} for "{step.title}", which is {due} '
            f"({step.source}). We now expect to finish it by {expected}."
        ),
        Para(f"Why: {d.inputs['reason']}"),
        Para(
            exception + " An exception does not move the date: we must still act as soon as "
            "reasonably practicable (regulations 5(4), 8(2), 10(4) and 13(3))."
        ),
        Para(
            f"If you are unhappy, you can complain to us: {_contact(s, 'complaints.contact')}. "
            "If you are still unhappy you can then go to the Local Government and Social Care "
            "Ombudsman (www.lgo.org.uk)."
        ),
    ]


def _contact(s: Session, key: str) -> str:
    return load_contacts(s)[key]


def _latest_review(s: Session, case: Case, b: _Builder) -> Any:
    from send_desktop.store.models import AnnualReview

    review = s.execute(
        select(AnnualReview)
        .where(AnnualReview.case_id == case.id)
        .order_by(AnnualReview.id.desc())
        .limit(1)
    ).scalar()
    return b.need(review, "an annual review", "record the review meeting first")


def _ar(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    review = _latest_review(s, case, b)
    meeting = letter_date(b.need(review.meeting, "the review meeting date", "record the meeting"))
    steps = _steps(facts, d.as_of, p)
    r2, r3, r4 = (_date_of(d, steps, x, b) for x in ("R2", "R3", "R4"))
    d.fields["meeting"] = {"date": meeting, "time": d.inputs["time"], "place": d.inputs["place"]}
    paras = [
        Para(
            f"The annual review meeting of the EHC plan is on {meeting} at {d.inputs['time']}, "
            f"at {d.inputs['place']} (Children and Families Act 2014, section 44; regulation 20)."
        ),
        Para(
            "We ask for advice and information about the child or young person from everyone "
            f"invited; it will be circulated by {r3}, at least 2 weeks before the meeting "
            f"(regulation 20(4)). This invitation is sent at least 2 weeks before the meeting "
            f"(regulation 20(3): by {r2})."
        ),
        Para(f"The report of the meeting will be sent by {r4} (regulation 20(7))."),
    ]
    if "R1" in steps and steps["R1"].due is not None:
        paras.append(
            Para(f"The review must be completed by {_date_of(d, steps, 'R1', b)} (section 44(1)).")
        )
    year = case.child.year_group(d.as_of)
    if year is not None and year >= 9:
        paras.append(
            Para(
                "The review will cover preparing for adulthood and independent living (regulation 20(6))."
            )
        )
    d.blocks["STATUTORY"] = paras


def _rd(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    review = _latest_review(s, case, b)
    outcome = b.need(review.outcome, "the review decision (maintain or amend)", "record it")
    if outcome == "C":
        raise KnownError(
            "A decision to cease follows a proposal to cease: write the CP letter, then CD"
        )
    meeting = b.need(review.meeting, "the review meeting date", "record the meeting")
    sent = dataclasses.replace(
        facts,
        reviews=tuple(
            dataclasses.replace(
                r,
                decision_sent=r.decision_sent or d.as_of,
                amendment_sent=(r.amendment_sent or d.as_of)
                if outcome == "A"
                else r.amendment_sent,
            )
            if r.meeting == meeting
            else r
            for r in facts.reviews
        ),
    )
    steps = _steps(sent, d.as_of, p)
    r5 = _date_of(d, steps, "R5", b)
    if outcome == "M":
        d.fields["decision"] = "maintain"
        d.blocks["STATUTORY"] = [
            Para(
                f"After the annual review meeting on {letter_date(meeting)} we have decided to keep "
                f"the EHC plan as it is (regulation 20(10): due by {r5})."
            )
        ]
        _rights(d, sent, p, b, recommend=True)
        return
    d.fields["decision"] = "amend"
    amendments = b.need(
        d.inputs.get("amendments"),
        "the proposed amendments",
        "type them in the letter dialog (or --fill amendments=...)",
    )
    d.blocks["RIGHTS"] = [
        Para("Your right to appeal", heading=True),
        Para(
            "There is no appeal against proposed amendments. Your right to appeal to the "
            "First-tier Tribunal (SEND) arises when the final amended plan is issued, and that "
            "notice will tell you how and by when."
        ),
    ]
    end, r7 = _date_of(d, steps, "R6", b), _date_of(d, steps, "R7", b)
    d.blocks["STATUTORY"] = [
        Para(
            f"After the annual review meeting on {letter_date(meeting)} we propose to amend the "
            f"EHC plan (regulation 20(10): due by {r5}). A copy of the plan, the changes we "
            "propose and the evidence for them are enclosed (regulation 22(2)(a))."
        ),
        Para(f"The changes we propose: {amendments}"),
        Para(
            "You may ask us to name a particular school or college (regulation 22(2)(b)). You "
            "have at least 15 days, beginning with the day this notice was sent, to comment, "
            f"to ask for a school or college and to ask to meet us: until {end} "
            f"(regulation 22(2)(c)). Information about schools and colleges is in the Local "
            f"Offer: {d.fields['local_offer']['url']} (regulation 22(2)(d))."
        ),
        Para(
            f"The final amended plan must be issued by {r7} (regulation 22(3)). You can appeal "
            "when it is issued."
        ),
    ]


def _fap(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    review = _latest_review(s, case, b)
    issued = letter_date(
        b.need(review.final_amended, "the date the amended plan was issued", "record it")
    )
    steps = _steps(facts, d.as_of, p)
    r7 = _date_of(d, steps, "R7", b)
    d.blocks["STATUTORY"] = [
        Para(
            f"We enclose the final amended EHC plan, issued on {issued} (regulation 22(3): due by {r7})."
        ),
    ]
    _rights(d, facts, p, b, recommend=True)


def _nta(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    _latest_review(s, case, b)
    steps = _steps(facts, d.as_of, p)
    r7 = _date_of(d, steps, "R7", b)
    d.fields["reasons"] = d.inputs["reasons"]
    d.blocks["STATUTORY"] = [
        Para(
            "We have decided not to make the amendments we proposed to the EHC plan "
            f"(regulation 22(4): by {r7})."
        ),
        Para("Our reasons", heading=True),
        Para(d.inputs["reasons"]),
    ]
    _rights(d, facts, p, b, recommend=True)


def _pt(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    transfer = b.need(case.phase_transfer, "the phase transfer date", "record the transfer")
    steps = _steps(facts, d.as_of, p)
    step_id = next((x for x in ("P1", "P2", "P3") if x in steps), None)
    step_id = b.need(step_id, "a phase transfer deadline", "record the transfer kind")
    due = _date_of(d, steps, step_id, b)
    d.fields["transfer"] = {"date": letter_date(transfer)}
    d.blocks["STATUTORY"] = [
        Para(
            f"{case.child.first_name} moves to the next phase of education on "
            f"{letter_date(transfer)}. The EHC plan must be reviewed and amended, naming the "
            f"school, college or type of institution for the next phase, by {due} "
            f"(regulation 18)."
        ),
        Para(
            "We will consult the schools or colleges you ask for early, and send you the "
            "proposed amendments with your rights to comment and to ask for a school or college."
        ),
    ]


def _ground(d: LetterData) -> str:
    ground = d.inputs["ground"].lower()
    if ground not in CEASE_GROUNDS:
        raise KnownError(
            "The ground for ceasing must be one of: " + ", ".join(CEASE_GROUNDS) + " (CFA s.45(1))"
        )
    return CEASE_GROUNDS[ground]


def _cp(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    ground = _ground(d)
    views_by = letter_date(date.fromisoformat(d.inputs["views_by"]))
    d.fields["cease"] = {"ground": ground, "views_by": views_by}
    paras = [
        Para(
            f"We are considering ceasing to maintain the EHC plan because {ground} (Children "
            "and Families Act 2014, section 45(1)). We must consult you, and the head teacher or "
            "principal, before deciding (regulation 31(1))."
        ),
        Para(f"The evidence: {d.inputs['evidence']}"),
        Para(
            "A plan may not be ceased for a young person under 18 only because they are no "
            "longer in education or training (regulation 29); for those aged 18 or over we "
            "look at whether they have left education or training and do not wish to return "
            "(regulation 30)."
        ),
    ]
    dob = case.child.date_of_birth
    if (
        dob is not None
        and (d.as_of.year - dob.year - ((d.as_of.month, d.as_of.day) < (dob.month, dob.day))) >= 19
    ):
        paras.append(
            Para(
                "For a young person aged 19 or over we must consider whether the education or training outcomes in the plan have been achieved (section 45(3))."
            )
        )
    paras.append(Para(f"Please tell us your views by {views_by}."))
    d.blocks["STATUTORY"] = paras


def _cd(
    s: Session, case: Case, facts: Facts, p: Policy, d: LetterData, b: _Builder, _: Any
) -> None:
    ground = _ground(d)
    ceased = letter_date(b.need(case.ceased, "the date the plan will cease", "record it"))
    d.fields["cease"] = {"ground": ground, "date": ceased}
    d.fields["reasons"] = d.inputs["reasons"]
    d.blocks["STATUTORY"] = [
        Para(
            f"We have decided to cease to maintain the EHC plan because {ground} (Children and "
            "Families Act 2014, section 45; regulation 31(2)). The plan is to cease on "
            f"{ceased}."
        ),
        Para("Our reasons", heading=True),
        Para(d.inputs["reasons"]),
        # CFA s.45, as the Explanatory Notes (para 247) read it.
        Para(
            "The plan stays in place until the time for appealing has passed or, if you "
            "appeal, until the appeal is decided (section 45)."
        ),
    ]
    _rights(d, facts, p, b, recommend=True)


_KIND_BUILDERS: dict[str, Any] = {
    "ACK": _ack,
    "DA": _da,
    "DNA": _dna,
    "ADV": _adv,
    "NP": _np,
    "DP": _dp,
    "CON": _con,
    "FP": _fp,
    "DEL": _del,
    "AR": _ar,
    "RD": _rd,
    "FAP": _fap,
    "NTA": _nta,
    "PT": _pt,
    "CP": _cp,
    "CD": _cd,
}
