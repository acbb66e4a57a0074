"""Filling PostgreSQL tables with many generated rows fast: COPY, with the tables' secondary
indexes, foreign keys and row triggers set aside for the load and put back after it.

For rows the program made itself (the demo), by the owner of the tables, inside the caller's
one transaction: PostgreSQL's DDL is transactional, so a load that fails or is stopped rolls
back the rows and the set-aside together, and nothing is left half-written. Putting back
builds each index once from the rows (several times cheaper than keeping it up to date row by
row, the GIN trigram indexes most of all) and checks each foreign key with one query over the
whole table instead of one lookup per row. The tables stay locked (ACCESS EXCLUSIVE) until the
transaction ends: other clients of a team server wait for the load, they never see part of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

_LOADING = "send_desktop.pg_copy.loading"
#: Memory for each index build and foreign-key check after the load (this transaction only).
MAINTENANCE_WORK_MEM = "256MB"


@dataclass
class SetAside:
    """What `set_aside` took off the tables, as the statements that put it back."""

    tables: list[str]
    restore: list[str] = field(default_factory=list)


def owns_all(conn: Connection, tables: Sequence[str]) -> bool:
    """Whether this login may alter every one of these tables (owner, or member of the
    owning role): only then can their triggers and constraints be set aside."""
    if conn.dialect.name != "postgresql":
        return False
    found = conn.exec_driver_sql(
        "SELECT count(*) FILTER (WHERE pg_has_role(current_user, c.relowner, 'USAGE')), count(*) "
        "FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
        "AND c.relkind = 'r' AND c.relname = ANY(%(names)s)",
        {"names": list(tables)},
    ).one()
    return int(found[0]) == int(found[1]) == len(set(tables))


def set_aside(conn: Connection, tables: Sequence[str]) -> SetAside:
    """Drop the tables' indexes that back no constraint, drop their foreign keys and disable
    their enabled user triggers, in the open transaction; `put_back` undoes it after the rows
    are in. Primary keys and unique constraints stay (they decide what a duplicate is)."""
    quote = conn.dialect.identifier_preparer.quote
    params = {"names": list(tables)}
    where = "c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%(names)s)"
    triggers = conn.exec_driver_sql(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        f"WHERE {where} AND NOT t.tgisinternal AND t.tgenabled = 'O' ORDER BY 1, 2",
        params,
    ).all()
    indexes = conn.exec_driver_sql(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid "
        f"WHERE {where} "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) "
        "ORDER BY 1",
        params,
    ).all()
    keys = conn.exec_driver_sql(
        "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
        f"JOIN pg_class c ON c.oid = k.conrelid WHERE {where} AND k.contype = 'f' "
        "ORDER BY 1, 2",
        params,
    ).all()
    for table, trigger in triggers:
        conn.exec_driver_sql(f"ALTER TABLE {quote(table)} DISABLE TRIGGER {quote(trigger)}")
    for name, _definition in indexes:
        conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
    for table, name, _definition in keys:
        conn.exec_driver_sql(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    done = SetAside(list(tables))
    done.restore += [str(definition) for _name, definition in indexes]
    done.restore += [
        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
        for table, name, definition in keys
    ]
    done.restore += [
        f"ALTER TABLE {quote(table)} ENABLE TRIGGER {quote(trigger)}" for table, trigger in triggers
    ]
    log.info(
        "Bulk load: %d indexes, %d foreign keys and %d triggers set aside on %d tables",
        len(indexes),
        len(keys),
        len(triggers),
        len(tables),
    )
    return done


def put_back(conn: Connection, aside: SetAside) -> None:
    """Rebuild what `set_aside` took off (in the same transaction), then refresh the
    planner's statistics of the filled tables: right after a load they describe empty
    tables, and the first queries would be planned for those."""
    conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
    for statement in aside.restore:
        conn.exec_driver_sql(statement)
    quote = conn.dialect.identifier_preparer.quote
    conn.exec_driver_sql("ANALYZE " + ", ".join(quote(t) for t in aside.tables))


@contextmanager
def loading(conn: Connection, tables: Sequence[str]) -> Iterator[bool]:
    """The load of these tables in the open transaction: on PostgreSQL, for their owner, their
    indexes, foreign keys and triggers set aside (`set_aside`) and the rows taken by COPY
    (`store.fast_insert.insert_columns` asks `copy_allowed`), then everything put back when
    the body ends. Yields whether it did; elsewhere (SQLite, another login) nothing changes.
    A body that fails leaves the put-back to the transaction's rollback."""
    if not owns_all(conn, tables):
        yield False
        return
    aside = set_aside(conn, tables)
    conn.info[_LOADING] = frozenset(tables)
    try:
        yield True
        put_back(conn, aside)
    finally:
        conn.info.pop(_LOADING, None)


def copy_allowed(conn: Connection, table: str) -> bool:
    """Whether rows for this table go by COPY: the tables of a `loading` on this connection,
    and the program's derived tables (the stored deadlines), which have no row-level security
    - PostgreSQL refuses COPY FROM into a table whose policies apply to the login (the case
    tables, for every login but their owner)."""
    if conn.dialect.name != "postgresql":
        return False
    if table in conn.info.get(_LOADING, ()):
        return True
    # Here, not at the top: the team module loads psycopg, which SQLite never needs.
    from send_desktop.store.team import TABLES, Kind

    rule = TABLES.get(table)
    return rule is not None and rule.kind is Kind.DERIVED


def copy_columns(
    conn: Connection, table: Table, names: Sequence[str], values: Sequence[Sequence[Any]]
) -> None:
    """COPY one row per position of the (equally long) columns into the table, in COPY's text
    format (psycopg's). The values as they would be bound (store/fast_insert.py converts)."""
    quote = conn.dialect.identifier_preparer.quote
    sql = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    driver = cast("psycopg.Connection[Any]", conn.connection.driver_connection)
    error = conn.dialect.loaded_dbapi.Error
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)
    except error as exc:
        # As SQLAlchemy raises a driver's error, so callers (and the command line's plain
        # messages) see a COPY refused the way they see an INSERT refused.
        raise DBAPIError.instance(sql, None, exc, error, dialect=conn.dialect) from exc
