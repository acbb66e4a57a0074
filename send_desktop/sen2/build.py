"""Build, check and write the SEN2 return: `build_return` is what the CLI and the GUI call.

Each Person is built, checked and serialised in turn, straight into a temporary file in the
output's own folder (so the file is never in memory whole, and never half-written): only when
no error was found is it renamed over the output (os.replace is atomic on one file system).
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session

from send_desktop import __version__
from send_desktop.errors import KnownError
from send_desktop.sen2 import codes
from send_desktop.sen2.collect import Collector
from send_desktop.sen2.preview import PreviewCounter, PreviewLine
from send_desktop.sen2.spec import TREES
from send_desktop.sen2.validate import Context, PersonChecker, Problem, check_header
from send_desktop.store.models import utc_now
from send_desktop.store.settings import get_setting, load_policy

log = logging.getLogger(__name__)

SOFTWARE_CODE = "SEND Desktop"
# Settings the team leader keeps for the return (the SEN2 window's Authority box).
SETTING_LEA = "sen2.lea"
SETTING_OFFICERS = ("sen2.dmo", "sen2.dco", "sen2.dsco")
SETTING_SERIAL = "sen2.serial"

Progress = Callable[[int, int], bool]


@dataclass
class Sen2Result:
    collection: int
    lea: str | None
    persons: int = 0
    requests: int = 0
    problems: list[Problem] = field(default_factory=list)
    preview: list[PreviewLine] = field(default_factory=list)
    written: Path | None = None
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def queries(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def would_be_rejected(self) -> bool:
        return bool(self.errors)


def serialise(element: ET.Element, level: int) -> str:
    """The element as indented XML text (two spaces a level), one line per value.

    Built by hand rather than with ET.indent + ET.tostring: a return has no namespaces or
    attributes, and this is three times faster on 100,000 persons.
    """
    parts: list[str] = []
    _serialise(element, "  " * level, parts)
    return "".join(parts)


def _serialise(e: ET.Element, pad: str, parts: list[str]) -> None:
    tag = e.tag
    if len(e):
        parts.append(f"{pad}<{tag}>\n")
        inner = pad + "  "
        for kid in e:
            _serialise(kid, inner, parts)
        parts.append(f"{pad}</{tag}>\n")
    else:
        parts.append(f"{pad}<{tag}>{escape(e.text or '')}</{tag}>\n")


def header_element(
    collection: int, lea: str, officers: tuple[str, str, str], serial: str, made: datetime
) -> ET.Element:
    header = ET.Element("Header")
    details = ET.SubElement(header, "CollectionDetails")
    ET.SubElement(details, "Collection").text = "SEN2"
    ET.SubElement(details, "Year").text = str(collection)
    ET.SubElement(details, "ReferenceDate").text = codes.census_day(collection).isoformat()
    source = ET.SubElement(header, "Source")
    for tag, value in (
        ("SourceLevel", "L"),
        ("LEA", lea),
        ("SoftwareCode", SOFTWARE_CODE),
        ("Release", __version__),
        ("SerialNo", serial),
        ("DateTime", made.strftime("%Y-%m-%dT%H:%M:%S")),
        ("DMO", officers[0]),
        ("DCO", officers[1]),
        ("DSCO", officers[2]),
    ):
        if value:
            ET.SubElement(source, tag).text = value
    return header


def build_return(
    session: Session,
    collection: int,
    out: Path | None,
    *,
    lea: str | None = None,
    officers: tuple[str | None, str | None, str | None] = (None, None, None),
    serial: str | None = None,
    made: datetime | None = None,
    progress: Progress | None = None,
) -> Sen2Result:
    """Build the return for `collection` (e.g. 2027) from the case store and check it.

    With `out`, the file is written there only when no error was found; with None (--check)
    nothing is written. LA code, DMO/DCO/DSCO answers and serial come from the arguments, else
    the saved settings.
    """
    started = time.perf_counter()
    codes.census_day(collection)  # a known error for a year with no census day
    if collection not in TREES:
        # 2025 put LastReview after ReviewMeeting and left DSCO, RequestSource and the
        # phase-transfer items voluntary (sen2-return.md section 8): not written by this program.
        raise KnownError(
            f"This program writes the {', '.join(str(y) for y in TREES)} SEN2 returns; the "
            f"{collection} return had a different layout"
        )
    lea = lea or get_setting(session, SETTING_LEA)
    chosen = tuple(
        given or get_setting(session, key)
        for given, key in zip(officers, SETTING_OFFICERS, strict=True)
    )
    serial = serial or get_setting(session, SETTING_SERIAL) or "001"
    made = made or utc_now()
    policy = load_policy(session)
    result = Sen2Result(collection, lea)
    ctx = Context(collection, lea)
    header = header_element(collection, lea or "", chosen, serial, made)  # type: ignore[arg-type]
    result.problems += check_header(header, ctx)
    checker = PersonChecker(ctx)
    counter = PreviewCounter(collection, policy)
    collector = Collector(session, collection, policy)

    temp: Path | None = None
    handle = None
    if out is not None:
        folder = out.resolve().parent
        if not folder.is_dir():
            raise KnownError(f"The folder {folder} does not exist: choose another place to save")
        try:
            fd, name = tempfile.mkstemp(dir=folder, prefix=".sen2-", suffix=".part")
        except OSError as exc:
            raise KnownError(f"Cannot write in {folder}: {exc.strerror}") from exc
        temp = Path(name)
        handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
    try:
        if handle is not None:
            handle.write('<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n')
            handle.write(serialise(header, 1))
            handle.write("  <Persons>\n")
        for n, person in enumerate(collector.persons(progress), 1):
            result.persons = n
            result.requests += len(person.element.findall("Requests"))
            result.problems += checker.check(person.element, n, person.who)
            counter.add(person.element)
            if handle is not None:
                handle.write(serialise(person.element, 2))
        if progress is not None and not progress(result.persons, result.persons):
            raise KnownError("The SEN2 return was cancelled; nothing was written")
        if result.persons == 0:
            result.problems.append(
                Problem(
                    "S01",
                    "E",
                    "File",
                    "Persons > Person",
                    f"no case touches the {collection} collection period; the return needs at "
                    "least one person.",
                    "check the collection year, or record the cases",
                )
            )
        result.preview = counter.lines(lea)
        if handle is not None:
            handle.write("  </Persons>\n</Message>\n")
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            handle = None
            if not result.would_be_rejected and temp is not None and out is not None:
                os.replace(temp, out)
                temp = None
                result.written = out
    finally:
        if handle is not None:
            handle.close()
        if temp is not None:
            temp.unlink(missing_ok=True)
    result.seconds = time.perf_counter() - started
    log.info(
        "SEN2 %d: %d persons, %d errors, %d queries in %.1f s",
        collection,
        result.persons,
        len(result.errors),
        len(result.queries),
        result.seconds,
    )
    return result


def render_problems(problems: list[Problem]) -> str:
    """Problems grouped by who, errors first, in plain words."""
    if not problems:
        return "No problems: every SEN2 rule passes."
    groups: dict[tuple[int, str], list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.person, p.who), []).append(p)
    lines: list[str] = []
    errors = sum(p.is_error for p in problems)
    lines.append(
        f"{errors} error(s) (COLLECT rejects the return until they are fixed) and "
        f"{len(problems) - errors} query(ies) (explain or fix), for {len(groups)} person(s) "
        "or parts of the file:"
    )
    for (_n, who), found in sorted(
        groups.items(), key=lambda kv: (not any(p.is_error for p in kv[1]), kv[0][0])
    ):
        lines.append("")
        lines.append(who)
        for p in sorted(found, key=lambda p: (not p.is_error, p.rule)):
            lines.append("  " + p.line())
    return "\n".join(lines)


def render_preview(result: Sen2Result) -> str:
    if not result.preview:
        return ""
    year = next((line.year for line in result.preview if line.year), None)
    own = codes.la_names().get(result.lea or "", result.lea or "this LA")
    head = ("Measure", "This return", f"England {year}", f"{own} {year}")
    rows = [
        (line.title, line.ours.text(), line.england.text(), line.published.text())
        for line in result.preview
    ]
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(4)]
    out = [
        f"What DfE will publish from this return ({result.collection} collection, "
        f"period {codes.collection_period(result.collection)[0].year}):",
        "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    out.append(f"Published figures: {codes.national_source()}")
    return "\n".join(out)
