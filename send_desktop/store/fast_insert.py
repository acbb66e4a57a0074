"""Many generated rows into one table, column by column, with few statements.

For rows the program made itself (the demo's cases, the stored deadlines). On SQLite,
SQLAlchemy's per-value processing costs more than the inserts themselves: the driver gets plain
tuples, each column converted once per distinct value with the dialect's own bind processor
(dates and times as the text SQLAlchemy stores), in batches. On PostgreSQL the stored
deadlines' tables (no row-level security) and the tables of a bulk load take the rows by COPY
(store/pg_copy.py), converted the same way. Elsewhere it is SQLAlchemy's executemany.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert

from send_desktop.store import pg_copy

BATCH = 10_000


def insert_columns(conn: Connection, table: Table, columns: Mapping[str, Sequence[Any]]) -> int:
    """Insert one row per position of the (equally long) columns; returns the rows written."""
    names = list(columns)
    count = len(columns[names[0]]) if names else 0
    if not count:
        return 0
    if pg_copy.copy_allowed(conn, table.name):
        pg_copy.copy_columns(
            conn, table, names, [_converted(conn, table, n, columns[n]) for n in names]
        )
        return count
    if conn.dialect.name != "sqlite":
        values = [columns[name] for name in names]
        for start in range(0, count, BATCH):
            batch = zip(*(v[start : start + BATCH] for v in values), strict=True)
            conn.execute(insert(table), [dict(zip(names, row, strict=True)) for row in batch])
        return count
    quote = conn.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    stored = [_converted(conn, table, name, columns[name]) for name in names]
    for start in range(0, count, BATCH):
        rows = list(zip(*(v[start : start + BATCH] for v in stored), strict=True))
        conn.exec_driver_sql(sql, rows)
    return count


def _converted(conn: Connection, table: Table, name: str, values: Sequence[Any]) -> Sequence[Any]:
    """A column as SQLAlchemy hands it to the driver, each distinct value converted once."""
    dialect = conn.dialect
    process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return values
    # Each distinct value once, then a C-level lookup per value (a Python loop per value
    # cost a tenth of a whole recompute).
    memo = {value: process(value) for value in set(values) if value is not None}
    memo[None] = None
    return list(map(memo.__getitem__, values))


def begin(conn: Connection) -> None:
    """Open the driver's transaction now (SQLite), so DDL that follows (`drop_indexes`) belongs
    to the caller's transaction: pysqlite opens one only at the first INSERT/UPDATE/DELETE and
    runs a DROP before it, and commits it, at once. Elsewhere the transaction is already open."""
    if conn.dialect.name != "sqlite":
        return
    if not getattr(conn.connection.dbapi_connection, "in_transaction", True):
        # SQLAlchemy's transaction is open (the Connection began it): its commit or rollback
        # ends this one too.
        conn.exec_driver_sql("BEGIN")


def drop_indexes(conn: Connection, tables: Sequence[str]) -> list[str]:
    """Drop these tables' own indexes (SQLite) in the open transaction, before a load that
    fills or refills them; returns the statements that rebuild them, to run once the rows are
    in (an index built once from the rows costs several times less than one kept up to date
    row by row). DDL is transactional in SQLite, so a rollback brings them back. Elsewhere,
    or outside a transaction (the driver opens one at the first write: a DROP before it would
    be committed at once), nothing is dropped."""
    if conn.dialect.name != "sqlite":
        return []
    if not getattr(conn.connection.dbapi_connection, "in_transaction", False):
        return []
    marks = ", ".join("?" for _ in tables)
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name",
        tuple(tables),
    ).all()
    quote = conn.dialect.identifier_preparer.quote
    for name, _sql in found:
        conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
    return [str(sql) for _name, sql in found]
