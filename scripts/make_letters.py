"""Write the default letter templates, resources/letters/<KIND>.docx (python-docx + docxtpl tags).

The wording is ours, in plain English; an authority copies a file into its own templates folder
and edits the words around the slots in Word. The locked blocks ({{p STATUTORY }}, {{p RIGHTS }},
{{p IAS }}) are filled by the program with the dates and rights the law requires.

    python scripts/make_letters.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from send_desktop.letters.kinds import KINDS  # noqa: E402

# kind -> (subject line, opening words, closing words). Plain English, written for this project.
WORDING: dict[str, tuple[str, list[str], list[str]]] = {
    "ACK": (
        "Your request for an EHC needs assessment",
        [
            "Thank you for the request for an education, health and care (EHC) needs assessment for {{ child.first_name }}."
        ],
        [
            "If anything changes, or you have more information to share, please contact your caseworker."
        ],
    ),
    "DA": (
        "We will carry out an EHC needs assessment",
        [
            "We have looked at the request for an EHC needs assessment for {{ child.first_name }} and we have decided to carry out an assessment."
        ],
        ["Your caseworker will keep in touch with you while we gather the advice."],
    ),
    "DNA": (
        "We will not carry out an EHC needs assessment",
        [
            "We have looked carefully at the request for an EHC needs assessment for {{ child.first_name }} and the evidence you and others sent us. We have decided not to carry out an assessment at this time."
        ],
        [
            "We would be glad to meet you to explain our decision and to talk about how {{ child.first_name }}'s needs can be met through SEN support at their school or setting. Please contact your caseworker to arrange this."
        ],
    ),
    "ADV": (
        "Request for advice and information: EHC needs assessment",
        ["We are writing to ask for your advice for an EHC needs assessment."],
        [
            "Please write your advice in plain words so the family can understand it. If you cannot meet the date, please tell us now."
        ],
    ),
    "CHASE": (
        "Reminder: advice for EHC needs assessments is overdue",
        ["We wrote to you asking for advice for the EHC needs assessments listed below."],
        ["Thank you for your help. Please contact us if any of these requests did not reach you."],
    ),
    "NP": (
        "We will not issue an EHC plan",
        [
            "We have finished the EHC needs assessment for {{ child.first_name }}. Thank you for taking part and for sharing your views."
        ],
        [
            "We would be glad to meet you to talk about the assessment and how {{ child.first_name }}'s needs can be met without a plan."
        ],
    ),
    "DP": (
        "The draft EHC plan for {{ child.first_name }}",
        [
            "We enclose the draft education, health and care plan for {{ child.first_name }}. Please read it and tell us what you think."
        ],
        ["Your caseworker can talk you through the draft and answer any questions."],
    ),
    "CON": (
        "Consultation: naming your school or college in an EHC plan",
        [
            "We are asking whether your school or college can meet the needs of the child or young person named below."
        ],
        ["Please contact the caseworker below if you need more information."],
    ),
    "FP": (
        "The final EHC plan for {{ child.first_name }}",
        ["We enclose the final education, health and care plan for {{ child.first_name }}."],
        [
            "We will review the plan at least once a year. Please contact your caseworker with any questions."
        ],
    ),
    "DEL": (
        "A time limit in {{ child.first_name }}'s EHC process will be missed",
        [
            "We are writing to let you know that we will not meet a time limit in {{ child.first_name }}'s EHC process, and why."
        ],
        ["We will keep you informed and do everything we can to finish as soon as possible."],
    ),
    "AR": (
        "Invitation to {{ child.first_name }}'s annual review",
        ["You are invited to the annual review meeting of {{ child.first_name }}'s EHC plan."],
        ["Please let us know if you cannot attend, or if you need help to take part."],
    ),
    "RD": (
        "The outcome of {{ child.first_name }}'s annual review",
        ["Thank you for taking part in the annual review of {{ child.first_name }}'s EHC plan."],
        ["Please contact your caseworker if you have any questions."],
    ),
    "FAP": (
        "The amended EHC plan for {{ child.first_name }}",
        [
            "We enclose the final amended education, health and care plan for {{ child.first_name }}."
        ],
        ["Please contact your caseworker if you have any questions."],
    ),
    "NTA": (
        "We will not amend {{ child.first_name }}'s EHC plan",
        [
            "After the annual review we proposed changes to {{ child.first_name }}'s EHC plan. We have now decided not to make them."
        ],
        ["Please contact your caseworker if you would like to talk about this decision."],
    ),
    "PT": (
        "Moving to the next school or college: {{ child.first_name }}'s EHC plan",
        [
            "{{ child.first_name }} will soon move to the next stage of education, so the EHC plan needs to name the next school or college."
        ],
        ["Please tell us soon which schools or colleges you would like us to consider."],
    ),
    "CP": (
        "We are thinking about ceasing {{ child.first_name }}'s EHC plan",
        [
            "We are writing to ask for your views before we decide whether to cease to maintain {{ child.first_name }}'s EHC plan. No decision has been made."
        ],
        ["You can ask your caseworker for a meeting to talk about this."],
    ),
    "CD": (
        "Our decision to cease {{ child.first_name }}'s EHC plan",
        [
            "Thank you for your views on our proposal to cease to maintain {{ child.first_name }}'s EHC plan. We have now made a decision."
        ],
        ["Please contact your caseworker if you have any questions."],
    ),
}


def make(code: str, blocks: tuple[str, ...], family: bool, out: Path) -> Path:
    subject, opening, closing = WORDING[code]
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    head.add_run("{{ la.name }}").bold = True
    doc.add_paragraph("Our ref: {{ case.ref }}")
    doc.add_paragraph("Date: {{ letter.date }}")
    doc.add_paragraph("{{ recipient.name }}")
    doc.add_paragraph("{{ recipient.address }}")
    doc.add_paragraph("Dear {{ recipient.name }},")
    heading = doc.add_paragraph()
    heading.add_run(subject).bold = True
    if code != "CHASE":
        doc.add_paragraph("Child or young person: {{ child.name }}, date of birth {{ child.dob }}")
    for text in opening:
        doc.add_paragraph(text)
    doc.add_paragraph("{{p STATUTORY }}")
    if "RIGHTS" in blocks or code == "RD":
        doc.add_paragraph("{{p RIGHTS }}")
    for text in closing:
        doc.add_paragraph(text)
    if family:
        doc.add_paragraph("{{p IAS }}")
        doc.add_paragraph(
            "If you would like this letter in another format or language, please contact us."
        )
    doc.add_paragraph("Yours sincerely,")
    doc.add_paragraph("{{ signatory.name }}")
    doc.add_paragraph("{{ signatory.title }}, {{ la.name }}")
    doc.add_paragraph(
        "Your contact: {{ caseworker.name }}, telephone {{ caseworker.phone }}, "
        "email {{ caseworker.email }}"
    )
    doc.add_paragraph("{%p if cc.list %}")
    doc.add_paragraph("Copy to: {{ cc.list }}")
    doc.add_paragraph("{%p endif %}")
    path = out / f"{code}.docx"
    doc.core_properties.author = "SEND Desktop"
    doc.core_properties.title = code
    doc.save(str(path))
    return path


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "resources" / "letters"
    out.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        print(make(kind.code, kind.blocks, kind.family, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
