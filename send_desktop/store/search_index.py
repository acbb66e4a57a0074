"""The search index behind the caseload's search box (migration 0009).

SQLite: an FTS5 table `case_search` with the trigram tokenizer (rowid = case id; the reference,
the child's names and UPN), kept in step with `case` and `child` by triggers. PostgreSQL:
pg_trgm GIN indexes on lower(ref), lower(first_name), lower(last_name) and lower(upn), which
serve `lower(x) LIKE '%word%'` directly.

The index only narrows the candidates: store/counts.py still applies the LIKE definition of a
match (`search_condition`), so results are exactly what they were without the index. Trigrams
need three characters: a word of one or two characters is matched by LIKE alone.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # plain at run time: the desk's plain reads (store/desk_sql.py) use this
    from sqlalchemy import Connection
    from sqlalchemy.engine import Engine

    from send_desktop.store.desk_sql import Reader

log = logging.getLogger(__name__)

TABLE = "case_search"
#: Trigram: a shorter word cannot use the index (LIKE alone decides it).
SHORTEST = 3

_SOURCE = (
    'SELECT "case".id, "case".ref, child.first_name, child.last_name, child.upn '
    'FROM "case" JOIN child ON child.id = "case".child_id'
)
_PUT = f"INSERT INTO {TABLE}(rowid, ref, first_name, last_name, upn) "
SQLITE_TRIGGERS = {
    "case_search_case_insert": (
        'AFTER INSERT ON "case" BEGIN '
        f"{_PUT}SELECT NEW.id, NEW.ref, c.first_name, c.last_name, c.upn "
        "FROM child c WHERE c.id = NEW.child_id; END"
    ),
    "case_search_case_update": (
        'AFTER UPDATE OF ref, child_id ON "case" BEGIN '
        f"DELETE FROM {TABLE} WHERE rowid = OLD.id; "
        f"{_PUT}SELECT NEW.id, NEW.ref, c.first_name, c.last_name, c.upn "
        "FROM child c WHERE c.id = NEW.child_id; END"
    ),
    "case_search_case_delete": (
        f'AFTER DELETE ON "case" BEGIN DELETE FROM {TABLE} WHERE rowid = OLD.id; END'
    ),
    "case_search_child_update": (
        "AFTER UPDATE OF first_name, last_name, upn ON child BEGIN "
        f'DELETE FROM {TABLE} WHERE rowid IN (SELECT id FROM "case" WHERE child_id = NEW.id); '
        f'{_PUT}SELECT "case".id, "case".ref, NEW.first_name, NEW.last_name, NEW.upn '
        'FROM "case" WHERE "case".child_id = NEW.id; END'
    ),
}
PG_INDEXES = {
    "ix_case_ref_trgm": ('"case"', "ref"),
    "ix_child_first_name_trgm": ("child", "first_name"),
    "ix_child_last_name_trgm": ("child", "last_name"),
    "ix_child_upn_trgm": ("child", "upn"),
}


def sqlite_trigram_supported(conn: Connection) -> bool:
    """FTS5 compiled in, and SQLite 3.34 or later (the trigram tokenizer)."""
    try:
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.send_trigram_probe USING fts5(x, tokenize='trigram')"
        )
    except Exception:
        return False
    conn.exec_driver_sql("DROP TABLE temp.send_trigram_probe")
    return True


def create(conn: Connection) -> None:
    """Build the index for the rows already stored (the migration's upgrade)."""
    if conn.dialect.name == "sqlite":
        if not sqlite_trigram_supported(conn):
            log.warning("SQLite without FTS5 trigram: search reads every row (LIKE)")
            return
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE {TABLE} USING "
            "fts5(ref, first_name, last_name, upn, tokenize='trigram')"
        )
        conn.exec_driver_sql(_PUT + _SOURCE)
        for name, body in SQLITE_TRIGGERS.items():
            conn.exec_driver_sql(f"CREATE TRIGGER {name} {body}")
    elif conn.dialect.name == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner (the setup role
        # in team mode) may create it. Without it the search still works, by LIKE alone.
        savepoint = conn.begin_nested()
        try:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:
            savepoint.rollback()
            log.warning("pg_trgm not available (%s): search reads every row", type(exc).__name__)
            return
        savepoint.commit()
        for name, (table, column) in PG_INDEXES.items():
            conn.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin (lower({column}) gin_trgm_ops)"
            )


def drop(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
    elif conn.dialect.name == "postgresql":
        for name in PG_INDEXES:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def bulk_insert_begin(conn: Connection) -> bool:
    """Before many cases are inserted at once (the demo): the per-row insert trigger is
    dropped, so the index is filled by one INSERT ... SELECT in bulk_insert_end (inside the
    caller's transaction: a load stopped halfway leaves the trigger as it was)."""
    if conn.dialect.name != "sqlite" or not sqlite_index_present(conn):
        return False
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS case_search_case_insert")
    return True


def bulk_insert_end(conn: Connection, first_case_id: int) -> None:
    """The cases from `first_case_id` on put in the index at once, and the trigger back."""
    conn.exec_driver_sql(_PUT + _SOURCE + ' WHERE "case".id >= ?', (first_case_id,))
    name = "case_search_case_insert"
    conn.exec_driver_sql(f"CREATE TRIGGER {name} {SQLITE_TRIGGERS[name]}")


_present: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def sqlite_index_present(conn: Connection) -> bool:
    """Whether this SQLite database has the FTS5 index (read once per engine)."""
    engine: Engine = conn.engine
    found = _present.get(engine)
    if found is None:
        found = (
            conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (TABLE,)
            ).first()
            is not None
        )
        _present[engine] = found
    return found


def match_expression(words: list[str]) -> str | None:
    """An FTS5 query: every word of three characters or more as a phrase (AND)."""
    phrases = ['"' + w.replace('"', '""') + '"' for w in words if len(w) >= SHORTEST]
    return " AND ".join(phrases) or None


#: A word held by more cases than this is not worth the index (the candidates would be most of
#: the authority): LIKE over the rows in scope is cheaper.
SELECTIVE_UNDER = 5000
_selective: dict[tuple[object, str], bool] = {}
_found: dict[object, bool] = {}


def index_present(reader: Reader) -> bool:
    """Whether this SQLite database has the FTS5 index (read once per database and process)."""
    found = _found.get(reader.key)
    if found is None:
        found = bool(
            reader.all(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name=:name", {"name": TABLE}
            )
        )
        _found[reader.key] = found
    return found


def selective(reader: Reader, expression: str) -> bool:
    """Whether the FTS5 index narrows `expression` to few enough cases to be worth using.

    Only a choice of plan, never of results (the LIKE definition decides either way), so the
    answer may be kept for the database's life in this process."""
    if not index_present(reader):
        return False
    key = (reader.key, expression)
    found = _selective.get(key)
    if found is None:
        hits = reader.all(
            f"SELECT count(*) FROM (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :m LIMIT :n) "
            "AS hits",
            {"m": expression, "n": SELECTIVE_UNDER},
        )[0][0]
        found = hits < SELECTIVE_UNDER
        if len(_selective) > 1000:
            _selective.clear()
        _selective[key] = found
    return found
