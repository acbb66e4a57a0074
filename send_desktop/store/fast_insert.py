"""Many generated rows into one table, column by column, with few statements.

For rows the program made itself (the demo's cases, the stored deadlines). On SQLite,
SQLAlchemy's per-value processing costs more than the inserts themselves: the driver gets plain
tuples, each column converted once per distinct value with the dialect's own bind processor
(dates and times as the text SQLAlchemy stores), in batches. Elsewhere it is SQLAlchemy's
executemany. The values are bound parameters either way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert

BATCH = 10_000


def insert_columns(conn: Connection, table: Table, columns: Mapping[str, Sequence[Any]]) -> int:
    """Insert one row per position of the (equally long) columns; returns the rows written."""
    names = list(columns)
    count = len(columns[names[0]]) if names else 0
    if not count:
        return 0
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
    memo: dict[Any, Any] = {None: None}
    out: list[Any] = []
    append = out.append
    for value in values:
        found = memo.get(value, memo)
        if found is memo:
            found = memo[value] = process(value)
        append(found)
    return out
