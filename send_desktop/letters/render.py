"""Fill a .docx template (docxtpl) with a letter's fields and locked blocks, and guard the result.

An authority's template may say anything around the slots, but it cannot change a date or drop
the rights: the dates and the legal text arrive as whole paragraphs (RichTextParagraph) written by
the program, a template without a required block is refused, and the filled letter is read back
and refused if a required date or block is missing, a field is unfilled or "None" shows.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from docx import Document
from docxtpl import DocxTemplate, Listing, RichText, RichTextParagraph
from jinja2 import Environment, StrictUndefined, TemplateError, UndefinedError

from send_desktop.errors import KnownError
from send_desktop.letters.context import LetterData, Para
from send_desktop.paths import data_dir, resource

# The names a template may use (top level; the dotted parts come from LetterData.fields).
KNOWN_NAMES = frozenset(
    {
        "case",
        "child",
        "letter",
        "la",
        "caseworker",
        "signatory",
        "local_offer",
        "sendiass",
        "mediation",
        "dr_service",
        "tribunal",
        "setting",
        "recipient",
        "cc",
        "request",
        "decision",
        "reasons",
        "draft",
        "plan",
        "delay",
        "exception",
        "meeting",
        "cease",
        "transfer",
        "advice",
        "dates",
        "STATUTORY",
        "RIGHTS",
        "IAS",
    }
)
LOCKED_BLOCKS = ("STATUTORY", "RIGHTS", "IAS")
_UNFILLED = re.compile(r"\{\{|\}\}|\{%|%\}|\bNone\b")


def default_templates_dir() -> Path:
    return resource("letters")


def template_path(code: str, folder: str = "") -> Path:
    """The authority's template for this kind if its folder has one, else the default."""
    if folder:
        own = Path(folder).expanduser()
        if not own.is_dir():
            raise KnownError(
                f"The authority's letter templates folder {own} does not exist: fix the "
                "templates folder under Letters > Team contacts"
            )
        found = own / f"{code}.docx"
        if found.exists():
            return found
    path = default_templates_dir() / f"{code}.docx"
    if not path.exists():
        raise KnownError(f"No template for the {code} letter ({path} is missing)")
    return path


def required_blocks(data: LetterData) -> tuple[str, ...]:
    extra = tuple(b for b in data.blocks if b not in data.kind.blocks and b != "IAS")
    return (*data.kind.blocks, *extra)


def check_template(path: Path, required: tuple[str, ...]) -> DocxTemplate:
    """Open a template and refuse it if it uses unknown fields or lacks a locked block."""
    try:
        template = DocxTemplate(str(path))
        names = template.get_undeclared_template_variables()
    except TemplateError as exc:
        raise KnownError(
            f"The letter template {path.name} has a mistake in a field: {exc}"
        ) from exc
    except Exception as exc:  # not a .docx at all (zip or XML errors)
        raise KnownError(f"{path} is not a Word (.docx) letter template: {exc}") from exc
    unknown = sorted(names - KNOWN_NAMES)
    if unknown:
        raise KnownError(
            f"The letter template {path.name} uses a field the program does not know: "
            f"{unknown[0]} (see docs/notes/issue-17.md for the fields)"
        )
    template.init_docx()
    # Word splits typed text into runs: look at the text with the XML tags taken out.
    xml = re.sub(r"<[^>]+>", "", template.get_xml())
    for block in required:
        if not re.search(r"\{\{p\s+" + block + r"\s*\}\}", xml):
            raise KnownError(
                f"The letter template {path.name} lacks the locked block {{{{p {block} }}}} "
                "(the dates and rights the law requires): put it back on a paragraph of its own"
            )
    return template


def _block(paras: list[Para]) -> RichTextParagraph:
    """A locked block as whole paragraphs (escaped text: a value cannot inject Word XML)."""
    block = RichTextParagraph()
    for para in paras:
        if para.heading:
            block.add(RichText(para.text, bold=True))
        else:
            block.add(RichText(("\u2022 " if para.bullet else "") + para.text))
    return block


