"""Writing a letter into the case, marking it sent (which feeds the clocks), and chasing advice."""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from send_desktop.errors import KnownError
from send_desktop.letters.contacts import CONTACTS, load_contacts
from send_desktop.letters.context import (
    LetterData,
    Para,
    _Builder,
    gather,
    letter_date,
)
from send_desktop.letters.kinds import APPEALABLE, KINDS_BY_CODE
from send_desktop.letters.render import letters_dir, render
from send_desktop.store.cases import add_row, update_case, update_row
from send_desktop.store.facts import case_facts
from send_desktop.store.models import (
    AdviceRequest,
    AnnualReview,
    Case,
    Caseworker,
    Letter,
    Mediation,
)
from send_desktop.store.settings import load_policy
from send_desktop.timeline import Policy, Status, compute_steps

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Written:
    letter_ids: tuple[int, ...]
    path: Path
    recipient: str
    kind: str


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _next_file(ref: str, code: str, as_of: date) -> Path:
    folder = letters_dir(ref)
    n = 1
    while (folder / f"{as_of.isoformat()}-{code}-{n}.docx").exists():
        n += 1
    return folder / f"{as_of.isoformat()}-{code}-{n}.docx"


def write_letter(
    session: Session,
    user: str,
    case_id: int,
    code: str,
    as_of: date,
    fills: dict[str, str] | None = None,
    *,
    out: Path | None = None,
    policy: Policy | None = None,
    advice_id: int | None = None,
    consultation_id: int | None = None,
) -> Written:
    """Fill the letter, keep it in the case's letters folder (0600) and record it as written."""
    data = gather(
        session,
        case_id,
        code,
        as_of,
        fills,
        policy,
        advice_id=advice_id,
        consultation_id=consultation_id,
    )
    return _keep(session, user, data, [case_id], out)


def _keep(
    session: Session, user: str, data: LetterData, case_ids: list[int], out: Path | None
) -> Written:
    folder = load_contacts(session)["templates.folder"]
    dest = _next_file(data.case_ref, data.kind.code, data.as_of)
    render(data, dest, folder)
    digest = _sha(dest)
    ids = []
    for case_id in case_ids:
        row = add_row(
            session,
            Letter,
            user,
            case_id,
            {
                "letter": data.kind.code,
                "recipient": data.recipient[:200],
                "dated": data.as_of,
                "file_path": str(dest),
                "sha256": digest,
                "inputs": data.inputs_json(),
            },
            as_of=data.as_of,
        )
        ids.append(row.id)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(dest, out)
        out.chmod(0o600)
    log.info("letter %s written for %d case(s)", data.kind.code, len(case_ids))
    return Written(tuple(ids), dest, data.recipient, data.kind.code)


