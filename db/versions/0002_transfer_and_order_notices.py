"""Record the T2 transfer notice and the O1 order notice (timeline Facts gained both).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("move", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_notified", sa.Date(), nullable=True))
    with op.batch_alter_table("appeal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("order_notice_sent", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appeal", schema=None) as batch_op:
        batch_op.drop_column("order_notice_sent")
    with op.batch_alter_table("move", schema=None) as batch_op:
        batch_op.drop_column("parent_notified")
