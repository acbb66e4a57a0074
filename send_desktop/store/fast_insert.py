"""Many generated rows into one table, column by column, with few statements.

For rows the program made itself (the demo's cases, the stored deadlines): the values go to the
driver converted as SQLAlchemy would convert them (bulk_write's inserter: dates as text on
SQLite, each distinct value converted once), in batches, without per-row ORM or Core work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table

from send_desktop.store.bulk_write import _Inserter

BATCH = 10_000


def insert_columns(conn: Connection, table: Table, columns: Mapping[str, Sequence[Any]]) -> int:
    """Insert one row per position of the (equally long) columns; returns the rows written."""
    names = list(columns)
    if not names:
        return 0
    count = len(columns[names[0]])
    inserter = _Inserter(conn, conn.dialect.name == "sqlite")
    values = [columns[name] for name in names]
    for start in range(0, count, BATCH):
        rows = list(zip(*(v[start : start + BATCH] for v in values), strict=True))
        inserter.insert(table, names, rows, ids=False)
    return count
