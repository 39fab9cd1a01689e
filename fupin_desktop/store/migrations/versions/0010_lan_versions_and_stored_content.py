"""LAN: a version on the records clerks edit (no lost update), attachment content in the database

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

VERSIONED = ('organization', 'pairing', 'village', 'institution', 'household')


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    op.create_table(
        'stored_content',
        sa.Column('sha256', sa.String(length=64), primary_key=True),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('stored_content')
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('version')
