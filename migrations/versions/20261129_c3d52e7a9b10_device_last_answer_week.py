"""A tablet's last answer as a week, not a day.

Revision ID: c3d52e7a9b10
Revises: f9b1d72e6b79
Create Date: 2026-11-29

``device.last_answer_on`` (the day a response was last finished on the tablet) told which day
the tilbud's newest response came; it becomes ``last_answer_week``, the Monday of that week.
"""

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "c3d52e7a9b10"
down_revision = "f9b1d72e6b79"
branch_labels = None
depends_on = None


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def upgrade():
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.alter_column("last_answer_on", new_column_name="last_answer_week")
    bind = op.get_bind()
    device = sa.table("device", sa.column("id"), sa.column("last_answer_week", sa.Date))
    rows = bind.execute(sa.select(device.c.id, device.c.last_answer_week)).all()
    for device_id, day in rows:
        if day is not None:
            day = _as_date(day)
            monday = day - timedelta(days=day.weekday())
            bind.execute(
                device.update().where(device.c.id == device_id).values(last_answer_week=monday)
            )


def downgrade():
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.alter_column("last_answer_week", new_column_name="last_answer_on")
