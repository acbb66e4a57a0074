"""Timeliness stored with each case's digest: `report` counts it in SQL.

case_summary gains what a case adds to any period's timeliness (timeline.timeliness.case_times):
the final plan issued, days from the request, within 20 weeks, after 52 weeks, an exception
excusing N5; the decision to assess and whether it was within 6 weeks. case_review_time holds
each review decision as timeliness counts it. The rows are filled by the recompute
(timeline.digest.RULES_VERSION was bumped with this).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_summary") as batch:
        batch.add_column(sa.Column("issued_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("issue_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("issue_on_time", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("issue_after_52", sa.Boolean(), nullable=True))
        batch.add_column(
            sa.Column("issue_excused", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("decision_on_time", sa.Boolean(), nullable=True))
    # Covering indexes: a period's plans / decisions / reviews are read from the index alone.
    op.create_index(
        "ix_case_summary_issued_on",
        "case_summary",
        ["issued_on", "issue_days", "issue_on_time", "issue_after_52", "issue_excused"],
    )
    op.create_index(
        "ix_case_summary_decided_on", "case_summary", ["decided_on", "decision_on_time"]
    )
    op.create_table(
        "case_review_time",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Date(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("meeting_on_time", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name="fk_case_review_time_case_id_case", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_case_review_time"),
    )
    op.create_index("ix_case_review_time_case_id", "case_review_time", ["case_id"])
    op.create_index(
        "ix_case_review_time_sent", "case_review_time", ["sent", "on_time", "meeting_on_time"]
    )


def downgrade() -> None:
    op.drop_index("ix_case_review_time_sent", table_name="case_review_time")
    op.drop_index("ix_case_review_time_case_id", table_name="case_review_time")
    op.drop_table("case_review_time")
    op.drop_index("ix_case_summary_decided_on", table_name="case_summary")
    op.drop_index("ix_case_summary_issued_on", table_name="case_summary")
    with op.batch_alter_table("case_summary") as batch:
        for name in ("decision_on_time", "decided_on", "issue_excused", "issue_after_52",
                     "issue_on_time", "issue_days", "issued_on"):  # fmt: skip
            batch.drop_column(name)
