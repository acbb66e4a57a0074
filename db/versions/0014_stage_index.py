"""Indexes for a whole-authority list sorted by stage or by status.

A team leader's list over every case sorted by stage or status is read segment by segment,
each an index range in the list's order (store/desk_sql.py `_segment_bound`), instead of
sorting every open case:

- ix_case_summary_stage on (stage, case_id): a stage's cases in the list's order (the case id
  breaks ties);
- ix_case_summary_next_due gains breach_due after next_due: the cases with no next duty and a
  breach before today (none, as the digest is written: a breach is an open duty) are one range
  of it, so finding that there are none reads nothing; and the statuses by next_due (due soon,
  late - exception, on track) test breach_due from the index. It keeps closed and caseworker_id
  (migration 0013), so `report`'s forecast still reads the index alone.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEXT_DUE_0013 = ["next_due", "closed", "caseworker_id"]


def upgrade() -> None:
    op.create_index("ix_case_summary_stage", "case_summary", ["stage", "case_id"])
    op.drop_index("ix_case_summary_next_due", table_name="case_summary")
    op.create_index(
        "ix_case_summary_next_due",
        "case_summary",
        ["next_due", "breach_due", "closed", "caseworker_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_case_summary_next_due", table_name="case_summary")
    op.create_index("ix_case_summary_next_due", "case_summary", _NEXT_DUE_0013)
    op.drop_index("ix_case_summary_stage", table_name="case_summary")
