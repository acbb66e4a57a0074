"""Every SEN2 validation rule, in plain words: who, which item, why, and how to fix it.

Rules and ids follow sen2-return.md section 5 (E: error, COLLECT rejects the return; Q: query,
it must be explained or fixed). The checks work on the XML elements themselves, so the same
code checks a return this program built and a file from elsewhere (last year's, or a hand edit).
Persons are checked one at a time (`PersonChecker.check`), so a 100,000-child return is never
held in memory as a whole tree.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from send_desktop.sen2 import codes
from send_desktop.sen2.spec import DATE_ITEMS, FLAG_ITEMS, ITEM_WORDS, MANY, TREES, Child
from send_desktop.timeline.counting import months_after


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing COLLECT would reject (E) or query (Q)."""

    rule: str
    severity: str  # "E" or "Q"
    who: str
    item: str
    why: str
    fix: str
    person: int = 0  # 1-based position in Persons; 0 for the header or the file

    @property
    def is_error(self) -> bool:
        return self.severity == "E"

    def line(self) -> str:
        kind = "error" if self.is_error else "query"
        return f"[{self.rule} {kind}] {self.item}: {self.why} Fix: {self.fix}"


def words(tag: str) -> str:
    return ITEM_WORDS.get(tag, tag)


@lru_cache(maxsize=65536)
def parse_date(text: str | None) -> date | None:
    if text is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _text(e: ET.Element | None, tag: str) -> str | None:
    if e is None:
        return None
    child = e.find(tag)
    return None if child is None else (child.text or "")


def _date(e: ET.Element | None, tag: str) -> date | None:
    return parse_date(_text(e, tag))


# Code lists by item. PlanDetail's SENsetting excludes the placement-only NEET/NIEC/NIEO (F20).
CODE_LISTS: Mapping[str, Iterable[str]] = {
    "Sex": codes.SEX,
    "Ethnicity": codes.ETHNICITY,
    "UPNunknown": codes.UPN_UNKNOWN,
    "RequestSource": codes.REQUEST_SOURCE,
    "RequestOutcome": codes.REQUEST_OUTCOME,
    "AssessmentOutcome": codes.ASSESSMENT_OUTCOME,
    "PlanRes": codes.RESIDENTIAL,
    "Res": codes.RESIDENTIAL,
    "PlanWBP": codes.WORK_BASED,
    "WBP": codes.WORK_BASED,
    "DP": codes.DIRECT_PAYMENT,
    "CeaseReason": codes.CEASE_REASON,
    "PlacementRank": codes.RANK,
    "SENtypeRank": codes.RANK,
    "SENtype": codes.SEN_TYPE,
    "ReviewOutcome": codes.REVIEW_OUTCOME,
    "DMO": codes.OFFICER_ANSWERS,
    "DCO": codes.OFFICER_ANSWERS,
    "DSCO": codes.OFFICER_ANSWERS,
}
_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


_CHILD_ITEMS = frozenset({"Surname", "Forename", "PersonBirthDate", "Sex", "PostCode"})
_HEADER_ITEMS = {"LEA": "--lea", "DMO": "--dmo", "DCO": "--dco", "DSCO": "--dsco"}


def _fix_for(tag: str) -> str:
    if tag in _HEADER_ITEMS:
        return (
            f"give {_HEADER_ITEMS[tag]} to `send-desktop sen2`, or fill in the Authority box of "
            "the SEN2 return window (it is saved for next time)"
        )
    if tag in _CHILD_ITEMS:
        return f"record the child's {words(tag)} in the case's child details"
    return f"record the {words(tag)} in the case window's SEN2 tab (or the case's details)"


class Context:
    """What the person checks need from the header and from persons already checked."""

    def __init__(self, collection: int, lea: str | None) -> None:
        self.collection = collection
        self.census = codes.CENSUS_DAYS.get(collection)
        self.period = codes.collection_period(collection)
        self.lea = lea
        self.tree = TREES.get(collection, TREES[2027])
        # Who holds each UPN, ULN and name + birthday seen so far (K01-K03).
        self.upns: dict[str, str] = {}
        self.ulns: dict[str, str] = {}
        self.names: dict[tuple[str, str, str], str] = {}


@dataclass
class _Found:
    who: str
    person: int
    problems: list[Problem] = field(default_factory=list)

    def add(self, rule: str, severity: str, item: str, why: str, fix: str) -> None:
        self.problems.append(Problem(rule, severity, self.who, item, why, fix, self.person))


_ORDERS: dict[tuple[int, str], dict[str, int]] = {}


def _order(tree: Mapping[str, tuple[Child, ...]], tag: str) -> dict[str, int]:
    key = (id(tree), tag)
    found = _ORDERS.get(key)
    if found is None:
        found = _ORDERS[key] = {c.tag: i for i, c in enumerate(tree[tag])}
    return found


