"""the notices' work model: campaign dates, targets and phases; a pairing in several campaigns;
对口支援 and organization-to-organization pairings; staff-to-institution links; monthly figures not
reported; inspection visits, evaluation scores and 典型, the 表彰名单, the 供需目录

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

OLD_TARGET = (
    "(target_kind = 'village' AND village_id IS NOT NULL AND household_id IS NULL AND institution_id IS NULL)"
    " OR (target_kind = 'household' AND household_id IS NOT NULL AND institution_id IS NULL)"
    " OR (target_kind = 'institution' AND institution_id IS NOT NULL AND household_id IS NULL)"
)
NEW_TARGET = (
    OLD_TARGET
    + " OR (target_kind = 'remote' AND remote_code IS NOT NULL AND village_id IS NULL"
    " AND household_id IS NULL AND institution_id IS NULL)"
    " OR (target_kind = 'organization' AND partner_name IS NOT NULL AND village_id IS NULL"
    " AND household_id IS NULL AND institution_id IS NULL)"
)
IN_COUNTY = "target_kind IN ('remote', 'organization') OR township_id IS NOT NULL"


def _audit() -> list[sa.Column]:  # type: ignore[type-arg]
    return [sa.Column('created_at', sa.DateTime(), nullable=False),
            sa.Column('created_by', sa.String(length=40), nullable=False)]


def upgrade() -> None:
    with op.batch_alter_table('campaign') as batch:
        batch.add_column(sa.Column('starts_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('target_households', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('target_projects', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('target_funds_fen', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('status', sa.String(length=20), nullable=False, server_default='open'))
        batch.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
    op.create_table(
        'campaign_phase',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('campaign_id', sa.Integer(), sa.ForeignKey('campaign.id', ondelete='CASCADE'), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.UniqueConstraint('campaign_id', 'seq'),
    )
    op.create_index('ix_campaign_phase_campaign_id', 'campaign_phase', ['campaign_id'])
    op.create_table(
        'pairing_campaign',
        sa.Column('pairing_id', sa.Integer(), sa.ForeignKey('pairing.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('campaign_id', sa.Integer(), sa.ForeignKey('campaign.id', ondelete='CASCADE'), primary_key=True),
    )
    op.create_index('ix_pairing_campaign_campaign_id', 'pairing_campaign', ['campaign_id'])

    with op.batch_alter_table('pairing') as batch:  # SQLite: copied and recreated; PostgreSQL: ALTER
        batch.drop_constraint('pairing_one_target', type_='check')
        batch.alter_column('township_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('remote_code', sa.String(length=12), nullable=True))
        batch.add_column(sa.Column('remote_name', sa.String(length=120), nullable=True))
        batch.add_column(sa.Column('partner_name', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('partner_credit_code', sa.String(length=18), nullable=True))
        batch.create_check_constraint('pairing_one_target', sa.text(NEW_TARGET))
        batch.create_check_constraint('pairing_township_in_county', sa.text(IN_COUNTY))

    op.create_table(
        'staff_link',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('link_no', sa.String(length=40), nullable=False, unique=True),
        sa.Column('staff_name', sa.String(length=30), nullable=False),
        sa.Column('staff_unit', sa.String(length=60), nullable=False),
        sa.Column('staff_position', sa.String(length=30), nullable=True),
        sa.Column('institution_id', sa.Integer(), sa.ForeignKey('institution.id'), nullable=False),
        sa.Column('campaign_id', sa.Integer(), sa.ForeignKey('campaign.id'), nullable=True),
        sa.Column('signed_on', sa.Date(), nullable=False),
        sa.Column('term_start', sa.Date(), nullable=False),
        sa.Column('term_end', sa.Date(), nullable=False),
        sa.Column('commitments', sa.Text(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.CheckConstraint('term_end >= term_start', name='staff_link_term_order'),
    )
    op.create_index('ix_staff_link_institution_id', 'staff_link', ['institution_id'])
    op.create_index('ix_staff_link_campaign_id', 'staff_link', ['campaign_id'])

    with op.batch_alter_table('monthly_row') as batch:
        batch.add_column(sa.Column('figures_reported', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('evaluation') as batch:
        batch.add_column(sa.Column('score', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('typical', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('case_text', sa.Text(), nullable=True))

    op.create_table(
        'inspection_visit',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('pairing_id', sa.Integer(), sa.ForeignKey('pairing.id'), nullable=True),
        sa.Column('township_id', sa.Integer(), sa.ForeignKey('township.id'), nullable=True),
        sa.Column('visited_on', sa.Date(), nullable=False),
        sa.Column('inspectors', sa.String(length=100), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('problems', sa.Text(), nullable=False),
        sa.Column('rectification', sa.Text(), nullable=False),
        sa.Column('rectify_by', sa.Date(), nullable=True),
        sa.Column('rectified_on', sa.Date(), nullable=True),
        sa.Column('rectify_note', sa.Text(), nullable=False),
        *_audit(),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('updated_by', sa.String(length=40), nullable=True),
    )
    op.create_index('ix_inspection_visit_year', 'inspection_visit', ['year'])
    op.create_index('ix_inspection_visit_pairing_id', 'inspection_visit', ['pairing_id'])
    op.create_index('ix_inspection_visit_township_id', 'inspection_visit', ['township_id'])
    op.create_table(
        'commendation',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('unit', sa.String(length=100), nullable=True),
        sa.Column('organization_id', sa.Integer(), sa.ForeignKey('organization.id'), nullable=True),
        sa.Column('pairing_id', sa.Integer(), sa.ForeignKey('pairing.id'), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        *_audit(),
    )
    op.create_index('ix_commendation_year', 'commendation', ['year'])
    op.create_table(
        'supply_need',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), sa.ForeignKey('village.id'), nullable=False),
        sa.Column('domain', sa.String(length=30), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('budget_fen', sa.BigInteger(), nullable=True),
        sa.Column('contact', sa.String(length=60), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('matched_organization_id', sa.Integer(), sa.ForeignKey('organization.id'), nullable=True),
        *_audit(),
    )
    op.create_index('ix_supply_need_year', 'supply_need', ['year'])
    op.create_index('ix_supply_need_village_id', 'supply_need', ['village_id'])
    op.create_table(
        'supply_offer',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), sa.ForeignKey('organization.id'), nullable=False),
        sa.Column('domain', sa.String(length=30), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('budget_fen', sa.BigInteger(), nullable=True),
        sa.Column('villages', sa.Integer(), nullable=True),
        *_audit(),
    )
    op.create_index('ix_supply_offer_year', 'supply_offer', ['year'])
    op.create_index('ix_supply_offer_organization_id', 'supply_offer', ['organization_id'])


def downgrade() -> None:
    for table in ('supply_offer', 'supply_need', 'commendation', 'inspection_visit', 'staff_link',
                  'pairing_campaign', 'campaign_phase'):
        op.drop_table(table)
    with op.batch_alter_table('evaluation') as batch:
        for column in ('case_text', 'typical', 'score'):
            batch.drop_column(column)
    with op.batch_alter_table('monthly_row') as batch:
        batch.drop_column('figures_reported')
    with op.batch_alter_table('pairing') as batch:  # SQLite: copied and recreated; PostgreSQL: ALTER
        batch.drop_constraint('pairing_township_in_county', type_='check')
        batch.drop_constraint('pairing_one_target', type_='check')
        for column in ('partner_credit_code', 'partner_name', 'remote_name', 'remote_code'):
            batch.drop_column(column)
        batch.alter_column('township_id', existing_type=sa.Integer(), nullable=False)
        batch.create_check_constraint('pairing_one_target', sa.text(OLD_TARGET))
    with op.batch_alter_table('campaign') as batch:
        for column in ('closed_on', 'status', 'target_funds_fen', 'target_projects', 'target_households',
                       'ends_on', 'starts_on'):
            batch.drop_column(column)
