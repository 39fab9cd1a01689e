"""submission doc number: the 发文字号 each sealed letter got (晋民〔2026〕15号), unique

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submission') as batch:
        batch.add_column(sa.Column('doc_number', sa.String(length=40), nullable=True))
        batch.create_unique_constraint('uq_submission_doc_number', ['doc_number'])


def downgrade() -> None:
    with op.batch_alter_table('submission') as batch:
        batch.drop_constraint('uq_submission_doc_number', type_='unique')
        batch.drop_column('doc_number')
