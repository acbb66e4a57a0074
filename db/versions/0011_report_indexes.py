"""Covering indexes for `report`: the review pipeline and the forecast read an index, not rows.

case_step (step_id, due, case_id, kind, covered): each review / phase-transfer figure is a range
of one step's rows (R1 due in the term, R1 past due, R5 / R7 open, P1-P3), read from the index
alone. case_step (case_id, kind, due): a case's first duty due after a day (the forecast of a
case whose next duty is past) is one index look-up.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 05:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_case_step_step_due", "case_step", ["step_id", "due", "case_id", "kind", "covered"]
    )
    op.create_index("ix_case_step_duty", "case_step", ["case_id", "kind", "due"])


def downgrade() -> None:
    op.drop_index("ix_case_step_duty", table_name="case_step")
    op.drop_index("ix_case_step_step_due", table_name="case_step")
