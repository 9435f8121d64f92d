"""The organisation's privacy notice, linked from the pårørende link pages.

Revision ID: 5e2a7c91d4f3
Revises: 317c62f71127
Create Date: 2026-11-30

Unset (NULL), the link pages link the app's own page about what it keeps.
"""

import sqlalchemy as sa
from alembic import op

revision = "5e2a7c91d4f3"
down_revision = "317c62f71127"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("privacy_url", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("privacy_url")