def check_structure(
    e: ET.Element,
    path: str,
    tree: Mapping[str, tuple[Child, ...]],
    out: _Found,
    ctx: Context | None = None,
    born: date | None = None,
) -> None:
    """S01-S05, F01/F02 and (given ctx) every value's format, code list and date order
    (F10-F41, D01, D02) on a container and, recursively, everything inside it: one pass."""
    spec = tree[e.tag]
    if e.text is not None and e.text.strip():
        out.add("S05", "E", path, f"{e.tag} holds text but is a container.", "remove the text")
    order = _order(tree, e.tag)
    counts: dict[str, int] = {}
    last = -1
    containers: list[ET.Element] = []
    for kid in e:
        tag = kid.tag
        where = order.get(tag)
        if where is None:
            out.add(
                "S02",
                "E",
                f"{path} > {tag}",
                f"{tag} is not an item of {e.tag}.",
                "remove it or check its spelling (SENsetting, not SENSetting)"
                if tag == "SENSetting"
                else "remove it or check its spelling",
            )
            continue
        if where < last:
            out.add(
                "S03",
                "E",
                f"{path} > {tag}",
                f"{tag} comes after {spec[last].tag}; the order is "
                + ", ".join(c.tag for c in spec)
                + ".",
                "write the items in the specification's order",
            )
        else:
            last = where
        counts[tag] = counts.get(tag, 0) + 1
        if tag in tree:
            containers.append(kid)
            continue
        if len(kid):
            out.add(
                "S05",
                "E",
                f"{path} > {tag}",
                f"{tag} holds elements but is a value.",
                "remove the elements inside it",
            )
        text = kid.text
        if text is None or text == "":
            out.add(
                "F01",
                "E",
                f"{path} > {tag}",
                f"the {words(tag)} is an empty tag.",
                "leave the item out when it has no value",
            )
            continue
        value = text.strip()
        if value != text:
            out.add(
                "F02",
                "Q",
                f"{path} > {tag}",
                f"the {words(tag)} has spaces around it.",
                "remove them",
            )
        if ctx is not None:
            _check_leaf(tag, value, e.tag, path, ctx, out, born)
    for c in spec:
        n = counts.get(c.tag, 0)
        if n < c.least:
            out.add(
                "S01",
                "E",
                f"{path} > {c.tag}",
                f"the {words(c.tag)} is missing; it is required.",
                _fix_for(c.tag),
            )
        if n > c.most:
            most = "once" if c.most == 1 else f"{c.most} times" if c.most < MANY else ""
            out.add(
                "S04",
                "E",
                f"{path} > {c.tag}",
                f"{c.tag} appears {n} times; at most {most}.",
                "keep one and remove the others",
            )
    seen: dict[str, int] = {}
    for kid in containers:
        if counts[kid.tag] > 1:
            seen[kid.tag] = seen.get(kid.tag, 0) + 1
            label = f"{path} > {kid.tag} {seen[kid.tag]}"
        else:
            label = f"{path} > {kid.tag}"
        check_structure(kid, label, tree, out, ctx, born)


def _check_leaf(
    tag: str,
    value: str,
    parent: str,
    path: str,
    ctx: Context,
    out: _Found,
    born: date | None,
) -> None:
    """Format and code list of one value (F10-F41), and D01/D02 for dates."""
    item = f"{path} > {tag}"
    if tag in DATE_ITEMS:
        day = parse_date(value)
        if day is None:
            out.add(
                "F10",
                "E",
                item,
                f"the {words(tag)} '{value}' is not a date (YYYY-MM-DD).",
                "enter it as a real date",
            )
        elif (
            ctx.census is not None
            and day > ctx.census
            and tag not in ("PhaseTransferDueDate", "ReferenceDate")
        ):
            out.add(
                "D01",
                "E",
                item,
                f"the {words(tag)} {value} is after census day {ctx.census}.",
                "check the date; events after census day belong in next year's return",
            )
        if day is not None and born is not None and day < born and tag != "PersonBirthDate":
            out.add(
                "D02",
                "E",
                item,
                f"the {words(tag)} {day} is before the date of birth {born}.",
                "check both dates",
            )
    elif tag in FLAG_ITEMS:
        if value not in codes.FLAGS:
            out.add(
                "F20",
                "E",
                item,
                f"the {words(tag)} '{value}' must be 1 (yes) or 0 (no).",
                "choose yes or no",
            )
    elif tag in CODE_LISTS:
        if value not in CODE_LISTS[tag]:
            out.add(
                "F20",
                "E",
                item,
                f"'{value}' is not a SEN2 code for the {words(tag)}.",
                _fix_for(tag),
            )
    elif tag in ("SENsetting",):
        allowed = codes.PLAN_SETTING if "PlanDetail" in item else codes.PLACEMENT_SETTING
        if value not in allowed:
            out.add(
                "F20",
                "E",
                item,
                f"'{value}' is not a SENsetting code here (allowed: {', '.join(allowed)}).",
                "choose one of those codes, or give the setting's URN or UKPRN",
            )
    elif tag == "UPN":
        _check_upn(value, item, out)
    elif tag == "UniqueLearnerNumber":
        if not re.fullmatch(r"[1-9]\d{9}", value):
            out.add(
                "F34",
                "E",
                item,
                f"the ULN '{value}' is not 10 digits (not starting 0).",
                "copy the ULN from the Learner Records Service",
            )
    elif tag == "URN":
        if not re.fullmatch(r"\d{6}", value):
            out.add(
                "F35",
                "E",
                item,
                f"the URN '{value}' is not 6 digits.",
                "look the setting up in Get Information about Schools (GIAS)",
            )
    elif tag == "UKPRN":
        if not re.fullmatch(r"\d{8}", value):
            out.add(
                "F36",
                "E",
                item,
                f"the UKPRN '{value}' is not 8 digits.",
                "look the provider up on the UK Register of Learning Providers",
            )
        elif not value.startswith("1"):
            out.add(
                "F37",
                "Q",
                item,
                f"the UKPRN '{value}' does not start with 1.",
                "check it on the UK Register of Learning Providers",
            )
    elif tag in ("LEA", "Exported", "TransferLA"):
        _check_la(tag, value, item, out)
    elif tag == "PostCode" and not _POSTCODE.fullmatch(value.upper()):
        out.add(
            "F41",
            "Q",
            item,
            f"the postcode '{value}' does not look like a UK postcode.",
            "check the child's address",
        )


