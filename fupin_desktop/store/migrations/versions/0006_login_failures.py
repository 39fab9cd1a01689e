"""login failures: a count of wrong passwords in a row, when the last was, when the account locked

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_account') as batch:
        batch.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('last_failed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('locked_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('locked_at')
        batch.drop_column('last_failed_at')
        batch.drop_column('failed_logins')
