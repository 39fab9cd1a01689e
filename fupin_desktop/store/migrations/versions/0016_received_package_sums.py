"""received package sums: each package's totals and breakdown sums kept beside its data, so an
aggregate of a thousand units reads small columns (packages received before: worked out on use)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('received_package') as batch:
        batch.add_column(sa.Column('totals', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('breakdown', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('received_package') as batch:
        batch.drop_column('breakdown')
        batch.drop_column('totals')
