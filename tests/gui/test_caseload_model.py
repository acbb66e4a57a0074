"""The virtual caseload model over real SQLite and PostgreSQL: the Qt model contract
(qtmodeltester) after a search, a sort and a filter; what it shows is what store/counts.py
selects; and each desk action costs a fixed, small number of statements (one for the rows in
view and their count, one for the family's windows), whatever the size of the authority."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from sqlalchemy import event, select

from send_desktop.gui.caseload import COLUMN_SORTS, CaseloadModel
from send_desktop.store import Database, counts, desk_sql
from send_desktop.store.counts import CaseloadQuery
from send_desktop.store.demo import make_demo
from send_desktop.store.models import Case

pytestmark = pytest.mark.gui

AS_OF = date(2025, 6, 2)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        target = str(tmp_path / "cases.sqlite3")
    else:
        target = request.getfixturevalue("pg_database")
    db = Database.open(target, "Test User")
    make_demo(db, cases=260, seed=3, as_of=AS_OF, force=True)
    try:
        yield db
    finally:
        db.close()


class _Statements:
    def __init__(self, db: Database) -> None:
        self.count = 0
        event.listen(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


def _ids(model: CaseloadModel) -> list[int]:
    return [r.case_id for r in model.visible_rows()]


def test_search_sort_and_filter_show_what_the_store_selects(
    demo_db: Database, qtmodeltester: ModelTester
) -> None:
    model = CaseloadModel(AS_OF, db=demo_db)
    model.PAGE = 50  # several pages: scrolling reads page after page
    everyone = CaseloadQuery(as_of=AS_OF)
    model.set_query(everyone)
    qtmodeltester.check(model, force_py=True)
    with demo_db.session() as s:
        assert model.rowCount() == counts.total(s, everyone) > 2 * model.PAGE
    for column, key in enumerate(COLUMN_SORTS):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            with demo_db.session() as s:
                expected = counts.rows(s, everyone, key, order == Qt.SortOrder.DescendingOrder)
            assert model.visible_rows() == expected
    with demo_db.session() as s:
        word = counts.rows(s, everyone, "id", limit=1)[0].last_name[1:4]
    for search in (word, word.upper(), word[:1], word[:2], "ehc-", "zzzz"):
        query = CaseloadQuery(as_of=AS_OF, search=search)
        model.set_query(query)  # the tester, connected above, checks every reset
        with demo_db.session() as s:
            assert _ids(model) == [
                r.case_id for r in counts.rows(s, query, model.sort_key(), model._descending)
            ]
    for quick in counts.QUICK_FILTERS:
        query = CaseloadQuery(as_of=AS_OF, quick=quick)
        model.set_query(query)
        with demo_db.session() as s:
            assert model.rowCount() == counts.total(s, query)


def test_each_desk_action_is_two_statements(demo_db: Database) -> None:
    model = CaseloadModel(AS_OF, db=demo_db)
    with demo_db.session() as s:
        case = s.execute(
            select(Case).where(Case.closed.is_(False), Case.caseworker_id.is_not(None)).limit(1)
        ).scalar_one()
        worker_id, ref = case.caseworker_id, case.ref
        last_name = counts.rows(s, CaseloadQuery(as_of=AS_OF, search=ref))[0].last_name
    mine = CaseloadQuery(as_of=AS_OF, caseworker_id=worker_id)
    statements = _Statements(demo_db)

    def shown() -> int:
        """Statements run by one action and the reads of the rows in view that follow it."""
        before = statements.count
        for row in range(min(model.rowCount(), 30)):
            model.data(model.index(row, 0))
        return statements.count - before

    for search in ("", last_name[:3], ref):
        before = statements.count
        model.set_query(CaseloadQuery(as_of=AS_OF, caseworker_id=worker_id, search=search))
        assert model.rowCount() >= 1
        assert statements.count - before + shown() <= 2  # page + count; family
    before = statements.count
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert statements.count - before + shown() <= 2
    before = statements.count
    with demo_db.session() as s:
        counts.counts(s, mine)
    assert statements.count - before <= 1  # every count in one statement


def test_a_search_over_everyone_counts_lazily_and_shows_at_least(
    demo_db: Database, qtmodeltester: ModelTester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More matches than COUNT_CAP: the list shows COUNT_CAP - 1 rows as "N+", counts on as it
    is scrolled to its end (Qt's fetchMore), and ends with exactly the store's rows."""
    monkeypatch.setattr(desk_sql, "COUNT_CAP", 11)
    monkeypatch.setattr(desk_sql, "PROBE_FIRST", 7)  # the probe's slice grows several times
    model = CaseloadModel(AS_OF, db=demo_db)
    model.PAGE = 8
    query = CaseloadQuery(as_of=AS_OF, search="e")  # every ref: all the demo's open cases
    model.set_query(query)
    with demo_db.session() as s:
        expected = counts.rows(s, query, "due")
    assert len(expected) > 100
    assert model.rowCount() == 10 and not model.count_exact
    assert model.count_text() == "10+"
    assert [model.row_at(i) for i in range(10)] == expected[:10]
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 100 and model.count_text() == "100+"
    assert model.visible_rows() == expected  # fetched to the end: exact
    assert model.count_exact and model.count_text() == f"{len(expected):,}"
    model.set_query(query)
    qtmodeltester.check(model, force_py=True)  # the contract, fetchMore included
    assert model.visible_rows() == expected
    model.set_query(CaseloadQuery(as_of=AS_OF, search="zzzz"))
    assert model.count_exact and model.rowCount() == 0
