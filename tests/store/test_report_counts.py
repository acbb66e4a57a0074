"""`team_counts` (what `report` prints) counts in SQL over the stored deadlines: every figure
equals the reference report worked out case by case with compute_steps (`team_report_by_case`)
and the bulk report the dashboard reads, on the hand-built team and on demo data, for several
days, every team and each scope - SQLite and PostgreSQL. On SQLite a fresh `report` process
reads the same SQL with plain sqlite3 (store/report_sql.py `read_file`): the same figures, and
no SQLAlchemy imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from send_desktop import timeline as tl
from send_desktop.errors import KnownError
from send_desktop.store import Database
from send_desktop.store import cases as c
from send_desktop.store.demo import make_demo
from send_desktop.store.models import AnnualReview, CaseSummaryRow, Team
from send_desktop.store.report_sql import read_file
from send_desktop.store.reports import TeamReport, report_to_json, team_counts, team_report
from tests.oracles import team_report_by_case
from tests.store.test_reports import AS_OF, PERIOD, build_known_team


def _figures(data: Any) -> Any:
    """The report's JSON without the case-id lists (which team_counts leaves out)."""
    if isinstance(data, dict):
        return {k: _figures(v) for k, v in data.items() if k != "case_ids"}
    if isinstance(data, list):
        return [_figures(v) for v in data]
    return data


def assert_plain_agrees(db: Database, report: TeamReport) -> None:
    """On SQLite, the plain sqlite3 read a fresh `report` process makes gives every figure of
    `team_counts` (PostgreSQL has no plain path: `report` reads it through team_counts)."""
    if db.path is None:
        return
    period = (report.period_start, report.period_end)
    plain = read_file(db.path, report.as_of, period, report.team_name)
    assert plain is not None
    assert report_to_json(plain) == report_to_json(report)
    assert plain.policy == report.policy


def _agree(db: Database, as_of: date, team_id: int | None = None) -> dict[str, Any]:
    policy = tl.Policy()
    with db.session() as s:
        counts = team_counts(s, as_of, policy, *PERIOD, team_id)
        counted = report_to_json(counts)
        reference = report_to_json(team_report_by_case(s, as_of, policy, *PERIOD, team_id))
        bulk = report_to_json(team_report(s, as_of, policy, *PERIOD, team_id))
    assert "case_ids" not in str(counted)
    assert counted == _figures(reference)
    assert counted == _figures(bulk)
    assert_plain_agrees(db, counts)
    return counted


def test_counts_equal_the_reference_on_the_known_team(db: Database) -> None:
    known = build_known_team(db)
    for day in (AS_OF, AS_OF + timedelta(days=40), date(2025, 11, 3)):
        for team_id in (None, known.north, known.south):
            _agree(db, day, team_id)
    data = _agree(db, AS_OF)
    assert data["overdue"]["total"] == {"count": 5}
    assert data["forecast"]["total"]["8"] == {"count": 6}
    assert data["open_cases"] == 16  # C1..C17, one closed


def test_counts_follow_reviews_written_through_the_store(db: Database) -> None:
    """Each review's notice, then its report, recorded (R2, R4 done): the pipeline moves."""
    build_known_team(db)
    with db.session() as s:
        reviews = [(r.id, r.meeting) for r in s.execute(select(AnnualReview)).scalars()]
    assert reviews
    stages = {}
    for field, days in (("notice_sent", -14), ("report_sent", 7)):
        for review_id, meeting in reviews:
            with db.session() as s:
                row = s.get(AnnualReview, review_id)
                assert row is not None
                day = (meeting or AS_OF) + timedelta(days=days)
                c.update_review(s, review_id, row.version, "Test User", **{field: day})
        data = _agree(db, AS_OF)
        stages[field] = {p["stage"]: p["cases"]["count"] for p in data["review_pipeline"]}
    assert stages["notice_sent"]["Meeting notices sent"] >= 1
    assert stages["report_sent"]["Review reports received"] >= 1


def test_counts_equal_the_reference_on_demo_data(db: Database) -> None:
    make_demo(db, cases=600, seed=7, as_of=AS_OF)
    with db.session() as s:
        teams = list(s.execute(select(Team.id)).scalars())
    for day in (AS_OF, AS_OF + timedelta(days=100)):
        _agree(db, day)
    for team_id in teams[:3]:
        _agree(db, AS_OF, team_id)


