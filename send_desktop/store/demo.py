"""A realistic synthetic caseload for trying the program, written with fast bulk inserts."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, Table, func, insert, select, text
from sqlalchemy.orm import Session

from send_desktop.errors import KnownError
from send_desktop.store.database import Database
from send_desktop.store.fast_insert import insert_columns
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
    national_curriculum_year,
    utc_now,
)
from send_desktop.store.settings import load_policy
from send_desktop.store.summaries import RANGE_BLOCK, stamp_for, write_columns
from send_desktop.timeline.bulk import (
    ADVICE_COLUMNS,
    CASE_COLUMNS,
    CONSULTATION_COLUMNS,
    EXCEPTION_COLUMNS,
    REVIEW_COLUMNS,
    CaseColumns,
)

log = logging.getLogger(__name__)

DEMO_USER = "demo data"
# The page cache while the demo writes (SQLite, this connection only): the name and UPN
# indexes take rows in random order, and at 1,000,000 cases they no longer fit 128 MiB.
DEMO_CACHE_KB = -1_048_576

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


def _upn(rng: random.Random) -> str:
    """A UPN-shaped identifier with a valid check letter (never a real child's)."""
    digits = f"{rng.randrange(10**12):012d}"
    total = sum(int(d) * (i + 2) for i, d in enumerate(digits))
    return UPN_CHECK[total % 23] + digits


def _postcode(rng: random.Random) -> str:
    # ZZ is not a real postcode area: synthetic addresses can never match a real family.
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"ZZ{rng.randint(1, 99)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _days(n: int) -> timedelta:
    return timedelta(days=n)


class _Builder:
    """Generates rows for one synthetic case at a time, in plain dicts for executemany."""

    def __init__(self, rng: random.Random, as_of: date, worker_ids: list[int]) -> None:
        self.rng = rng
        self.as_of = as_of
        self.worker_ids = worker_ids
        self.now = utc_now()
        self.children: list[dict[str, Any]] = []
        self.cases: list[dict[str, Any]] = []
        self.advice: list[dict[str, Any]] = []
        self.exceptions: list[dict[str, Any]] = []
        self.consultations: list[dict[str, Any]] = []
        self.reviews: list[dict[str, Any]] = []
        self.need_names = [n for n, _ in NEEDS]
        self.need_weights = [w for _, w in NEEDS]

    def _stamp(self) -> dict[str, Any]:
        return {"version": 1, "updated_at": self.now, "updated_by": DEMO_USER}

    def _done(self, day: date) -> date | None:
        return day if day <= self.as_of else None

    def add(self, case_id: int, child_id: int, ref: str) -> None:
        rng, as_of = self.rng, self.as_of
        received = as_of - _days(rng.randint(0, 3 * 365))
        dob = received - _days(rng.randint(2 * 365, 18 * 365))
        school, school_urn = rng.choice(SCHOOLS)
        urn: str | None = school_urn
        setting_code = None
        if rng.random() < 0.04:
            school, urn, setting_code = "Educated at home", None, "EHE"
        self.children.append(
            {
                "id": child_id,
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "date_of_birth": dob,
                "sex": "M" if rng.random() < 0.72 else "F",
                "postcode": _postcode(rng),
                "upn": _upn(rng),
                "uln": None,
                "setting_name": school,
                "setting_urn": urn,
                "setting_code": setting_code,
                **self._stamp(),
            }
        )
        case: dict[str, Any] = {
            "id": case_id,
            "ref": ref,
            "child_id": child_id,
            "caseworker_id": rng.choice(self.worker_ids) if rng.random() > 0.02 else None,
            "request_received": received,
            "request_channel": rng.choices(REQUEST_CHANNELS_W[0], REQUEST_CHANNELS_W[1])[0],
            "request_source": rng.choices(REQUEST_SOURCES_W[0], REQUEST_SOURCES_W[1])[0],
            "decision_to_assess": None,
            "decision_outcome": None,
            "not_issue_decision": None,
            "draft_served": None,
            "draft_method": None,
            "final_issued": None,
            "plan_issued": None,
            "need_type": None,
            "need_rank": None,
            "placement_name": None,
            "placement_urn": None,
            "phase_transfer": None,
            "transfer_kind": None,
            "reassessment_notified": None,
            "ceased": None,
            "cease_reason": None,
            "closed": False,
            **self._stamp(),
        }
        self.cases.append(case)
        self._process(case, case_id, dob, school, urn)

    def _process(
        self, case: dict[str, Any], case_id: int, dob: date, school: str, urn: str | None
    ) -> None:
        rng, as_of = self.rng, self.as_of
        received: date = case["request_received"]
        if rng.random() < 0.03:
            start = received + _days(rng.randint(10, 80))
            if start <= as_of:
                code = rng.choice(("X1", "X3", "X3", "X4"))
                self.exceptions.append(
                    {
                        "case_id": case_id,
                        "code": code,
                        "start": start,
                        "end": self._done(start + _days(rng.randint(28, 70))),
                        "note": "Synthetic exception",
                        **self._stamp(),
                    }
                )
        # Most decisions arrive near the six-week limit; some are late, a few stuck.
        decision = received + _days(
            rng.randint(25, 42) if rng.random() < 0.85 else rng.randint(43, 90)
        )
        if decision > as_of:
            return
        case["decision_to_assess"] = decision
        if rng.random() < 0.20:
            case["decision_outcome"] = "not-assess"
            case["closed"] = decision < as_of - _days(180)
            return
        case["decision_outcome"] = "assess"
        for kind in ("EP", "health", "social care", "school"):
            requested = decision + _days(rng.randint(1, 7))
            if requested > as_of:
                continue
            lag = rng.randint(25, 42) if rng.random() < 0.7 else rng.randint(43, 80)
            self.advice.append(
                {
                    "case_id": case_id,
                    "kind": kind,
                    "advice_giver": None,
                    "requested": requested,
                    "received": self._done(requested + _days(lag)),
                    "chased": self._done(requested + _days(44)) if lag > 42 else None,
                    **self._stamp(),
                }
            )
        if rng.random() < 0.05:
            not_issue = received + _days(rng.randint(90, 125))
            if not_issue <= as_of:
                case["not_issue_decision"] = not_issue
                case["closed"] = not_issue < as_of - _days(180)
            return
        on_time = rng.random() < 0.5
        final_day = rng.randint(105, 140) if on_time else rng.randint(141, 330)
        draft = received + _days(max(60, final_day - rng.randint(21, 45)))
        # A draft follows the decision to assess (the store refuses the other order, so an
        # exported demo caseload would not import back).
        draft = max(draft, decision + _days(14))
        if draft > as_of:
            return
        case["draft_served"] = draft
        case["draft_method"] = rng.choice(("email", "post"))
        case["need_type"] = rng.choices(self.need_names, self.need_weights)[0]
        case["need_rank"] = 1
        for _ in range(rng.choice((1, 1, 2))):
            sent = draft + _days(rng.randint(0, 3))
            if sent <= as_of:
                self.consultations.append(
                    {
                        "case_id": case_id,
                        "institution": school if urn else rng.choice(SCHOOLS)[0],
                        "institution_urn": urn,
                        "sent": sent,
                        "responded": self._done(sent + _days(rng.randint(8, 30))),
                        "outcome": None,
                        **self._stamp(),
                    }
                )
        final = max(received + _days(final_day), draft + _days(15))
        if final > as_of:
            return
        case["final_issued"] = final
        case["placement_name"] = school
        case["placement_urn"] = urn
        self._reviews(case, case_id, final)
        year = national_curriculum_year(dob, as_of)
        if year in (-1, 6, 11):
            transfer_year = as_of.year if as_of.month < 9 else as_of.year + 1
            case["phase_transfer"] = date(transfer_year, 9, 1)
            case["transfer_kind"] = "post16" if year == 11 else "school"
        if rng.random() < 0.02:
            ceased = final + _days(rng.randint(200, 700))
            if ceased <= as_of:
                case["ceased"] = ceased
                case["cease_reason"] = rng.choice((2, 5, 7, 9))
                case["closed"] = True

    def _reviews(self, case: dict[str, Any], case_id: int, start: date) -> None:
        rng, as_of = self.rng, self.as_of
        base = start
        while True:
            meeting = base + _days(rng.randint(290, 360) if rng.random() < 0.8 else 380)
            if meeting > as_of:
                return
            decided = meeting + _days(rng.randint(10, 27) if rng.random() < 0.6 else 40)
            outcome = rng.choices(("M", "A", "C"), (60, 37, 3))[0]
            amendment = decided if outcome == "A" else None
            review = {
                "case_id": case_id,
                "meeting": meeting,
                "notice_sent": meeting - _days(rng.randint(14, 28)),
                "advice_circulated": meeting - _days(rng.randint(14, 21)),
                "report_sent": self._done(meeting + _days(rng.randint(5, 14))),
                "decision_sent": self._done(decided),
                "outcome": outcome if decided <= as_of else None,
                "amendment_sent": self._done(amendment) if amendment else None,
                "final_amended": (
                    self._done(amendment + _days(rng.randint(30, 70))) if amendment else None
                ),
                **self._stamp(),
            }
            self.reviews.append(review)
            if decided > as_of:
                return
            if outcome == "C":
                case["ceased"] = decided + _days(rng.randint(30, 90))
                if case["ceased"] > as_of:
                    case["ceased"] = None
                else:
                    case["cease_reason"] = 2
                    case["closed"] = True
                return
            base = decided


# SEN2 items (sen2-return.md): real DfE LA numbers for the UPNs' characters 2-4 (so the check
# on them passes), and a spread of CBDS ethnicity codes.
DEMO_LA_NUMBERS = ("330", "331", "332", "333", "334", "335", "336")
ETHNICITIES = (("WBRI", 60), ("APKN", 8), ("BAFR", 6), ("MWBC", 5), ("AIND", 4), ("WOTH", 5),
               ("BCRB", 3), ("CHNE", 1), ("OOTH", 3), ("REFU", 2), ("NOBT", 3))  # fmt: skip


def _sen2_items(builder: _Builder, seed: int) -> list[dict[str, Any]]:
    """SEN2-only items on the generated rows, drawn from their own random stream so the rest of
    the demo (and every test built on a seed) is unchanged. Returns the placement rows."""
    rng = random.Random(f"sen2-{seed}")
    names = [e for e, _ in ETHNICITIES]
    weights = [w for _, w in ETHNICITIES]
    for child in builder.children:
        # An LA number, then the child's id: every demo child's UPN is different (SEN2 K01).
        la = DEMO_LA_NUMBERS[int(child["upn"][1:4]) % len(DEMO_LA_NUMBERS)]
        digits = f"{la}{child['id'] % 10**9:09d}"
        total = sum(int(d) * (i + 2) for i, d in enumerate(digits))
        child["upn"] = UPN_CHECK[total % 23] + digits
        child["ethnicity"] = rng.choices(names, weights)[0]
        child["upn_unknown"] = None
    children = {c["id"]: c for c in builder.children}
    placements: list[dict[str, Any]] = []
    for case in builder.cases:
        child = children[case["child_id"]]
        budget = rng.random() < 0.06
        case.update(
            request_rya=False,
            exported_la=None,
            transfer_la=None,
            secondary_need=None,
            plan_setting_code=None,
            plan_setting_other=None,
            plan_residential=None,
            plan_work_based=None,
            personal_budget=None,
            budget_organised=None,
            direct_payment=None,
        )
        final = case["final_issued"]
        if final is None:
            continue
        if case["need_type"] and rng.random() < 0.3:
            case["secondary_need"] = rng.choice(
                [n for n, _ in NEEDS if n not in (case["need_type"], "OTH")]
            )
        if case["placement_urn"] is None:
            case["plan_setting_code"] = child["setting_code"] or "OTH"
            if case["plan_setting_code"] == "OTH":
                case["plan_setting_other"] = "Alternative provision"
        case["personal_budget"] = budget
        if budget:
            case["budget_organised"] = rng.random() < 0.5
            case["direct_payment"] = rng.choice(("E", "S", "H", "I"))
        placements.append(
            {
                "case_id": case["id"],
                "rank": 1,
                "name": case["placement_name"],
                "urn": case["placement_urn"],
                "setting_code": case["plan_setting_code"],
                "setting_other": case["plan_setting_other"],
                "entry": final,
                "leaving": None,
                "sen_unit": False if case["placement_urn"] else None,
                "resourced_provision": False if case["placement_urn"] else None,
                "residential": None,
                "work_based": None,
                **builder._stamp(),
            }
        )
        # The last phase transfer (reg 18), for children now in Year 7 or 12 whose plan was
        # in place for it: the demo records the current transfer year only.
        dob = child["date_of_birth"]
        year = national_curriculum_year(dob, builder.as_of)
        if case["phase_transfer"] is None and year in (7, 12):
            start_year = builder.as_of.year if builder.as_of.month >= 9 else builder.as_of.year - 1
            case["phase_transfer"] = date(start_year, 9, 1)
            case["transfer_kind"] = "post16" if year == 12 else "school"
    return placements


REQUEST_CHANNELS_W = (("email", "post", "hand", "portal"), (55, 10, 5, 30))
REQUEST_SOURCES_W = (
    ("parent", "young person", "school", "health", "social care", "other"),
    (50, 3, 35, 6, 4, 2),
)


# Dates a caseworker records happen on office days; a birthday or a transfer date need not.
_ANY_DAY = frozenset({"date_of_birth", "phase_transfer"})


def _office_days(table: Table, rows: list[dict[str, Any]]) -> None:
    """Move weekend event dates back to the Friday before (monotonic: keeps every order)."""
    names = [n for n in rows[0] if n not in _ANY_DAY and isinstance(table.c[n].type, Date)]
    for row in rows:
        for name in names:
            day = row[name]
            if day is not None and day.weekday() >= 5:
                row[name] = day - timedelta(days=day.weekday() - 4)


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    _office_days(table, rows)
    names = list(rows[0])
    columns = zip(*map(itemgetter(*names), rows), strict=True)
    insert_columns(conn, table, dict(zip(names, columns, strict=True)))


def _columns(builder: _Builder) -> Iterator[CaseColumns]:
    """The generated cases as the bulk engine's columns, a block of consecutive ids at a time
    (the rows as written: a case's child rows in the order they were inserted)."""
    dob = {c["id"]: c["date_of_birth"] for c in builder.children}
    cases = sorted(builder.cases, key=itemgetter("id"))
    first = cases[0]["id"]

    def by_block(rows: list[dict[str, Any]], names: tuple[str, ...]) -> list[list[tuple[Any, ...]]]:
        blocks: list[list[tuple[Any, ...]]] = [[] for _ in range(0, len(cases), RANGE_BLOCK)]
        take = itemgetter(*names)
        for row in rows:
            blocks[(row["case_id"] - first) // RANGE_BLOCK].append(take(row))
        return blocks

    advice = by_block(builder.advice, ADVICE_COLUMNS)
    consultations = by_block(builder.consultations, CONSULTATION_COLUMNS)
    reviews = by_block(builder.reviews, REVIEW_COLUMNS)
    exceptions = by_block(builder.exceptions, EXCEPTION_COLUMNS)
    for number, start in enumerate(range(0, len(cases), RANGE_BLOCK)):
        rows = [
            tuple(
                dob[c["child_id"]] if name == "date_of_birth" else c.get(name)
                for name in CASE_COLUMNS[1:]
            )
            for c in cases[start : start + RANGE_BLOCK]
        ]
        yield CaseColumns.from_rows(
            [
                (c["id"], *row)
                for c, row in zip(cases[start : start + RANGE_BLOCK], rows, strict=True)
            ],
            advice[number],
            consultations[number],
            reviews[number],
            exceptions[number],
        )


# The tables the demo fills. On SQLite their indexes are dropped for the load and built again
# from the sorted rows (several times faster than keeping them up to date row by row); inside
# the demo's one transaction, so a demo stopped halfway leaves the tables and indexes as they were.
_FILLED = ("child", "case", "advice_request", "case_exception", "consultation", "annual_review",
           "placement", "case_summary", "case_step")  # fmt: skip


def _drop_indexes(conn: Connection) -> list[str]:
    """Drop the filled tables' own indexes (SQLite); returns the statements that rebuild them."""
    if conn.dialect.name != "sqlite":
        return []
    marks = ", ".join("?" for _ in _FILLED)
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name",
        _FILLED,
    ).all()
    quote = conn.dialect.identifier_preparer.quote
    for name, _sql in found:
        conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
    return [str(sql) for _name, sql in found]


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
    rng = random.Random(seed)
    with db.engine.begin() as conn:
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
        team_count = rng.choice((2, 3))
        worker_count = rng.randint(6, 10)
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

        builder = _Builder(rng, as_of, worker_ids)
        counters: dict[int, int] = {}
        for offset in range(cases):
            # References follow the year the request arrived, numbered in arrival order below.
            builder.add(first_case + offset, first_child + offset, "")
        builder.cases.sort(key=lambda c: (c["request_received"], c["id"]))
        for case in builder.cases:
            year = case["request_received"].year
            while True:
                counters[year] = counters.get(year, 0) + 1
                ref = f"EHC-{year}-{counters[year]:05d}"
                if ref not in taken:
                    break
            case["ref"] = ref
        placements = _sen2_items(builder, seed)

        if conn.dialect.name == "sqlite":
            # The name and UPN indexes take rows in random order: a larger page cache keeps
            # them in memory during the load (this connection only, returned to the default).
            conn.exec_driver_sql(f"PRAGMA cache_size={DEMO_CACHE_KB}")
        indexes = _drop_indexes(conn)
        try:
            _insert(conn, Child.__table__, builder.children)  # type: ignore[arg-type]
            _insert(conn, Case.__table__, builder.cases)  # type: ignore[arg-type]
            _insert(conn, AdviceRequest.__table__, builder.advice)  # type: ignore[arg-type]
            _insert(conn, CaseException.__table__, builder.exceptions)  # type: ignore[arg-type]
            _insert(conn, Consultation.__table__, builder.consultations)  # type: ignore[arg-type]
            _insert(conn, AnnualReview.__table__, builder.reviews)  # type: ignore[arg-type]
            _insert(conn, Placement.__table__, placements)  # type: ignore[arg-type]
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
            for cols in _columns(builder):
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
        finally:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA cache_size=-2000")
    seconds = time.perf_counter() - started
    log.info("Demo data: %d cases in %.1f s", cases, seconds)
    return DemoSummary(
        cases=cases,
        children=len(builder.children),
        caseworkers=len(worker_ids),
        advice_requests=len(builder.advice),
        reviews=len(builder.reviews),
        seconds=seconds,
    )
