"""SEN2 items the case store lacked: ethnicity, UPN-unknown reason, RYA, Exported/TransferLA,
secondary need, section I's SENsetting, residential/work-based/budget features, placements.

Revision ID: 0006
Revises: 0007
Create Date: 2026-12-01 19:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SETTING_CODES = "'OLA', 'OPA', 'EHE', 'EYP', 'OTH', 'NEET', 'NIEC', 'NIEO'"


def upgrade() -> None:
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ethnicity", sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column("upn_unknown", sa.String(length=4), nullable=True))
        batch_op.create_check_constraint(
            "upn_unknown",
            "upn_unknown IS NULL OR upn_unknown IN "
            "('UN1', 'UN2', 'UN3', 'UN5', 'UN8', 'UN9', 'UN10')",
        )
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_rya", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("exported_la", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("transfer_la", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("secondary_need", sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column("plan_setting_code", sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column("plan_setting_other", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("plan_residential", sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column("plan_work_based", sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column("personal_budget", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("budget_organised", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("direct_payment", sa.String(length=1), nullable=True))
        batch_op.create_check_constraint(
            "plan_residential", "plan_residential IS NULL OR plan_residential IN ('A', 'B')"
        )
        batch_op.create_check_constraint(
            "plan_work_based", "plan_work_based IS NULL OR plan_work_based IN ('A', 'T', 'S')"
        )
        batch_op.create_check_constraint(
            "direct_payment", "direct_payment IS NULL OR direct_payment IN ('E', 'S', 'H', 'I')"
        )
    op.create_table(
        "placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("urn", sa.String(length=8), nullable=True),
        sa.Column("setting_code", sa.String(length=4), nullable=True),
        sa.Column("setting_other", sa.String(length=100), nullable=True),
        sa.Column("entry", sa.Date(), nullable=False),
        sa.Column("leaving", sa.Date(), nullable=True),
        sa.Column("sen_unit", sa.Boolean(), nullable=True),
        sa.Column("resourced_provision", sa.Boolean(), nullable=True),
        sa.Column("residential", sa.String(length=1), nullable=True),
        sa.Column("work_based", sa.String(length=1), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("updated_by", sa.String(length=200), server_default=sa.text("''"), nullable=False),
        sa.CheckConstraint(
            f"setting_code IS NULL OR setting_code IN ({SETTING_CODES})",
            name=op.f("ck_placement_setting_code"),
        ),
        sa.CheckConstraint(
            "residential IS NULL OR residential IN ('A', 'B')",
            name=op.f("ck_placement_residential"),
        ),
        sa.CheckConstraint(
            "work_based IS NULL OR work_based IN ('A', 'T', 'S')",
            name=op.f("ck_placement_work_based"),
        ),
        sa.CheckConstraint("rank IN (1, 2)", name=op.f("ck_placement_rank")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_placement_case_id_case"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement")),
    )
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_case_id"))
    op.drop_table("placement")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_constraint("direct_payment", type_="check")
        batch_op.drop_constraint("plan_work_based", type_="check")
        batch_op.drop_constraint("plan_residential", type_="check")
        for name in (
            "direct_payment",
            "budget_organised",
            "personal_budget",
            "plan_work_based",
            "plan_residential",
            "plan_setting_other",
            "plan_setting_code",
            "secondary_need",
            "transfer_la",
            "exported_la",
            "request_rya",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_constraint("upn_unknown", type_="check")
        batch_op.drop_column("upn_unknown")
        batch_op.drop_column("ethnicity")
