"""Initial case store: teams, caseworkers, children, cases and their dated events, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 13:34:28.537377
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user', sa.String(length=200), nullable=False),
    sa.Column('db_user', sa.String(length=100), nullable=True),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=60), nullable=True),
    sa.Column('old', sa.Text(), nullable=True),
    sa.Column('new', sa.Text(), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_case_id'), ['case_id'], unique=False)

    op.create_table('child',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('upn', sa.String(length=13), nullable=True),
    sa.Column('uln', sa.String(length=10), nullable=True),
    sa.Column('setting_name', sa.String(length=200), nullable=True),
    sa.Column('setting_urn', sa.String(length=8), nullable=True),
    sa.Column('setting_code', sa.String(length=4), nullable=True),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.CheckConstraint("setting_code IS NULL OR setting_code IN ('OLA', 'OPA', 'EHE', 'EYP', 'OTH', 'NEET', 'NIEC', 'NIEO')", name=op.f('ck_child_setting_code')),
    sa.CheckConstraint("sex IS NULL OR sex IN ('F', 'M', 'U')", name=op.f('ck_child_sex')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child'))
    )
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.create_index('ix_child_names', ['last_name', 'first_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_upn'), ['upn'], unique=False)

    op.create_table('school_closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_closure'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team')),
    sa.UniqueConstraint('name', name=op.f('uq_team_name'))
    )
    op.create_table('caseworker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('db_role', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.CheckConstraint("role IN ('caseworker', 'team_leader')", name=op.f('ck_caseworker_role')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_caseworker_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_caseworker'))
    )
    with op.batch_alter_table('caseworker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_caseworker_team_id'), ['team_id'], unique=False)

    op.create_table('case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=40), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('caseworker_id', sa.Integer(), nullable=True),
    sa.Column('request_received', sa.Date(), nullable=False),
    sa.Column('request_channel', sa.String(length=10), nullable=True),
    sa.Column('request_source', sa.String(length=20), nullable=True),
    sa.Column('decision_to_assess', sa.Date(), nullable=True),
    sa.Column('decision_outcome', sa.String(length=12), nullable=True),
    sa.Column('not_issue_decision', sa.Date(), nullable=True),
    sa.Column('draft_served', sa.Date(), nullable=True),
    sa.Column('draft_method', sa.String(length=10), nullable=True),
    sa.Column('final_issued', sa.Date(), nullable=True),
    sa.Column('plan_issued', sa.Date(), nullable=True),
    sa.Column('need_type', sa.String(length=4), nullable=True),
    sa.Column('need_rank', sa.Integer(), nullable=True),
    sa.Column('placement_name', sa.String(length=200), nullable=True),
    sa.Column('placement_urn', sa.String(length=8), nullable=True),
    sa.Column('phase_transfer', sa.Date(), nullable=True),
    sa.Column('transfer_kind', sa.String(length=12), nullable=True),
    sa.Column('reassessment_notified', sa.Date(), nullable=True),
    sa.Column('ceased', sa.Date(), nullable=True),
    sa.Column('cease_reason', sa.Integer(), nullable=True),
    sa.Column('closed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.CheckConstraint("decision_outcome IS NULL OR decision_outcome IN ('assess', 'not-assess')", name=op.f('ck_case_decision_outcome')),
    sa.CheckConstraint("draft_method IS NULL OR draft_method IN ('email', 'post', 'hand', 'portal')", name=op.f('ck_case_draft_method')),
    sa.CheckConstraint("need_type IS NULL OR need_type IN ('SPLD', 'MLD', 'SLD', 'PMLD', 'SEMH', 'SLCN', 'HI', 'VI', 'MSI', 'PD', 'ASD', 'DS', 'OTH')", name=op.f('ck_case_need_type')),
    sa.CheckConstraint("request_channel IS NULL OR request_channel IN ('email', 'post', 'hand', 'portal')", name=op.f('ck_case_request_channel')),
    sa.CheckConstraint("request_source IS NULL OR request_source IN ('parent', 'young person', 'school', 'health', 'social care', 'other')", name=op.f('ck_case_request_source')),
    sa.CheckConstraint("transfer_kind IS NULL OR transfer_kind IN ('school', 'post16', 'post16-other')", name=op.f('ck_case_transfer_kind')),
    sa.CheckConstraint('cease_reason IS NULL OR (cease_reason BETWEEN 1 AND 9)', name=op.f('ck_case_cease_reason')),
    sa.ForeignKeyConstraint(['caseworker_id'], ['caseworker.id'], name=op.f('fk_case_caseworker_id_caseworker')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_case_child_id_child')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case')),
    sa.UniqueConstraint('ref', name=op.f('uq_case_ref'))
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index('ix_case_caseworker_closed', ['caseworker_id', 'closed'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_caseworker_id'), ['caseworker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_closed'), ['closed'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_request_received'), ['request_received'], unique=False)

    op.create_table('advice_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('advice_giver', sa.String(length=200), nullable=True),
    sa.Column('requested', sa.Date(), nullable=False),
    sa.Column('received', sa.Date(), nullable=True),
    sa.Column('chased', sa.Date(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.CheckConstraint("kind IN ('EP', 'health', 'social care', 'school', 'other')", name=op.f('ck_advice_request_kind')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_advice_request_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advice_request'))
    )
    with op.batch_alter_table('advice_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advice_request_case_id'), ['case_id'], unique=False)

    op.create_table('annual_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting', sa.Date(), nullable=True),
    sa.Column('notice_sent', sa.Date(), nullable=True),
    sa.Column('advice_circulated', sa.Date(), nullable=True),
    sa.Column('report_sent', sa.Date(), nullable=True),
    sa.Column('decision_sent', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=1), nullable=True),
    sa.Column('amendment_sent', sa.Date(), nullable=True),
    sa.Column('final_amended', sa.Date(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('A', 'C', 'M')", name=op.f('ck_annual_review_outcome')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_annual_review_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_review'))
    )
    with op.batch_alter_table('annual_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_review_case_id'), ['case_id'], unique=False)

    op.create_table('appeal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=True),
    sa.Column('lodged', sa.Date(), nullable=True),
    sa.Column('hearing', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=100), nullable=True),
    sa.Column('order_assess', sa.Date(), nullable=True),
    sa.Column('order_plan', sa.Date(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_appeal_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal'))
    )
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_case_id'), ['case_id'], unique=False)

    op.create_table('case_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), server_default=sa.text("('')"), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.CheckConstraint("code IN ('X1', 'X2', 'X3', 'X4', 'X5')", name=op.f('ck_case_exception_code')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_exception_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_exception'))
    )
    with op.batch_alter_table('case_exception', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_exception_case_id'), ['case_id'], unique=False)

    op.create_table('case_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('written', sa.Date(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_note_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_note'))
    )
    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_note_case_id'), ['case_id'], unique=False)

    op.create_table('consultation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=False),
    sa.Column('institution_urn', sa.String(length=8), nullable=True),
    sa.Column('sent', sa.Date(), nullable=False),
    sa.Column('responded', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('agreed', 'refused', 'no response')", name=op.f('ck_consultation_outcome')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_consultation_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation'))
    )
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_case_id'), ['case_id'], unique=False)

    op.create_table('mediation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_sent', sa.Date(), nullable=True),
    sa.Column('adviser_contacted', sa.Date(), nullable=True),
    sa.Column('mediation_declined', sa.Date(), nullable=True),
    sa.Column('mediation_requested', sa.Date(), nullable=True),
    sa.Column('mediation_held', sa.Date(), nullable=True),
    sa.Column('certificate_issued', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), server_default=sa.text("('')"), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_mediation_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation'))
    )
    with op.batch_alter_table('mediation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_case_id'), ['case_id'], unique=False)

    op.create_table('move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('other_authority', sa.String(length=200), nullable=True),
    sa.Column('move_date', sa.Date(), nullable=True),
    sa.Column('aware_of_move', sa.Date(), nullable=True),
    sa.Column('plan_transferred', sa.Date(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_by', sa.String(length=200), server_default=sa.text("('')"), nullable=False),
    sa.CheckConstraint("direction IS NULL OR direction IN ('in', 'out')", name=op.f('ck_move_direction')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_move_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_move'))
    )
    with op.batch_alter_table('move', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_move_case_id'), ['case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('move', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_move_case_id'))

    op.drop_table('move')
    with op.batch_alter_table('mediation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_case_id'))

    op.drop_table('mediation')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_case_id'))

    op.drop_table('consultation')
    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_note_case_id'))

    op.drop_table('case_note')
    with op.batch_alter_table('case_exception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_exception_case_id'))

    op.drop_table('case_exception')
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_case_id'))

    op.drop_table('appeal')
    with op.batch_alter_table('annual_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_review_case_id'))

    op.drop_table('annual_review')
    with op.batch_alter_table('advice_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advice_request_case_id'))

    op.drop_table('advice_request')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_request_received'))
        batch_op.drop_index(batch_op.f('ix_case_closed'))
        batch_op.drop_index(batch_op.f('ix_case_child_id'))
        batch_op.drop_index(batch_op.f('ix_case_caseworker_id'))
        batch_op.drop_index('ix_case_caseworker_closed')

    op.drop_table('case')
    with op.batch_alter_table('caseworker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caseworker_team_id'))

    op.drop_table('caseworker')
    op.drop_table('team')
    op.drop_table('setting')
    op.drop_table('school_closure')
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_upn'))
        batch_op.drop_index('ix_child_names')

    op.drop_table('child')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_case_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
