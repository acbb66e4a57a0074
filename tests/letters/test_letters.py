"""Every kind of letter filled from a case built here, read back with python-docx and checked
against the clock engine: the child's name, each date the law requires, the RIGHTS block where
letters.md requires it, no unfilled field and no "None"."""

from __future__ import annotations

import dataclasses
import re
import struct
import zlib
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Cm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from send_desktop.errors import KnownError
from send_desktop.letters import (
    KINDS,
    case_letters,
    chase_letters,
    gather,
    letter_date,
    letter_text,
    mark_sent,
    save_contact,
    write_letter,
)
from send_desktop.letters.render import KNOWN_NAMES, check_template, default_templates_dir
from send_desktop.store import Database
from send_desktop.store.cases import add_advice_request, chronology
from send_desktop.store.facts import case_facts
from send_desktop.store.models import Case
from send_desktop.timeline import Policy, compute_steps
from tests.letters.helpers import CHILD, USER, base_case, build, save_contacts

# The dates each letter must show (step ids of the engine) - letters.md section 1.
REQUIRED_DATES: dict[str, tuple[str, ...]] = {
    "ACK": ("N1", "N5"),
    "DA": ("N3", "N5"),
    "DNA": ("N1", "A1", "A2"),
    "ADV": ("N2",),
    "NP": ("N3", "A1", "A2"),
    "DP": ("N4", "N5"),
    "CON": ("N4b", "N5"),
    "FP": ("N5", "A1", "A2"),
    "DEL": ("N5",),
    "AR": ("R1", "R2", "R3", "R4"),
    "RD": ("R5", "A1", "A2"),
    "FAP": ("R7", "A1", "A2"),
    "NTA": ("R7", "A1", "A2"),
    "PT": ("P1",),
    "CP": (),
    "CD": ("A1", "A2"),
}
WITH_RIGHTS = {"DNA", "NP", "FP", "RD", "FAP", "NTA", "CD"}
CODES = [k.code for k in KINDS if k.code != "CHASE"]


def _expected(db: Database, case_id: int, code: str, as_of: date) -> dict[str, str]:
    """The engine's dates, asked the way the law counts them: from the day the letter is sent."""
    with db.session() as s:
        facts = case_facts(s, [case_id])[case_id]
    if code in WITH_RIGHTS:
        facts = dataclasses.replace(facts, decision_sent=as_of)
    if code == "DP":
        facts = dataclasses.replace(facts, draft_served=as_of)
    if code == "RD":
        facts = dataclasses.replace(
            facts, reviews=tuple(dataclasses.replace(r, decision_sent=as_of) for r in facts.reviews)
        )
    steps = {s.id: s for s in compute_steps(facts, as_of, Policy())}
    out = {}
    for step_id in REQUIRED_DATES[code]:
        due = steps[step_id].due
        assert due is not None, step_id
        out[step_id] = letter_date(due)
    return out


@pytest.mark.parametrize("code", CODES)
def test_each_kind_filled_from_a_case(sqlite_db: Database, code: str, tmp_path: Path) -> None:
    with sqlite_db.session() as s:
        case_id, fills, as_of = build(s, code)
    with sqlite_db.session() as s:
        written = write_letter(s, USER, case_id, code, as_of, fills, out=tmp_path / "copy.docx")
    text = letter_text(written.path)
    flat = " ".join(text.split())
    assert CHILD in flat
    assert letter_date(as_of) in flat
    for step_id, day in _expected(sqlite_db, case_id, code, as_of).items():
        assert day in flat, f"{code}: {step_id} {day} missing"
    if code in WITH_RIGHTS:
        assert "Your right to appeal" in flat and "First-tier Tribunal" in flat
        assert "Calm Waters Mediation" in flat and "regulation 33" in flat
        assert "section 51(2)(" in flat
        # Refusal to assess omits the Tribunal's health and social care recommendations.
        assert ("SI 2017/1306" in flat) is (code != "DNA")
    if code not in ("ADV", "CON"):
        assert "Dana Brightwater" in flat and "Northshire SENDIASS" in flat
    assert not re.search(r"\{\{|\{%|\}\}|%\}|\bNone\b", text)
    assert (written.path.stat().st_mode & 0o777) == 0o600
    assert (tmp_path / "copy.docx").read_bytes() == written.path.read_bytes()
    with sqlite_db.session() as s:
        rows = case_letters(s, case_id)
    assert [r.letter for r in rows] == [code] and rows[0].sent_on is None


