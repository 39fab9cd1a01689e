"""received packages: a correction whose original was never received waits for it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('received_package') as batch:
        batch.add_column(sa.Column('waiting', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('received_package') as batch:
        batch.drop_column('waiting')
