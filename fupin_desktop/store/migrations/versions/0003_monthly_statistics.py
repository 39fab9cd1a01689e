"""monthly statistics: township-month reports kept as revisions, one row per pairing

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('monthly_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('filled_on', sa.Date(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_by', sa.String(length=40), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by', sa.String(length=40), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'returned', 'approved')", name='monthly_status'),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('township_id', 'period', 'revision')
    )
    with op.batch_alter_table('monthly_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monthly_report_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_monthly_report_township_id'), ['township_id'], unique=False)

    op.create_table('monthly_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('progress', sa.Text(), nullable=False),
    sa.Column('funds_fen', sa.BigInteger(), nullable=False),
    sa.Column('materials_fen', sa.BigInteger(), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('beneficiaries', sa.Integer(), nullable=False),
    sa.Column('jobs', sa.Integer(), nullable=False),
    sa.Column('trainees', sa.Integer(), nullable=False),
    sa.Column('volunteers', sa.Integer(), nullable=False),
    sa.Column('projects_landed', sa.Integer(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('flags_confirmed', sa.Boolean(), nullable=False),
    sa.CheckConstraint('funds_fen >= 0 AND materials_fen >= 0 AND households >= 0 AND beneficiaries >= 0 AND jobs >= 0 AND trainees >= 0 AND volunteers >= 0 AND projects_landed >= 0', name='monthly_figures_non_negative'),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairing.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['monthly_report.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('report_id', 'pairing_id')
    )
    with op.batch_alter_table('monthly_row', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monthly_row_pairing_id'), ['pairing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monthly_row_report_id'), ['report_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('monthly_row', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monthly_row_report_id'))
        batch_op.drop_index(batch_op.f('ix_monthly_row_pairing_id'))

    op.drop_table('monthly_row')
    with op.batch_alter_table('monthly_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monthly_report_township_id'))
        batch_op.drop_index(batch_op.f('ix_monthly_report_period'))

    op.drop_table('monthly_report')
