"""A fresh migrated database for the letter tests: a SQLite file, or a new PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from send_desktop.store import Database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        target = str(tmp_path / "cases.sqlite3")
    else:
        target = request.getfixturevalue("pg_database")
    database = Database.open(target, "Test User")
    try:
        yield database
    finally:
        database.close()
