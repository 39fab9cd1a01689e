"""submissions, trust list, received packages (sealed submissions and their verification)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('received_package',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('division', sa.String(length=6), nullable=False),
    sa.Column('bureau', sa.String(length=100), nullable=False),
    sa.Column('report', sa.String(length=40), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('package_sha256', sa.String(length=64), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('corrects', sa.String(length=64), nullable=True),
    sa.Column('manifest', sa.JSON(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=True),
    sa.Column('audit_hash', sa.String(length=64), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('received_by', sa.String(length=40), nullable=False),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('division', 'report', 'period', 'version'),
    sa.UniqueConstraint('package_sha256')
    )
    with op.batch_alter_table('received_package', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_received_package_division'), ['division'], unique=False)

    op.create_table('seal_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holder', sa.String(length=40), nullable=False),
    sa.Column('fingerprint', sa.String(length=100), nullable=False),
    sa.Column('cert_pem', sa.LargeBinary(), nullable=False),
    sa.Column('key_file', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('fingerprint')
    )
    with op.batch_alter_table('seal_certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seal_certificate_holder'), ['holder'], unique=False)

    op.create_table('submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report', sa.String(length=40), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('package_sha256', sa.String(length=64), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('corrects', sa.String(length=64), nullable=True),
    sa.Column('manifest', sa.JSON(), nullable=False),
    sa.Column('package', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('recipient', sa.String(length=100), nullable=False),
    sa.Column('incomplete', sa.JSON(), nullable=False),
    sa.Column('sent_to', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('report', 'period', 'version')
    )
    op.create_table('trust_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('division', sa.String(length=6), nullable=False),
    sa.Column('bureau', sa.String(length=100), nullable=False),
    sa.Column('fingerprint', sa.String(length=100), nullable=False),
    sa.Column('cert_pem', sa.LargeBinary(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('added_by', sa.String(length=40), nullable=False),
    sa.Column('retired_from', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('fingerprint')
    )
    with op.batch_alter_table('trust_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trust_entry_division'), ['division'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('trust_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trust_entry_division'))

    op.drop_table('trust_entry')
    op.drop_table('submission')
    with op.batch_alter_table('seal_certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seal_certificate_holder'))

    op.drop_table('seal_certificate')
    with op.batch_alter_table('received_package', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_received_package_division'))

    op.drop_table('received_package')
