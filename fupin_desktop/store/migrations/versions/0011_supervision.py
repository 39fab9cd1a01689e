"""supervision: 抽查 samples and check records, 查处 cases marked handled

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'spot_check_sample',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('seed', sa.String(length=40), nullable=False),
        sa.Column('pairing_ids', sa.JSON(), nullable=False),
        sa.Column('by_township', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=40), nullable=False),
    )
    op.create_index('ix_spot_check_sample_year', 'spot_check_sample', ['year'])
    op.create_table(
        'spot_check',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('sample_id', sa.Integer(), sa.ForeignKey('spot_check_sample.id', ondelete='CASCADE'), nullable=False),
        sa.Column('pairing_id', sa.Integer(), sa.ForeignKey('pairing.id'), nullable=False),
        sa.Column('checked_on', sa.Date(), nullable=True),
        sa.Column('method', sa.String(length=10), nullable=True),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('truthful', sa.Boolean(), nullable=True),
        sa.Column('rectification', sa.Text(), nullable=False),
        sa.Column('rectify_by', sa.Date(), nullable=True),
        sa.Column('follow_up', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('updated_by', sa.String(length=40), nullable=True),
        sa.UniqueConstraint('sample_id', 'pairing_id'),
    )
    op.create_index('ix_spot_check_sample_id', 'spot_check', ['sample_id'])
    op.create_index('ix_spot_check_pairing_id', 'spot_check', ['pairing_id'])
    op.create_table(
        'enforcement_mark',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('organization_id', sa.Integer(), sa.ForeignKey('organization.id'), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('handled_at', sa.DateTime(), nullable=False),
        sa.Column('handled_by', sa.String(length=40), nullable=False),
        sa.UniqueConstraint('kind', 'organization_id', 'year'),
    )
    op.create_index('ix_enforcement_mark_organization_id', 'enforcement_mark', ['organization_id'])


def downgrade() -> None:
    op.drop_table('enforcement_mark')
    op.drop_table('spot_check')
    op.drop_table('spot_check_sample')
