"""expected exemption: a unit under a city or province marked 不适用 for a report, with the reason

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'expected_exemption',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('division', sa.String(length=6), nullable=False),
        sa.Column('report', sa.String(length=40), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=40), nullable=False),
        sa.UniqueConstraint('division', 'report'),
    )
    op.create_index('ix_expected_exemption_division', 'expected_exemption', ['division'])


def downgrade() -> None:
    op.drop_table('expected_exemption')
