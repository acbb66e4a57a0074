"""The caseload read from the stored deadlines equals the per-case computation (compute_steps),
row for row, under every policy (saved as a user saves it) and on any day; the team report
likewise, bucket for bucket."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from send_desktop import timeline as tl
from send_desktop.store import Database, fields
from send_desktop.store.demo import make_demo
from send_desktop.store.fast_columns import day_number
from send_desktop.store.models import (
    AdviceRequest,
    AnnualReview,
    Appeal,
    Case,
    CaseException,
    Caseworker,
    Child,
    Consultation,
    Mediation,
    Move,
    Team,
)
from send_desktop.store.queries import caseload, caseworkers, teams
from send_desktop.store.reports import TeamReport, team_report
from send_desktop.store.settings import save_policy
from send_desktop.store.summaries import refresh, stale_count
from tests.oracles import caseload_by_case, team_report_by_case

AS_OF = date(2025, 6, 1)
POLICIES = (
    tl.Policy(),
    tl.Policy(week_start="inclusive", review_year="anniversary", transfer_deadline="by"),
    tl.Policy(
        warning_working_days=3,
        step_warning_days=(("N2", 2), ("N2.2", 20), ("R1", 40), ("N1", 0)),
        certificate_count="same-day",
    ),
)


def assert_same(db: Database, as_of: date, policy: tl.Policy, **filters: Any) -> int:
    # The authority's policy is saved as Settings saves it: the stored deadlines follow it.
    with db.session() as s:
        save_policy(s, policy, "test")
    with db.session() as s:
        assert stale_count(s) == 0
        fast = caseload(s, as_of, policy, **filters)
        slow = caseload_by_case(s, as_of, policy, **filters)
    assert len(fast) == len(slow)
    for mine, reference in zip(fast, slow, strict=True):
        assert mine == reference, {
            f: (getattr(mine, f), getattr(reference, f))
            for f in mine._fields
            if getattr(mine, f) != getattr(reference, f)
        }
        # Equal values of the same types (a date is not an ISO string, a bool not an int).
        assert [type(v) for v in mine] == [type(v) for v in reference]
    return len(fast)


@pytest.fixture
def demo_db(db: Database) -> Database:
    make_demo(db, 2000, seed=11, as_of=AS_OF)
    return db


def test_demo_caseload_equals_the_per_case_path(demo_db: Database) -> None:
    for policy in POLICIES:
        assert assert_same(demo_db, AS_OF, policy, include_closed=True) == 2000
    for as_of in (AS_OF - timedelta(days=400), AS_OF + timedelta(days=200)):
        assert assert_same(demo_db, as_of, tl.Policy()) > 1000


def test_filtered_caseloads_equal_the_per_case_path(demo_db: Database) -> None:
    with demo_db.session() as s:
        worker = caseworkers(s)[0].id
        team = teams(s)[0].id
    policy = tl.Policy()
    assert assert_same(demo_db, AS_OF, policy, caseworker_id=worker) > 0
    assert assert_same(demo_db, AS_OF, policy, team_id=team, include_closed=True) > 0
    assert assert_same(demo_db, AS_OF, policy, search="smith") > 0
    assert assert_same(demo_db, AS_OF, policy, search="no such child") == 0


def test_day_numbers_are_python_ordinals(db: Database) -> None:
    days = [date(1, 1, 1), date(1900, 2, 28), date(2000, 2, 29), date(2025, 12, 31)]
    days.append(date(9999, 12, 31))
    with db.session() as s:
        child = s.execute(insert(Child).values(first_name="A", last_name="B").returning(Child.id))
        child_id = child.scalar_one()
        for n, day in enumerate(days):
            s.execute(
                insert(Case).values(
                    ref=f"R{n}", child_id=child_id, request_received=day, ceased=None
                )
            )
        found = s.execute(
            select(day_number(Case.request_received), day_number(Case.ceased)).order_by(Case.id)
        ).all()
    assert found == [(d.toordinal(), 0) for d in days]


# --------------------------------------------------------------------------- generated cases

FIRST, LAST = date(2018, 1, 1), date(2030, 12, 31)


@st.composite
def recorded_case(draw: st.DrawFn) -> dict[str, Any]:
    """A case as the store holds it, with dates around one base date so clocks interact."""
    base = draw(st.dates(FIRST + timedelta(days=200), LAST - timedelta(days=900)))
    density = draw(st.sampled_from([15, 60, 95]))

    def day() -> date | None:
        if draw(st.integers(0, 99)) >= density:
            return None
        return base + timedelta(days=draw(st.integers(-150, 900)))

    def sure() -> date:
        return base + timedelta(days=draw(st.integers(-150, 900)))

    def some(count: int) -> int:
        return draw(st.integers(0, count))

    return {
        # Every dated column of the registry's case record (a new one is drawn with no edit).
        "case": {
            **{column: day() for column in fields.dated(fields.CASE)},
            "request_received": sure(),
            "decision_outcome": draw(st.sampled_from([None, "assess", "not-assess"])),
            "transfer_kind": draw(st.sampled_from([None, "school", "post16", "post16-other"])),
            "closed": draw(st.booleans()),
        },
        "date_of_birth": draw(st.none() | st.dates(base - timedelta(days=7000), base)),
        "advice": [
            {
                "kind": draw(st.sampled_from(["EP", "health"])),
                "requested": sure(),
                "received": day(),
            }
            for _ in range(some(4))
        ],
        "consultations": [
            {"institution": "Oak School", "sent": sure(), "responded": day()}
            for _ in range(some(2))
        ],
        "reviews": [
            {
                "meeting": day(),
                "notice_sent": day(),
                "advice_circulated": day(),
                "report_sent": day(),
                "decision_sent": day(),
                "outcome": draw(st.sampled_from([None, "A", "C", "M"])),
                "amendment_sent": day(),
                "final_amended": day(),
            }
            for _ in range(some(3))
        ],
        "exceptions": [
            {"code": draw(st.sampled_from(["X1", "X2", "X3", "X4", "X5"]))} for _ in range(some(2))
        ],
        "moves": [
            {
                "direction": "in",
                "move_date": day(),
                "aware_of_move": day(),
                "plan_transferred": day(),
                "parent_notified": day(),
            }
            for _ in range(some(2))
        ],
        "mediations": [
            {
                "decision_sent": day(),
                "certificate_issued": day(),
                "mediation_declined": day(),
                "mediation_requested": day(),
                "mediation_held": day(),
            }
            for _ in range(some(2))
        ],
        "appeals": [
            {
                "lodged": day(),
                "order_assess": day(),
                "order_plan": day(),
                "order_notice_sent": day(),
            }
            for _ in range(some(2))
        ],
    }


_CHILD_TABLES = {
    "advice": AdviceRequest,
    "consultations": Consultation,
    "reviews": AnnualReview,
    "exceptions": CaseException,
    "moves": Move,
    "mediations": Mediation,
    "appeals": Appeal,
}


def _replace_cases(db: Database, cases: list[dict[str, Any]]) -> None:
    """Empty the case tables and write these cases (Core inserts: no audit, no checks)."""
    with db.session() as s:
        for table in (*_CHILD_TABLES.values(), Case, Child, Caseworker, Team):
            s.execute(delete(table))
        team = s.execute(insert(Team).values(name="North").returning(Team.id)).scalar_one()
        worker = s.execute(
            insert(Caseworker).values(name="Sam", team_id=team).returning(Caseworker.id)
        ).scalar_one()
        for n, recorded in enumerate(cases):
            child = s.execute(
                insert(Child)
                .values(
                    first_name=f"Kid{n}", last_name="Lee", date_of_birth=recorded["date_of_birth"]
                )
                .returning(Child.id)
            ).scalar_one()
            case_id = s.execute(
                insert(Case)
                .values(
                    ref=f"EHC-{n}",
                    child_id=child,
                    caseworker_id=worker if n % 2 else None,
                    **recorded["case"],
                )
                .returning(Case.id)
            ).scalar_one()
            for key, table in _CHILD_TABLES.items():
                for row in recorded[key]:
                    s.execute(insert(table).values(case_id=case_id, **row))
        # A bulk writer (import, demo) refreshes what it wrote in its own transaction.
        refresh(s, s.execute(select(Case.id)).scalars())


@pytest.fixture(scope="module")
def shared_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One database reused across generated examples (each example rewrites its cases)."""
    folder: Path = tmp_path_factory.mktemp("fast")
    database = Database.open(str(folder / "cases.sqlite3"), "Test User")
    try:
        yield database
    finally:
        database.close()