def _check_upn(value: str, item: str, out: _Found) -> None:
    if not re.fullmatch(r"[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]", value):
        out.add(
            "F30",
            "E",
            item,
            f"the UPN '{value}' is not a letter, 11 digits and a digit or letter (13 characters).",
            "copy the UPN from the school's records (it starts with a letter)",
        )
        return
    expected = codes.upn_check_letter(value)
    if expected != value[0]:
        out.add(
            "F31",
            "E",
            item,
            f"the UPN '{value}' fails its check letter (it should start with {expected}).",
            "a character was mistyped: copy the UPN from the school's records again",
        )
        return
    if value[12].isalpha():
        out.add(
            "F33",
            "Q",
            item,
            f"the UPN '{value}' is a temporary UPN (it ends in a letter).",
            "ask the school for the permanent UPN",
        )
    if value[1:4] not in codes.la_names():
        out.add(
            "F32",
            "Q",
            item,
            f"characters 2-4 of the UPN ('{value[1:4]}') are not an LA number.",
            "check the UPN with the school",
        )


def _check_la(tag: str, value: str, item: str, out: _Found) -> None:
    if tag != "LEA" and value == "XXX":
        return
    if not re.fullmatch(r"\d{3}", value):
        out.add(
            "F38",
            "E",
            item,
            f"the {words(tag)} '{value}' is not a 3-digit DfE LA number.",
            "use the DfE's 3-digit number (e.g. 330 for Birmingham)"
            + ("" if tag == "LEA" else ", or XXX if unknown or outside the UK"),
        )
    elif value not in codes.la_names():
        out.add(
            "F39",
            "Q",
            item,
            f"'{value}' is not the number of an English local authority.",
            "check the DfE LA number",
        )


def check_header(header: ET.Element | None, ctx: Context) -> list[Problem]:
    """H01-H04, F12, F21, F40, F11 and the header's formats."""
    out = _Found("Header", 0)
    if header is None:
        return out.problems
    check_structure(header, "Header", ctx.tree, out, ctx)
    details = header.find("CollectionDetails")
    source = header.find("Source")
    if _text(details, "Collection") not in (None, "SEN2"):
        out.add(
            "F21",
            "E",
            "Header > CollectionDetails > Collection",
            "the collection must be SEN2.",
            "write SEN2",
        )
    year_text = _text(details, "Year")
    ref = _date(details, "ReferenceDate")
    if year_text is not None and not re.fullmatch(r"\d{4}", year_text):
        out.add(
            "F12",
            "E",
            "Header > CollectionDetails > Year",
            f"'{year_text}' is not a year.",
            "write the collection year, e.g. 2027",
        )
    elif year_text is not None:
        year = int(year_text)
        if ref is not None and ref.year != year:
            out.add(
                "H01",
                "E",
                "Header > CollectionDetails",
                f"the Year {year} is not the year of the ReferenceDate {ref}.",
                "make them agree",
            )
        if not 2025 <= year <= 2027:
            out.add(
                "H04",
                "Q",
                "Header > CollectionDetails > Year",
                f"{year} is outside the collections this program knows (2025-2027).",
                "check the year",
            )
        census = codes.CENSUS_DAYS.get(year)
        if ref is not None and census is not None and ref != census:
            out.add(
                "H02",
                "E",
                "Header > CollectionDetails > ReferenceDate",
                f"{ref} is not the DfE census day for {year} ({census}).",
                f"write {census}",
            )
    if _text(source, "SourceLevel") not in (None, "L"):
        out.add(
            "F21",
            "E",
            "Header > Source > SourceLevel",
            "the source level must be L.",
            "write L",
        )
    serial = _text(source, "SerialNo")
    if serial is not None and not re.fullmatch(r"\d{3}", serial):
        out.add(
            "F40",
            "E",
            "Header > Source > SerialNo",
            f"'{serial}' is not a 3-digit serial number.",
            "write 001 for the first file, 002 for the next",
        )
    stamp = _text(source, "DateTime")
    if stamp is not None:
        try:
            made = datetime.fromisoformat(stamp) if _DATETIME.fullmatch(stamp) else None
        except ValueError:
            made = None
        if made is None:
            out.add(
                "F11",
                "E",
                "Header > Source > DateTime",
                f"'{stamp}' is not a date and time (YYYY-MM-DDThh:mm:ss).",
                "rebuild the file",
            )
        elif ref is not None and made.date() < ref:
            out.add(
                "H03",
                "Q",
                "Header > Source > DateTime",
                f"the file was made on {made.date()}, before census day {ref}.",
                "build the final return on or after census day",
            )
    return out.problems


