"""SEN2 code lists, census days and the UPN check letter (sen2-return.md sections 1, 4 and 7)."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import date
from functools import cache
from types import MappingProxyType

from send_desktop.errors import KnownError
from send_desktop.paths import resource
from send_desktop.store.models import NEED_TYPES, SETTING_CODES

# Census day (ReferenceDate) of each collection, from gov.uk "Special educational needs survey"
# (change of 26 September 2025): the third Thursday of January in these years.
CENSUS_DAYS: Mapping[int, date] = MappingProxyType(
    {2025: date(2025, 1, 16), 2026: date(2026, 1, 15), 2027: date(2027, 1, 21)}
)
DEADLINES: Mapping[int, date] = MappingProxyType(
    {2025: date(2025, 3, 14), 2026: date(2026, 3, 12), 2027: date(2027, 3, 11)}
)


def census_day(collection: int) -> date:
    """The DfE census day of a collection year; a known error for a year DfE has not set."""
    try:
        return CENSUS_DAYS[collection]
    except KeyError:
        years = ", ".join(str(y) for y in CENSUS_DAYS)
        raise KnownError(
            f"There is no SEN2 census day on record for {collection}: this program knows the "
            f"{years} collections (gov.uk 'Special educational needs survey')"
        ) from None


def collection_period(collection: int) -> tuple[date, date]:
    """The calendar year before census day: requests, assessments and plans counted in it."""
    return date(collection - 1, 1, 1), date(collection - 1, 12, 31)


UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S (DfE UPN standard)


def upn_check_letter(upn: str) -> str | None:
    """The check letter (character 1) the DfE UPN standard gives characters 2-13, or None
    when they are not 11 digits and a final digit or letter.

    Character n (n = 2..13) is weighted by n; a digit counts its value, a final letter (a
    temporary UPN) its position in UPN_LETTERS; the sum mod 23 picks the letter.
    """
    body = upn[1:]
    if len(body) != 12 or not body[:11].isdigit():
        return None
    last = body[11]
    if last.isdigit():
        values = [int(ch) for ch in body]
    elif last in UPN_LETTERS:
        values = [int(ch) for ch in body[:11]] + [UPN_LETTERS.index(last)]
    else:
        return None
    total = sum(v * n for n, v in enumerate(values, start=2))
    return UPN_LETTERS[total % 23]


SEX = ("M", "F")
OFFICER_ANSWERS = ("Y", "N", "R")  # DMO, DCO, DSCO: yes, no, recruitment in progress
ETHNICITY = frozenset(
    [
        "WBRI",
        "WCOR",
        "WENG",
        "WNIR",
        "WSCO",
        "WWEL",
        "WOWB",
        "WIRI",
        "WIRT",
        "WOTH",
        "WALB",
        "WBOS",
        "WCRO",
        "WGRE",
        "WGRK",
        "WGRC",
        "WITA",
        "WKOS",
        "WPOR",
        "WSER",
        "WTUR",
        "WTUK",
        "WTUC",
        "WEUR",
        "WEEU",
        "WWEU",
        "WOTW",
        "WROM",
        "WROG",
        "WROR",
        "WROO",
        "MWBC",
        "MWBA",
        "MWAS",
        "MWAP",
        "MWAI",
        "MWAO",
        "ABRI",
        "AWEL",
        "MOTH",
        "MAOE",
        "MABL",
        "MACH",
        "MBOE",
        "MBCH",
        "MCOE",
        "MWOE",
        "MWCH",
        "MOTM",
        "AIND",
        "APKN",
        "AMPK",
        "AKPA",
        "AOPK",
        "ABAN",
        "AOTH",
        "AAFR",
        "AKAO",
        "ANEP",
        "ASNL",
        "ASLT",
        "ASRO",
        "AOTA",
        "BBRI",
        "BWEL",
        "BCRB",
        "BAFR",
        "BANN",
        "BCON",
        "BGHA",
        "BNGN",
        "BSLN",
        "BSOM",
        "BSUD",
        "BAOF",
        "BOTH",
        "BEUR",
        "BNAM",
        "BOTB",
        "CHNE",
        "CHKC",
        "CMAL",
        "CSNG",
        "CTWN",
        "COCH",
        "OOTH",
        "OAFG",
        "ORAB",
        "OARA",
        "OEGY",
        "OFIL",
        "OIRN",
        "OIRQ",
        "OJPN",
        "OKOR",
        "OKRD",
        "OLAM",
        "OLEB",
        "OLIB",
        "OMAL",
        "OMRC",
        "OPOL",
        "OTHA",
        "OVIE",
        "OYEM",
        "OOEG",
        "REFU",
        "NOBT",
    ]
)
UPN_UNKNOWN = {
    "UN1": "under 6 and no UPN issued yet",
    "UN2": "never attended a state school in England",
    "UN3": "educated outside England",
    "UN5": "records disagree, no reliable match",
    "UN8": "new to the LA in the last week of the period",
    "UN9": "never at a state school or FE college in England",
    "UN10": "request ended before a UPN or ULN was known",
}
REQUEST_SOURCE = ("1", "2", "3", "4", "5")
# The case store's words for who asked -> SEN2 RequestSource (1 parent/young person, 2 school
# or other setting, 3 health, 4 social care, 5 other).
REQUEST_SOURCE_FROM_STORE: Mapping[str, str] = MappingProxyType(
    {
        "parent": "1",
        "young person": "1",
        "school": "2",
        "health": "3",
        "social care": "4",
        "other": "5",
    }
)
REQUEST_OUTCOME = ("Y", "N", "A", "W", "H")
ASSESSMENT_OUTCOME = ("Y", "N", "A", "W", "H")
FLAGS = ("0", "1")
RESIDENTIAL = ("A", "B")
WORK_BASED = ("A", "T", "S")
DIRECT_PAYMENT = ("E", "S", "H", "I")
CEASE_REASON = tuple(str(n) for n in range(1, 10))
PLAN_SETTING = ("OLA", "OPA", "EHE", "EYP", "OTH")
PLACEMENT_SETTING = SETTING_CODES  # SENsetting: the plan settings and NEET/NIEC/NIEO
SEN_TYPE = NEED_TYPES  # the store keeps SEN2's own codes (store/models.py)
RANK = ("1", "2")
REVIEW_OUTCOME = ("M", "A", "C")


@cache
def national_rows() -> tuple[dict[str, str], ...]:
    """resources/data/sen2-national.csv: DfE's published figures (England and each LA)."""
    path = resource("data/sen2-national.csv")
    with path.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    return tuple(csv.DictReader(lines))


@cache
def national_source() -> str:
    with resource("data/sen2-national.csv").open(encoding="utf-8") as f:
        first = f.readline()
    return first.removeprefix("# source:").strip()


@cache
def la_names() -> Mapping[str, str]:
    """The 3-digit DfE LA numbers of English authorities -> names (from the DfE figures)."""
    return MappingProxyType({r["la_code"]: r["area"] for r in national_rows() if r["la_code"]})