def test_dna_dates_are_the_engine_a1_a2(sqlite_db: Database) -> None:
    """The example of the issue: a decision not to assess carries A2 and A1 from the engine."""
    with sqlite_db.session() as s:
        case_id, fills, as_of = build(s, "DNA")
        data = gather(s, case_id, "DNA", as_of, fills)
    assert data.dates["A1"] == "10 April 2026"  # 10 Feb + 2 months (reg 33)
    assert data.dates["A2"] == "10 April 2026"  # a working day, so not moved (FtT r.20(1)(c))


def test_missing_fact_or_contact_is_named(sqlite_db: Database) -> None:
    with sqlite_db.session() as s:
        case_id, fills, as_of = build(s, "DNA")
        with pytest.raises(KnownError, match="reasons for the decision"):
            gather(s, case_id, "DNA", as_of, {})
        save_contact(s, "mediation.contact", "", USER)
        with pytest.raises(KnownError, match="mediation adviser's contact"):
            gather(s, case_id, "DNA", as_of, fills)
    with sqlite_db.session() as s:
        other = base_case(
            s, parent=False, decision_to_assess=date(2026, 2, 9), decision_outcome="assess"
        )
        with pytest.raises(KnownError, match="parent's name and address"):
            gather(s, other.id, "DA", date(2026, 2, 9))


def test_young_person_over_school_age_holds_the_rights(sqlite_db: Database) -> None:
    with sqlite_db.session() as s:
        save_contacts(s)
        case = base_case(
            s, dob=date(2008, 3, 1), decision_to_assess=date(2026, 2, 9), decision_outcome="assess"
        )
        with pytest.raises(KnownError, match=r"young person \(CFA s.83\(2\)\)"):
            gather(s, case.id, "DA", date(2026, 2, 9))