def test_counts_refuse_a_period_that_ends_before_it_starts(db: Database) -> None:
    with db.session() as s, pytest.raises(KnownError):
        team_counts(s, AS_OF, tl.Policy(), date(2025, 5, 1), date(2025, 4, 1))


def _report_process(target: str, *options: str) -> tuple[Any, str]:
    """`send-desktop report --json` in a fresh process: its JSON and its -X importtime lines."""
    env = dict(os.environ, SEND_DESKTOP_DATABASE="")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "send_desktop", "--database", target,
         "report", "--json", *options],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return json.loads(done.stdout), done.stderr


def test_a_fresh_report_process_gives_the_same_figures(db: Database) -> None:
    """The command a user runs: on SQLite read with plain sqlite3 (no SQLAlchemy, alembic,
    numpy or bank-holiday tables imported); on PostgreSQL through team_counts. After a write
    that leaves stored rows stale (a policy saved), the command brings them up first."""
    from send_desktop.store.settings import save_policy

    make_demo(db, cases=300, seed=13, as_of=AS_OF)
    with db.session() as s:
        team = s.execute(select(Team).order_by(Team.id)).scalars().first()
        assert team is not None
        team_name = team.name
    options = ("--as-of", AS_OF.isoformat(), "--from", PERIOD[0].isoformat(),
               "--to", PERIOD[1].isoformat())  # fmt: skip
    target = str(db.path) if db.path else db.url.render_as_string(hide_password=False)
    for team_id, more in ((None, ()), (team.id, ("--team", team_name.upper()))):
        with db.session() as s:
            expected = report_to_json(team_counts(s, AS_OF, tl.Policy(), *PERIOD, team_id))
        found, imports = _report_process(target, *options, *more)
        assert found == expected
        heavy = [m for m in ("sqlalchemy", "alembic", "numpy", "holidays") if f" {m}" in imports]
        assert heavy == [] if db.path else "sqlalchemy" in heavy
    with db.session() as s:
        save_policy(s, tl.Policy(review_year="anniversary"), "test")
    if db.path is not None:
        with db.session() as s:
            report = team_counts(s, AS_OF, tl.Policy(review_year="anniversary"), *PERIOD)
        assert_plain_agrees(db, report)
    with db.session() as s:
        expected = report_to_json(
            team_counts(s, AS_OF, tl.Policy(review_year="anniversary"), *PERIOD)
        )
    assert _report_process(target, *options)[0] == expected


