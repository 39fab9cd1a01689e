"""pending packages (signed by a certificate not yet registered) and aggregate runs (what each
aggregate counted, to list the counties whose figures changed since)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pending_package',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False, unique=True),
        sa.Column('division', sa.String(length=6), nullable=False),
        sa.Column('bureau', sa.String(length=100), nullable=False),
        sa.Column('report', sa.String(length=40), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('arrived_at', sa.DateTime(), nullable=False),
        sa.Column('arrived_by', sa.String(length=40), nullable=False),
    )
    op.create_index('ix_pending_package_division', 'pending_package', ['division'])
    op.create_table(
        'aggregate_run',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('report', sa.String(length=40), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('counties', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=40), nullable=False),
    )
    op.create_index('ix_aggregate_run_period', 'aggregate_run', ['period'])


def downgrade() -> None:
    op.drop_table('aggregate_run')
    op.drop_table('pending_package')
