"""The case's caseworker and closed flag on case_summary, with the report's covering index.

`report` splits every open-case figure by caseworker: caseworker_id and closed lived on `case`,
stage, breach_due and next_due on case_summary, so each figure joined the two tables with one
b-tree search per open case. case_summary now keeps a copy of the two columns, written with the
digest (store/summaries.py `write_columns`: every write to a case rewrites its summary in the
same transaction). ix_case_summary_open_worker covers the open and overdue cases per caseworker
and stage (one range of it, in group order), and ix_case_summary_next_due now carries the two
columns too, so the forecast reads a range of next duties from the index alone.

Existing rows are filled from `case` here (their stamp is unchanged: nothing is recomputed).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ALTER TABLE ... ADD COLUMN on both (SQLite adds a column without copying the table).
    op.add_column("case_summary", sa.Column("caseworker_id", sa.Integer(), nullable=True))
    op.add_column(
        "case_summary",
        sa.Column("closed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    # The same statement on SQLite (3.33 and later) and PostgreSQL.
    op.execute(
        'UPDATE case_summary SET caseworker_id = c.caseworker_id, closed = c.closed FROM "case" c '
        "WHERE c.id = case_summary.case_id"
    )
    op.create_index(
        "ix_case_summary_open_worker",
        "case_summary",
        ["closed", "caseworker_id", "stage", "breach_due"],
    )
    op.drop_index("ix_case_summary_next_due", table_name="case_summary")
    op.create_index(
        "ix_case_summary_next_due", "case_summary", ["next_due", "closed", "caseworker_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_case_summary_next_due", table_name="case_summary")
    op.create_index("ix_case_summary_next_due", "case_summary", ["next_due"])
    op.drop_index("ix_case_summary_open_worker", table_name="case_summary")
    # ALTER TABLE ... DROP COLUMN on both (SQLite 3.35 and later; no table copy, so no
    # reflection of the expression index 0012 made on child).
    op.drop_column("case_summary", "closed")
    op.drop_column("case_summary", "caseworker_id")
