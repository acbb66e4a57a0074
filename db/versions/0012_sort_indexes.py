"""Indexes for a whole-authority page in a header's order.

A team leader's list over every case, sorted by a column, is read through a bound on the sort
key's index (store/counts.py _key_bound) instead of sorting every match: these are the keys
that had no index - the child's last name as the list sorts it (lower-cased), the date of
birth, and the next step's title. The reference is unique (indexed) and caseworkers are few.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_child_last_name_lower", "child", [sa.text("lower(last_name)")])
    op.create_index("ix_child_date_of_birth", "child", ["date_of_birth"])
    op.create_index("ix_case_summary_next_title", "case_summary", ["next_title"])


def downgrade() -> None:
    op.drop_index("ix_case_summary_next_title", table_name="case_summary")
    op.drop_index("ix_child_date_of_birth", table_name="child")
    op.drop_index("ix_child_last_name_lower", table_name="child")