class PersonChecker:
    """Checks Person elements one by one, remembering what cross-person rules need."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def check(self, person: ET.Element, index: int, who: str | None = None) -> list[Problem]:
        ctx = self.ctx
        if who is None:
            who = (
                " ".join(filter(None, (_text(person, "Forename"), _text(person, "Surname"))))
                or f"Person {index}"
            )
            born = _text(person, "PersonBirthDate")
            if born:
                who += f" (born {born})"
        out = _Found(who, index)
        birth = parse_date(_text(person, "PersonBirthDate"))
        check_structure(person, "Person", ctx.tree, out, ctx, birth)
        self._person(person, out)
        requests = person.findall("Requests")
        received_seen: dict[date, int] = {}
        open_plans = active_count = 0
        for n, req in enumerate(requests, 1):
            label = _request_label(req, n, len(requests))
            got = _date(req, "ReceivedDate")
            if got is not None:
                if got in received_seen:
                    out.add(
                        "K04",
                        "E",
                        label,
                        f"two requests have the same received date ({got}).",
                        "merge the duplicate cases, or correct one request's date",
                    )
                received_seen[got] = n
            plan = req.find("Assessment/NamedPlan")
            if plan is not None and plan.find("CeaseDate") is None:
                open_plans += 1
            active_count += len(req.findall("ActivePlans"))
            self._request(person, req, label, out)
        if open_plans > 1:
            out.add(
                "AP04",
                "E",
                "Person",
                f"{open_plans} plans are open at once; a child has one EHC plan.",
                "record the earlier plan as ceased, or merge the cases",
            )
        if active_count > 1:
            out.add(
                "AP03",
                "E",
                "Person",
                f"{active_count} ActivePlans; a person has at most one.",
                "record the older plan's cease date so only the current plan is active",
            )
        return out.problems

    def _person(self, p: ET.Element, out: _Found) -> None:
        ctx = self.ctx
        upn, uln, unknown = _text(p, "UPN"), _text(p, "UniqueLearnerNumber"), _text(p, "UPNunknown")
        if not upn and not uln and not unknown:
            out.add(
                "P01",
                "E",
                "Person > UPN",
                "there is no UPN, no ULN and no reason why the UPN is unknown.",
                "record the UPN (from the school), the ULN, or the reason (UN1-UN10) in the "
                "child's SEN2 details",
            )
        if unknown and (upn or uln):
            out.add(
                "P02",
                "E",
                "Person > UPNunknown",
                "a reason the UPN is unknown is given, but a UPN or ULN is recorded too.",
                "clear the reason, or clear the wrong identifier",
            )
        born = _date(p, "PersonBirthDate")
        census = ctx.census
        if born is not None and census is not None:
            if unknown == "UN1" and months_after(born, 72) <= census:
                out.add(
                    "P03",
                    "Q",
                    "Person > UPNunknown",
                    "UN1 (under 6, no UPN yet) is given, but the child is 6 or over.",
                    "record the UPN, or a different reason",
                )
            open_plan = any(
                r.find("Assessment/NamedPlan") is not None
                and r.find("Assessment/NamedPlan/CeaseDate") is None
                for r in p.findall("Requests")
            )
            if open_plan and months_after(born, 26 * 12) <= census:
                out.add(
                    "P04",
                    "Q",
                    "Person",
                    "the plan is open but the young person is over 25.",
                    "record the plan as ceased (reason 1: maximum age) - CFA s.46",
                )
        for value, seen, rule, what in (
            (upn, ctx.upns, "K01", "UPN"),
            (uln, ctx.ulns, "K02", "ULN"),
        ):
            if value:
                if value in seen:
                    out.add(
                        rule,
                        "E",
                        f"Person > {what}",
                        f"the {what} {value} is also given to {seen[value]}.",
                        "one of the two is wrong, or they are one child: merge their records",
                    )
                else:
                    seen[value] = out.who
        key = (
            (_text(p, "Surname") or "").lower(),
            (_text(p, "Forename") or "").lower(),
            _text(p, "PersonBirthDate") or "",
        )
        if key[2]:
            if key in ctx.names:
                out.add(
                    "K03",
                    "Q",
                    "Person",
                    f"{ctx.names[key]} has the same name and date of birth.",
                    "if they are one child, merge the records; otherwise confirm to DfE",
                )
            else:
                ctx.names[key] = out.who

    def _request(self, person: ET.Element, r: ET.Element, label: str, out: _Found) -> None:
        ctx = self.ctx
        end = ctx.period[1]
        outcome = _text(r, "RequestOutcome")
        received = _date(r, "ReceivedDate")
        decided = _date(r, "RequestOutcomeDate")
        exported = _text(r, "Exported")
        assessment = r.find("Assessment")
        if outcome != "H":
            for tag, rule in (("ReceivedDate", "R01"), ("RYA", "R02")):
                if r.find(tag) is None:
                    out.add(
                        rule,
                        "E",
                        f"{label} > {tag}",
                        f"the {words(tag)} is required (the request was made in the period).",
                        _fix_for(tag),
                    )
            if ctx.collection >= 2026 and r.find("RequestSource") is None:
                out.add(
                    "R03",
                    "E",
                    f"{label} > RequestSource",
                    "who made the request is required from the 2026 collection.",
                    "choose who made the request (parent, school, health...) in the case",
                )
        if outcome in ("Y", "N") and decided is None:
            out.add(
                "R04",
                "E",
                f"{label} > RequestOutcomeDate",
                f"the decision is '{outcome}' but its date is missing.",
                "record the date the decision whether to assess was sent",
            )
        if outcome == "A" and decided is not None:
            out.add(
                "R05",
                "E",
                f"{label} > RequestOutcomeDate",
                "a decision date is given but the decision is still pending (A).",
                "record the decision, or clear its date",
            )
        if received is not None and decided is not None and decided < received:
            out.add(
                "R06",
                "E",
                f"{label} > RequestOutcomeDate",
                f"the decision ({decided}) is before the request was received ({received}).",
                "correct one of the two dates",
            )
        if assessment is not None and outcome not in ("Y", "H"):
            out.add(
                "R07",
                "E",
                f"{label} > Assessment",
                f"an assessment is given but the decision was '{outcome}' (not to assess).",
                "correct the decision, or remove the assessment",
            )
        if assessment is None and outcome == "Y" and not exported:
            out.add(
                "R08",
                "E",
                f"{label} > Assessment",
                "the LA decided to assess but there is no assessment outcome.",
                "the assessment's outcome is A (ongoing) until a plan or notice is issued",
            )
        if exported and assessment is not None and assessment.find("NamedPlan") is not None:
            out.add(
                "R09",
                "Q",
                f"{label} > Exported",
                "the child moved away, yet a plan is recorded on this request.",
                "check which LA issued the plan",
            )
        if received is not None and received > end:
            out.add(
                "R10",
                "Q",
                f"{label} > ReceivedDate",
                f"the request was received on {received}, after the period ended ({end}).",
                "it belongs in next year's return",
            )
        start = ctx.period[0]
        ended = decided if outcome == "N" else None
        if assessment is not None and _text(assessment, "AssessmentOutcome") == "N":
            ended = _date(assessment, "AssessmentOutcomeDate")
        if ended is not None and ended < start:
            out.add(
                "R11",
                "Q",
                label,
                f"the request ended ({ended}) before the period began ({start}).",
                "requests closed before the period are left out of the return",
            )
        if exported and exported == ctx.lea:
            out.add(
                "R12",
                "Q",
                f"{label} > Exported",
                "the LA the child moved to is this LA.",
                "record the LA the child moved to",
            )
        if outcome == "H" and assessment is None:
            out.add(
                "R13",
                "Q",
                f"{label}",
                "decided before the period (H) but no assessment given.",
                "record the assessment's outcome",
            )
        if assessment is not None:
            self._assessment(r, assessment, f"{label} > Assessment", out)
        active = r.find("ActivePlans")
        plan = r.find("Assessment/NamedPlan")
        if active is not None:
            if plan is None:
                out.add(
                    "AP01",
                    "E",
                    f"{label} > ActivePlans",
                    "active plan details are given but this request has no plan.",
                    "record the plan's start, or move the details to the request with the plan",
                )
            self._active(person, r, active, plan, f"{label} > ActivePlans", out)
        elif plan is not None and plan.find("CeaseDate") is None:
            out.add(
                "AP02",
                "E",
                f"{label} > ActivePlans",
                "the plan is open but there are no active plan details.",
                "record the plan's need and placement",
            )

    def _assessment(self, r: ET.Element, a: ET.Element, label: str, out: _Found) -> None:
        outcome = _text(a, "AssessmentOutcome")
        day = _date(a, "AssessmentOutcomeDate")
        plan = a.find("NamedPlan")
        if outcome in ("Y", "N") and day is None:
            out.add(
                "A01",
                "E",
                f"{label} > AssessmentOutcomeDate",
                f"the outcome is '{outcome}' but its date is missing.",
                "record the date the final plan or the notice not to issue was sent",
            )
        if outcome == "A" and day is not None:
            out.add(
                "A02",
                "E",
                f"{label} > AssessmentOutcomeDate",
                "an outcome date is given but the assessment is still ongoing (A).",
                "record the outcome, or clear its date",
            )
        for tag in ("ReceivedDate", "RequestOutcomeDate"):
            earlier = _date(r, tag)
            if day is not None and earlier is not None and day < earlier:
                out.add(
                    "A03",
                    "E",
                    f"{label} > AssessmentOutcomeDate",
                    f"the outcome ({day}) is before the {words(tag)} ({earlier}).",
                    "correct one of the dates",
                )
        if outcome == "Y" and a.find("Week20") is None:
            out.add(
                "A04",
                "E",
                f"{label} > Week20",
                "a plan was issued in the period but the 20-week exception flag is missing.",
                "record whether an exception (reg 13(3)) applied",
            )
        if outcome in ("A", "W", "H") and a.find("Week20") is not None:
            out.add(
                "A05",
                "Q",
                f"{label} > Week20",
                f"the 20-week exception flag is given for outcome '{outcome}'.",
                "give it only when a plan was issued in the period",
            )
        if plan is not None and outcome not in ("Y", "H"):
            out.add(
                "A06",
                "E",
                f"{label} > NamedPlan",
                f"a plan is given but the outcome is '{outcome}'.",
                "correct the outcome, or remove the plan",
            )
        if plan is None and outcome in ("Y", "H"):
            out.add(
                "A07",
                "E",
                f"{label} > NamedPlan",
                "the outcome says a plan was issued but no plan is given.",
                "record the plan's start date",
            )
        if plan is not None:
            self._plan(r, plan, outcome, f"{label} > NamedPlan", out)

    def _plan(
        self, r: ET.Element, p: ET.Element, outcome: str | None, label: str, out: _Found
    ) -> None:
        start_day = _date(p, "StartDate")
        ceased = _date(p, "CeaseDate")
        has_reason = p.find("CeaseReason") is not None
        if (p.find("CeaseDate") is None) != (not has_reason):
            out.add(
                "N01",
                "E",
                f"{label} > CeaseReason",
                "a cease date needs a cease reason, and a reason needs a date.",
                "record both the date and the reason the plan ceased",
            )
        if ceased is not None and start_day is not None and ceased < start_day:
            out.add(
                "N02",
                "E",
                f"{label} > CeaseDate",
                f"the plan ceased ({ceased}) before it started ({start_day}).",
                "correct one of the dates",
            )
        received = _date(r, "ReceivedDate")
        if outcome == "Y" and start_day and received and start_day < received:
            out.add(
                "N03",
                "E",
                f"{label} > StartDate",
                f"the new plan starts ({start_day}) before the request ({received}).",
                "correct one of the dates",
            )
        details = p.findall("PlanDetail")
        ranks = [_text(d, "PlacementRank") for d in details]
        if details and ("1" not in ranks or len(set(ranks)) != len(ranks)):
            out.add(
                "N04",
                "E",
                f"{label} > PlanDetail",
                "the settings named in the plan need ranks 1 (and 2), each once.",
                "make the main setting rank 1",
            )
        if not details:
            out.add(
                "N10",
                "Q",
                f"{label} > PlanDetail",
                "no setting is named in the plan (section I).",
                "record the setting's URN or UKPRN, or its SENsetting code",
            )
        for d in details:
            _placement_ids(d, f"{label} > PlanDetail", out, "N05", "N06", "N12")
        pb = _text(p, "PB")
        if pb is None:
            out.add(
                "N08",
                "Q",
                f"{label} > PB",
                "whether the plan has a personal budget is not given.",
                "record yes or no for a personal budget",
            )
        elif pb == "0" and (p.find("OA") is not None or p.find("DP") is not None):
            out.add(
                "N09",
                "Q",
                f"{label} > PB",
                "no personal budget, yet an arrangement or direct payment is given.",
                "correct the personal budget details",
            )
        start, _end = self.ctx.period
        if ceased is not None and ceased < start:
            out.add(
                "N11",
                "Q",
                f"{label} > CeaseDate",
                f"the plan ceased ({ceased}) before the period began.",
                "plans that ended before the period are left out of the return",
            )

    def _active(
        self,
        person: ET.Element,
        r: ET.Element,
        a: ET.Element,
        plan: ET.Element | None,
        label: str,
        out: _Found,
    ) -> None:
        ctx = self.ctx
        open_plan = plan is not None and plan.find("CeaseDate") is None
        places = a.findall("PlacementDetail")
        by_rank: dict[str, list[tuple[date, date]]] = {}
        on_census = False
        for n, d in enumerate(places, 1):
            where = (
                f"{label} > PlacementDetail {n}"
                if len(places) > 1
                else f"{label} > PlacementDetail"
            )
            _placement_ids(d, where, out, "AP05", "AP21", "AP22")
            entry, leaving = _date(d, "EntryDate"), _date(d, "LeavingDate")
            if entry and leaving and leaving < entry:
                out.add(
                    "AP06",
                    "E",
                    f"{where} > LeavingDate",
                    f"the child left ({leaving}) before starting ({entry}).",
                    "correct the placement dates",
                )
            if entry:
                span = (entry, leaving or date.max)
                rank = _text(d, "PlacementRank") or "1"
                for other in by_rank.get(rank, []):
                    if span[0] <= other[1] and other[0] <= span[1]:
                        out.add(
                            "AP07",
                            "E",
                            where,
                            f"two rank-{rank} placements overlap in time.",
                            "give the earlier one a leaving date, or make one rank 2",
                        )
                by_rank.setdefault(rank, []).append(span)
                if rank == "1" and ctx.census and entry <= ctx.census <= span[1]:
                    on_census = True
        if open_plan and not on_census:
            out.add(
                "AP08",
                "Q",
                f"{label} > PlacementDetail",
                "the plan is open but no main (rank 1) placement covers census day.",
                "record where the child is on census day (a school, or NEET, EHE...)",
            )
        needs = a.findall("SENneed")
        types = [_text(n, "SENtype") for n in needs]
        ranks = [_text(n, "SENtypeRank") for n in needs]
        if needs and (
            ranks.count("1") != 1 or len(set(ranks)) != len(ranks) or len(set(types)) != len(types)
        ):
            out.add(
                "AP09",
                "E",
                f"{label} > SENneed",
                "needs must be one primary (rank 1) and at most one different secondary (rank 2).",
                "record the primary need, and a different secondary need if any",
            )
        if open_plan and not needs:
            out.add(
                "AP10",
                "Q",
                f"{label} > SENneed",
                "the plan is open but no need is recorded.",
                "record the primary need in the case",
            )
        meeting = _date(a, "ReviewMeeting")
        outcome = _text(a, "ReviewOutcome")
        draft = _date(a, "ReviewDraft")
        last = _date(a, "LastReview")
        if outcome is not None and a.find("ReviewMeeting") is None:
            out.add(
                "AP11",
                "E",
                f"{label} > ReviewOutcome",
                "a review decision is given without a meeting date.",
                "record the review meeting's date",
            )
        if a.find("ReviewDraft") is not None and outcome != "A":
            out.add(
                "AP12",
                "E",
                f"{label} > ReviewDraft",
                "the proposed-amendments date is given but the decision was not to amend.",
                "clear it, or record the decision as amend",
            )
        if draft and meeting and draft < meeting:
            out.add(
                "AP13",
                "E",
                f"{label} > ReviewDraft",
                f"the amendments ({draft}) were sent before the meeting ({meeting}).",
                "correct one of the dates",
            )
        if a.find("LastReview") is not None and (meeting is None or (last and last < meeting)):
            out.add(
                "AP14",
                "E",
                f"{label} > LastReview",
                "the decision date needs a meeting date on or before it.",
                "record the meeting, or correct the dates",
            )
        start_day = _date(plan, "StartDate") if plan is not None else None
        if meeting and start_day and meeting < start_day:
            out.add(
                "AP15",
                "E",
                f"{label} > ReviewMeeting",
                f"the review meeting ({meeting}) is before the plan started ({start_day}).",
                "correct one of the dates",
            )
        due = _date(a, "PhaseTransferDueDate")
        if a.find("PhaseTransferFinalDate") is not None and a.find("PhaseTransferDueDate") is None:
            out.add(
                "AP16",
                "E",
                f"{label} > PhaseTransferFinalDate",
                "a phase-transfer final date is given without its deadline.",
                "record the date of the transfer in the case",
            )
        if due and ctx.census and due > ctx.census:
            out.add(
                "D03",
                "Q",
                f"{label} > PhaseTransferDueDate",
                f"the phase-transfer deadline {due} is after census day.",
                "give the transfer reviewed in the period",
            )
        born = _date(person, "PersonBirthDate")
        if open_plan and born and due is None:
            year = ctx.period[0].year  # the academic year holding the period's 15 Feb/31 Mar
            ncy = year - born.year - (1 if born.month >= 9 else 0) - 4 - 1
            if ncy in (6, 11):
                out.add(
                    "AP17",
                    "Q",
                    f"{label} > PhaseTransferDueDate",
                    f"the child was in Year {ncy} in {year - 1}/{year % 100:02d}, a transfer year, "
                    "but no phase-transfer dates are given.",
                    "record the date of the transfer (reg 18) in the case",
                )
        transfer = _text(a, "TransferLA")
        if transfer and transfer == ctx.lea:
            out.add(
                "AP18",
                "Q",
                f"{label} > TransferLA",
                "the LA the plan transferred from is this LA.",
                "record the previous LA's number",
            )
        if (outcome is None) != (a.find("LastReview") is None):
            out.add(
                "AP19",
                "Q",
                f"{label} > LastReview",
                "a review decision needs the date it was sent, and the reverse.",
                "record both the decision and the date it was sent (reg 20(10))",
            )


def _placement_ids(
    d: ET.Element, label: str, out: _Found, one_rule: str, other_rule: str, flags_rule: str
) -> None:
    given = [tag for tag in ("URN", "UKPRN", "SENsetting") if d.find(tag) is not None]
    if len(given) != 1:
        out.add(
            one_rule,
            "E",
            label,
            "a setting needs exactly one of URN, UKPRN or SENsetting"
            + (f" (given: {', '.join(given)})." if given else " (none given)."),
            "record the setting's URN if it has one, else its UKPRN, else a SENsetting code",
        )
    setting = _text(d, "SENsetting")
    if d.find("SENSettingOther") is not None and setting is None:
        out.add(
            other_rule,
            "E",
            f"{label} > SENSettingOther",
            "a description of the setting is given without a SENsetting code.",
            "clear the description, or choose the SENsetting code",
        )
    elif setting in ("OTH", "NIEO") and d.find("SENSettingOther") is None:
        out.add(
            other_rule,
            "Q",
            f"{label} > SENSettingOther",
            f"SENsetting {setting} needs a description of the setting.",
            "describe the setting",
        )
    if d.find("URN") is not None and (
        d.find("SENunitIndicator") is None or d.find("ResourcedProvisionIndicator") is None
    ):
        out.add(
            flags_rule,
            "Q",
            label,
            "a school is named but not whether the place is in its SEN unit or resourced provision.",
            "record yes or no for SEN unit and resourced provision on the placement",
        )


def _request_label(r: ET.Element, n: int, total: int) -> str:
    got = _text(r, "ReceivedDate")
    base = f"Request {n}" if total > 1 else "Request"
    return f"{base} (received {got})" if got else base


def check_root(root: ET.Element) -> list[Problem]:
    """S06: the root must be Message, with no namespace."""
    if root.tag != "Message":
        return [
            Problem(
                "S06",
                "E",
                "File",
                "Message",
                f"the root element is '{root.tag}', not 'Message' (no namespace).",
                "rebuild the file with this program",
            )
        ]
    return []


def check_document(data: bytes, collection: int | None = None) -> list[Problem]:
    """Every rule on a whole SEN2 file (last year's, one from elsewhere, or a hand edit).

    The collection and own LA come from the file's header unless `collection` is given.
    """
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        # Entities can blow up a parser (billion laughs); a SEN2 file has no DOCTYPE.
        return [
            Problem(
                "S07",
                "E",
                "File",
                "DOCTYPE",
                "the file declares a DOCTYPE or entities.",
                "remove the DOCTYPE line; SEN2 files have none",
            )
        ]
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return [
            Problem(
                "S07",
                "E",
                "File",
                f"line {exc.position[0]}, column {exc.position[1]}",
                f"the file is not well-formed XML ({exc}).",
                "rebuild it with this program, or fix the broken tag",
            )
        ]
    found = check_root(root)
    if found:
        return found
    header = root.find("Header")
    year_text = header.findtext("CollectionDetails/Year") if header is not None else None
    if collection is None:
        collection = int(year_text) if year_text and year_text.isdigit() else 2027
    lea = header.findtext("Source/LEA") if header is not None else None
    ctx = Context(collection, lea)
    top = _Found("File", 0)
    check_structure(root, "Message", {"Message": ctx.tree["Message"]}, top)
    found += [p for p in top.problems if p.rule in ("S01", "S02", "S03", "S04")]
    found += check_header(header, ctx)
    persons = root.find("Persons")
    if persons is not None:
        checker = PersonChecker(ctx)
        people = persons.findall("Person")
        if not people:
            found.append(
                Problem(
                    "S01",
                    "E",
                    "File",
                    "Persons > Person",
                    "the return has no Person.",
                    "a return holds at least one child",
                )
            )
        for n, person in enumerate(people, 1):
            found += checker.check(person, n)
    return found
