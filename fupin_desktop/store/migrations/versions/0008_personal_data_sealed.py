"""personal data sealed: key slots per user; households' head name and ID number sealed, found by HMAC

The plain columns stay (now nullable) until the first login after this upgrade seals every row
and empties them: a migration has no password, so it cannot open or make a key slot.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'key_slot',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('salt', sa.LargeBinary(), nullable=False),
        sa.Column('time_cost', sa.Integer(), nullable=False),
        sa.Column('memory_kib', sa.Integer(), nullable=False),
        sa.Column('parallelism', sa.Integer(), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
        sa.PrimaryKeyConstraint('user_id'),
    )
    with op.batch_alter_table('household') as batch:
        batch.alter_column('head_name', existing_type=sa.String(length=30), nullable=True)
        batch.alter_column('id_number', existing_type=sa.String(length=18), nullable=True)
        batch.add_column(sa.Column('head_name_sealed', sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column('id_number_sealed', sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column('id_lookup', sa.String(length=64), nullable=True))
        batch.create_unique_constraint('uq_household_id_lookup', ['id_lookup'])


def downgrade() -> None:
    # No key here: the sealed names and numbers are dropped, not opened. The program never
    # downgrades; tests use this to make a database "from an older version".
    with op.batch_alter_table('household') as batch:
        batch.drop_constraint('uq_household_id_lookup', type_='unique')
        batch.drop_column('id_lookup')
        batch.drop_column('id_number_sealed')
        batch.drop_column('head_name_sealed')
    op.drop_table('key_slot')