def test_a_stale_or_older_file_is_left_to_the_normal_path(tmp_path: Path) -> None:
    """Stored rows under another stamp (or missing), or a schema not at head: read_file says
    None, and `report` opens the database (migrates, recomputes) instead. (A SQLite file: a
    server has no plain read.)"""
    import sqlite3

    db = Database.open(str(tmp_path / "cases.sqlite3"), "Test User")
    try:
        make_demo(db, cases=40, seed=2, as_of=AS_OF)
    finally:
        db.close()
    assert db.path is not None
    assert read_file(db.path, AS_OF, PERIOD) is not None
    with sqlite3.connect(db.path) as conn:
        conn.execute(
            "UPDATE case_summary SET stamp = 'old' WHERE case_id = (SELECT min(id) FROM \"case\")"
        )
    assert read_file(db.path, AS_OF, PERIOD) is None
    with sqlite3.connect(db.path) as conn:
        conn.execute("UPDATE case_summary SET stamp = (SELECT max(stamp) FROM case_summary)")
        conn.execute('DELETE FROM case_summary WHERE case_id = (SELECT min(id) FROM "case")')
    assert read_file(db.path, AS_OF, PERIOD) is None
    with sqlite3.connect(db.path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0010'")
    assert read_file(db.path, AS_OF, PERIOD) is None


def test_reassigning_and_closing_through_the_store_moves_the_figures(db: Database) -> None:
    """case_summary's copy of each case's caseworker and closed flag (what every per-caseworker
    figure reads, migration 0013) follows the store's writes: a reassignment (the dashboard's),
    a case unallocated, closed and reopened (update_case). After each, the figures equal the
    case-by-case reference, and the stored copy equals the case's own columns."""
    from send_desktop.store.models import Case, CaseSummaryRow
    from send_desktop.store.queries import reassign_cases
    from tests.store.test_reports import USER
    from tests.store.test_stored_deadlines import assert_fresh

    known = build_known_team(db)

    def open_of(data: dict[str, Any]) -> dict[str, int]:
        return {line["caseworker"]: line["open"] for line in data["caseloads"]}

    def version(case_id: int) -> int:
        with db.session() as s:
            case = s.get(Case, case_id)
            assert case is not None
            return case.version

    before = open_of(_agree(db, AS_OF))
    moved = [known.case["C7"], known.case["C10"]]
    with db.session() as s:
        assert reassign_cases(s, moved, known.cara, USER) == 2
    after = open_of(_agree(db, AS_OF))
    assert after["Cara Cole"] == before["Cara Cole"] + 2
    assert sum(after.values()) == sum(before.values())
    assert_fresh(db)
    with db.session() as s:
        stored = s.get(CaseSummaryRow, moved[0])
        assert stored is not None and stored.caseworker_id == known.cara

    with db.session() as s:
        reassign_cases(s, moved[:1], None, USER)
    unallocated = open_of(_agree(db, AS_OF))
    assert unallocated["Unallocated"] == before.get("Unallocated", 0) + 1
    assert_fresh(db)

    with db.session() as s:
        c.update_case(s, moved[1], version(moved[1]), USER, closed=True, as_of=AS_OF)
    closed = _agree(db, AS_OF)
    assert open_of(closed)["Cara Cole"] == after["Cara Cole"] - 2
    assert closed["open_cases"] == sum(before.values()) - 1
    assert_fresh(db)
    with db.session() as s:
        stored = s.get(CaseSummaryRow, moved[1])
        assert stored is not None and stored.closed

    with db.session() as s:
        c.update_case(s, moved[1], version(moved[1]), USER, closed=False, as_of=AS_OF)
    assert _agree(db, AS_OF)["open_cases"] == sum(before.values())
    assert_fresh(db)
    for team_id in (known.north, known.south):
        _agree(db, AS_OF, team_id)


def test_a_report_piped_into_a_reader_that_stops_ends_quietly(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """`send-desktop report | head -2`: the reader closes the pipe early; the command ends
    with the shell's 141 and no "unexpected error ... send them to IT" message."""
    make_demo(sqlite_db, cases=300, seed=13, as_of=AS_OF)
    env = dict(os.environ, SEND_DESKTOP_DATABASE="")
    proc = subprocess.Popen(
        [sys.executable, "-m", "send_desktop", "--database", str(sqlite_db.path), "report",
         "--json", "--as-of", AS_OF.isoformat()],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader goes away before the report is written
    with proc.stderr:
        errors = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, errors
    assert "unexpected error" not in errors and "Traceback" not in errors


def test_the_late_forecast_reads_later_due_and_searches_only_when_it_is_past(
    db: Database,
) -> None:
    """A case whose next duty is past is forecast by its first duty due after today: its stored
    later_due when that lies ahead, a search of its steps when later_due is past too (two
    duties past), nothing when it has no later duty. The demo holds cases of all three kinds
    on these days, and the figures equal the case-by-case reference on each (SQLite and
    PostgreSQL; the plain read too)."""
    from sqlalchemy import func

    make_demo(db, cases=600, seed=7, as_of=AS_OF)
    summary = CaseSummaryRow
    for day in (AS_OF, AS_OF + timedelta(days=100)):
        late = (summary.next_due <= day) & summary.closed.is_(False)
        with db.session() as s:
            kinds = {
                name: s.execute(select(func.count()).where(late & condition)).scalar_one()
                for name, condition in (
                    ("none later", summary.later_due.is_(None)),
                    ("later ahead", summary.later_due > day),
                    ("searched", summary.later_due <= day),
                )
            }
        assert all(kinds.values()), kinds
        _agree(db, day)


def test_a_statement_that_fails_on_one_reader_fails_the_report(tmp_path: Path) -> None:
    """The figures' statements run at once on several connections: an error on any of them is
    raised once every reader has stopped (read_file then leaves the report to the normal path,
    which says what is wrong), never a report with a figure missing."""
    import sqlite3

    from send_desktop.store.report_sql import at_once

    path = tmp_path / "cases.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (n INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(100)])
    readers = [sqlite3.connect(path, check_same_thread=False) for _ in range(3)]
    try:
        statements = {
            f"s{i}": ("SELECT count(*) FROM t WHERE n >= :low", {"low": i}) for i in range(8)
        }
        assert at_once(readers)(statements) == {f"s{i}": [(100 - i,)] for i in range(8)}
        statements["bad"] = ("SELECT * FROM no_such_table", {})
        with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
            at_once(readers)(statements)
    finally:
        for conn in readers:
            conn.close()