policies = st.builds(
    tl.Policy,
    week_start=st.sampled_from(["exclusive", "inclusive"]),
    review_year=st.sampled_from(["strict", "anniversary"]),
    transfer_deadline=st.sampled_from(["strict", "by"]),
    certificate_count=st.sampled_from(["next-day", "same-day"]),
    warning_working_days=st.integers(0, 25),
    step_warning_days=st.sampled_from([(), (("N2", 3), ("N2.2", 20), ("R1", 40), ("T3", 9))]),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=st.lists(recorded_case(), min_size=1, max_size=6),
    as_of=st.dates(FIRST, LAST),
    policy=policies,
)
def test_generated_cases_equal_the_per_case_path(
    shared_sqlite: Database, cases: list[dict[str, Any]], as_of: date, policy: tl.Policy
) -> None:
    _replace_cases(shared_sqlite, cases)
    assert assert_same(shared_sqlite, as_of, policy, include_closed=True) == len(cases)
    assert_same(shared_sqlite, as_of, policy)


@pytest.mark.postgres
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    cases=st.lists(recorded_case(), min_size=1, max_size=6),
    as_of=st.dates(FIRST, LAST),
    policy=policies,
)
def test_generated_cases_equal_on_postgresql(
    pg_database: str, cases: list[dict[str, Any]], as_of: date, policy: tl.Policy
) -> None:
    """The same on PostgreSQL (one database for every example: each rewrites its cases)."""
    db = Database.open(pg_database, "Test User")
    try:
        _replace_cases(db, cases)
        assert assert_same(db, as_of, policy, include_closed=True) == len(cases)
    finally:
        db.close()


