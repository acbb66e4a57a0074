"""One test per SEN2 rule: a valid return, changed just enough to break that rule, and the
plain-words message the team sees (who, which item, why, how to fix)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from send_desktop.sen2.validate import Problem, check_document

# A return that passes every rule (2027 collection: period 2026, census day 21 Jan 2027).
VALID = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>SEN2</Collection><Year>2027</Year>
      <ReferenceDate>2027-01-21</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>330</LEA><SoftwareCode>SEND Desktop</SoftwareCode>
      <Release>0.1.0</Release><SerialNo>001</SerialNo><DateTime>2027-01-25T09:30:00</DateTime>
      <DMO>Y</DMO><DCO>Y</DCO><DSCO>N</DSCO></Source>
  </Header>
  <Persons>
    <Person>
      <Surname>Known</Surname><Forename>Ada</Forename><PersonBirthDate>2016-05-10</PersonBirthDate>
      <Sex>F</Sex><Ethnicity>WBRI</Ethnicity><PostCode>B1 1AA</PostCode><UPN>B801200005001</UPN>
      <Requests>
        <ReceivedDate>2026-01-12</ReceivedDate><RequestSource>1</RequestSource><RYA>0</RYA>
        <RequestOutcomeDate>2026-02-16</RequestOutcomeDate><RequestOutcome>Y</RequestOutcome>
        <Assessment>
          <AssessmentOutcome>Y</AssessmentOutcome><AssessmentOutcomeDate>2026-05-26</AssessmentOutcomeDate>
          <OtherMediation>0</OtherMediation><OtherTribunal>0</OtherTribunal><Week20>0</Week20>
          <NamedPlan>
            <StartDate>2026-05-26</StartDate>
            <PlanDetail><URN>100001</URN><PlacementRank>1</PlacementRank>
              <SENunitIndicator>0</SENunitIndicator>
              <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator></PlanDetail>
            <PB>0</PB>
          </NamedPlan>
        </Assessment>
        <ActivePlans>
          <PlacementDetail><URN>100001</URN><PlacementRank>1</PlacementRank>
            <EntryDate>2026-05-26</EntryDate><SENunitIndicator>0</SENunitIndicator>
            <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator></PlacementDetail>
          <SENneed><SENtype>ASD</SENtype><SENtypeRank>1</SENtypeRank></SENneed>
        </ActivePlans>
      </Requests>
    </Person>
  </Persons>
</Message>
"""

Change = Callable[[ET.Element], None]


def _find(root: ET.Element, path: str) -> ET.Element:
    found = root.find(path)
    assert found is not None, path
    return found


def set_(path: str, value: str) -> Change:
    def change(root: ET.Element) -> None:
        _find(root, path).text = value

    return change


def drop(path: str) -> Change:
    def change(root: ET.Element) -> None:
        parent_path, _, tag = path.rpartition("/")
        parent = _find(root, parent_path)
        parent.remove(_find(parent, tag))

    return change


def add(parent_path: str, tag: str, value: str | None = None, at: int | None = None) -> Change:
    """Insert <tag>value</tag> into parent, in the spec's place unless `at` is given."""

    def change(root: ET.Element) -> None:
        from send_desktop.sen2.spec import TREE_2026

        parent = _find(root, parent_path)
        element = ET.Element(tag)
        element.text = value
        if at is not None:
            parent.insert(at, element)
            return
        order = [c.tag for c in TREE_2026[parent.tag]]
        rank = order.index(tag) if tag in order else len(order)
        position = sum(1 for kid in parent if kid.tag in order and order.index(kid.tag) <= rank)
        parent.insert(position, element)

    return change


def both(*changes: Change) -> Change:
    def change(root: ET.Element) -> None:
        for c in changes:
            c(root)

    return change


def copy_person(root: ET.Element) -> None:
    persons = _find(root, "Persons")
    persons.append(ET.fromstring(ET.tostring(_find(persons, "Person"))))


P = "Persons/Person"
R = f"{P}/Requests"
A = f"{R}/Assessment"
N = f"{A}/NamedPlan"
AP = f"{R}/ActivePlans"
HDR = "Header/Source"
REVIEW = both(
    add(AP, "ReviewMeeting", "2027-01-10"),
    add(AP, "ReviewOutcome", "M"),
    add(AP, "LastReview", "2027-01-15"),
)

