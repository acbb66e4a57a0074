"""The review pipeline's done steps on case_summary: meeting notice (R2) and report (R4) sent.

`report` counts the review pipeline in SQL from the stored rows; "notice sent, decision still to
send" needs to know R2 / R4 are done, which case_step (open steps only) does not keep. The rows
are filled by the background recompute (timeline.digest.RULES_VERSION was bumped with this).

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_summary") as batch:
        batch.add_column(
            sa.Column("notice_done", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("report_done", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("case_summary") as batch:
        batch.drop_column("report_done")
        batch.drop_column("notice_done")
