"""Letters: the family's contacts (who the letters go to, who may appeal) and the letters sent.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01 19:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EDITABLE = (
    ("version", sa.Integer(), sa.text("1")),
    ("updated_at", sa.DateTime(), sa.text("CURRENT_TIMESTAMP")),
    ("updated_by", sa.String(length=200), sa.text("''")),
)


def _editable() -> list[sa.Column]:  # type: ignore[type-arg]
    return [sa.Column(n, t, server_default=d, nullable=False) for n, t, d in _EDITABLE]


def upgrade() -> None:
    op.create_table(
        "family_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("address", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("preferred_channel", sa.String(length=10), nullable=True),
        sa.Column("may_appeal", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        *_editable(),
        sa.CheckConstraint(
            "role IN ('parent', 'young_person', 'alternative_person')",
            name=op.f("ck_family_contact_role"),
        ),
        sa.CheckConstraint(
            "preferred_channel IS NULL OR preferred_channel IN ('email', 'post', 'hand', 'portal')",
            name=op.f("ck_family_contact_preferred_channel"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_family_contact_case_id_case"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_contact")),
    )
    op.create_index(op.f("ix_family_contact_case_id"), "family_contact", ["case_id"])
    op.create_table(
        "letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=200), server_default=sa.text("''"), nullable=False),
        sa.Column("dated", sa.Date(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("sent_by", sa.String(length=10), nullable=True),
        sa.Column("file_path", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("sha256", sa.String(length=64), server_default=sa.text("''"), nullable=False),
        sa.Column("inputs", sa.Text(), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        *_editable(),
        sa.CheckConstraint(
            "sent_by IS NULL OR sent_by IN ('email', 'post', 'hand', 'portal')",
            name=op.f("ck_letter_sent_by"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_letter_case_id_case"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter")),
    )
    op.create_index(op.f("ix_letter_case_id"), "letter", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_letter_case_id"), table_name="letter")
    op.drop_table("letter")
    op.drop_index(op.f("ix_family_contact_case_id"), table_name="family_contact")
    op.drop_table("family_contact")
