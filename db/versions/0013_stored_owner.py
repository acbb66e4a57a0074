"""The case's caseworker and closed flag on case_summary and case_step, with covering indexes.

`report` splits its figures by caseworker over the open cases: caseworker_id and closed lived on
`case`, stage, breach_due and next_due on case_summary and each open step on case_step, so each
figure joined them with one b-tree search of `case` per open case or step. The two stored tables
now keep a copy of the two columns, written with the digest (store/summaries.py `write_columns`:
every write to a case rewrites its stored rows in the same transaction).

- ix_case_summary_open_worker covers the open and overdue cases per caseworker and stage (one
  range of it, in group order);
- ix_case_summary_next_due carries the two columns, so the forecast reads a range of next duties
  from the index alone;
- ix_case_step_step_due carries them, so the review pipeline reads each step's range alone.

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

_TABLES = ("case_summary", "case_step")
_STEP_DUE = ["step_id", "due", "case_id", "kind", "covered"]


def upgrade() -> None:
    # The widened indexes are dropped first: the fill below need not keep them up to date.
    op.drop_index("ix_case_summary_next_due", table_name="case_summary")
    op.drop_index("ix_case_step_step_due", table_name="case_step")
    for table in _TABLES:
        # ALTER TABLE ... ADD COLUMN on both (SQLite adds a column without copying the table).
        op.add_column(table, sa.Column("caseworker_id", sa.Integer(), nullable=True))
        op.add_column(
            table, sa.Column("closed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        # The same statement on SQLite (3.33 and later) and PostgreSQL.
        op.execute(
            f"UPDATE {table} SET caseworker_id = c.caseworker_id, closed = c.closed "
            f'FROM "case" c WHERE c.id = {table}.case_id'
        )
    op.create_index(
        "ix_case_summary_open_worker",
        "case_summary",
        ["closed", "caseworker_id", "stage", "breach_due"],
    )
    op.create_index(
        "ix_case_summary_next_due", "case_summary", ["next_due", "closed", "caseworker_id"]
    )
    op.create_index(
        "ix_case_step_step_due", "case_step", [*_STEP_DUE, "closed", "caseworker_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_case_step_step_due", table_name="case_step")
    op.drop_index("ix_case_summary_next_due", table_name="case_summary")
    op.drop_index("ix_case_summary_open_worker", table_name="case_summary")
    for table in _TABLES:
        # ALTER TABLE ... DROP COLUMN on both (SQLite 3.35 and later; no table copy, so no
        # reflection of the expression index 0012 made on child).
        op.drop_column(table, "closed")
        op.drop_column(table, "caseworker_id")
    op.create_index("ix_case_summary_next_due", "case_summary", ["next_due"])
    op.create_index("ix_case_step_step_due", "case_step", _STEP_DUE)