def mark_sent(
    session: Session,
    user: str,
    letter_id: int,
    expected_version: int,
    sent: date,
    channel: str,
    *,
    as_of: date | None = None,
) -> Letter:
    """Record when and how a letter was sent, and what that starts or finishes in the case.

    A decision notice starts the appeal clock: the engine reads the date sent from the case's
    latest mediation row (Facts.decision_sent, steps A1/A2), so that row gets the date.
    """
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise KnownError(f"Letter {letter_id} does not exist")
    kind = KINDS_BY_CODE[letter.letter]
    if letter.sent_on is not None:
        raise KnownError(
            f"That {letter.letter} letter was already marked sent on {letter.sent_on:%d/%m/%Y}"
        )
    path = Path(letter.file_path)
    if not path.exists() or _sha(path) != letter.sha256:
        raise KnownError(
            f"The kept copy of the {letter.letter} letter ({path}) is missing or was changed "
            "since it was written: write the letter again"
        )
    if kind.dated_by_sending and sent != letter.dated:
        raise KnownError(
            f"The {letter.letter} letter is dated {letter.dated:%d/%m/%Y} and its time limits "
            f"run from that day: write it again dated {sent:%d/%m/%Y} before marking it sent then"
        )
    as_of = as_of or sent
    row = update_row(
        session,
        Letter,
        letter.id,
        expected_version,
        user,
        {"sent_on": sent, "sent_by": channel},
        as_of=as_of,
    )
    case = session.get(Case, letter.case_id)
    assert case is not None
    if letter.letter in APPEALABLE:
        latest = session.execute(
            select(Mediation)
            .where(Mediation.case_id == case.id)
            .order_by(Mediation.id.desc())
            .limit(1)
        ).scalar()
        fresh = latest is not None and all(
            getattr(latest, f) is None
            for f in (
                "decision_sent",
                "adviser_contacted",
                "mediation_declined",
                "mediation_requested",
                "mediation_held",
                "certificate_issued",
            )
        )
        if latest is not None and fresh:
            update_row(
                session,
                Mediation,
                latest.id,
                latest.version,
                user,
                {"decision_sent": sent},
                as_of=as_of,
            )
        else:
            # A new decision starts a new mediation and appeal clock (the latest row counts).
            add_row(
                session,
                Mediation,
                user,
                case.id,
                {"decision_sent": sent, "note": f"{letter.letter} letter sent"},
                as_of=as_of,
            )
    if letter.letter == "DP" and case.draft_served is None:
        update_case(
            session,
            case.id,
            case.version,
            user,
            draft_served=sent,
            draft_method=channel,
            as_of=as_of,
        )
    if letter.letter in ("AR", "RD"):
        review = session.execute(
            select(AnnualReview)
            .where(AnnualReview.case_id == case.id)
            .order_by(AnnualReview.id.desc())
            .limit(1)
        ).scalar()
        if review is not None:
            field = "notice_sent" if letter.letter == "AR" else "decision_sent"
            changes: dict[str, Any] = {}
            if getattr(review, field) is None:
                changes[field] = sent
            if letter.letter == "RD" and review.outcome == "A" and review.amendment_sent is None:
                changes["amendment_sent"] = sent
            if changes:
                update_row(
                    session, AnnualReview, review.id, review.version, user, changes, as_of=as_of
                )
    if letter.letter == "CHASE":
        import json

        for advice_id in json.loads(letter.inputs).get("advice_ids", []):
            advice = session.get(AdviceRequest, advice_id)
            if advice is not None and advice.case_id == case.id and advice.chased is None:
                update_row(
                    session,
                    AdviceRequest,
                    advice.id,
                    advice.version,
                    user,
                    {"chased": sent},
                    as_of=as_of,
                )
    log.info("letter %s marked sent (%s)", letter.id, channel)
    return row


def case_letters(session: Session, case_id: int) -> list[Letter]:
    return list(
        session.execute(
            select(Letter).where(Letter.case_id == case_id).order_by(Letter.id)
        ).scalars()
    )


@dataclass(frozen=True)
class OverdueAdvice:
    advice_id: int
    case_id: int
    ref: str
    child_name: str
    dob: date | None
    kind: str
    giver: str
    requested: date
    due: date


def overdue_advice(
    session: Session, as_of: date, caseworker_id: int | None = None, policy: Policy | None = None
) -> list[OverdueAdvice]:
    """Every advice request past its reg 8 date (engine step N2 overdue), for one caseworker."""
    policy = policy or load_policy(session)
    query = select(Case.id).where(Case.closed.is_(False))
    if caseworker_id is not None:
        query = query.where(Case.caseworker_id == caseworker_id)
    ids = list(
        session.execute(
            query.where(
                Case.id.in_(select(AdviceRequest.case_id).where(AdviceRequest.received.is_(None)))
            )
        ).scalars()
    )
    facts = case_facts(session, ids)
    found = []
    for case_id in ids:
        rows = list(
            session.execute(
                select(AdviceRequest)
                .where(AdviceRequest.case_id == case_id)
                .order_by(AdviceRequest.id)
            ).scalars()
        )
        steps = {s.id: s for s in compute_steps(facts[case_id], as_of, policy)}
        case = session.get(Case, case_id)
        assert case is not None
        for n, row in enumerate(rows, 1):
            step = steps.get(f"N2.{n}" if len(rows) > 1 else "N2")
            if step is None or step.status != Status.OVERDUE or step.due is None:
                continue
            found.append(
                OverdueAdvice(
                    row.id,
                    case_id,
                    case.ref,
                    case.child.full_name,
                    case.child.date_of_birth,
                    row.kind,
                    (row.advice_giver or "").strip(),
                    row.requested,
                    step.due,
                )
            )
    return found


