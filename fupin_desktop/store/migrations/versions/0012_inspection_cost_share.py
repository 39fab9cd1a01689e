"""inspection cost share: 业务活动成本 and the part used for poverty relief, per annual inspection (003)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inspection') as batch:
        batch.add_column(sa.Column('activity_cost_fen', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('poverty_cost_fen', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inspection') as batch:
        batch.drop_column('poverty_cost_fen')
        batch.drop_column('activity_cost_fen')
