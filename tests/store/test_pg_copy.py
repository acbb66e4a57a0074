"""The demo into PostgreSQL by COPY (store/pg_copy.py): the same rows as the SQLite demo of the
same seed, table by table, with every index, foreign key and trigger back after the load, and
all of it rolled back when the load fails part-way."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, select, text
from sqlalchemy.exc import DBAPIError

from send_desktop.store import Database
from send_desktop.store.demo import _FILLED, make_demo
from send_desktop.store.models import AuditEntry, Base

pytestmark = pytest.mark.postgres

AS_OF = date(2025, 6, 2)
# Written at the time of the run, so never the same twice.
_CLOCK = {"updated_at"}


def _rows(db: Database, name: str) -> list[tuple[Any, ...]]:
    table: Table = Base.metadata.tables[name]
    columns = [c for c in table.c if c.name not in _CLOCK]
    order = [table.c[k.name] for k in table.primary_key.columns]
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*columns).order_by(*order))]


def _server_rules(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every index, foreign key and user trigger (with whether it is enabled) of the demo's
    tables, as the server describes them."""
    with db.engine.connect() as conn:
        names = {"names": list(_FILLED)}
        where = "c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(:names)"
        return {
            "indexes": conn.execute(
                text(
                    "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                    f"JOIN pg_class c ON c.oid = x.indrelid WHERE {where} ORDER BY 2"
                ),
                names,
            ).all(),
            "keys": conn.execute(
                text(
                    "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid), k.convalidated "
                    f"FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE {where} "
                    "ORDER BY 2"
                ),
                names,
            ).all(),
            "triggers": conn.execute(
                text(
                    "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t "
                    f"JOIN pg_class c ON c.oid = t.tgrelid WHERE {where} AND NOT t.tgisinternal "
                    "ORDER BY 1, 2"
                ),
                names,
            ).all(),
        }


def test_demo_by_copy_equals_the_sqlite_demo_table_by_table(
    pg_database: str, tmp_path: Path
) -> None:
    lite = Database.open(str(tmp_path / "demo.sqlite3"), "Test User")
    pg = Database.open(pg_database, "Test User")
    try:
        before = _server_rules(pg)
        assert before["triggers"] and before["keys"] and len(before["indexes"]) > 30
        make_demo(lite, 400, seed=9, as_of=AS_OF)
        make_demo(pg, 400, seed=9, as_of=AS_OF)
        for name in (*_FILLED, "team", "caseworker"):
            found = _rows(pg, name)
            assert found == _rows(lite, name), name
            assert found or name == "case_exception", name
        # Everything set aside for the load is back as it was, the foreign keys checked.
        assert _server_rules(pg) == before
        # The owner's synthetic rows wrote no audit row per field: one row says what was done.
        with pg.session() as s:
            audit = s.execute(select(AuditEntry.action, AuditEntry.new)).all()
        assert audit == [("demo", f"400 synthetic cases (seed 9, as of {AS_OF.isoformat()})")]
        # The planner has statistics for the filled tables (ANALYZE after the load).
        with pg.engine.connect() as conn:
            estimate = conn.execute(
                text("SELECT reltuples FROM pg_class WHERE relname = 'case'")
            ).scalar_one()
        assert estimate == 400
        # A second demo (--force) continues the ids and numbers on both.
        make_demo(lite, 30, seed=10, as_of=AS_OF, force=True)
        make_demo(pg, 30, seed=10, as_of=AS_OF, force=True)
        for name in ("case", "child", "advice_request", "case_summary"):
            assert _rows(pg, name) == _rows(lite, name), name
    finally:
        lite.close()
        pg.close()


def test_a_load_that_fails_part_way_leaves_the_tables_and_their_rules_as_they_were(
    pg_database: str,
) -> None:
    db = Database.open(pg_database, "Test User")
    try:
        # A real refusal by the server late in the load: a check that no stored deadline can
        # pass fails the COPY of case_step, after the case tables' rows and the set-aside.
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "ALTER TABLE case_step ADD CONSTRAINT ck_test_refuse CHECK (due < '1990-01-01')"
            )
        before = _server_rules(db)
        with pytest.raises(DBAPIError, match="ck_test_refuse"):
            make_demo(db, 3000, seed=4, as_of=AS_OF)
        assert _server_rules(db) == before
        with db.engine.connect() as conn:
            counts = [
                conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in (*_FILLED, "team", "caseworker", "audit_entry")
            ]
        assert counts == [0] * len(counts)
        # And the next demo goes through.
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE case_step DROP CONSTRAINT ck_test_refuse")
        assert make_demo(db, 50, seed=4, as_of=AS_OF).cases == 50
    finally:
        db.close()
