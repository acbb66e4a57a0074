"""Stored deadlines: each case's digest (case_summary) and open steps (case_step).

Derived from the case facts by the clock engine in the same transaction as every change; the
rows are filled for existing cases at the first start after this migration (store/summaries.py
recomputes every case whose stamp is missing or out of date).

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-01 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_summary",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("has_exception", sa.Boolean(), nullable=False),
        sa.Column("next_id", sa.String(length=20), nullable=True),
        sa.Column("next_title", sa.String(length=200), nullable=True),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("next_soon", sa.Date(), nullable=True),
        sa.Column("next_covered", sa.Boolean(), nullable=False),
        sa.Column("breach_id", sa.String(length=20), nullable=True),
        sa.Column("breach_title", sa.String(length=200), nullable=True),
        sa.Column("breach_due", sa.Date(), nullable=True),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("decision_due", sa.Date(), nullable=True),
        sa.Column("final_due", sa.Date(), nullable=True),
        sa.Column("weeks_end", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name="fk_case_summary_case_id_case", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name="pk_case_summary"),
    )
    op.create_index("ix_case_summary_next_due", "case_summary", ["next_due"])
    op.create_index("ix_case_summary_breach_due", "case_summary", ["breach_due"])
    op.create_index("ix_case_summary_review_due", "case_summary", ["review_due"])
    op.create_index("ix_case_summary_stamp", "case_summary", ["stamp"])
    op.create_table(
        "case_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("soon", sa.Date(), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("covered", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name="fk_case_step_case_id_case", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_case_step"),
    )
    op.create_index("ix_case_step_case_id", "case_step", ["case_id"])
    op.create_index("ix_case_step_due", "case_step", ["due"])


def downgrade() -> None:
    op.drop_table("case_step")
    op.drop_table("case_summary")