def _png() -> bytes:
    """A 4x4 red PNG written by hand (no imaging library needed)."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _authority_template(
    folder: Path, code: str, *, with_rights: bool = True, hide: bool = False
) -> None:
    logo = folder / "logo.png"
    logo.write_bytes(_png())
    doc = Document()
    doc.sections[0].header.paragraphs[0].add_run().add_picture(str(logo), width=Cm(2))
    doc.add_paragraph("Westvale Borough Council - Children's Services")
    doc.add_paragraph("To {{ recipient.name }}, {{ letter.date }}")
    doc.add_paragraph(
        "About {{ child.name }}. We write in our own words to let you know our decision."
    )
    doc.add_paragraph("{{p STATUTORY }}")
    if with_rights:
        if hide:
            doc.add_paragraph("{%p if false %}")
        doc.add_paragraph("{{p RIGHTS }}")
        if hide:
            doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("Regards, {{ signatory.name }}")
    doc.save(str(folder / f"{code}.docx"))


def test_authority_template_overrides_and_keeps_the_locked_dates(
    db: Database, tmp_path: Path
) -> None:
    own = tmp_path / "westvale"
    own.mkdir()
    _authority_template(own, "DNA")
    with db.session() as s:
        case_id, fills, as_of = build(s, "DNA")
        save_contact(s, "templates.folder", str(own), USER)
        written = write_letter(s, USER, case_id, "DNA", as_of, fills)
    flat = " ".join(letter_text(written.path).split())
    assert "Westvale Borough Council" in flat and "in our own words" in flat
    assert "Thank you for" not in flat  # none of the default wording
    for day in _expected(db, case_id, "DNA", as_of).values():
        assert day in flat
    assert "Your right to appeal" in flat
    doc = Document(str(written.path))
    header_rels = doc.sections[0].header.part.rels.values()
    assert any("image" in rel.reltype for rel in header_rels)  # the logo came through
    # A kind the authority has no template for falls back to the default.
    with db.session() as s:
        other = write_letter(s, USER, case_id, "ACK", date(2026, 1, 6))
    assert "Thank you for the request" in letter_text(other.path)


@pytest.mark.parametrize(
    ("with_rights", "hide", "message"),
    [(False, False, "lacks the locked block"), (True, True, "lost")],
)
def test_template_cannot_drop_the_rights(
    sqlite_db: Database, tmp_path: Path, with_rights: bool, hide: bool, message: str
) -> None:
    own = tmp_path / "bad"
    own.mkdir()
    _authority_template(own, "DNA", with_rights=with_rights, hide=hide)
    with sqlite_db.session() as s:
        case_id, fills, as_of = build(s, "DNA")
        save_contact(s, "templates.folder", str(own), USER)
        with pytest.raises(KnownError, match=message):
            write_letter(s, USER, case_id, "DNA", as_of, fills)


def test_unknown_field_in_a_template_is_refused(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("{{ child.nickname }} {{ parent_phone }}")
    doc.add_paragraph("{{p STATUTORY }}")
    doc.save(str(tmp_path / "ACK.docx"))
    with pytest.raises(KnownError, match="parent_phone"):
        check_template(tmp_path / "ACK.docx", ("STATUTORY",))


def test_default_templates_match_the_script_and_use_known_fields(tmp_path: Path) -> None:
    import subprocess
    import sys
    import zipfile

    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, str(root / "scripts" / "make_letters.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for kind in KINDS:
        committed = default_templates_dir() / f"{kind.code}.docx"
        with zipfile.ZipFile(committed) as a, zipfile.ZipFile(tmp_path / f"{kind.code}.docx") as b:
            assert a.read("word/document.xml") == b.read("word/document.xml"), kind.code
        required = kind.blocks + (("RIGHTS",) if kind.code == "RD" else ())
        template = check_template(committed, required)
        assert template.get_undeclared_template_variables() <= KNOWN_NAMES


def test_mark_sent_feeds_the_appeal_clock_and_the_chronology(db: Database) -> None:
    with db.session() as s:
        case_id, fills, as_of = build(s, "DNA")
        written = write_letter(s, USER, case_id, "DNA", as_of, fills)
    with db.session() as s:
        letter = case_letters(s, case_id)[0]
        with pytest.raises(KnownError, match="write it again dated"):
            mark_sent(s, USER, letter.id, letter.version, date(2026, 2, 12), "post")
    with db.session() as s:
        letter = case_letters(s, case_id)[0]
        mark_sent(s, USER, letter.id, letter.version, as_of, "email")
    with db.session() as s:
        facts = case_facts(s, [case_id])[case_id]
        entries = chronology(s, case_id)
    assert facts.decision_sent == as_of
    steps = {x.id: x for x in compute_steps(facts, date(2026, 3, 1))}
    assert letter_date(steps["A2"].due) in letter_text(written.path)  # type: ignore[arg-type]
    sent = [e for e in entries if e.title == "Letter sent"]
    assert len(sent) == 1 and sent[0].day == as_of
    assert "DNA to Dana Brightwater by email" in sent[0].detail
    assert str(written.path) in sent[0].detail
    with db.session() as s:
        letter = case_letters(s, case_id)[0]
        with pytest.raises(KnownError, match="already marked sent"):
            mark_sent(s, USER, letter.id, letter.version, as_of, "email")


def test_changed_copy_cannot_be_marked_sent(sqlite_db: Database) -> None:
    with sqlite_db.session() as s:
        case_id, _fills, as_of = build(s, "ACK")
        written = write_letter(s, USER, case_id, "ACK", as_of)
    written.path.write_bytes(written.path.read_bytes() + b"x")
    with sqlite_db.session() as s:
        letter = case_letters(s, case_id)[0]
        with pytest.raises(KnownError, match="missing or was changed"):
            mark_sent(s, USER, letter.id, letter.version, as_of, "post")


def test_chase_letters_grouped_by_adviser(db: Database) -> None:
    with db.session() as s:
        save_contacts(s)
        ids = []
        for _ in range(2):
            case = base_case(s, decision_to_assess=date(2026, 2, 9), decision_outcome="assess")
            ids.append(case.id)
            add_advice_request(
                s,
                case.id,
                USER,
                kind="EP",
                requested=date(2026, 2, 10),
                advice_giver="Dr Lee",
                as_of=date(2026, 12, 1),
            )
            add_advice_request(
                s,
                case.id,
                USER,
                kind="health",
                requested=date(2026, 2, 10),
                advice_giver="Community Paediatrics",
                as_of=date(2026, 12, 1),
            )
        add_advice_request(
            s,
            ids[0],
            USER,
            kind="school",
            requested=date(2026, 3, 20),
            advice_giver="Oak Primary",
            as_of=date(2026, 12, 1),
        )
    with db.session() as s:
        written = chase_letters(s, USER, date(2026, 4, 1))
    # Dr Lee and Paediatrics are late (due 24 Mar); Oak Primary's 6 weeks have not passed.
    assert sorted(w.recipient for w in written) == ["Community Paediatrics", "Dr Lee"]
    lee = next(w for w in written if w.recipient == "Dr Lee")
    text = letter_text(lee.path)
    assert text.count("EP advice requested 10 February 2026, due 24 March 2026") == 2
    assert "Oak Primary" not in text
    with db.session() as s:
        for letter_id in lee.letter_ids:
            from send_desktop.store.models import Letter

            row = s.get(Letter, letter_id)
            assert row is not None
            mark_sent(s, USER, row.id, row.version, date(2026, 4, 1), "email")
    with db.session() as s:
        chased = [e for e in chronology(s, ids[0]) if e.title == "Advice chased"]
    assert [e.detail for e in chased] == ["EP (Dr Lee)"]


@pytest.mark.slow
def test_pdf_through_libreoffice(sqlite_db: Database) -> None:
    import os
    import shutil
    import subprocess

    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        missing = "LibreOffice (libreoffice-writer-nogui) and poppler-utils are not installed"
        if os.environ.get("SEND_DESKTOP_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(f"{missing}, and CI requires the LibreOffice check")
        pytest.skip(missing)
    from send_desktop.letters import to_pdf

    with sqlite_db.session() as s:
        case_id, fills, as_of = build(s, "DNA")
        written = write_letter(s, USER, case_id, "DNA", as_of, fills)
    pdf = to_pdf(written.path)
    assert pdf.parent == written.path.parent and (pdf.stat().st_mode & 0o777) == 0o600
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert CHILD in flat and "10 April 2026" in flat and "Your right to appeal" in flat


def test_pdf_without_libreoffice_says_so(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from send_desktop.letters import to_pdf

    with sqlite_db.session() as s:
        case_id, _fills, as_of = build(s, "ACK")
        written = write_letter(s, USER, case_id, "ACK", as_of)
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(KnownError, match="PDF needs LibreOffice"):
        to_pdf(written.path)


_TYPED = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60
).filter(lambda t: t.strip() != "")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(reasons=_TYPED, adviser=_TYPED)
def test_any_typed_text_is_kept_verbatim(
    sqlite_db: Database, tmp_path: Path, reasons: str, adviser: str
) -> None:
    """Reasons and contacts may hold &, <, braces or the word None: kept as typed, never XML."""
    from send_desktop.letters import render

    with sqlite_db.session() as s:
        if not case_letters_exist(s):
            build(s, "DNA")
        save_contact(s, "mediation.name", adviser, USER)
        case_id = s.execute(select(Case.id)).scalar_one()
        data = gather(s, case_id, "DNA", date(2026, 2, 10), {"reasons": reasons})
    out = render(data, tmp_path / "typed.docx")
    flat = " ".join(letter_text(out).split())
    assert " ".join(reasons.split()) in flat
    assert f"The mediation adviser is {' '.join(adviser.split())}:" in flat


def case_letters_exist(s: Session) -> bool:
    return s.execute(select(Case.id)).first() is not None
