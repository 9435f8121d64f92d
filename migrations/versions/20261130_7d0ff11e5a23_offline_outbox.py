"""Offline kiosk: receipts of outbox ids, responses kept for staff, tablets' outbox state.

Revision ID: 7d0ff11e5a23
Revises: 7f3c1d2e9a40
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "7d0ff11e5a23"
down_revision = "7f3c1d2e9a40"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "offline_receipt",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_offline_receipt")),
    )
    op.create_table(
        "offline_kept",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tilbud_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("arrived_week", sa.Date(), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tilbud_id"], ["tilbud.id"], name=op.f("fk_offline_kept_tilbud_id_tilbud")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offline_kept")),
    )
    with op.batch_alter_table("offline_kept", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offline_kept_tilbud_id"), ["tilbud_id"], unique=False)
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offline_waiting", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("last_contact_week", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("last_contact_week")
        batch_op.drop_column("offline_waiting")
    with op.batch_alter_table("offline_kept", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offline_kept_tilbud_id"))
    op.drop_table("offline_kept")
    op.drop_table("offline_receipt")