def test_advice_received_late_under_an_exception_is_done(db: Database) -> None:
    """Advice received late under an exception reads "late - exception", but it is done: the
    next deadline is the advice still outstanding (also "late - exception"), on both paths."""
    received = date(2025, 1, 6)
    requested = received + timedelta(7)
    _replace_cases(
        db,
        [
            {
                "case": {
                    "request_received": received,
                    "decision_to_assess": received + timedelta(7),
                    "decision_outcome": "assess",
                },
                "date_of_birth": date(2015, 3, 1),
                "advice": [
                    {"kind": "EP", "requested": requested, "received": requested + timedelta(60)},
                    {"kind": "health", "requested": requested, "received": None},
                ],
                "consultations": [],
                "reviews": [],
                "exceptions": [{"code": "X5"}],
                "moves": [],
                "mediations": [],
                "appeals": [],
            }
        ],
    )
    with db.session() as s:
        (row,) = caseload(s, date(2025, 3, 1), tl.Policy())
    assert (row.next_step, row.next_title, row.status) == (
        "N2.2",
        "Advice from health",
        tl.Status.LATE_EXCEPTION,
    )
    assert assert_same(db, date(2025, 3, 1), tl.Policy()) == 1


# --------------------------------------------------------------------------- the team report

PERIOD = (date(2024, 9, 1), date(2025, 8, 31))


def assert_same_report(db: Database, as_of: date, policy: tl.Policy, **kw: Any) -> TeamReport:
    with db.session() as s:
        fast = team_report(s, as_of, policy, *PERIOD, **kw)
        slow = team_report_by_case(s, as_of, policy, *PERIOD, **kw)
    for name in fast.__dataclass_fields__:
        if name != "seconds":
            assert getattr(fast, name) == getattr(slow, name), name
    assert fast == slow
    return fast


def test_demo_team_report_equals_the_per_case_report(demo_db: Database) -> None:
    report = assert_same_report(demo_db, AS_OF, tl.Policy())
    assert report.overdue_total.count and report.forecast_total[8].count
    assert report.timeliness.plans_issued and report.timeliness.reviews
    assert any(stage.cases.count for stage in report.pipeline)
    with demo_db.session() as s:
        team = teams(s)[0].id
    assert assert_same_report(demo_db, AS_OF, POLICIES[2], team_id=team).cases


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=st.lists(recorded_case(), min_size=1, max_size=6),
    as_of=st.dates(date(2024, 6, 1), date(2026, 6, 1)),
    policy=policies,
)
def test_generated_team_report_equals_the_per_case_report(
    shared_sqlite: Database, cases: list[dict[str, Any]], as_of: date, policy: tl.Policy
) -> None:
    _replace_cases(shared_sqlite, cases)
    assert_same_report(shared_sqlite, as_of, policy)
