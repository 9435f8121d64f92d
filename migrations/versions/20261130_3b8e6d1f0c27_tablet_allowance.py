"""Tablets' allowance of responses; the round a receipt of an outbox id names.

Revision ID: 3b8e6d1f0c27
Revises: 569572a83625
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "3b8e6d1f0c27"
down_revision = "569572a83625"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("device", schema=None) as batch_op:
        # None: full, as every tablet's allowance is when this is added.
        batch_op.add_column(sa.Column("pace_full_at", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("offline_receipt", schema=None) as batch_op:
        # None on the receipts already kept: their round is not known, so they stay.
        batch_op.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_offline_receipt_round_id"), ["round_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("offline_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offline_receipt_round_id"))
        batch_op.drop_column("round_id")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("pace_full_at")
