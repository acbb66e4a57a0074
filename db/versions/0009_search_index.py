"""The search index: SQLite FTS5 (trigram) kept in step by triggers; PostgreSQL pg_trgm.

See send_desktop/store/search_index.py. The index only narrows the candidates of a search; the
LIKE definition of a match (store/counts.py search_condition) still decides, so results are
unchanged. Words shorter than three characters are matched by LIKE alone.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from send_desktop.store import search_index

    search_index.create(op.get_bind())


def downgrade() -> None:
    from send_desktop.store import search_index

    search_index.drop(op.get_bind())