# rule id -> (change that breaks it, words the message must contain)
CASES: dict[str, tuple[Change, str]] = {
    "S01": (drop(f"{P}/Ethnicity"), "the ethnicity is missing"),
    "S02": (add(P, "Nickname", "Ad"), "Nickname is not an item of Person"),
    "S03": (add(P, "UPNunknown", "UN1", at=0), "comes after"),
    "S04": (add(P, "Sex", "F"), "Sex appears 2 times"),
    "S05": (set_(f"{R}/Assessment", "text"), "holds text but is a container"),
    "S06": (lambda root: setattr(root, "tag", "Return"), "not 'Message'"),
    "F01": (set_(f"{P}/PostCode", ""), "empty tag"),
    "F02": (set_(f"{P}/Surname", " Known"), "spaces around it"),
    "F10": (set_(f"{R}/ReceivedDate", "2026-02-30"), "is not a date"),
    "F11": (set_(f"{HDR}/DateTime", "25/01/2027 09:30"), "not a date and time"),
    "F12": (set_("Header/CollectionDetails/Year", "27"), "is not a year"),
    "F20": (set_(f"{P}/Ethnicity", "WHITE"), "not a SEN2 code for the ethnicity"),
    "F21": (set_("Header/CollectionDetails/Collection", "SEN1"), "must be SEN2"),
    "F30": (set_(f"{P}/UPN", "B80120000500"), "is not a letter, 11 digits"),
    "F31": (set_(f"{P}/UPN", "C801200005001"), "should start with B"),
    "F32": (set_(f"{P}/UPN", "E000200005001"), "are not an LA number"),
    "F33": (set_(f"{P}/UPN", "M80120000500A"), "temporary UPN"),
    "F34": (add(P, "UniqueLearnerNumber", "012345678"), "is not 10 digits"),
    "F35": (set_(f"{N}/PlanDetail/URN", "10001"), "URN '10001' is not 6 digits"),
    "F36": (
        both(drop(f"{N}/PlanDetail/URN"), add(f"{N}/PlanDetail", "UKPRN", "1001", at=0)),
        "is not 8 digits",
    ),
    "F37": (
        both(drop(f"{N}/PlanDetail/URN"), add(f"{N}/PlanDetail", "UKPRN", "20012345", at=0)),
        "does not start with 1",
    ),
    "F38": (set_(f"{HDR}/LEA", "33"), "not a 3-digit DfE LA number"),
    "F39": (set_(f"{HDR}/LEA", "999"), "not the number of an English local authority"),
    "F40": (set_(f"{HDR}/SerialNo", "1"), "not a 3-digit serial number"),
    "F41": (set_(f"{P}/PostCode", "12345"), "does not look like a UK postcode"),
    "H01": (set_("Header/CollectionDetails/ReferenceDate", "2026-01-15"), "is not the year of"),
    "H02": (set_("Header/CollectionDetails/ReferenceDate", "2027-01-14"), "not the DfE census day"),
    "H03": (set_(f"{HDR}/DateTime", "2027-01-05T10:00:00"), "before census day"),
    "H04": (
        both(
            set_("Header/CollectionDetails/Year", "2031"),
            set_("Header/CollectionDetails/ReferenceDate", "2031-01-16"),
        ),
        "outside the collections",
    ),
    "D01": (set_(f"{N}/StartDate", "2027-02-01"), "after census day"),
    "D02": (set_(f"{P}/PersonBirthDate", "2026-02-01"), "before the date of birth"),
    "D03": (add(AP, "PhaseTransferDueDate", "2027-02-14"), "after census day"),
    "P01": (drop(f"{P}/UPN"), "no UPN, no ULN and no reason"),
    "P02": (add(P, "UPNunknown", "UN2"), "a UPN or ULN is recorded too"),
    "P03": (both(drop(f"{P}/UPN"), add(P, "UPNunknown", "UN1")), "the child is 6 or over"),
    "P04": (set_(f"{P}/PersonBirthDate", "2000-05-10"), "over 25"),
    "K01": (copy_person, "also given to Ada Known (born 2016-05-10)"),
    "K02": (
        both(add(P, "UniqueLearnerNumber", "1234567890"), copy_person),
        "ULN 1234567890 is also given",
    ),
    "K03": (
        both(copy_person, lambda r: r.findall(P)[1].remove(r.findall(P)[1].find("UPN"))),
        "same name and date of birth",
    ),
    "K04": (
        lambda root: _find(root, P).append(ET.fromstring(ET.tostring(_find(root, R)))),
        "same received date",
    ),
    "R01": (drop(f"{R}/ReceivedDate"), "date the request was received is required"),
    "R02": (drop(f"{R}/RYA"), "'in youth custody' flag is required"),
    "R03": (drop(f"{R}/RequestSource"), "who made the request is required"),
    "R04": (drop(f"{R}/RequestOutcomeDate"), "its date is missing"),
    "R05": (set_(f"{R}/RequestOutcome", "A"), "still pending (A)"),
    "R06": (set_(f"{R}/RequestOutcomeDate", "2026-01-05"), "before the request was received"),
    "R07": (set_(f"{R}/RequestOutcome", "N"), "the decision was 'N'"),
    "R08": (drop(f"{R}/Assessment"), "no assessment outcome"),
    "R09": (add(R, "Exported", "331"), "a plan is recorded on this request"),
    "R10": (
        both(
            set_(f"{R}/ReceivedDate", "2027-01-04"),
            set_(f"{R}/RequestOutcome", "H"),
            drop(f"{R}/RequestOutcomeDate"),
        ),
        "after the period ended",
    ),
    "R11": (
        both(
            set_(f"{R}/ReceivedDate", "2025-09-01"),
            set_(f"{R}/RequestOutcomeDate", "2025-10-06"),
            set_(f"{R}/RequestOutcome", "N"),
            drop(f"{R}/Assessment"),
            drop(f"{R}/ActivePlans"),
        ),
        "ended (2025-10-06) before the period began",
    ),
    "R12": (
        both(drop(f"{R}/Assessment"), drop(f"{R}/ActivePlans"), add(R, "Exported", "330")),
        "the LA the child moved to is this LA",
    ),
    "R13": (
        both(
            set_(f"{R}/RequestOutcome", "H"),
            drop(f"{R}/RequestOutcomeDate"),
            drop(f"{R}/Assessment"),
            drop(f"{R}/ActivePlans"),
        ),
        "no assessment given",
    ),
    "A01": (drop(f"{A}/AssessmentOutcomeDate"), "its date is missing"),
    "A02": (
        both(
            set_(f"{A}/AssessmentOutcome", "A"),
            drop(f"{A}/Week20"),
            drop(f"{A}/NamedPlan"),
            drop(f"{R}/ActivePlans"),
        ),
        "still ongoing (A)",
    ),
    "A03": (set_(f"{A}/AssessmentOutcomeDate", "2026-02-01"), "before the date of the decision"),
    "A04": (drop(f"{A}/Week20"), "20-week exception flag is missing"),
    "A05": (
        both(set_(f"{A}/AssessmentOutcome", "H"), drop(f"{A}/AssessmentOutcomeDate")),
        "flag is given for outcome 'H'",
    ),
    "A06": (set_(f"{A}/AssessmentOutcome", "N"), "the outcome is 'N'"),
    "A07": (drop(f"{A}/NamedPlan"), "no plan is given"),
    "N01": (add(N, "CeaseDate", "2026-12-01"), "a cease date needs a cease reason"),
    "N02": (
        both(add(N, "CeaseDate", "2026-05-01"), add(N, "CeaseReason", "2")),
        "ceased (2026-05-01) before it started",
    ),
    "N03": (
        both(
            set_(f"{N}/StartDate", "2026-01-02"), set_(f"{A}/AssessmentOutcomeDate", "2026-05-26")
        ),
        "starts (2026-01-02) before the request",
    ),
    "N04": (set_(f"{N}/PlanDetail/PlacementRank", "2"), "need ranks 1"),
    "N05": (add(f"{N}/PlanDetail", "SENsetting", "EHE"), "exactly one of URN, UKPRN or SENsetting"),
    "N06": (add(f"{N}/PlanDetail", "SENSettingOther", "Farm school"), "without a SENsetting code"),
    "N08": (drop(f"{N}/PB"), "personal budget is not given"),
    "N09": (add(N, "DP", "E"), "yet an arrangement or direct payment"),
    "N10": (drop(f"{N}/PlanDetail"), "no setting is named in the plan"),
    "N11": (
        both(
            set_(f"{R}/RequestOutcome", "H"),
            drop(f"{R}/RequestOutcomeDate"),
            set_(f"{A}/AssessmentOutcome", "H"),
            drop(f"{A}/AssessmentOutcomeDate"),
            drop(f"{A}/Week20"),
            set_(f"{N}/StartDate", "2024-01-08"),
            set_(f"{R}/ReceivedDate", "2023-09-04"),
            add(N, "CeaseDate", "2025-10-01"),
            add(N, "CeaseReason", "2"),
            set_(f"{AP}/PlacementDetail/EntryDate", "2024-01-08"),
        ),
        "before the period began",
    ),
    "N12": (drop(f"{N}/PlanDetail/SENunitIndicator"), "SEN unit or resourced provision"),
    "AP01": (drop(f"{A}/NamedPlan"), "this request has no plan"),
    "AP02": (drop(f"{R}/ActivePlans"), "no active plan details"),
    "AP03": (
        lambda root: _find(root, R).append(ET.fromstring(ET.tostring(_find(root, AP)))),
        "2 ActivePlans",
    ),
    "AP04": (
        lambda root: _find(root, P).append(
            ET.fromstring(
                ET.tostring(_find(root, R))
                .replace(b"2026-01-12", b"2026-01-13")
                .replace(b"<ActivePlans>", b"<ActivePlans><TransferLA>331</TransferLA>")
            )
        ),
        "2 plans are open at once",
    ),
    "AP05": (drop(f"{AP}/PlacementDetail/URN"), "exactly one of URN, UKPRN or SENsetting"),
    "AP06": (add(f"{AP}/PlacementDetail", "LeavingDate", "2026-05-01"), "left (2026-05-01) before"),
    "AP07": (
        lambda root: _find(root, AP).insert(
            1, ET.fromstring(ET.tostring(_find(root, f"{AP}/PlacementDetail")))
        ),
        "two rank-1 placements overlap",
    ),
    "AP08": (
        add(f"{AP}/PlacementDetail", "LeavingDate", "2026-12-18"),
        "no main (rank 1) placement",
    ),
    "AP09": (set_(f"{AP}/SENneed/SENtypeRank", "2"), "one primary (rank 1)"),
    "AP10": (drop(f"{AP}/SENneed"), "no need is recorded"),
    "AP11": (add(AP, "ReviewOutcome", "M"), "without a meeting date"),
    "AP12": (both(REVIEW, add(AP, "ReviewDraft", "2027-01-15")), "the decision was not to amend"),
    "AP13": (
        both(REVIEW, set_(f"{AP}/ReviewOutcome", "A"), add(AP, "ReviewDraft", "2027-01-05")),
        "were sent before the meeting",
    ),
    "AP14": (both(REVIEW, set_(f"{AP}/LastReview", "2027-01-02")), "meeting date on or before it"),
    "AP15": (
        both(
            REVIEW,
            set_(f"{AP}/ReviewMeeting", "2026-04-01"),
            set_(f"{AP}/LastReview", "2026-04-20"),
        ),
        "before the plan started",
    ),
    "AP16": (add(AP, "PhaseTransferFinalDate", "2026-02-01"), "without its deadline"),
    "AP17": (set_(f"{P}/PersonBirthDate", "2014-11-10"), "a transfer year"),
    "AP18": (add(AP, "TransferLA", "330"), "transferred from is this LA"),
    "AP19": (
        both(add(AP, "ReviewMeeting", "2027-01-10"), add(AP, "LastReview", "2027-01-15")),
        "needs the date it was sent, and the reverse",
    ),
    "AP21": (
        both(
            drop(f"{AP}/PlacementDetail/URN"),
            drop(f"{AP}/PlacementDetail/SENunitIndicator"),
            drop(f"{AP}/PlacementDetail/ResourcedProvisionIndicator"),
            add(f"{AP}/PlacementDetail", "SENsetting", "NIEO"),
        ),
        "needs a description",
    ),
    "AP22": (drop(f"{AP}/PlacementDetail/ResourcedProvisionIndicator"), "resourced provision"),
}


