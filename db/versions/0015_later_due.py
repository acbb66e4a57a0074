"""case_summary.later_due: the first duty due after the case's next duty, in the next-due index.

`report`'s forecast counts a case whose next duty is already past by its first open duty due
after today: one search of the case's stored steps for each such case (94,000 searches at
1,000,000 cases, a fifth of the report's reading). The case's first duty due after its next
duty's day answers it without a search whenever that day lies ahead (timeline/digest.py
Digest.later_due); the search is left for a case with more than one duty already past.

The column is written with the digest (store/summaries.py `write_columns`). Existing rows get
NULL here, and every stored row's stamp is marked stale (the digest's code version moved on
too: timeline/digest.py CODE_VERSION 4), so the program recomputes them (in the background on
the desktop, first thing for `report`), as after any change of the rules.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 19:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEXT_DUE = ["next_due", "breach_due", "closed", "caseworker_id"]  # migration 0014's


def upgrade() -> None:
    op.drop_index("ix_case_summary_next_due", table_name="case_summary")
    # ALTER TABLE ... ADD COLUMN (SQLite adds a column without copying the table).
    op.add_column("case_summary", sa.Column("later_due", sa.Date(), nullable=True))
    # Whatever program wrote the rows, none holds later_due yet: each is recomputed.
    op.execute("UPDATE case_summary SET stamp = 'before-0015'")
    op.create_index("ix_case_summary_next_due", "case_summary", [*_NEXT_DUE, "later_due"])


def downgrade() -> None:
    op.drop_index("ix_case_summary_next_due", table_name="case_summary")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later; no table copy).
    op.drop_column("case_summary", "later_due")
    op.create_index("ix_case_summary_next_due", "case_summary", _NEXT_DUE)