def letter_text(path: Path) -> str:
    """The text of a .docx (body, tables, headers and footers), as a caseworker reads it."""
    doc = Document(str(path))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        for part in (section.header, section.footer):
            lines.extend(p.text for p in part.paragraphs)
            for table in part.tables:
                for row in table.rows:
                    lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def render(data: LetterData, dest: Path, folder: str = "") -> Path:
    """Write the letter to dest (mode 0600), refusing a result that lost a date or a block."""
    path = template_path(data.kind.code, folder)
    required = required_blocks(data)
    template = check_template(path, required)
    context: dict[str, Any] = dict(data.fields)
    recipient = dict(context.get("recipient", {}))
    if recipient.get("address"):
        recipient["address"] = Listing(recipient["address"])
    context["recipient"] = recipient
    context["dates"] = dict(data.dates)
    for name in LOCKED_BLOCKS:
        context[name] = _block(data.blocks.get(name, []))
    try:
        # autoescape: a name or contact holding "&" or "<" must not break the Word XML.
        template.render(
            context,
            jinja_env=Environment(undefined=StrictUndefined, autoescape=True),
            autoescape=True,
        )
    except (UndefinedError, TemplateError) as exc:
        raise KnownError(f"The letter template {path.name} could not be filled: {exc}") from exc
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp_name = tempfile.mkstemp(suffix=".docx", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        template.save(str(tmp))
        os.chmod(tmp, 0o600)
        _guard(tmp, data, required, path)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def _guard(filled: Path, data: LetterData, required: tuple[str, ...], template: Path) -> None:
    text = letter_text(filled)
    flat = " ".join(text.split())
    # What the caseworker typed may say "None" or hold braces: only the template's own text and
    # the program's fields are checked for unfilled slots.
    checked = flat
    for value in sorted((str(v) for v in data.inputs.values()), key=len, reverse=True):
        if value:
            checked = checked.replace(" ".join(value.split()), " ")
    bad = _UNFILLED.search(checked)
    if bad:
        raise KnownError(
            f"The {data.kind.code} letter from {template.name} still shows {bad.group(0)!r}: "
            "a field was left unfilled; fix the template"
        )
    for step_id, written in data.dates.items():
        if written not in flat:
            raise KnownError(
                f"The {data.kind.code} letter from {template.name} lost the date of {step_id} "
                f"({written}): a locked block must not sit inside a condition"
            )
    for block in required:
        paras = data.blocks.get(block) or []
        first = " ".join(paras[0].text.split()) if paras else ""
        if first and first not in flat:
            raise KnownError(
                f"The {data.kind.code} letter from {template.name} lost its {block} block: "
                "a locked block must not sit inside a condition"
            )


def letters_dir(case_ref: str) -> Path:
    """Where a case's letters are kept: inside the private data folder (0700)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", case_ref)
    path = data_dir() / "letters" / safe
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def to_pdf(docx: Path, out_dir: Path | None = None) -> Path:
    """Convert with LibreOffice headless; its profile lives in the private data folder."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise KnownError(
            "PDF needs LibreOffice: install it (e.g. apt install libreoffice-writer-nogui) "
            "or open the .docx in Word and save it as PDF"
        )
    out_dir = out_dir or docx.parent
    profile = data_dir() / "libreoffice-profile"
    profile.mkdir(exist_ok=True, mode=0o700)
    env = {**os.environ, "HOME": str(profile)}
    try:
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(docx),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise KnownError(
            "LibreOffice took more than 3 minutes to make the PDF; try again"
        ) from None
    pdf = out_dir / (docx.stem + ".pdf")
    if done.returncode != 0 or not pdf.exists():
        raise KnownError(f"LibreOffice could not make the PDF: {done.stderr.strip()[-300:]}")
    os.chmod(pdf, 0o600)
    return pdf