def chase_letters(
    session: Session,
    user: str,
    as_of: date,
    caseworker_id: int | None = None,
    policy: Policy | None = None,
) -> list[Written]:
    """One chase letter per advice-giver listing each of their overdue requests (reg 8)."""
    items = overdue_advice(session, as_of, caseworker_id, policy)
    if not items:
        return []
    unnamed = [i for i in items if not i.giver]
    if unnamed:
        raise KnownError(
            f"Advice request on {unnamed[0].ref} ({unnamed[0].kind}) has no adviser's name: "
            "fill 'Asked of' so the chase letter can be addressed"
        )
    groups: dict[str, list[OverdueAdvice]] = defaultdict(list)
    for item in items:
        groups[item.giver].append(item)
    contacts = load_contacts(session)
    kind = KINDS_BY_CODE["CHASE"]
    written = []
    for giver, rows in sorted(groups.items()):
        first = session.get(Case, rows[0].case_id)
        assert first is not None
        b = _Builder(kind, first.ref)
        for key in (
            "la.name",
            "signatory.name",
            "signatory.title",
            "officer.phone",
            "officer.email",
        ):
            b.need(
                contacts[key],
                CONTACTS[key],
                f"add it under Letters > Team contacts (or `send-desktop letter --set {key}=...`)",
            )
        worker = session.get(Caseworker, caseworker_id) if caseworker_id else first.caseworker
        dates = {f"N2 ({r.ref})": letter_date(r.due) for r in rows}
        lines = [
            Para(
                "The 6 weeks for giving advice for an EHC needs assessment have passed for the "
                "requests below (regulation 8). Please send your advice now, or tell us at once "
                "if one of the exceptions in regulation 8(2) applies."
            ),
            *[
                Para(
                    f"{r.ref}: {r.child_name}"
                    + (f" (date of birth {letter_date(r.dob)})" if r.dob else "")
                    + f" - {r.kind} advice requested {letter_date(r.requested)}, due "
                    f"{letter_date(r.due)}, {(as_of - r.due).days} days late.",
                    bullet=True,
                )
                for r in rows
            ],
        ]
        data = LetterData(
            kind,
            first.id,
            first.ref,
            as_of,
            giver,
            {
                "case": {"ref": ", ".join(sorted({r.ref for r in rows}))},
                "child": {
                    "name": ", ".join(r.child_name for r in rows),
                    "first_name": "",
                    "dob": "",
                    "year_group": "",
                },
                "letter": {"date": letter_date(as_of), "kind": "CHASE", "title": kind.title},
                "la": {"name": contacts["la.name"]},
                "caseworker": {
                    "name": b.need(
                        worker.name if worker else None, "the caseworker", "assign the case"
                    ),
                    "phone": contacts["officer.phone"],
                    "email": contacts["officer.email"],
                },
                "signatory": {
                    "name": contacts["signatory.name"],
                    "title": contacts["signatory.title"],
                },
                "recipient": {"name": giver, "address": "", "role": "adviser"},
                "cc": {"list": ""},
                "advice": {"list": ", ".join(sorted({r.kind for r in rows}))},
            },
            {"STATUTORY": lines},
            dates=dates,
            inputs={"advice_ids": [r.advice_id for r in rows]},  # type: ignore[dict-item]
            advice_ids=tuple(r.advice_id for r in rows),
            case_ids=tuple(sorted({r.case_id for r in rows})),
        )
        written.append(_keep(session, user, data, list(data.case_ids), None))
    return written
