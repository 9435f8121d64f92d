"""device response limit: the week a tablet was last refused a response, and how often

A tablet completes at most one response per KIOSK_MIN_SECONDS_BETWEEN_RESPONSES; a refusal is
recorded on the device (never on the response), as a week and a count, with no time of day.

Revision ID: 8b1371d504bd
Revises: a95910353e4c
Create Date: 2026-11-29 20:49:01.877934

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b1371d504bd'
down_revision = 'a95910353e4c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('limit_week', sa.Date(), nullable=True))
        # The server default fills the rows of tablets enrolled before this migration.
        batch_op.add_column(sa.Column('limit_hits', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_column('limit_hits')
        batch_op.drop_column('limit_week')
