"""A user's session epoch: raised to end every session of the user.

Revision ID: 317c62f71127
Revises: c3d52e7a9b10
Create Date: 2026-11-30

Flask-Login keeps ``User.get_id()`` in the session, now the id and this epoch. Sessions made
before the upgrade hold the bare id and are signed out once: staff sign in again.
"""

import sqlalchemy as sa
from alembic import op

revision = "317c62f71127"
down_revision = "c3d52e7a9b10"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
