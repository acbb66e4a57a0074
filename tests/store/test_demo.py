"""Synthetic caseloads: realistic shape, same seed same data, never over real cases."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from send_desktop.cli import main
from send_desktop.errors import KnownError
from send_desktop.store import Database
from send_desktop.store import cases as c
from send_desktop.store.demo import make_demo
from send_desktop.store.models import AnnualReview, Case, Caseworker, Child, Team

AS_OF = date(2025, 6, 1)


def test_demo_caseload_has_a_realistic_shape(db: Database) -> None:
    summary = make_demo(db, 1000, seed=3, as_of=AS_OF)
    assert summary.cases == 1000
    with db.session() as s:
        cases = s.execute(
            select(
                Case.request_received,
                Case.decision_outcome,
                Case.not_issue_decision,
                Case.final_issued,
                Case.ref,
            )
        ).all()
        worker_count = s.execute(select(func.count()).select_from(Caseworker)).scalar_one()
        team_count = s.execute(select(func.count()).select_from(Team)).scalar_one()
        reviews = s.execute(select(func.count()).select_from(AnnualReview)).scalar_one()
        children = s.execute(select(func.count()).select_from(Child)).scalar_one()
    assert 6 <= worker_count <= 10 and 2 <= team_count <= 3
    assert children == 1000 and reviews > 100
    assert all(AS_OF.replace(year=2022) <= r[0] <= AS_OF for r in cases)
    decided = [r for r in cases if r[1] is not None]
    not_assessed = sum(1 for r in decided if r[1] == "not-assess") / len(decided)
    assert 0.15 < not_assessed < 0.25
    issued = [r for r in cases if r[3] is not None]
    within = sum(1 for r in issued if (r[3] - r[0]).days <= 140) / len(issued)
    assert 0.35 < within < 0.65
    assert sum(1 for r in cases if r[2] is not None) > 0
    assert len({r[4] for r in cases}) == 1000
    assert all(r[4].startswith(f"EHC-{r[0].year}-") for r in cases)


def test_same_seed_same_data(tmp_path: Path) -> None:
    found = []
    for name in ("a", "b"):
        db = Database.open(str(tmp_path / f"{name}.sqlite3"), "Test User")
        make_demo(db, 200, seed=11, as_of=AS_OF)
        with db.session() as s:
            found.append(
                s.execute(
                    select(Case.ref, Case.request_received, Case.final_issued).order_by(Case.id)
                ).all()
            )
        db.close()
    assert found[0] == found[1]


def test_demo_refuses_a_database_with_cases(db: Database) -> None:
    # A demo database takes more demo data only when asked (--force), and continues its refs.
    make_demo(db, 10, seed=1, as_of=AS_OF)
    with pytest.raises(KnownError, match="already holds 10 demo cases; use --force"):
        make_demo(db, 10, seed=1, as_of=AS_OF)
    make_demo(db, 10, seed=2, as_of=AS_OF, force=True)
    with db.session() as s:
        refs = s.execute(select(Case.ref)).scalars().all()
        workers = s.execute(select(Caseworker.name)).scalars().all()
    assert len(refs) == len(set(refs)) == 20
    # The second run reused the demo's caseworkers: no name twice.
    assert len(workers) == len(set(workers))
    # A case a person recorded: never mixed with invented children, --force or not.
    with db.session() as s:
        extra = c.create_case(
            s,
            "Test User",
            child=c.ChildDetails("Real", "Child", date(2015, 1, 1)),
            request_received=date(2025, 2, 3),
            as_of=AS_OF,
        )
        assert extra.id == 21
    for force in (False, True):
        with pytest.raises(KnownError, match="holds 1 cases recorded by people"):
            make_demo(db, 10, seed=3, as_of=AS_OF, force=force)
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Case)).scalar_one() == 21


def test_demo_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = str(tmp_path / "demo.sqlite3")
    argv = ["--database", target, "--user", "Tester", "demo", "--cases", "50"]
    assert main([*argv, "--seed", "2", "--as-of", "2025-06-01"]) == 0
    assert "Wrote 50 demo cases" in capsys.readouterr().out
    assert main(argv) == 2
    assert "already holds 50 demo cases" in capsys.readouterr().err
    db = Database.open(target, "Tester")
    with db.session() as s:
        years = Counter(r.year for r in s.execute(select(Case.request_received)).scalars())
    db.close()
    assert max(years) == 2025


def test_demo_events_fall_on_office_days(sqlite_db: Database) -> None:
    """Requests, decisions and plans are recorded on weekdays, as in a real office."""
    from datetime import date

    from sqlalchemy import select

    from send_desktop.store.demo import make_demo
    from send_desktop.store.models import AdviceRequest, Case

    make_demo(sqlite_db, cases=150, seed=11, as_of=date(2025, 6, 2))
    with sqlite_db.session() as session:
        days = [
            d
            for row in session.execute(
                select(Case.request_received, Case.decision_to_assess, Case.final_issued)
            )
            for d in row
            if d is not None
        ]
        days += [d for (d,) in session.execute(select(AdviceRequest.requested))]
    assert len(days) > 300
    assert all(d.weekday() < 5 for d in days)


def test_demo_file_is_back_in_wal_and_another_reader_keeps_it_there(tmp_path: Path) -> None:
    """The demo writes under a rollback journal when it has the file to itself and puts WAL
    back; with another connection open (the desktop) it stays in WAL, and that reader sees
    the cases once they are committed."""
    import sqlite3
    from contextlib import closing

    alone = tmp_path / "alone.sqlite3"
    db = Database.open(str(alone), "Test User")
    make_demo(db, 120, seed=5, as_of=AS_OF)
    db.close()
    shared = tmp_path / "shared.sqlite3"
    db = Database.open(str(shared), "Test User")
    with closing(sqlite3.connect(shared)) as reader:
        assert reader.execute('SELECT count(*) FROM "case"').fetchone() == (0,)
        make_demo(db, 120, seed=5, as_of=AS_OF)
        assert reader.execute('SELECT count(*) FROM "case"').fetchone() == (120,)
    db.close()
    for path in (alone, shared):
        with closing(sqlite3.connect(path)) as con:
            assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not Path(str(alone) + "-journal").exists()
    # The same rows either way.
    rows = []
    for path in (alone, shared):
        with closing(sqlite3.connect(path)) as con:
            rows.append(con.execute('SELECT id, ref, request_received FROM "case"').fetchall())
    assert rows[0] == rows[1]


def test_a_sqlite_demo_never_loads_the_postgresql_driver(tmp_path: Path) -> None:
    """The COPY path (store/pg_copy.py) sits on the shared writer: on SQLite it must not load
    psycopg (nor the team module that imports it), which costs every start time."""
    import subprocess
    import sys

    script = (
        "import sys; from datetime import date; from send_desktop.store import Database; "
        "from send_desktop.store.demo import make_demo; "
        f"db = Database.open({str(tmp_path / 'd.sqlite3')!r}, 'Test'); "
        "make_demo(db, 30, seed=1, as_of=date(2025, 6, 1)); db.close(); "
        "print(sorted(m for m in sys.modules if m.startswith('psycopg') or m.endswith('.team')))"
    )
    root = Path(__file__).resolve().parents[2]
    found = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={**__import__("os").environ, "PYTHONPATH": str(root)},
    )
    assert found.stdout.strip() == "[]", found.stdout + found.stderr
