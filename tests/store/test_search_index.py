"""The search index (migration 0009: SQLite FTS5 trigram, PostgreSQL pg_trgm) gives exactly the
results of the LIKE definition (tests/oracles.py `like_condition`, spelt apart from desk_sql's text), for any search text - 1- and
2-character words included (LIKE alone decides those) - and stays in step with every write."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from send_desktop.store import Database, counts, desk_sql, search_index
from send_desktop.store import cases as c
from send_desktop.store.demo import make_demo
from send_desktop.store.models import Case, Child
from tests.oracles import like_condition

AS_OF = date(2025, 6, 1)


def _like_ids(db: Database, search: str) -> list[int]:
    """The definition: open cases whose ref, name or UPN holds every word (LIKE, every row)."""
    with db.session() as s:
        query = (
            select(Case.id)
            .join(Child, Child.id == Case.child_id)
            .where(Case.closed.is_(False))
            .order_by(Case.id)
        )
        found = like_condition(search)
        if found is not None:
            query = query.where(found)
        return list(s.execute(query).scalars())


def _searched(db: Database, search: str, **scope: int) -> tuple[list[int], int]:
    q = counts.CaseloadQuery(as_of=AS_OF, search=search, **scope)  # type: ignore[arg-type]
    with db.session() as s:
        return [r.case_id for r in counts.rows(s, q, "id")], counts.total(s, q)


@pytest.fixture
def demo(db: Database) -> Database:
    make_demo(db, cases=150, seed=5, as_of=AS_OF, force=True)
    return db


def _words(db: Database) -> list[str]:
    with db.session() as s:
        rows = s.execute(
            select(Case.ref, Child.first_name, Child.last_name, Child.upn).join(
                Child, Child.id == Case.child_id
            )
        ).all()
    return sorted({v for r in rows for v in r if v})


def test_the_index_is_there_and_used(demo: Database) -> None:
    with demo.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            indexed = conn.exec_driver_sql(f"SELECT count(*) FROM {search_index.TABLE}").scalar()
            assert indexed == conn.exec_driver_sql('SELECT count(*) FROM "case"').scalar()
        else:
            names = set(conn.exec_driver_sql("SELECT indexname FROM pg_indexes").scalars().all())
            assert set(search_index.PG_INDEXES) <= names
    word = _words(demo)[0]
    with demo.session() as s:
        where = counts._search_candidates([word.lower()], s.connection())
    assert where is not None  # three characters or more: the index narrows the rows read
    with demo.session() as s:
        assert counts._search_candidates(["ab"], s.connection()) is None  # LIKE alone


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_search_through_the_index_equals_the_like_definition(
    demo: Database, data: st.DataObject
) -> None:
    known = _words(demo)
    fragment = st.builds(
        lambda text, start, length, upper: (
            text[start % len(text) :][: max(1, length)].upper()
            if upper
            else text[start % len(text) :][: max(1, length)]
        ),
        st.sampled_from(known),
        st.integers(0, 20),
        st.integers(1, 8),
        st.booleans(),
    )
    odd = st.text(
        alphabet=st.sampled_from(list("aeiouSMITHehc-2025_%\\\"' éÉß*")), min_size=1, max_size=6
    )
    words = data.draw(st.lists(st.one_of(fragment, odd), min_size=1, max_size=3))
    search = " ".join(words)
    expected = _like_ids(demo, search)
    ids, total = _searched(demo, search)
    assert ids == expected
    assert total == len(expected)
    # The desk's first page over everyone: a count that stops at COUNT_CAP ("at least") and a
    # page read through a bound on its sort key's index (the deadline indexes for the default
    # order, _key_bound's for a header's order, either way) - the same rows.
    sort, descending = data.draw(
        st.sampled_from([("due", False)] + [(k, d) for k in counts._INDEXED for d in (False, True)])
    )
    q = counts.CaseloadQuery(as_of=AS_OF, search=search)
    plain = desk_sql.PlainReader(demo.path) if demo.path is not None else None
    with demo.session() as s:
        in_order = [r.case_id for r in counts.rows(s, q, sort, descending)]
        for cap, page in ((5, 3), (11, 4), (1001, 200)):
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(desk_sql, "COUNT_CAP", cap)
                patch.setattr(desk_sql, "PROBE_FIRST", 3)
                found, counted = counts.first_page(s, q, sort, descending, page)
                later = counts.rows(s, q, sort, descending, offset=page, limit=page, many=True)
                if plain is not None:  # the desk's plain sqlite3 reads: the same rows and count
                    assert desk_sql.first_page(plain, q, sort, descending, page) == (
                        found,
                        counted,
                    )
                    assert (
                        desk_sql.rows(plain, q, sort, descending, page, page, many=True)[0] == later
                    )
            assert [r.case_id for r in found] == in_order[:page]
            assert [r.case_id for r in later] == in_order[page : 2 * page]
            assert counted == min(len(expected), cap)


def test_the_index_follows_every_write(demo: Database) -> None:
    with demo.session() as s:
        case = s.execute(
            select(Case).where(Case.closed.is_(False)).order_by(Case.id).limit(1)
        ).scalar_one()
        child = s.get(Child, case.child_id)
        assert child is not None
        c.update_child(s, child.id, child.version, "Test User", last_name="Quixotexyz")
        c.update_case(s, case.id, case.version, "Test User", ref="REF-ZEBRAQ-1")
        case_id = case.id
    assert _searched(demo, "quixotexyz")[0] == [case_id]
    assert _searched(demo, "zebraq")[0] == [case_id]
    assert _searched(demo, "QUIXOTE ebraq-")[0] == [case_id]
    with demo.session() as s:
        case = s.get(Case, case_id)
        assert case is not None
        c.delete_case(s, case_id, case.version, "Test User")
    assert _searched(demo, "quixotexyz") == ([], 0)
    assert _like_ids(demo, "zebraq") == []


def test_a_word_most_cases_hold_skips_the_index_with_the_same_results(
    demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "SELECTIVE_UNDER", 2)
    monkeypatch.setattr(search_index, "_selective", {})
    with demo.session() as s:
        candidates = counts._search_candidates(["ehc-"], s.connection())
    if demo.engine.dialect.name == "sqlite":
        assert candidates is None  # the probe found more than SELECTIVE_UNDER: LIKE alone
    expected = _like_ids(demo, "ehc-")
    assert len(expected) > 2
    assert _searched(demo, "ehc-") == (expected, len(expected))
