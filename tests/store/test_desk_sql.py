"""The desk's reads (store/desk_sql.py) say the same on plain sqlite3 as through SQLAlchemy.

The desk reads a SQLite file with plain sqlite3 (desk_sql.PlainReader); store/counts.py runs
the same SQL text through a session (SQLite, and PostgreSQL in team mode). Every quick filter
x sort x direction x search x scope gives the same rows, totals and counts both ways on a
demo; on PostgreSQL the session's answers equal the SQLite file's plain ones for the same demo.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from send_desktop.store import Database, counts, desk_sql
from send_desktop.store.caseload_types import CaseloadQuery, CaseloadRow
from send_desktop.store.demo import make_demo
from tests.conftest import PgServer

AS_OF = date(2025, 6, 2)
SEARCHES = ("", "ab", "ehc-", "son 2", "zzzq")
#: Text sorts: the order of equal-looking text may differ between SQLite's and PostgreSQL's
#: collations (the same rows, compared as sets there).
TEXT_SORTS = {"ref", "child", "stage", "next", "caseworker"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Path]]:
    path = tmp_path_factory.mktemp("desk-sql") / "demo.sqlite3"
    db = Database.open(str(path), "Test User")
    make_demo(db, cases=1200, seed=11, as_of=AS_OF)
    try:
        yield db, path
    finally:
        db.close()


def _queries(db: Database) -> list[CaseloadQuery]:
    reader = desk_sql.PlainReader(db.path) if db.path else None
    assert reader is not None
    worker = reader.all("SELECT id, team_id FROM caseworker ORDER BY id LIMIT 1", {})[0]
    reader.close()
    scopes = [{}, {"caseworker_id": worker[0]}, {"team_id": worker[1]}]
    return [
        CaseloadQuery(AS_OF, quick=quick, search=search or None, **scope)  # type: ignore[arg-type]
        for quick in desk_sql.QUICK_FILTERS
        for search in SEARCHES
        for scope in scopes
    ]


def test_plain_reads_equal_the_session_s_for_every_filter_sort_and_search(
    demo: tuple[Database, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, path = demo
    # A small cap and probe: the whole authority's capped count and bounded pages are read too.
    monkeypatch.setattr(desk_sql, "COUNT_CAP", 41)
    monkeypatch.setattr(desk_sql, "PROBE_FIRST", 30)
    plain = desk_sql.PlainReader(path)
    checked = 0
    try:
        with db.session() as s:
            for q in _queries(db):
                assert desk_sql.counts(plain, q) == counts.counts(s, q)
                assert desk_sql.total(plain, q) == counts.total(s, q)
                assert desk_sql.total(plain, q, cap=41) == counts.total(s, q, cap=41)
                assert desk_sql.steps_due(plain, q, 7) == counts.steps_due(s, q, 7)
                for sort in desk_sql.SORTS:
                    for descending in (False, True):
                        page = desk_sql.first_page(plain, q, sort, descending, 20)
                        assert page == counts.first_page(s, q, sort, descending, 20)
                        later = desk_sql.rows(plain, q, sort, descending, 20, 20, many=True)[0]
                        assert later == counts.rows(s, q, sort, descending, 20, 20, many=True)
                        # A bounded page is the same slice of the whole sorted list.
                        whole = counts.rows(s, q, sort, descending)
                        assert page[0] == whole[:20] and later == whole[20:40]
                        checked += 1
    finally:
        plain.close()
    assert checked == len(desk_sql.QUICK_FILTERS) * len(SEARCHES) * 3 * len(desk_sql.SORTS) * 2


def test_a_bad_sort_is_refused_in_words(demo: tuple[Database, Path]) -> None:
    plain = desk_sql.PlainReader(demo[1])
    try:
        with pytest.raises(ValueError, match="unknown sort"):
            desk_sql.rows(plain, CaseloadQuery(AS_OF), "shoe size")
    finally:
        plain.close()


@pytest.mark.postgres
def test_postgresql_through_the_session_equals_the_plain_sqlite_reads(
    demo: tuple[Database, Path], pg_server: PgServer
) -> None:
    """The same demo in team mode: the same counts, totals and rows for every filter, search
    and scope (text sorts as the same rows: the two collations may order ties differently)."""
    _db, path = demo
    pg = Database.open(pg_server.url(pg_server.create_database()), "Test User")
    plain = desk_sql.PlainReader(path)
    try:
        make_demo(pg, cases=1200, seed=11, as_of=AS_OF)
        with pg.session() as s:
            assert s.connection().dialect.name == "postgresql"
            for q in _queries(_db):
                assert counts.counts(s, q) == desk_sql.counts(plain, q)
                assert counts.total(s, q) == desk_sql.total(plain, q)
                for sort in desk_sql.SORTS:
                    for descending in (False, True):
                        got = counts.rows(s, q, sort, descending)
                        expected = desk_sql.rows(plain, q, sort, descending)[0]
                        if sort in TEXT_SORTS:
                            assert sorted(got, key=_id) == sorted(expected, key=_id)
                        else:
                            assert got == expected
                        page = counts.first_page(s, q, sort, descending, 20)
                        assert page[1] == desk_sql.first_page(plain, q, sort, descending, 20)[1]
                        if sort not in TEXT_SORTS:
                            assert page[0] == expected[:20]
    finally:
        plain.close()
        pg.close()


def _id(row: CaseloadRow) -> int:
    return row.case_id
