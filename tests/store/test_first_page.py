"""The plain-sqlite3 first page (store/first_page.py) says what store/counts.py says."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from send_desktop import timeline as tl
from send_desktop.store import Database, counts, first_page, revision_files
from send_desktop.store.counts import CaseloadQuery
from send_desktop.store.database import alembic_config
from send_desktop.store.demo import make_demo
from send_desktop.store.queries import user_scope
from send_desktop.timeline.digest import DUTY

AS_OF = date(2025, 11, 3)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Database, Path]:
    path = tmp_path_factory.mktemp("first-page") / "demo.db"
    db = Database.open(str(path), "test")
    make_demo(db, cases=3000, seed=7, as_of=AS_OF)
    return db, path


def _query(scope: str, ids: tuple[int | None, int | None], day: date) -> CaseloadQuery:
    worker, team = ids
    if scope == "mine" or (scope == "team" and team is None):
        return CaseloadQuery(day, caseworker_id=worker, nobody=worker is None)
    if scope == "team":
        return CaseloadQuery(day, team_id=team)
    return CaseloadQuery(day)


def test_constants_are_the_store_s() -> None:
    # The first page reads the schema at the head read from the scripts' lines: alembic's.
    found = revision_files.from_scripts()
    assert found is not None
    assert found.head == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert (first_page.WEEK_DAYS, first_page.FOUR_WEEKS_DAYS, first_page.REVIEW_HORIZON_DAYS) == (
        counts.WEEK_DAYS,
        counts.FOUR_WEEKS_DAYS,
        counts.REVIEW_HORIZON_DAYS,
    )
    assert first_page.DUTY == DUTY
    assert (
        tl.Status.OVERDUE.value,
        tl.Status.LATE_EXCEPTION.value,
        tl.Status.DUE_SOON.value,
    ) == (first_page.OVERDUE, first_page.LATE_EXCEPTION, first_page.DUE_SOON)
    assert tl.Status.ON_TRACK.value == first_page.ON_TRACK


@pytest.mark.parametrize("offset", [-400, -30, 0, 9, 120, 700])
@pytest.mark.parametrize("scope", ["mine", "team", "everyone"])
def test_plain_page_and_counts_equal_the_store_s(
    demo: tuple[Database, Path], scope: str, offset: int
) -> None:
    db, path = demo
    day = AS_OF + timedelta(days=offset)
    with db.session() as session:
        names = [r[0] for r in session.execute(text("SELECT name FROM caseworker ORDER BY id"))]
        for user in (names[0], names[len(names) // 2], "nobody at all"):
            plain = first_page.read(path, user, day, scope, limit=200)
            assert plain is not None
            ids = user_scope(session, user)
            assert (plain.caseworker_id, plain.team_id) == ids
            q = _query(scope, ids, day)
            assert plain.counts == counts.counts(session, q)
            assert plain.mine == counts.counts(session, _query("mine", ids, day))
            assert plain.total == counts.total(session, q)
            expected = counts.rows(session, q, "due", False, offset=0, limit=200)
            assert plain.rows == expected
    assert plain is not None


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", sorted(counts.SORTS))
def test_every_sort_orders_the_plain_page_as_the_store_does(
    demo: tuple[Database, Path], sort: str, descending: bool
) -> None:
    db, path = demo
    assert set(first_page.SORTS) == set(counts.SORTS)
    for offset in (-20, 90):
        day = AS_OF + timedelta(days=offset)
        plain = first_page.read(path, "x", day, "everyone", 150, sort=sort, descending=descending)
        assert plain is not None
        with db.session() as session:
            expected = counts.rows(session, CaseloadQuery(day), sort, descending, 0, 150)
        assert [r.case_id for r in plain.rows] == [r.case_id for r in expected]


def test_the_store_s_quick_filters_count_what_the_plain_counts_say(
    demo: tuple[Database, Path],
) -> None:
    """Each quick filter's row count (counts.total) is the plain count that labels it."""
    db, path = demo
    keys = {
        "overdue": "overdue",
        "this-week": "this_week",
        "four-weeks": "four_weeks",
        "exceptions": "exceptions",
        "reviews": "reviews_due",
    }
    for offset in (-60, 0, 45):
        day = AS_OF + timedelta(days=offset)
        plain = first_page.read(path, "nobody", day, "everyone")
        assert plain is not None
        with db.session() as session:
            for quick, field in keys.items():
                got = counts.total(session, CaseloadQuery(day, quick=quick))
                assert got == getattr(plain.counts, field), quick


def test_stale_or_other_schema_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "small.db"
    db = Database.open(str(path), "test")
    make_demo(db, cases=60, seed=3, as_of=AS_OF)
    assert first_page.read(path, "test", AS_OF) is not None
    assert first_page.read(path, "test", AS_OF, stamp="another") is None
    with db.session() as session:
        session.execute(text("UPDATE case_summary SET stamp = 'old' WHERE case_id = 1"))
        session.commit()
    assert first_page.read(path, "test", AS_OF) is None
    with db.session() as session:
        session.execute(
            text(
                "UPDATE case_summary SET stamp = (SELECT stamp FROM case_summary "
                "WHERE case_id = 2) WHERE case_id = 1"
            )
        )
        session.execute(text("UPDATE alembic_version SET version_num = '0099'"))
        session.commit()
    assert first_page.read(path, "test", AS_OF) is None
    assert first_page.read(tmp_path / "none.db", "test", AS_OF) is None
    db.engine.dispose()


def test_all_fresh_says_what_recompute_would_find(tmp_path: Path) -> None:
    """first_page.all_fresh (the load's check before summaries.recompute) is True exactly when
    recompute has nothing to do: a stale stamp on one case, a case without its stored row or a
    file it cannot read all say False, and the recompute then finds that case."""
    from send_desktop.store import summaries

    path = tmp_path / "fresh.db"
    db = Database.open(str(path), "test")
    make_demo(db, cases=80, seed=5, as_of=AS_OF)
    assert first_page.all_fresh(path)
    assert summaries.recompute(db.session) == 0
    changes = (
        # (a write, is it then fresh, how many cases recompute then finds)
        ("UPDATE case_summary SET stamp = 'old' WHERE case_id = 3", False, 1),
        ("DELETE FROM case_summary WHERE case_id = 4", False, 1),
        # A case deleted takes its stored row with it (the foreign key's cascade): still fresh.
        ('DELETE FROM "case" WHERE id = 5', True, 0),
    )
    for sql, fresh, stale in changes:
        with db.session() as session:
            session.execute(text(sql))
            session.commit()
        assert first_page.all_fresh(path) is fresh, sql
        assert summaries.recompute(db.session) == stale, sql
        assert first_page.all_fresh(path), sql
    # Another saved policy: every stored row is under the old stamp.
    with db.session() as session:
        session.execute(
            text("INSERT INTO setting (key, value) VALUES ('policy.warning_working_days', '9')")
        )
        session.commit()
    assert not first_page.all_fresh(path)
    db.engine.dispose()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    assert not first_page.all_fresh(garbage)
    assert not first_page.all_fresh(tmp_path / "missing.db")