def _check(change: Change | None = None) -> list[Problem]:
    root = ET.fromstring(VALID)
    if change is not None:
        change(root)
    return check_document(ET.tostring(root, encoding="utf-8"))


def test_the_valid_return_passes_every_rule() -> None:
    assert _check() == []


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_rule_catches_the_case_built_to_break_it(rule: str) -> None:
    change, words = CASES[rule]
    found = _check(change)
    mine = [p for p in found if p.rule == rule]
    assert mine, f"{rule} not raised; got {[p.line() for p in found]}"
    message = mine[0].line()
    print(mine[0].who, message)
    assert words in message
    # Plain words: who, which item, why and a fix - never an empty part.
    assert mine[0].who and mine[0].item and mine[0].why and mine[0].fix
    assert "Fix: " in message


def test_s07_a_broken_file_and_a_doctype_are_refused() -> None:
    broken = check_document(VALID.replace("</Surname>", "</Surnam>").encode())
    assert [p.rule for p in broken] == ["S07"]
    assert "not well-formed" in broken[0].why and "line" in broken[0].item
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Message/>'
    assert [p.rule for p in check_document(bomb)] == ["S07"]


def test_a_query_is_not_an_error_and_an_error_is() -> None:
    queries = _check(CASES["N08"][0])
    assert queries and all(not p.is_error for p in queries)
    errors = _check(CASES["P01"][0])
    assert any(p.is_error for p in errors)
