"""A realistic synthetic caseload for trying the program, written with fast bulk inserts."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from send_desktop.errors import KnownError
from send_desktop.store import pg_copy, search_index
from send_desktop.store.database import Database
from send_desktop.store.fast_insert import drop_indexes, insert_columns
from send_desktop.store.models import (
    AdviceRequest,
    AnnualReview,
    AuditEntry,
    Case,
    CaseException,
    Caseworker,
    Child,
    Consultation,
    Placement,
    Team,
    utc_now,
)
from send_desktop.store.settings import load_policy
from send_desktop.store.summaries import RANGE_BLOCK, stamp_for, write_columns
from send_desktop.timeline.bulk_columns import (
    CASE_DATES,
    EXCEPTION_BITS,
    REVIEW_DATES,
    REVIEW_OUTCOME_CODES,
    CaseColumns,
    ChildTable,
)

log = logging.getLogger(__name__)

DEMO_USER = "demo data"
# The page cache while the demo writes (SQLite, this connection only): the name and UPN
# indexes take rows in random order, and at 1,000,000 cases they no longer fit 128 MiB.
DEMO_CACHE_KB = -1_048_576
# The journal while the demo writes its one transaction on SQLite (see _sqlite_load).
LOAD_JOURNAL = "delete"

FIRST_NAMES = (
    "Oliver", "Amelia", "George", "Isla", "Noah", "Ava", "Arthur", "Mia", "Muhammad", "Ivy",
    "Leo", "Lily", "Harry", "Freya", "Oscar", "Florence", "Archie", "Willow", "Henry", "Emily",
    "Theo", "Sophia", "Jack", "Grace", "Charlie", "Evie", "Freddie", "Poppy", "Alfie", "Ella",
    "Jacob", "Aisha", "Thomas", "Zara", "Kai", "Maya", "Ethan", "Layla", "Finley", "Ruby",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Khan", "Wood", "Jackson", "Clarke", "Hughes", "Ahmed", "Turner", "Hill", "Cooper", "Ward",
    "Morris", "Begum", "Kowalski", "Okafor", "Nguyen", "Murphy", "Price", "Bennett", "Ali",
    "Shaw", "Lewis", "Harris",
)  # fmt: skip
CASEWORKER_NAMES = (
    "Sam Carter", "Priya Shah", "Tom Fletcher", "Hannah Lee", "Marcus Reid", "Joanna Price",
    "Dev Mistry", "Kate Owens", "Ruth Adeyemi", "Liam Doyle",
)  # fmt: skip
TEAM_NAMES = ("North Team", "South Team", "East Team")
# Caseloads as councils report them: 150-250 cases a caseworker, teams of 6-10.
CASELOAD_TYPICAL = 200
CASELOAD_MOST = 250
TEAM_SIZE = 8


def team_names(count: int) -> list[str]:
    extra = [f"Area {n} Team" for n in range(len(TEAM_NAMES) + 1, count + 1)]
    return [*TEAM_NAMES, *extra][:count]


def caseworker_names(count: int) -> list[str]:
    """The ten usual names first, then made-up ones, all different."""
    names = list(CASEWORKER_NAMES[:count])
    seen = set(names)
    initial = 0
    while len(names) < count:
        for last in LAST_NAMES:
            for first in FIRST_NAMES:
                name = f"{first} {chr(65 + initial)}. {last}" if initial else f"{first} {last}"
                if name not in seen and len(names) < count:
                    seen.add(name)
                    names.append(name)
        initial += 1
    return names


SCHOOLS = (
    ("Brookside Primary School", "100001"),
    ("St Mary's CE Primary", "100002"),
    ("Hillcrest Academy", "100003"),
    ("Riverside Community College", "100004"),
    ("Oakfield Infant School", "100005"),
    ("Meadow Junior School", "100006"),
    ("Northgate High School", "100007"),
    ("Willow Tree Special School", "100008"),
    ("Kingsway Sixth Form College", "100009"),
    ("Little Acorns Nursery", "100010"),
)
# Primary needs roughly as EHC plans are distributed nationally (ASD and SLCN most common).
NEEDS = (
    ("ASD", 33),
    ("SLCN", 21),
    ("SEMH", 14),
    ("MLD", 9),
    ("SLD", 6),
    ("PD", 4),
    ("SPLD", 4),
    ("PMLD", 2),
    ("HI", 2),
    ("VI", 1),
    ("MSI", 1),
    ("OTH", 3),
)
UPN_CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"


@dataclass(frozen=True)
class DemoSummary:
    cases: int
    children: int
    caseworkers: int
    advice_requests: int
    reviews: int
    seconds: float


_EPOCH = date(1970, 1, 1).toordinal()


def _draw(rng: np.random.Generator, n: int, low: int, high: int) -> npt.NDArray[np.int64]:
    """n whole numbers from low to high inclusive (random.randint's range)."""
    return rng.integers(low, high + 1, n)


def _weighted(rng: np.random.Generator, n: int, weights: Sequence[int]) -> npt.NDArray[np.int64]:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _done(day: npt.NDArray[np.int64], as_of: int) -> npt.NDArray[np.int64]:
    """The date where it has happened by as_of, else MISSING (0)."""
    return np.where(day <= as_of, day, 0)


def _office_day(day: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Weekend dates moved back to the Friday before (monotonic: keeps every order)."""
    weekday = (day - 1) % 7  # date(1, 1, 1), ordinal 1, was a Monday
    return np.where(day > 0, day - np.maximum(weekday - 4, 0), 0)


def _school_year(dob: npt.NDArray[np.int64], as_of: date) -> npt.NDArray[np.int64]:
    """national_curriculum_year for each date of birth (ordinals) on as_of."""
    cutoff_year = date(as_of.year if as_of.month >= 9 else as_of.year - 1, 8, 31).year
    days = (dob - _EPOCH).astype("datetime64[D]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    return cutoff_year - year - (month >= 9) - 4


def _child_rows(
    parts: list[dict[str, Any]], order: npt.NDArray[np.int64] | None = None
) -> dict[str, Any]:
    """Concatenate per-slot column dicts (one row per case each), then reorder."""
    joined = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    if order is not None:
        joined = {name: values[order] for name, values in joined.items()}
    return joined


class _Generated:
    """Every table's rows for `n` synthetic cases, drawn a column at a time (numpy).

    The distributions are those the demo always used (per-case draws before): requests over
    three years, most decisions near the six-week limit, a fifth not assessed, advice mostly
    within six weeks, about half the plans on time, annual reviews, a few exceptions, ceasings
    and personal budgets. The same seed gives the same data.
    """

    def __init__(
        self,
        rng: np.random.Generator,
        as_of: date,
        worker_ids: list[int],
        case_ids: npt.NDArray[np.int64],
        child_ids: npt.NDArray[np.int64],
    ) -> None:
        self.as_of = as_of
        self.n = n = len(case_ids)
        self.case_ids = case_ids
        self.child_ids = child_ids
        today = as_of.toordinal()
        self.today = today
        c: dict[str, Any] = {}
        received = today - _draw(rng, n, 0, 3 * 365)
        dob = received - _draw(rng, n, 2 * 365, 18 * 365)
        school = rng.integers(0, len(SCHOOLS), n)
        home = rng.random(n) < 0.04
        self.school, self.home, self.dob = school, home, dob
        c["request_received"] = received
        has_worker = rng.random(n) > 0.02
        workers = np.asarray(worker_ids, dtype=np.int64)[rng.integers(0, len(worker_ids), n)]
        c["caseworker_id"] = np.where(has_worker, workers, 0)
        c["request_channel"] = _weighted(rng, n, REQUEST_CHANNELS_W[1])
        c["request_source"] = _weighted(rng, n, REQUEST_SOURCES_W[1])
        # Exceptions (3%), from 10-80 days after the request, most ended.
        start = received + _draw(rng, n, 10, 80)
        has_exception = (rng.random(n) < 0.03) & (start <= today)
        codes = np.array(["X1", "X3", "X3", "X4"], dtype=object)[rng.integers(0, 4, n)]
        end = _done(start + _draw(rng, n, 28, 70), today)
        at = np.flatnonzero(has_exception)
        self.exceptions = {
            "case_id": case_ids[at],
            "code": codes[at],
            "start": start[at],
            "end": end[at],
        }
        # Most decisions arrive near the six-week limit; some are late, a few stuck.
        decision = received + np.where(
            rng.random(n) < 0.85, _draw(rng, n, 25, 42), _draw(rng, n, 43, 90)
        )
        decided = decision <= today
        c["decision_to_assess"] = np.where(decided, decision, 0)
        not_assess = decided & (rng.random(n) < 0.20)
        assess = decided & ~not_assess
        c["decision_outcome"] = np.where(assess, 1, np.where(not_assess, 2, 0))
        closed = not_assess & (decision < today - 180)
        # Advice from the four givers, each requested within a week of the decision.
        parts: list[dict[str, Any]] = []
        for slot in range(len(ADVICE_KINDS)):
            requested = decision + _draw(rng, n, 1, 7)
            late = rng.random(n) >= 0.7
            lag = np.where(late, _draw(rng, n, 43, 80), _draw(rng, n, 25, 42))
            keep = np.flatnonzero(assess & (requested <= today))
            parts.append(
                {
                    "case_id": case_ids[keep],
                    "slot": np.full(len(keep), slot),
                    "requested": requested[keep],
                    "received": _done(requested + lag, today)[keep],
                    "chased": np.where(lag > 42, _done(requested + 44, today), 0)[keep],
                }
            )
        advice = _child_rows(parts)
        order = np.lexsort((advice["slot"], advice["case_id"]))
        self.advice = {k: v[order] for k, v in advice.items() if k != "slot"}
        self.advice["kind"] = np.array(ADVICE_KINDS, dtype=object)[advice["slot"][order]]
        # A few assessments end in a decision not to issue a plan.
        not_issue = received + _draw(rng, n, 90, 125)
        stops = assess & (rng.random(n) < 0.05)
        c["not_issue_decision"] = np.where(stops & (not_issue <= today), not_issue, 0)
        closed |= stops & (not_issue <= today) & (not_issue < today - 180)
        planning = assess & ~stops
        on_time = rng.random(n) < 0.5
        final_day = np.where(on_time, _draw(rng, n, 105, 140), _draw(rng, n, 141, 330))
        draft = received + np.maximum(60, final_day - _draw(rng, n, 21, 45))
        # A draft follows the decision to assess (the store refuses the other order, so an
        # exported demo caseload would not import back).
        draft = np.maximum(draft, decision + 14)
        drafted = planning & (draft <= today)
        c["draft_served"] = np.where(drafted, draft, 0)
        c["draft_method"] = np.where(drafted, rng.integers(1, 3, n), 0)
        c["need_type"] = np.where(drafted, _weighted(rng, n, [w for _, w in NEEDS]) + 1, 0)
        # One or two settings consulted on the draft.
        consulted = np.array([1, 1, 2])[rng.integers(0, 3, n)]
        parts = []
        for slot in range(2):
            sent = draft + _draw(rng, n, 0, 3)
            other = rng.integers(0, len(SCHOOLS), n)
            keep = np.flatnonzero(drafted & (slot < consulted) & (sent <= today))
            parts.append(
                {
                    "case_id": case_ids[keep],
                    "slot": np.full(len(keep), slot),
                    "school": np.where(home, other, school)[keep],
                    "urn": np.where(home, -1, school)[keep],
                    "sent": sent[keep],
                    "responded": _done(sent + _draw(rng, n, 8, 30), today)[keep],
                }
            )
        consultations = _child_rows(parts)
        order = np.lexsort((consultations["slot"], consultations["case_id"]))
        self.consultations = {k: v[order] for k, v in consultations.items() if k != "slot"}
        final = np.maximum(received + final_day, draft + 15)
        issued = drafted & (final <= today)
        self.issued = issued
        c["final_issued"] = np.where(issued, final, 0)
        ceased = np.zeros(n, dtype=np.int64)
        cease_reason = np.zeros(n, dtype=np.int64)
        # Annual reviews, each about a year after the last decision.
        base = final.copy()
        active = issued.copy()
        parts = []
        slot = 0
        while active.any():
            meeting = base + np.where(rng.random(n) < 0.8, _draw(rng, n, 290, 360), 380)
            active &= meeting <= today
            decided_on = meeting + np.where(rng.random(n) < 0.6, _draw(rng, n, 10, 27), 40)
            outcome = _weighted(rng, n, (60, 37, 3)) + 1  # 1 M, 2 A, 3 C
            amendment = np.where(outcome == 2, decided_on, 0)
            keep = np.flatnonzero(active)
            parts.append(
                {
                    "case_id": case_ids[keep],
                    "slot": np.full(len(keep), slot),
                    "meeting": meeting[keep],
                    "notice_sent": (meeting - _draw(rng, n, 14, 28))[keep],
                    "advice_circulated": (meeting - _draw(rng, n, 14, 21))[keep],
                    "report_sent": _done(meeting + _draw(rng, n, 5, 14), today)[keep],
                    "decision_sent": _done(decided_on, today)[keep],
                    "outcome": np.where(decided_on <= today, outcome, 0)[keep],
                    "amendment_sent": _done(amendment, today)[keep],
                    "final_amended": np.where(
                        amendment > 0, _done(amendment + _draw(rng, n, 30, 70), today), 0
                    )[keep],
                }
            )
            active &= decided_on <= today
            ends = active & (outcome == 3)
            stopped = decided_on + _draw(rng, n, 30, 90)
            gone = ends & (stopped <= today)
            ceased = np.where(gone, stopped, ceased)
            cease_reason = np.where(gone, 2, cease_reason)
            closed |= gone
            active &= outcome != 3
            base = np.where(active, decided_on, base)
            slot += 1
        reviews = _child_rows(parts)
        order = np.lexsort((reviews["slot"], reviews["case_id"]))
        self.reviews = {k: v[order] for k, v in reviews.items() if k != "slot"}
        # Phase transfers for children in a transfer year (nursery, Year 6, Year 11).
        year = _school_year(dob, as_of)
        transfer_year = as_of.year if as_of.month < 9 else as_of.year + 1
        transfer = issued & np.isin(year, (-1, 6, 11))
        c["phase_transfer"] = np.where(transfer, date(transfer_year, 9, 1).toordinal(), 0)
        c["transfer_kind"] = np.where(transfer, np.where(year == 11, 2, 1), 0)
        # A few plans ceased (moved away, no longer needed...).
        later = final + _draw(rng, n, 200, 700)
        gone = issued & (rng.random(n) < 0.02) & (later <= today)
        reasons = np.array([2, 5, 7, 9])[rng.integers(0, 4, n)]
        c["ceased"] = np.where(gone, later, ceased)
        c["cease_reason"] = np.where(gone, reasons, cease_reason)
        c["closed"] = closed | gone
        self.year = year
        self.cases = c
        self._sen2(rng)
        self.first_name = rng.integers(0, len(FIRST_NAMES), n)
        self.last_name = rng.integers(0, len(LAST_NAMES), n)
        self.sex = np.where(rng.random(n) < 0.72, "M", "F").astype(object)
        self.postcode_digits = (_draw(rng, n, 1, 99), _draw(rng, n, 1, 9))
        self.postcode_letters = rng.integers(0, len(POSTCODE_LETTERS), (n, 2))

    def move_to_office_days(self) -> None:
        """Dates a caseworker records happen on office days; a birthday or a transfer date need
        not. Done after every draw (the order of events was decided on the dates drawn)."""
        for table in (self.cases, self.advice, self.exceptions, self.consultations, self.reviews):
            for name in _OFFICE_DATES.intersection(table):
                table[name] = _office_day(table[name])

    def _sen2(self, rng: np.random.Generator) -> None:
        """The SEN2-only items: UPNs with a real LA number and a valid check letter, ethnicity,
        secondary needs, placements, personal budgets and the last phase transfer."""
        n, c, issued = self.n, self.cases, self.issued
        # An LA number, then the child's id: every demo child's UPN is different (SEN2 K01).
        la = np.asarray(DEMO_LA_NUMBERS, dtype=np.int64)[rng.integers(0, len(DEMO_LA_NUMBERS), n)]
        digits = [la // 100, la // 10 % 10, la % 10]
        digits += [self.child_ids % 10**9 // 10**k % 10 for k in range(8, -1, -1)]
        self.check: npt.NDArray[np.int64] = np.asarray(
            sum(d * (i + 2) for i, d in enumerate(digits)) % 23
        )
        self.la = la
        self.ethnicity = _weighted(rng, n, [w for _, w in ETHNICITIES])
        # A secondary need (30% of plans): any but the primary need and OTH.
        own = c["need_type"] - 1  # index in NEEDS, -1 for none
        choices = [i for i, (name, _) in enumerate(NEEDS) if name != "OTH"]
        other = np.asarray(choices)
        own_at = np.searchsorted(other, own)  # own's place among the choices (if there)
        is_choice = np.isin(own, other)
        pick = (rng.random(n) * np.where(is_choice, len(choices) - 1, len(choices))).astype(int)
        pick = np.where(is_choice & (pick >= own_at), pick + 1, pick)
        secondary = issued & (own >= 0) & (rng.random(n) < 0.3)
        c["secondary_need"] = np.where(secondary, other[np.minimum(pick, len(choices) - 1)] + 1, 0)
        budget = issued & (rng.random(n) < 0.06)
        c["personal_budget"] = np.where(issued, np.where(budget, 1, 0), -1)
        c["budget_organised"] = np.where(budget, np.where(rng.random(n) < 0.5, 1, 0), -1)
        c["direct_payment"] = np.where(budget, rng.integers(1, 5, n), 0)
        # The last phase transfer (reg 18), for children now in Year 7 or 12 whose plan was
        # in place for it: the demo records the current transfer year only.
        start_year = self.as_of.year if self.as_of.month >= 9 else self.as_of.year - 1
        last = issued & (c["phase_transfer"] == 0) & np.isin(self.year, (7, 12))
        c["phase_transfer"] = np.where(
            last, date(start_year, 9, 1).toordinal(), c["phase_transfer"]
        )
        c["transfer_kind"] = np.where(last, np.where(self.year == 12, 2, 1), c["transfer_kind"])


ADVICE_KINDS = ("EP", "health", "social care", "school")
# SEN2 items (sen2-return.md): real DfE LA numbers for the UPNs' characters 2-4 (so the check
# on them passes), and a spread of CBDS ethnicity codes.
DEMO_LA_NUMBERS = ("330", "331", "332", "333", "334", "335", "336")
ETHNICITIES = (("WBRI", 60), ("APKN", 8), ("BAFR", 6), ("MWBC", 5), ("AIND", 4), ("WOTH", 5),
               ("BCRB", 3), ("CHNE", 1), ("OOTH", 3), ("REFU", 2), ("NOBT", 3))  # fmt: skip


REQUEST_CHANNELS_W = (("email", "post", "hand", "portal"), (55, 10, 5, 30))
REQUEST_SOURCES_W = (
    ("parent", "young person", "school", "health", "social care", "other"),
    (50, 3, 35, 6, 4, 2),
)


POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# The event dates (moved off weekends); a birthday or a transfer date need not be an office day.
_OFFICE_DATES = frozenset(
    {"request_received", "decision_to_assess", "not_issue_decision", "draft_served",
     "final_issued", "ceased", "requested", "received", "chased", "start", "end", "sent",
     "responded", "meeting", "notice_sent", "advice_circulated", "report_sent", "decision_sent",
     "amendment_sent", "final_amended"}
)  # fmt: skip


def _either(mask: npt.NDArray[np.bool_], yes: Any, no: Any) -> npt.NDArray[np.object_]:
    """yes where mask, else no (values or arrays, as Python objects)."""
    chosen: npt.NDArray[np.object_] = np.where(
        mask, np.asarray(yes, dtype=object), np.asarray(no, dtype=object)
    )
    return chosen


def _dates(days: npt.NDArray[np.int64]) -> list[date | None]:
    """Ordinals (0 = none) as dates, each distinct day made once."""
    distinct, inverse = np.unique(days, return_inverse=True)
    made = np.array([None] + [date.fromordinal(int(d)) for d in distinct if d], dtype=object)
    offset = 1 if len(distinct) and distinct[0] == 0 else 0
    return list(made[inverse + 1 - offset])


def _words(codes: npt.NDArray[np.int64], words: Sequence[Any]) -> list[Any]:
    """Codes 1.. as words[0..], 0 as None."""
    return list(np.array([None, *words], dtype=object)[codes])


def _flags(values: npt.NDArray[np.int64]) -> list[bool | None]:
    """1 True, 0 False, -1 None."""
    return _words(values + 1, (False, True))


def _refs(gen: _Generated, taken: set[str]) -> list[str]:
    """References follow the year the request arrived, numbered in arrival order."""
    received = gen.cases["request_received"]
    order = np.lexsort((gen.case_ids, received))
    years = (received[order] - _EPOCH).astype("datetime64[D]").astype("datetime64[Y]")
    years = years.astype(np.int64) + 1970
    refs = [""] * gen.n
    if not taken:
        first = np.searchsorted(years, years, side="left")
        numbers = np.arange(gen.n) - first + 1
        for at, year, number in zip(order.tolist(), years.tolist(), numbers.tolist(), strict=True):
            refs[at] = f"EHC-{year}-{number:05d}"
        return refs
    counters: dict[int, int] = {}
    for at, year in zip(order.tolist(), years.tolist(), strict=True):
        while True:
            counters[year] = counters.get(year, 0) + 1
            ref = f"EHC-{year}-{counters[year]:05d}"
            if ref not in taken:
                break
        refs[at] = ref
    return refs


def _tables(gen: _Generated, refs: list[str], now: Any) -> dict[Table, dict[str, Any]]:
    """Every filled table's columns as the driver takes them, in insertion order."""
    n, c = gen.n, gen.cases

    def stamp(count: int) -> dict[str, Any]:
        return {
            "version": [1] * count,
            "updated_at": [now] * count,
            "updated_by": [DEMO_USER] * count,
        }

    none = [None] * n
    school_names = np.array([name for name, _ in SCHOOLS], dtype=object)
    school_urns = np.array([urn for _, urn in SCHOOLS], dtype=object)
    setting = _either(gen.home, "Educated at home", school_names[gen.school])
    urn = _either(gen.home, None, school_urns[gen.school])
    letters = np.array(list(POSTCODE_LETTERS), dtype=object)[gen.postcode_letters]
    area, sector = gen.postcode_digits
    # ZZ is not a real postcode area: synthetic addresses can never match a real family.
    postcodes = [
        f"ZZ{a} {b}{x}{y}"
        for a, b, x, y in zip(
            area.tolist(), sector.tolist(), letters[:, 0], letters[:, 1], strict=True
        )
    ]
    upns = [
        f"{UPN_CHECK[check]}{la}{child % 10**9:09d}"
        for check, la, child in zip(
            gen.check.tolist(), gen.la.tolist(), gen.child_ids.tolist(), strict=True
        )
    ]
    home_code = _either(gen.home, "EHE", None)
    children = {
        "id": gen.child_ids.tolist(),
        "first_name": list(np.array(FIRST_NAMES, dtype=object)[gen.first_name]),
        "last_name": list(np.array(LAST_NAMES, dtype=object)[gen.last_name]),
        "date_of_birth": _dates(gen.dob),
        "sex": list(gen.sex),
        "postcode": postcodes,
        "upn": upns,
        "uln": none,
        "setting_name": list(setting),
        "setting_urn": list(urn),
        "setting_code": list(home_code),
        **stamp(n),
        "ethnicity": list(np.array([e for e, _ in ETHNICITIES], dtype=object)[gen.ethnicity]),
        "upn_unknown": none,
    }
    issued = gen.issued
    placed_urn = _either(issued, urn, None)
    cases = {
        "id": gen.case_ids.tolist(),
        "ref": refs,
        "child_id": gen.child_ids.tolist(),
        "caseworker_id": [w or None for w in c["caseworker_id"].tolist()],
        "request_received": _dates(c["request_received"]),
        "request_channel": _words(c["request_channel"] + 1, REQUEST_CHANNELS_W[0]),
        "request_source": _words(c["request_source"] + 1, REQUEST_SOURCES_W[0]),
        "decision_to_assess": _dates(c["decision_to_assess"]),
        "decision_outcome": _words(c["decision_outcome"], ("assess", "not-assess")),
        "not_issue_decision": _dates(c["not_issue_decision"]),
        "draft_served": _dates(c["draft_served"]),
        "draft_method": _words(c["draft_method"], ("email", "post")),
        "final_issued": _dates(c["final_issued"]),
        "plan_issued": none,
        "need_type": _words(c["need_type"], [name for name, _ in NEEDS]),
        "need_rank": _words(np.where(c["need_type"] > 0, 1, 0), (1,)),
        "placement_name": list(_either(issued, setting, None)),
        "placement_urn": list(placed_urn),
        "phase_transfer": _dates(c["phase_transfer"]),
        "transfer_kind": _words(c["transfer_kind"], ("school", "post16")),
        "reassessment_notified": none,
        "ceased": _dates(c["ceased"]),
        "cease_reason": [r or None for r in c["cease_reason"].tolist()],
        "closed": c["closed"].tolist(),
        **stamp(n),
        "request_rya": [False] * n,
        "exported_la": none,
        "transfer_la": none,
        "secondary_need": _words(c["secondary_need"], [name for name, _ in NEEDS]),
        "plan_setting_code": list(_either(issued, home_code, None)),
        "plan_setting_other": none,
        "plan_residential": none,
        "plan_work_based": none,
        "personal_budget": _flags(c["personal_budget"]),
        "budget_organised": _flags(c["budget_organised"]),
        "direct_payment": _words(c["direct_payment"], ("E", "S", "H", "I")),
    }
    advice, count = gen.advice, len(gen.advice["case_id"])
    exceptions, lapses = gen.exceptions, len(gen.exceptions["case_id"])
    consults, sent = gen.consultations, len(gen.consultations["case_id"])
    reviews, held = gen.reviews, len(gen.reviews["case_id"])
    at = np.flatnonzero(issued)
    placed = len(at)
    unit = list(_either(gen.home[at], None, False))
    return {
        Child.__table__: children,  # type: ignore[dict-item]
        Case.__table__: cases,  # type: ignore[dict-item]
        AdviceRequest.__table__: {  # type: ignore[dict-item]
            "case_id": advice["case_id"].tolist(),
            "kind": list(advice["kind"]),
            "advice_giver": [None] * count,
            "requested": _dates(advice["requested"]),
            "received": _dates(advice["received"]),
            "chased": _dates(advice["chased"]),
            **stamp(count),
        },
        CaseException.__table__: {  # type: ignore[dict-item]
            "case_id": exceptions["case_id"].tolist(),
            "code": list(exceptions["code"]),
            "start": _dates(exceptions["start"]),
            "end": _dates(exceptions["end"]),
            "note": ["Synthetic exception"] * lapses,
            **stamp(lapses),
        },
        Consultation.__table__: {  # type: ignore[dict-item]
            "case_id": consults["case_id"].tolist(),
            "institution": list(school_names[consults["school"]]),
            "institution_urn": list(
                _either(consults["urn"] < 0, None, school_urns[consults["urn"]])
            ),
            "sent": _dates(consults["sent"]),
            "responded": _dates(consults["responded"]),
            "outcome": [None] * sent,
            **stamp(sent),
        },
        AnnualReview.__table__: {  # type: ignore[dict-item]
            "case_id": reviews["case_id"].tolist(),
            **{name: _dates(reviews[name]) for name in _REVIEW_DAYS},
            "outcome": _words(reviews["outcome"], ("M", "A", "C")),
            **stamp(held),
        },
        Placement.__table__: {  # type: ignore[dict-item]
            "case_id": gen.case_ids[at].tolist(),
            "rank": [1] * placed,
            "name": list(setting[at]),
            "urn": list(urn[at]),
            "setting_code": list(home_code[at]),
            "setting_other": [None] * placed,
            "entry": _dates(c["final_issued"][at]),
            "leaving": [None] * placed,
            "sen_unit": unit,
            "resourced_provision": list(unit),
            "residential": [None] * placed,
            "work_based": [None] * placed,
            **stamp(placed),
        },
    }


_REVIEW_DAYS = ("meeting", "notice_sent", "advice_circulated", "report_sent", "decision_sent",
                "amendment_sent", "final_amended")  # fmt: skip
# Review outcomes as drawn (1 M, 2 A, 3 C) -> the bulk engine's codes.
_REVIEW_CODES = np.array([0, REVIEW_OUTCOME_CODES["M"], REVIEW_OUTCOME_CODES["A"],
                          REVIEW_OUTCOME_CODES["C"]], dtype=np.int8)  # fmt: skip


def _columns(gen: _Generated) -> Iterator[CaseColumns]:
    """The generated cases as the bulk engine's columns, a block of consecutive ids at a time
    (the rows as written: a case's child rows in the order they were inserted)."""
    c = gen.cases
    zero = np.zeros(gen.n, dtype=np.int64)
    days = {name: c.get(name, zero) for name in CASE_DATES}
    days["date_of_birth"] = gen.dob
    bits = np.zeros(gen.n, dtype=np.int8)
    at = np.searchsorted(gen.case_ids, gen.exceptions["case_id"])
    code_bits = np.array([EXCEPTION_BITS[code] for code in gen.exceptions["code"]], dtype=np.int8)
    np.bitwise_or.at(bits, at, code_bits)

    def rows(table: dict[str, Any], first: int, last: int) -> tuple[Any, slice]:
        ids = table["case_id"]
        span = slice(int(np.searchsorted(ids, first)), int(np.searchsorted(ids, last, "right")))
        return (ids[span] - first).astype(np.intp), span

    school_names = np.array([name for name, _ in SCHOOLS], dtype=object)
    for start in range(0, gen.n, RANGE_BLOCK):
        block = slice(start, start + RANGE_BLOCK)
        ids = gen.case_ids[block]
        first, last, size = int(ids[0]), int(ids[-1]), len(ids)
        advice_at, a = rows(gen.advice, first, last)
        consult_at, k = rows(gen.consultations, first, last)
        review_at, r = rows(gen.reviews, first, last)
        yield CaseColumns(
            case_id=ids,
            dates={name: values[block].astype(np.int32) for name, values in days.items()},
            decision_outcome=c["decision_outcome"][block].astype(np.int8),
            transfer_kind=c["transfer_kind"][block].astype(np.int8),
            exception_bits=bits[block],
            advice=ChildTable.pad(
                size,
                advice_at,
                {n: gen.advice[n][a].astype(np.int32) for n in ("requested", "received")},
                labels={"kind": list(gen.advice["kind"][a])},
            ),
            consultations=ChildTable.pad(
                size,
                consult_at,
                {n: gen.consultations[n][k].astype(np.int32) for n in ("sent", "responded")},
                labels={"institution": list(school_names[gen.consultations["school"][k]])},
            ),
            reviews=ChildTable.pad(
                size,
                review_at,
                {n: gen.reviews[n][r].astype(np.int32) for n in REVIEW_DATES},
                {"outcome": _REVIEW_CODES[gen.reviews["outcome"][r]]},
            ),
        )


# The tables the demo fills. On SQLite their indexes are dropped for the load and built again
# from the sorted rows (several times faster than keeping them up to date row by row); inside
# the demo's one transaction, so a demo stopped halfway leaves the tables and indexes as they were.
_FILLED = ("child", "case", "advice_request", "case_exception", "consultation", "annual_review",
           "placement", "case_summary", "case_step", "case_review_time")  # fmt: skip


@contextmanager
def _sqlite_load(conn: Connection) -> Iterator[None]:
    """The connection's settings for the demo's one large write (SQLite; outside its
    transaction, where SQLite allows them to change), back to the program's after it.

    A rollback journal instead of WAL where this is the database's only connection: pages
    the database did not have before (all of a new demo's) are not journalled, so each is
    written once instead of to the WAL and then again by the checkpoint, and a demo stopped
    halfway is still rolled back whole (the next open replays the journal). Under WAL every
    page the load spills from the cache is written to the log and read back from it. Another
    connection holding the file (the desktop) keeps it in WAL: then the load runs as before.
    One that opens the file during the load waits for it (busy timeout), as for any write.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    mode = str(conn.exec_driver_sql("PRAGMA journal_mode").scalar_one())
    cache = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    switched = False
    if mode == "wal" and LOAD_JOURNAL != "wal":
        # Leaving WAL needs the file to itself: with another connection open SQLite says
        # "locked" - at once, not after the busy timeout - and the load stays in WAL.
        wait = int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one())
        conn.exec_driver_sql("PRAGMA busy_timeout=0")
        try:
            found = conn.exec_driver_sql(f"PRAGMA journal_mode={LOAD_JOURNAL}").scalar_one()
            switched = str(found).lower() == LOAD_JOURNAL
        except OperationalError:
            log.info("Demo: the database is open elsewhere; the load stays in WAL")
        conn.exec_driver_sql(f"PRAGMA busy_timeout={wait}")
    # The name and UPN indexes take rows in random order: a larger page cache keeps them
    # in memory during the load (this connection only, returned to its size after).
    conn.exec_driver_sql(f"PRAGMA cache_size={DEMO_CACHE_KB}")
    if switched:
        # The journal is a few pages long (a new demo's pages are not in it): syncing it at
        # each cache spill costs little, and a power cut then cannot tear the file.
        conn.exec_driver_sql("PRAGMA synchronous=FULL")
    conn.commit()  # SQLAlchemy's own transaction around the PRAGMAs (SQLite opened none)
    try:
        yield
    finally:
        try:
            conn.exec_driver_sql(f"PRAGMA cache_size={cache}")
            if switched:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
                conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
            conn.commit()
        except DBAPIError:
            # (a full disk, say): this connection is not reused; the next one the program
            # opens is set up in WAL again by the database's connect event.
            log.warning("Demo: could not put the connection's settings back", exc_info=True)
            conn.invalidate()


def _without_nulls(table: Table, columns: dict[str, Any]) -> dict[str, Any]:
    """The columns less those that are NULL in every row and have no default: left out of
    the INSERT (or COPY) they are stored as NULL just the same, and are not bound row by row
    (about a fifth of the case table's columns in a demo)."""
    return {
        name: values
        for name, values in columns.items()
        if not _unset(table, name) or list(values).count(None) < len(values)
    }


def _unset(table: Table, name: str) -> bool:
    column = table.c[name]
    return column.nullable is True and column.default is None and column.server_default is None


def _people_cases(conn: Connection) -> int:
    """Cases not written by demo: created, imported or edited by a person."""
    return int(
        conn.execute(
            select(func.count()).select_from(Case).where(Case.updated_by != DEMO_USER)
        ).scalar_one()
    )


def make_demo(
    db: Database, cases: int, seed: int, as_of: date, *, force: bool = False
) -> DemoSummary:
    """Fill the database with `cases` synthetic requests and plans (same seed, same data).

    All or nothing: teams, caseworkers and cases are written in one transaction, so a demo
    killed or out of disk leaves the database as it was. Never into a database holding cases
    that people recorded (there is no override for that: invented children must not mix with
    a real caseload); --force only adds more demo data to a demo database.
    """
    if cases < 1:
        raise KnownError("Ask for at least one demo case")
    if cases > 1_000_000:
        raise KnownError("At most 1,000,000 demo cases")
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    # One transaction; on PostgreSQL, for the tables' owner, the rows go by COPY with the
    # tables' indexes, foreign keys and triggers set aside and put back before the commit.
    with (
        db.engine.connect() as conn,
        _sqlite_load(conn),
        conn.begin(),
        pg_copy.loading(conn, _FILLED),
    ):
        real = _people_cases(conn)
        if real:
            raise KnownError(
                f"The database holds {real} cases recorded by people: demo data (invented "
                "children) never goes into a real caseload. Use a new database for the demo, "
                "e.g. send-desktop --database demo.sqlite3 demo"
            )
        existing = conn.execute(select(func.count()).select_from(Case)).scalar_one()
        if existing and not force:
            raise KnownError(
                f"The database already holds {existing} demo cases; use --force to add more"
            )
        if conn.dialect.name == "postgresql":
            # The owner's synthetic rows are not people's changes: one audit row says what was
            # written (below) instead of one per field. Ignored unless the login owns the tables.
            from send_desktop.store.team import UNAUDITED_SETTING

            conn.execute(text("SELECT set_config(:k, 'demo', true)"), {"k": UNAUDITED_SETTING})
        team_count = int(rng.integers(2, 4))
        worker_count = int(rng.integers(6, 11))
        if cases > worker_count * CASELOAD_MOST:
            # A real authority: about 200 cases a caseworker, teams of about 8.
            worker_count = -(-cases // CASELOAD_TYPICAL)
            team_count = -(-worker_count // TEAM_SIZE)
        team_table: Table = Team.__table__  # type: ignore[assignment]
        worker_table: Table = Caseworker.__table__  # type: ignore[assignment]
        stamp = {"updated_by": DEMO_USER, "updated_at": utc_now(), "version": 1}
        team_ids: list[int] = []
        for name in team_names(team_count):
            found = conn.execute(select(Team.id).where(Team.name == name)).scalar_one_or_none()
            if found is None:
                found = conn.execute(
                    insert(team_table).values(name=name, **stamp).returning(team_table.c.id)
                ).scalar_one()
            team_ids.append(int(found))
        worker_ids: list[int] = []
        for index, name in enumerate(caseworker_names(worker_count)):
            team_id = team_ids[index % team_count]
            # A second demo run reuses the demo's caseworkers instead of doubling them.
            found = conn.execute(
                select(Caseworker.id)
                .where(Caseworker.name == name, Caseworker.updated_by == DEMO_USER)
                .order_by(Caseworker.id)
                .limit(1)
            ).scalar_one_or_none()
            if found is None:
                found = conn.execute(
                    insert(worker_table)
                    .values(
                        name=name,
                        team_id=team_id,
                        role="team_leader" if index < team_count else "caseworker",
                        active=True,
                        **stamp,
                    )
                    .returning(worker_table.c.id)
                ).scalar_one()
            worker_ids.append(int(found))
        first_case = (conn.execute(select(func.max(Case.id))).scalar_one() or 0) + 1
        first_child = (conn.execute(select(func.max(Child.id))).scalar_one() or 0) + 1
        taken = set(conn.execute(select(Case.ref).where(Case.ref.like("EHC-%"))).scalars())

        gen = _Generated(
            rng,
            as_of,
            worker_ids,
            first_case + np.arange(cases, dtype=np.int64),
            first_child + np.arange(cases, dtype=np.int64),
        )
        gen.move_to_office_days()
        refs = _refs(gen, taken)
        tables = _tables(gen, refs, utc_now())

        indexes = drop_indexes(conn, _FILLED)
        # The search index filled once after the rows, not by its trigger case by case.
        search_paused = search_index.bulk_insert_begin(conn)
        for target, columns in tables.items():
            insert_columns(conn, target, _without_nulls(target, columns))
        if search_paused:
            search_index.bulk_insert_end(conn, first_case)
        conn.execute(
            insert(AuditEntry.__table__),  # type: ignore[arg-type]
            [
                {
                    "at": utc_now(),
                    "user": db.user,
                    "db_user": db.db_user,
                    "table_name": "case",
                    "row_id": None,
                    "case_id": None,
                    "field": None,
                    "old": None,
                    "new": f"{cases} synthetic cases (seed {seed}, as of {as_of.isoformat()})",
                    "action": "demo",
                }
            ],
        )
        # The stored deadlines, in the same transaction (store/summaries.py).
        # Computed from the rows just written (weekend dates already moved), not read back.
        with Session(bind=conn) as digest_session:
            policy = load_policy(digest_session)
        digest_stamp = stamp_for(policy)
        for cols in _columns(gen):
            write_columns(conn, cols, policy, digest_stamp)
        for sql in indexes:
            conn.exec_driver_sql(sql)
        if conn.dialect.name == "postgresql":
            # Explicit ids bypassed the sequences; move them past the rows just written.
            for table in ("child", "case"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'(SELECT max(id) FROM "{table}"))'
                    )
                )
    seconds = time.perf_counter() - started
    log.info("Demo data: %d cases in %.1f s", cases, seconds)
    return DemoSummary(
        cases=cases,
        children=cases,
        caseworkers=len(worker_ids),
        advice_requests=len(gen.advice["case_id"]),
        reviews=len(gen.reviews["case_id"]),
        seconds=seconds,
    )
